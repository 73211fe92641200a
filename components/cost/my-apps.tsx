import { Suspense } from 'react';
import type { SessionUser } from '@/lib/auth/types';
import type { Lob } from '@/lib/directory/types';
import { getClock } from '@/lib/clock';
import { appIdOf, appLabelOf, type RunningApp } from '@/lib/cost/apps';
import { getCostDeps } from '@/lib/cost/deps';
import { costOf, formatCost, type PriceTable } from '@/lib/cost/prices';
import { loadMyApps } from '@/lib/cost/report';
import { stopsAt, WARN_BEFORE_MS } from '@/lib/cost/sweep';
import { toPortalError } from '@/lib/errors';
import { log } from '@/lib/log';
import { formatUtc } from '@/lib/time-format';
import { Alert } from '@/components/ui/alert';
import { HeadRow, srOnlyColumn } from '@/components/admin/data-table';
import { StopAppButton, StopAppForm } from './stop-app';

const cardClass = 'rounded-lg border border-slate-200 bg-white p-5 shadow-sm sm:p-6';
const th = 'px-3 py-2 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase';
const td = 'px-3 py-2 align-top text-sm text-slate-700';
/** The columns of a running app (AppCostCells fill the cost ones); a LOB's list puts its user first. */
export const APP_COLUMNS = ['App', 'Space', 'Instance type', 'Running since', 'Estimated cost so far'];

/** "Stops at … (limit N h)": a warning in the last 30 minutes before the LOB's limit. */
export function StopNotice({ lob, app, now }: { lob: Lob; app: RunningApp; now: Date }) {
  const at = stopsAt(lob, app);
  if (!at) return null;
  const soon = at.getTime() - now.getTime() <= WARN_BEFORE_MS;
  return (
    <span className={soon ? 'font-semibold text-amber-900' : 'text-slate-600'} data-testid="stop-notice">
      {soon ? 'Stops soon: ' : 'Stops '}at {formatUtc(at.toISOString())} (the LOB’s limit)
      {soon ? '. Save your work.' : ''}
    </span>
  );
}

/** Estimated cost of an app so far (running time x list price); "–" without a price. */
export function costSoFar(prices: PriceTable, lob: Lob, app: RunningApp, now: Date): string {
  return formatCost(
    costOf(prices, lob.region, app.instanceType, Math.max(0, (now.getTime() - app.createdAt.getTime()) / 1000)),
    prices.currency,
  );
}

/** The cells both app tables share: space, instance type, start (UTC), cost so far, and the Stop button. */
export function AppCostCells(props: {
  app: RunningApp;
  lob: Lob;
  now: Date;
  prices: PriceTable;
  /** The class of a cell. */
  cell: string;
  /** The space column for an app in no space. */
  noSpace: string;
  kind: 'lob' | 'own';
  /** The Stop button's accessible name. */
  label: string;
  confirmPath: string;
}) {
  const { app, lob, cell } = props;
  const started = app.createdAt.toISOString();
  return (
    <>
      <td className={cell}>{app.spaceName ?? props.noSpace}</td>
      <td className={`${cell} font-mono text-xs`}>{app.instanceType}</td>
      <td className={`${cell} whitespace-nowrap`}>
        <time dateTime={started}>{formatUtc(started)}</time>
      </td>
      <td className={`${cell} tabular-nums`}>{costSoFar(props.prices, lob, app, props.now)}</td>
      <td className={cell}>
        <StopAppButton
          kind={props.kind}
          lob={lob.lob}
          app={appIdOf(app)}
          label={props.label}
          confirmPath={props.confirmPath}
        />
      </td>
    </>
  );
}

