import { emergencyUsage } from '@/lib/access/emergency';
import type { AdminDeps } from '@/lib/admin/deps';
import { formatUtcMinute } from '@/lib/time-format';
import { secondaryButtonClass } from '@/components/admin/form-parts';
import { Badge, TableFrame, tableClass, tbodyClass, tdClass, thClass, theadClass } from '@/components/admin/page-parts';

/**
 * The usage page's emergency access (issue 27): every grant of the period in the viewer's LOBs with its
 * follow-up and the successful launches made under it (within its window); the same rows as CSV.
 */
export async function EmergencyUsage({ deps, lobs, days }: { deps: AdminDeps; lobs: string[]; days: number }) {
  const grants = await emergencyUsage(deps, lobs, days);
  return (
    <section aria-labelledby="emergency-usage-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="emergency-usage-heading" className="text-base font-semibold text-slate-900">Emergency access</h2>
        <a className={secondaryButtonClass} href={`/admin/usage/emergency?days=${days}`} download>Download emergency access CSV</a>
      </div>
      <TableFrame label="Emergency access grants" testId="emergency-usage">
        {grants.length ? (
          <table className={tableClass}>
            <caption className="sr-only">Emergency access taken in the last {days} days, with launches under it</caption>
            <thead className={theadClass}>
              <tr>{['Line of business', 'User', 'Taken', 'Until', 'Follow-up', 'Launches'].map((c) => <th key={c} scope="col" className={thClass}>{c}</th>)}</tr>
            </thead>
            <tbody className={tbodyClass}>
              {grants.map((g) => (
                <tr key={`${g.lob}/${g.id}`} data-user={g.user} data-lob={g.lob} data-launches={g.launches}>
                  <td className={tdClass}>{g.lob}</td>
                  <td className={tdClass}>{g.user} <Badge tone="danger">Emergency</Badge></td>
                  <td className={tdClass}><time dateTime={g.takenAt}>{formatUtcMinute(g.takenAt)}</time></td>
                  <td className={tdClass}><time dateTime={g.until}>{formatUtcMinute(g.until)}</time></td>
                  <td className={tdClass}>{g.status === 'open' ? 'Awaiting decision' : `${g.status === 'confirmed' ? 'Confirmed' : 'Rejected'} by ${g.decidedBy}`}</td>
                  <td className={`${tdClass} tabular-nums`}>{g.launches}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="px-4 py-6 text-sm text-slate-600">No emergency access in this period.</p>
        )}
      </TableFrame>
    </section>
  );
}
