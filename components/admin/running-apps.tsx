import { Suspense } from 'react';
import { getAdminDeps } from '@/lib/admin/deps';
import { listLobs } from '@/lib/admin/lobs';
import { listRunningApps } from '@/lib/admin/running-apps';
import { SectionCard, tdClass } from './page-parts';
import { DataTable } from './data-table';

async function RunningAppsTable({ lobs, actor }: { lobs: string[]; actor: string }) {
  const deps = getAdminDeps();
  const rows = (await listLobs(deps)).filter((l) => lobs.includes(l.lob) && l.enabled);
  const apps = await Promise.all(rows.map((lob) => listRunningApps(deps, lob, actor)));
  return (
    <DataTable
      label="Studio apps running now"
      testId="running-apps-table"
      caption="Studio apps running now per line of business"
      columns={['Line of business', 'JupyterLab', 'Code Editor', 'All']}
    >
      {apps.map((a) => (
        <tr key={a.lob} data-lob={a.lob}>
          <th scope="row" className={`${tdClass} font-medium`}>
            {a.lob}
          </th>
          {a.error ? (
            <td colSpan={3} className={`${tdClass} text-amber-900`}>
              Could not list apps: {a.error}
            </td>
          ) : (
            <>
              <td className={`${tdClass} tabular-nums`}>{a.byType?.JupyterLab ?? 0}</td>
              <td className={`${tdClass} tabular-nums`}>{a.byType?.CodeEditor ?? 0}</td>
              <td className={`${tdClass} tabular-nums`}>{a.total ?? 0}</td>
            </>
          )}
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * "Studio apps running now" per LOB (SageMaker ListApps in an access-control session naming `actor`, the
 * signed-in admin or owner); streamed in after the page.
 */
export function RunningApps({ lobs, actor }: { lobs: string[]; actor: string }) {
  return (
    <SectionCard titleId="running-apps-heading" title="Studio apps running now">
      <p className="mt-1 text-sm text-slate-600">
        InService apps in each domain, refreshed at most once a minute. Idle apps shut down after the LOB’s idle
        timeout.
      </p>
      <div className="mt-4">
        <Suspense fallback={<p className="text-sm text-slate-600">Listing apps…</p>}>
          <RunningAppsTable lobs={lobs} actor={actor} />
        </Suspense>
      </div>
    </SectionCard>
  );
}
