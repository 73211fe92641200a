import Link from 'next/link';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { getUsageReport, parseUsagePeriod } from '@/lib/admin/usage';
import { lobLabel } from '@/lib/admin/visible-lobs';
import { USAGE_PERIODS } from '@/lib/usage/report';
import { DURATION_BUCKETS_MS, NO_LOB } from '@/lib/usage/schema';
import { secondaryButtonClass } from '@/components/admin/form-parts';
import { ChartCard } from '@/components/admin/chart-card';
import { PageHeader, tdClass } from '@/components/admin/page-parts';
import { HorizontalBarChart, Legend, StackedBarChart } from '@/components/admin/usage-charts';
import { RunningApps } from '@/components/admin/running-apps';
import { InstanceUsageCards } from '@/components/cost/usage-cards';
import { listLobs } from '@/lib/admin/lobs';
import { EmergencyUsage } from '@/components/access/emergency-usage';

const number = (n: number) => n.toLocaleString('en-US');
const LAST_BOUND = DURATION_BUCKETS_MS[DURATION_BUCKETS_MS.length - 1];
const duration = (ms?: number) =>
  ms === undefined ? '—' : ms >= LAST_BOUND ? `> ${number(LAST_BOUND)} ms` : `≤ ${number(ms)} ms`;