async function MyAppsList({ user, lobs }: { user: SessionUser; lobs: Lob[] }) {
  const deps = getCostDeps();
  const now = getClock()();
  const loaded = await loadMyApps(deps, lobs, user.username, now);
  const month = loaded.month;
  const perLob = loaded.perLob.map(({ lob, apps, error }) => {
    if (!error) return { lob, apps };
    const failure = toPortalError(error);
    log.warn('home.apps_failed', { user: user.username, lob: lob.lob, code: failure.code });
    return { lob, apps, error: failure.message };
  });
  const running = perLob.reduce((n, l) => n + l.apps.length, 0);
  const cells = {
    now,
    prices: deps.prices,
    cell: td,
    noSpace: 'default (your profile)',
    kind: 'own' as const,
    confirmPath: '/',
  };
  return (
    <div className="space-y-4">
      {perLob.map(({ lob, apps, error }) =>
        error ? (
          <Alert key={lob.lob} tone="warning" title={`Your apps in ${lob.lob} could not be listed`}>
            <p>{error}</p>
          </Alert>
        ) : apps.length ? (
          <div
            key={lob.lob}
            className="overflow-x-auto"
            role="region"
            aria-label={`Your apps in ${lob.displayName}`}
            tabIndex={0}
          >
            <table className="min-w-full divide-y divide-slate-200" data-testid={`my-apps-${lob.lob}`}>
              <caption className="mb-2 text-left text-sm font-semibold text-slate-800">
                {lob.displayName} ({lob.lob})
              </caption>
              <thead className="bg-slate-50">
                <HeadRow columns={[...APP_COLUMNS, srOnlyColumn('Stop')]} cellClass={th} />
              </thead>
              <tbody className="divide-y divide-slate-100">
                {apps.map((app) => (
                  <tr key={appIdOf(app)} data-app={appLabelOf(app)}>
                    <th scope="row" className={`${td} font-medium text-slate-900`}>
                      {app.appType}
                      <div className="font-normal">
                        <StopNotice lob={lob} app={app} now={now} />
                      </div>
                    </th>
                    <AppCostCells app={app} lob={lob} {...cells} label={myLabel(app)} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null,
      )}
      {running === 0 && perLob.every((l) => !l.error) ? (
        <p className="text-sm text-slate-600" data-testid="no-apps">
          No Studio apps of yours are running.
        </p>
      ) : null}
      {month ? (
        <p className="text-sm text-slate-700" data-testid="my-month">
          This month ({month.month}, UTC): {month.hours.toLocaleString('en-US')} app hours, about{' '}
          <strong>{formatCost(month.cost, deps.prices.currency)}</strong>
          {month.unpricedHours
            ? ` (${month.unpricedHours} hours on instance types without a list price not included)`
            : ''}
          .
        </p>
      ) : null}
      <p className="text-xs text-slate-600">
        Costs are estimates from list prices ({deps.prices.currency} per hour, {deps.prices.asOf}), not your bill: they
        count the time apps run, counted every few minutes.
      </p>
    </div>
  );
}

/** "JupyterLab in space alice-ds", or "JupyterLab in your user profile" for an app in no space. */
export function myLabel(app: Pick<RunningApp, 'appType' | 'spaceName'>): string {
  return app.spaceName ? appLabelOf(app) : `${app.appType} in your user profile`;
}

/**
 * "My Studio apps": per LOB the signed-in user's running apps with their cost so far and a Stop button;
 * `confirm` (?stop=&lob=) is the confirmation step for browsers without JavaScript. Streamed in after the page.
 */
export function MyStudioApps({
  user,
  lobs,
  confirm,
  stopped,
}: {
  user: SessionUser;
  lobs: Lob[];
  confirm?: { lob: string; app: string };
  stopped?: string;
}) {
  const confirmLob = confirm && lobs.find((l) => l.lob === confirm.lob);
  return (
    <section aria-labelledby="my-apps-heading" className={cardClass} id="my-apps">
      <h2 id="my-apps-heading" className="text-base font-semibold text-slate-900">
        My Studio apps
      </h2>
      <div role="status" aria-live="polite">
        {stopped ? (
          <p className="mt-2 text-sm text-emerald-900" data-testid="app-stopped">
            Stopped {stopped}.
          </p>
        ) : null}
      </div>
      {confirm && confirmLob ? (
        <div className="mt-4 rounded-md border border-red-200 bg-red-50 p-4" data-testid="stop-confirm">
          <StopAppForm
            kind="own"
            lob={confirmLob.lob}
            app={confirm.app}
            label={confirmLabel(confirm.app)}
            confirmPath="/"
            cancelHref="/"
          />
        </div>
      ) : null}
      <div className="mt-4">
        <Suspense fallback={<p className="text-sm text-slate-600">Listing your apps…</p>}>
          <MyAppsList user={user} lobs={lobs} />
        </Suspense>
      </div>
    </section>
  );
}

/** The label of an app id, for the confirmation step (the id names space or profile, and the app type). */
export function confirmLabel(appId: string): string {
  const [where, name, appType] = appId.split('.');
  return where === 'space' ? `${appType} in space ${name}` : `${appType} in your user profile`;
}
