import { notFound } from 'next/navigation';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { getLob } from '@/lib/admin/lobs';
import { lobToFormValues } from '@/lib/admin/lob-form';
import { LobForm } from '@/components/admin/lob-form';
import { ConnectionTest, DeleteLobDialog } from '@/components/admin/lob-commands';
import { Badge, Card, PageHeader, sectionTitleClass } from '@/components/admin/page-parts';
import { LOB_NAME_PATTERN } from '@/lib/admin/validation';

export default async function EditLobPage({
  params,
  searchParams,
}: {
  params: Promise<{ lob: string }>;
  searchParams: Promise<{ saved?: string }>;
}) {
  const { lob: raw } = await params;
  const name = decodeURIComponent(raw);
  await requireAdminPage(`/admin/lobs/${encodeURIComponent(name)}`);
  if (!LOB_NAME_PATTERN.test(name)) notFound();
  const deps = getAdminDeps();
  // Members are counted when a delete is attempted (a scan of the Users table), not on every page view.
  const lob = await getLob(deps, name);
  if (!lob) notFound();
  const { saved } = await searchParams;
  return (
    <div>
      <PageHeader
        back={{ href: '/admin/lobs', label: 'All lines of business' }}
        title={
          <span className="inline-flex flex-wrap items-center gap-x-3 gap-y-1">
            <span>
              {lob.displayName} <span className="font-normal text-slate-600">({lob.lob})</span>
            </span>
            {lob.enabled ? null : <Badge tone="danger">Disabled</Badge>}
          </span>
        }
        description={
          <p>
            Version {lob.version}
            {lob.updatedBy ? `, last changed by ${lob.updatedBy}` : ''}
            {lob.updatedAt ? ` at ${lob.updatedAt}` : ''}
          </p>
        }
      />
      <div role="status" aria-live="polite">
        {saved === 'created' && lob.version === 1 ? (
          <p className="mb-4 rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">Created {lob.lob}.</p>
        ) : null}
      </div>
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card aria-label="Line of business settings">
          <LobForm mode="edit" initial={lobToFormValues(lob)} />
        </Card>
        <div className="space-y-6">
          <Card>
            <ConnectionTest lob={lob.lob} />
          </Card>
          <Card aria-labelledby="idle-title">
            <h2 id="idle-title" className={sectionTitleClass}>Idle shutdown</h2>
            <p className="mt-2 text-sm text-slate-700" data-testid="idle-shutdown">
              {lob.idleShutdownMinutes
                ? `JupyterLab and Code Editor apps shut down after ${lob.idleShutdownMinutes} idle minutes.`
                : 'Not set for this line of business.'}
            </p>
            <p className="mt-1 text-sm text-slate-600">Set per LOB in the infrastructure configuration (idleShutdownMinutes, 60-525600) and deployed to the Studio domain; read-only here.</p>
          </Card>
          <Card aria-labelledby="danger-title" tone="danger">
            <h2 id="danger-title" className={sectionTitleClass}>Delete</h2>
            <p className="mt-1 text-sm text-slate-600">Removes the line of business; users assigned to it are counted first.</p>
            <div className="mt-4">
              <DeleteLobDialog key={`d${lob.version}`} lob={lob.lob} version={lob.version} />
            </div>
          </Card>
        </div>
      </div>
    </div>
  );
}
