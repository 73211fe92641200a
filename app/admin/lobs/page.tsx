import Link from 'next/link';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listLobs } from '@/lib/admin/lobs';
import { readFlash } from '@/lib/http/flash';
import { buttonClass, linkClass } from '@/components/admin/form-parts';
import { CheckAllLobsForm, EnableLobForm } from '@/components/admin/lob-commands';
import { RelativeTime } from '@/components/ui/relative-time';
import { readLobHealth } from '@/lib/usage/health';
import { Badge, PageHeader, tdClass, wideOnly } from '@/components/admin/page-parts';
import { DataTable, wideColumn } from '@/components/admin/data-table';

const LOB_COLUMNS = [
  'Name',
  'Account',
  'Domain',
  wideColumn('Region'),
  wideColumn('IdP groups'),
  'Status',
  'Health check',
  wideColumn('Version'),
  'Actions',
];

export default async function LobsPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  const access = await requireConsolePage('/admin/lobs');
  // Only a name the portal signed when it deleted the LOB (a crafted ?deleted= shows nothing).
  const deleted = readFlash('lob.deleted', (await searchParams).deleted);
  const deps = getAdminDeps();
  const lobs = (await listLobs(deps)).filter((l) => access.lobs.includes(l.lob));
  const health = await readLobHealth(
    { doc: deps.ddb, table: deps.tables.usage },
    lobs.map((l) => l.lob),
  );
  return (
    <div>
      <PageHeader
        title="Lines of business"
        description="Each line of business is one AWS account with its Studio domain. Disabled ones stay configured but nobody can launch into them."
        actions={
          access.platformAdmin ? (
            <>
              <CheckAllLobsForm />
              <Link href="/admin/lobs/new" className={buttonClass}>
                Add a line of business
              </Link>
            </>
          ) : undefined
        }
      />
      <div role="status" aria-live="polite">
        {deleted ? (
          <p className="mb-4 rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
            Deleted {deleted}.
          </p>
        ) : null}
      </div>
      <DataTable
        label="Lines of business"
        caption="Lines of business"
        columns={LOB_COLUMNS}
        empty={lobs.length === 0 ? 'No lines of business yet.' : undefined}
      >
        {lobs.map((lob) => (
          <tr key={lob.lob} className="hover:bg-slate-50" data-lob={lob.lob}>
            <td className={tdClass}>
              <Link className={`${linkClass} whitespace-nowrap`} href={`/admin/lobs/${encodeURIComponent(lob.lob)}`}>
                {lob.lob}
              </Link>
              <div className="mt-0.5 text-slate-600">{lob.displayName}</div>
            </td>
            <td className={`${tdClass} font-mono text-slate-800 tabular-nums`}>{lob.accountId}</td>
            <td className={`${tdClass} font-mono text-slate-800`}>{lob.domainId}</td>
            <td className={`${tdClass} ${wideOnly} font-mono whitespace-nowrap text-slate-800`}>{lob.region}</td>
            <td className={`${tdClass} ${wideOnly}`}>{lob.groups.join(', ') || '—'}</td>
            <td className={tdClass}>
              {lob.enabled ? <Badge tone="success">Enabled</Badge> : <Badge tone="danger">Disabled</Badge>}
            </td>
            <td className={`${tdClass} min-w-40`} data-testid="lob-health">
              {(() => {
                const h = health.get(lob.lob);
                if (!h) return <span className="text-slate-600">Not checked yet</span>;
                return (
                  <div className="space-y-0.5">
                    {h.ok ? <Badge tone="success">ok</Badge> : <Badge tone="danger">failing</Badge>}
                    <div className="text-xs text-slate-600">
                      checked <RelativeTime iso={h.checkedAt} />
                    </div>
                    {h.failingSince ? (
                      <div className="text-xs text-red-800">
                        failing since <RelativeTime iso={h.failingSince} />
                      </div>
                    ) : null}
                    {!h.ok ? <div className="text-xs break-words text-slate-700">{h.summary}</div> : null}
                  </div>
                );
              })()}
            </td>
            <td className={`${tdClass} ${wideOnly} tabular-nums`}>{lob.version}</td>
            <td className={tdClass}>
              <div className="flex flex-col items-start gap-2">
                <Link
                  className={linkClass}
                  href={`/admin/lobs/${encodeURIComponent(lob.lob)}/members`}
                  aria-label={`Members of ${lob.lob}`}
                >
                  Members
                </Link>
                {access.platformAdmin ? (
                  <EnableLobForm key={lob.version} lob={lob.lob} version={lob.version} enabled={lob.enabled} />
                ) : null}
              </div>
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
