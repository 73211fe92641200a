import type { Lob } from '@/lib/directory/types';
import { getClock } from '@/lib/clock';
import { getCostDeps } from '@/lib/cost/deps';
import { formatCost } from '@/lib/cost/prices';
import { readInstanceUsage } from '@/lib/cost/report';
import { lobLabel } from '@/lib/admin/visible-lobs';
import { secondaryButtonClass } from '@/components/admin/form-parts';
import { ChartCard } from '@/components/admin/chart-card';
import { tdClass } from '@/components/admin/page-parts';
import { HorizontalBarChart } from '@/components/admin/usage-charts';

const hours = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * "Instance hours" and "Estimated cost" on the usage page: per LOB (charts) and per LOB and instance type
 * (the tables, the CSV), from the sweep's counters priced with the price table. Estimates, said so.
 */
export async function InstanceUsageCards({ lobs, days }: { lobs: Lob[]; days: number }) {
  const deps = getCostDeps();
  const report = await readInstanceUsage(deps, lobs, days, getClock()());
  const currency = report.prices.currency;
  const note = `Estimated from list prices (${currency} per hour, ${report.prices.asOf}; source: ${report.prices.source}), not a bill. App hours are counted by the scheduled sweep every few minutes, ${report.firstDay} to ${report.lastDay} (UTC).`;
  const table = (testId: string, label: string, toggle: string) => ({
    toggle,
    label,
    testId,
    caption: `${label} by line of business and instance type`,
    columns: ['Line of business', 'Instance type', 'Hours', `Price per hour (${currency})`, 'Estimated cost'],
    rows: report.rows.map((r) => (
      <tr key={`${r.lob}/${r.instanceType}`} data-lob={r.lob} data-instance-type={r.instanceType}>
        <th scope="row" className={`${tdClass} font-medium`}>
          {lobLabel(r.lob)}
        </th>
        <td className={`${tdClass} font-mono text-xs`}>{r.instanceType}</td>
        <td className={`${tdClass} tabular-nums`}>{hours(r.hours)}</td>
        <td className={`${tdClass} tabular-nums`}>{r.hourlyPrice === undefined ? 'no price' : r.hourlyPrice}</td>
        <td className={`${tdClass} tabular-nums`}>{formatCost(r.cost, currency)}</td>
      </tr>
    )),
    empty: report.rows.length === 0 ? 'No app hours counted in this period.' : undefined,
  });
  return (
    <div className="space-y-3">
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2 [&>*]:min-w-0">
        <ChartCard
          id="instance-hours"
          title="Instance hours"
          description={note}
          chart={
            <HorizontalBarChart
              id="instance-hours-chart"
              title={`Studio app instance hours per line of business, last ${days} days`}
              description="One bar per line of business; the table has the hours per instance type."
              items={report.byLob.map((l) => ({ key: l.lob, label: lobLabel(l.lob), value: l.hours }))}
            />
          }
          table={table('instance-hours-table', 'Instance hours', 'Show instance hours as a table')}
        />
        <ChartCard
          id="estimated-cost"
          title="Estimated cost"
          description={`Instance hours x list price per hour. ${report.byLob.some((l) => l.unpricedHours) ? 'Hours on instance types without a price are not included. ' : ''}Storage and data transfer are not included.`}
          chart={
            <HorizontalBarChart
              id="estimated-cost-chart"
              title={`Estimated cost (${currency}) per line of business, last ${days} days`}
              description="One bar per line of business; the table has the cost per instance type."
              items={report.byLob.map((l) => ({
                key: l.lob,
                label: `${lobLabel(l.lob)} (${formatCost(l.cost, currency)})`,
                value: l.cost,
              }))}
            />
          }
          table={table('estimated-cost-table', 'Estimated cost', 'Show estimated cost as a table')}
        />
      </div>
      <p>
        <a className={secondaryButtonClass} href={`/admin/usage/instances/export?days=${days}`} download>
          Export instance hours CSV
        </a>
      </p>
    </div>
  );
}
