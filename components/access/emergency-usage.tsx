import { emergencyUsage } from '@/lib/access/emergency';
import type { AdminDeps } from '@/lib/admin/deps';
import { formatUtcMinute } from '@/lib/time-format';
import { secondaryButtonClass } from '@/components/admin/form-parts';
import { ChartCard } from '@/components/admin/chart-card';
import { Badge, tdClass } from '@/components/admin/page-parts';

/**
 * The usage page's emergency access (issue 27): every grant of the period in the viewer's LOBs with its
 * follow-up and the successful launches made under it (within its window); the same rows as CSV.
 */
export async function EmergencyUsage({ deps, lobs, days }: { deps: AdminDeps; lobs: string[]; days: number }) {
  const grants = await emergencyUsage(deps, lobs, days);
  const followUp = (g: (typeof grants)[number]) =>
    g.status === 'open'
      ? 'Awaiting decision'
      : `${g.status === 'confirmed' ? 'Confirmed' : 'Rejected'} by ${g.decidedBy}`;
  return (
    <div className="space-y-3">
      <ChartCard
        id="emergency-usage"
        title="Emergency access"
        description="Access taken at once by on-call members; launches are their successful launches of that line of business while it lasted."
        table={{
          label: 'Emergency access grants',
          testId: 'emergency-usage',
          caption: `Emergency access taken in the last ${days} days, with launches under it`,
          columns: ['Line of business', 'User', 'Taken', 'Until', 'Follow-up', 'Launches'],
          rows: grants.map((g) => (
            <tr key={`${g.lob}/${g.id}`} data-user={g.user} data-lob={g.lob} data-launches={g.launches}>
              <td className={tdClass}>{g.lob}</td>
              <td className={tdClass}>
                {g.user} <Badge tone="danger">Emergency</Badge>
              </td>
              <td className={tdClass}>
                <time dateTime={g.takenAt}>{formatUtcMinute(g.takenAt)}</time>
              </td>
              <td className={tdClass}>
                <time dateTime={g.until}>{formatUtcMinute(g.until)}</time>
              </td>
              <td className={tdClass}>{followUp(g)}</td>
              <td className={`${tdClass} tabular-nums`}>{g.launches}</td>
            </tr>
          )),
          empty: grants.length ? undefined : 'No emergency access in this period.',
        }}
      />
      <a className={secondaryButtonClass} href={`/admin/usage/emergency?days=${days}`} download>
        Download emergency access CSV
      </a>
    </div>
  );
}