export default async function UsagePage({ searchParams }: { searchParams: Promise<{ days?: string }> }) {
  const access = await requireConsolePage('/admin/usage');
  const days = parseUsagePeriod((await searchParams).days);
  const report = await getUsageReport(getAdminDeps(), access, days);
  const series = report.lobs.map((lob) => ({ key: lob, label: lobLabel(lob), values: report.launches[lob] ?? [] }));
  const total = report.perLob.reduce((a, l) => a + l.launches, 0);
  const failed = report.perLob.reduce((a, l) => a + l.failures, 0);
  // Users are counted per calendar month (the write-time totals): the months this period touches.
  const months =
    report.userMonths.length > 1
      ? `${report.userMonths[0]} to ${report.userMonths[report.userMonths.length - 1]}`
      : report.userMonths[0];
  return (
    <div>
      <PageHeader
        title="Usage"
        description={`Launches, failures and users per line of business over the last ${days} days (UTC days, today included), counted as launches happen.`}
        actions={
          <>
            <nav aria-label="Period" className="flex gap-2">
              {USAGE_PERIODS.map((p) => (
                <Link
                  key={p}
                  href={`/admin/usage?days=${p}`}
                  aria-current={p === days ? 'page' : undefined}
                  className={`${secondaryButtonClass} ${p === days ? 'border-brand-600 text-brand-800' : ''}`}
                >
                  {p} days
                </Link>
              ))}
            </nav>
            <a className={secondaryButtonClass} href={`/admin/usage/export?days=${days}`} download>
              Export CSV
            </a>
          </>
        }
      />
      <p className="mb-6 text-sm text-slate-700" data-testid="usage-summary">
        {number(total)} launches, {number(failed)} failed ({total ? ((failed / total) * 100).toFixed(1) : '0.0'}%).
      </p>
      <div className="space-y-6">
        <ChartCard
          id="launches"
          title="Launches per day"
          chart={
            <>
              <StackedBarChart
                id="launches-chart"
                title={`Launches per day and line of business, last ${days} days`}
                description={`Stacked bars, one per day from ${report.days[0]} to ${report.days[report.days.length - 1]}; the table below has the same numbers.`}
                days={report.days}
                series={series}
              />
              <Legend series={series} />
            </>
          }
          table={{
            toggle: 'Show launches per day as a table',
            label: 'Launches per day (table)',
            testId: 'launches-table',
            caption: 'Launches per day and line of business',
            columns: ['Day (UTC)', ...report.lobs.map(lobLabel)],
            rows: report.days
              .map((day, i) => ({ day, i }))
              .reverse()
              .map(({ day, i }) => (
                <tr key={day} data-day={day}>
                  <th scope="row" className={`${tdClass} font-normal whitespace-nowrap tabular-nums`}>
                    {day}
                  </th>
                  {report.lobs.map((lob) => (
                    <td key={lob} className={`${tdClass} tabular-nums`} data-lob={lob}>
                      {number(report.launches[lob]?.[i] ?? 0)}
                    </td>
                  ))}
                </tr>
              )),
          }}
        />

        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2 [&>*]:min-w-0">
          <ChartCard
            id="failures"
            title="Failures by code"
            chart={
              <HorizontalBarChart
                id="failures-chart"
                title={`Failed launches by error code, last ${days} days`}
                description="One bar per error code, largest first; the table below has the same numbers."
                items={report.failuresByCode.map((f) => ({ key: f.code, label: f.code, value: f.count }))}
                tone="danger"
              />
            }
            table={{
              toggle: 'Show failures as a table',
              label: 'Failures by code (table)',
              testId: 'failures-table',
              caption: 'Failed launches by error code',
              columns: ['Code', 'Launches'],
              rows: report.failuresByCode.map((f) => (
                <tr key={f.code}>
                  <td className={`${tdClass} font-mono text-xs`}>{f.code}</td>
                  <td className={`${tdClass} tabular-nums`}>{number(f.count)}</td>
                </tr>
              )),
            }}
          />
          <ChartCard
            id="users"
            title="Active users"
            chart={
              <HorizontalBarChart
                id="users-chart"
                title={`Distinct users with a successful launch per line of business, ${months} (UTC months)`}
                description="One bar per line of business; the per line of business table below has the same numbers."
                items={report.perLob.map((l) => ({ key: l.lob, label: lobLabel(l.lob), value: l.activeUsers }))}
              />
            }
          />
        </div>

        <ChartCard
          id="per-lob"
          title="Per line of business"
          description="Launch time of successful launches, from the portal receiving the request to the Studio URL (histogram bucket bounds)."
          table={{
            label: 'Per line of business',
            testId: 'per-lob-table',
            caption: 'Launches, failures, active users and launch time per line of business',
            columns: ['Line of business', 'Launches', 'Failed', `Active users (${months})`, 'Median', 'p95'],
            rows: report.perLob.map((l) => (
              <tr key={l.lob} data-lob={l.lob}>
                <th scope="row" className={`${tdClass} font-medium`}>
                  {lobLabel(l.lob)}
                </th>
                <td className={`${tdClass} tabular-nums`}>{number(l.launches)}</td>
                <td className={`${tdClass} tabular-nums`}>{number(l.failures)}</td>
                <td className={`${tdClass} tabular-nums`}>{number(l.activeUsers)}</td>
                <td className={`${tdClass} tabular-nums whitespace-nowrap`}>{duration(l.medianMs)}</td>
                <td className={`${tdClass} tabular-nums whitespace-nowrap`}>{duration(l.p95Ms)}</td>
              </tr>
            )),
          }}
        />

        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2 [&>*]:min-w-0">
          <ChartCard
            id="top-users"
            title="Top users"
            description={`Successful launches in ${months} (UTC months, the ones the period touches).`}
            table={{
              label: 'Top users',
              testId: 'top-users-table',
              caption: 'Users with the most successful launches',
              columns: ['User', 'Line of business', 'Launches'],
              rows: report.topUsers.map((u) => (
                <tr key={`${u.lob}/${u.user}`}>
                  <td className={tdClass}>{u.user}</td>
                  <td className={tdClass}>{lobLabel(u.lob)}</td>
                  <td className={`${tdClass} tabular-nums`}>{number(u.launches)}</td>
                </tr>
              )),
              empty: report.topUsers.length === 0 ? 'No launches in this period.' : undefined,
            }}
          />
          <RunningApps lobs={report.lobs} actor={access.user.username} />
        </div>

        {/* Cost control (issue 25): instance hours and estimated cost per LOB and instance type. */}
        <InstanceUsageCards
          lobs={(await listLobs(getAdminDeps())).filter((l) => report.lobs.includes(l.lob))}
          days={days}
        />
        <EmergencyUsage deps={getAdminDeps()} lobs={report.lobs.filter((l) => l !== NO_LOB)} days={days} />
      </div>
    </div>
  );
}
