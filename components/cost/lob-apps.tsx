import { Suspense } from 'react';
import type { Lob } from '@/lib/directory/types';
import { getClock } from '@/lib/clock';
import { appIdOf, appLabelOf } from '@/lib/cost/apps';
import { getCostDeps } from '@/lib/cost/deps';
import { listLobApps } from '@/lib/cost/stop-app';
import { toPortalError } from '@/lib/errors';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { inputClass, labelClass } from '@/components/admin/form-parts';
import { Card, sectionTitleClass, tdClass } from '@/components/admin/page-parts';
import { DataTable, srOnlyColumn } from '@/components/admin/data-table';
import { APP_COLUMNS, AppCostCells, StopNotice } from './my-apps';
import { StopAppForm } from './stop-app';

const HOUR_MS = 3600_000;

/** "Running longer than N hours" as a number of hours (undefined: every app). */
export function parseLongerThan(raw: string | undefined): number | undefined {
  const n = Number(raw);
  return raw && Number.isFinite(n) && n >= 0 && n <= 8760 ? n : undefined;
}

async function LobAppsTable({ lob, viewer, longer }: { lob: Lob; viewer: string; longer?: number }) {
  const deps = getCostDeps();
  const now = getClock()();
  let apps;
  try {
    apps = await listLobApps(deps, lob, viewer);
  } catch (error) {
    return (
      <Alert tone="error" title="The running apps could not be listed">
        <p>{toPortalError(error).message}</p>
      </Alert>
    );
  }
  const shown =
    longer === undefined ? apps : apps.filter((a) => now.getTime() - a.createdAt.getTime() > longer * HOUR_MS);
  const path = `/admin/lobs/${encodeURIComponent(lob.lob)}`;
  const cells = {
    lob,
    now,
    prices: deps.prices,
    cell: tdClass,
    noSpace: 'default',
    kind: 'lob' as const,
    confirmPath: path,
  };
  return (
    <>
      <p className="text-sm text-slate-600" data-testid="lob-apps-count">
        {shown.length} of {apps.length} running app{apps.length === 1 ? '' : 's'}
        {longer === undefined ? '' : ` (running longer than ${longer} hours)`}.
      </p>
      {shown.length ? (
        <DataTable
          label={`Running apps in ${lob.lob}`}
          testId="lob-apps-table"
          caption={`Running Studio apps in ${lob.lob}`}
          columns={['User', ...APP_COLUMNS, srOnlyColumn('Stop')]}
        >
          {shown.map((app) => (
            <tr key={appIdOf(app)} data-user={app.user}>
              <th scope="row" className={`${tdClass} font-medium`}>
                {app.user}
              </th>
              <td className={tdClass}>
                {app.appType}
                <div>
                  <StopNotice lob={lob} app={app} now={now} />
                </div>
              </td>
              <AppCostCells app={app} {...cells} label={`${appLabelOf(app)} of ${app.user}`} />
            </tr>
          ))}
        </DataTable>
      ) : null}
    </>
  );
}

/**
 * A LOB's running Studio apps for its owners and platform admins: the filter "running longer than N hours",
 * a Stop per app (with a reason the user is told), `confirm` the no-JS confirmation step (?stop=&lob=).
 */
export function LobRunningApps({
  lob,
  viewer,
  query,
}: {
  lob: Lob;
  viewer: string;
  query: { longer?: string; stop?: string; stopped?: string };
}) {
  const longer = parseLongerThan(query.longer);
  const path = `/admin/lobs/${encodeURIComponent(lob.lob)}`;
  return (
    <Card aria-labelledby="running-apps-title">
      <h2 id="running-apps-title" className={sectionTitleClass}>
        <span id="running-apps">Running Studio apps</span>
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Stopping an app ends it at once; its user is notified with your reason. Costs are estimates from list prices.
        {lob.stopAfterHours || lob.stopAfterHoursGpu
          ? ` Apps are stopped after ${lob.stopAfterHours ?? 'no limit for non-GPU'}${lob.stopAfterHours ? ' hours' : ''}${lob.stopAfterHoursGpu ? ` (GPU: ${lob.stopAfterHoursGpu} hours)` : ''}.`
          : ' No running-time limit is set.'}
      </p>
      <div role="status" aria-live="polite">
        {query.stopped ? (
          <p className="mt-2 text-sm text-emerald-900" data-testid="app-stopped">
            Stopped {query.stopped}.
          </p>
        ) : null}
      </div>
      <form method="get" action={path} className="mt-3 flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="longer" className={labelClass}>
            Running longer than (hours)
          </label>
          <input
            id="longer"
            name="longer"
            inputMode="decimal"
            className={`${inputClass} w-28`}
            defaultValue={query.longer ?? ''}
          />
        </div>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </form>
      {query.stop ? (
        <div className="mt-4 rounded-md border border-red-200 bg-red-50 p-4" data-testid="stop-confirm">
          <StopAppForm
            kind="lob"
            lob={lob.lob}
            app={query.stop}
            label={`${query.stop.split('.')[2] ?? 'app'} (${query.stop.split('.')[1] ?? ''})`}
            confirmPath={path}
            cancelHref={path}
          />
        </div>
      ) : null}
      <div className="mt-4">
        <Suspense fallback={<p className="text-sm text-slate-600">Listing apps…</p>}>
          <LobAppsTable lob={lob} viewer={viewer} longer={longer} />
        </Suspense>
      </div>
    </Card>
  );
}
