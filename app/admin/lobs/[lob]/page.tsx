import { notFound } from 'next/navigation';
import { requireAdminPage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { getLob } from '@/lib/admin/lobs';
import { lobToFormValues } from '@/lib/admin/lob-form';
import { LobForm } from '@/components/admin/lob-form';
import { ConnectionTest, DeleteLobDialog } from '@/components/admin/lob-commands';
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
      <h1 className="text-2xl font-semibold text-gray-900">
        {lob.displayName} <span className="text-gray-700">({lob.lob})</span>
      </h1>
      <p className="mb-4 text-sm text-gray-700">
        Version {lob.version}
        {lob.updatedBy ? `, last changed by ${lob.updatedBy}` : ''}
        {lob.updatedAt ? ` at ${lob.updatedAt}` : ''}
        {lob.enabled ? '' : ' · disabled'}
      </p>
      <div role="status" aria-live="polite">
        {saved === 'created' && lob.version === 1 ? <p className="mb-4 rounded border border-green-700 bg-green-50 p-3 text-green-900">Created {lob.lob}.</p> : null}
      </div>
      <LobForm mode="edit" initial={lobToFormValues(lob)} />
      <ConnectionTest lob={lob.lob} />
      <section aria-labelledby="danger-title" className="mt-8 rounded border border-red-300 p-4">
        <h2 id="danger-title" className="text-xl font-semibold text-gray-900">Delete</h2>
        <div className="mt-3">
          <DeleteLobDialog key={`d${lob.version}`} lob={lob.lob} version={lob.version} />
        </div>
      </section>
    </div>
  );
}
