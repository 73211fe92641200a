import { Suspense } from 'react';
import { getAdminDeps } from '@/lib/admin/deps';
import { listLobs } from '@/lib/admin/lobs';
import { listRunningApps } from '@/lib/admin/running-apps';
import { Card, TableFrame, sectionTitleClass, tableClass, tbodyClass, tdClass, thClass, theadClass } from './page-parts';

async function RunningAppsTable({ lobs, actor }: { lobs: string[]; actor: string }) {
  const deps = getAdminDeps();
  const rows = (await listLobs(deps)).filter((l) => lobs.includes(l.lob) && l.enabled);
  const apps = await Promise.all(rows.map((lob) => listRunningApps(deps, lob, actor)));
  return (
    <TableFrame label="Studio apps running now">
      <table className={tableClass} data-testid="running-apps-table">
        <caption className="sr-only">Studio apps running now per line of business</caption>
        <thead className={theadClass}>
          <tr><th scope="col" className={thClass}>Line of business</th><th scope="col" className={thClass}>JupyterLab</th><th scope="col" className={thClass}>Code Editor</th><th scope="col" className={thClass}>All</th></tr>
        </thead>
        <tbody className={tbodyClass}>
          {apps.map((a) => (
            <tr key={a.lob} data-lob={a.lob}>
              <th scope="row" className={`${tdClass} font-medium`}>{a.lob}</th>
              {a.error ? (
                <td colSpan={3} className={`${tdClass} text-amber-900`}>Could not list apps: {a.error}</td>
              ) : (
                <>
                  <td className={`${tdClass} tabular-nums`}>{a.byType?.JupyterLab ?? 0}</td>
                  <td className={`${tdClass} tabular-nums`}>{a.byType?.CodeEditor ?? 0}</td>
                  <td className={`${tdClass} tabular-nums`}>{a.total ?? 0}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

/**
 * "Studio apps running now" per LOB (SageMaker ListApps in an access-control session naming `actor`, the
 * signed-in admin or owner); streamed in after the page.
 */
export function RunningApps({ lobs, actor }: { lobs: string[]; actor: string }) {
  return (
    <Card aria-labelledby="running-apps-heading">
      <h2 id="running-apps-heading" className={sectionTitleClass}>Studio apps running now</h2>
      <p className="mt-1 text-sm text-slate-600">InService apps in each domain, refreshed at most once a minute. Idle apps shut down after the LOB’s idle timeout.</p>
      <div className="mt-4">
        <Suspense fallback={<p className="text-sm text-slate-600">Listing apps…</p>}>
          <RunningAppsTable lobs={lobs} actor={actor} />
        </Suspense>
      </div>
    </Card>
  );
}
