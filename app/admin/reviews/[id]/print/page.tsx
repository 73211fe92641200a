import { forbidden, notFound } from 'next/navigation';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { canManageLob } from '@/lib/auth/roles';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { getLob } from '@/lib/admin/lobs';
import { getReview } from '@/lib/admin/reviews';
import { recommendationTextOf, withLastLaunches } from '@/lib/admin/review-recommendations';
import { iterateReviewRowPages, type ReviewRow } from '@/lib/directory/reviews';
import { formatUtcMinute } from '@/lib/time-format';
import { log } from '@/lib/log';
import { linkClass } from '@/components/admin/form-parts';
import { PrintButton } from '@/components/admin/print-button';
import { TableFrame } from '@/components/admin/page-parts';
import { HeadRow } from '@/components/admin/data-table';

const cell = 'border border-slate-300 px-2 py-1 align-top';

/**
 * The review's evidence as a printable, read-only page: the LOB, the period, the reviewers, the counts and
 * every snapshot member with decision, reviewer, time, comment and (undecided rows) the review page's
 * recommendation. Same access as the review itself.
 */
export default async function ReviewPrintPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const reviewPath = `/admin/reviews/${encodeURIComponent(id)}`;
  const access = await requireConsolePage(`${reviewPath}/print`);
  const deps = getAdminDeps();
  const review = await getReview(deps, id);
  if (!review) notFound();
  if (!canManageLob(access, review.lob)) {
    log.warn('admin.forbidden', { username: access.user.username, path: `${reviewPath}/print`, lob: review.lob });
    forbidden();
  }
  const [lob, rows] = await Promise.all([
    getLob(deps, review.lob),
    (async () => {
      const all: ReviewRow[] = [];
      for await (const page of iterateReviewRowPages(deps, review.id))
        all.push(...(await withLastLaunches(deps, review.lob, page)));
      return all;
    })(),
  ]);
  const kept = rows.filter((r) => r.decision === 'keep').length;
  const removed = rows.filter((r) => r.decision === 'remove').length;
  const reviewers =
    [...review.reviewers.users, ...review.reviewers.groups.map((g) => `group ${g}`)].join(', ') || 'platform admins';
  const finished = review.status === 'finished';
  const now = nowOf(deps);
  return (
    <article className="text-sm text-slate-900" data-testid="review-print">
      <div className="mb-4 flex flex-wrap items-center gap-4 print:hidden">
        <PrintButton />
        <a className={linkClass} href={reviewPath}>
          Back to the review
        </a>
      </div>
      <h1 className="text-2xl font-semibold tracking-tight break-words">
        Access review of {review.lob}
        {lob?.displayName ? ` (${lob.displayName})` : ''}
      </h1>
      {finished ? null : (
        <p className="mt-2 font-semibold text-amber-800" role="status">
          This review is still open: the record below is not final.
        </p>
      )}
      <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1" data-testid="review-print-summary">
        <dt className="font-semibold">Review</dt>
        <dd className="break-all">{review.id}</dd>
        <dt className="font-semibold">Period</dt>
        <dd>
          {formatUtcMinute(review.createdAt)} to{' '}
          {finished && review.finishedAt ? formatUtcMinute(review.finishedAt) : 'still open'} (due{' '}
          {formatUtcMinute(review.dueAt)})
        </dd>
        <dt className="font-semibold">Started by</dt>
        <dd>{review.createdBy}</dd>
        {finished ? (
          <>
            <dt className="font-semibold">Finished by</dt>
            <dd>{review.finishedBy}</dd>
          </>
        ) : null}
        <dt className="font-semibold">Reviewers</dt>
        <dd>{reviewers}</dd>
        <dt className="font-semibold">Members</dt>
        <dd data-testid="review-print-counts">
          {review.total} in the snapshot: {kept} kept, {removed} removed, {review.total - kept - removed} undecided
          {review.removedUndecided ? ` (${review.removedUndecided} of the removed were undecided when it closed)` : ''}
        </dd>
        <dt className="font-semibold">IdP groups</dt>
        <dd>
          {review.groups.length ? `${review.groups.join(', ')} (granting access too; reviewed in the IdP)` : 'none'}
        </dd>
      </dl>
      <div className="mt-6">
        <TableFrame label="Members of the snapshot">
          <table className="w-full border-collapse text-left text-xs" data-testid="review-print-table">
            <caption className="px-2 py-2 text-left text-sm font-semibold">
              Every member of the snapshot, by username
            </caption>
            <thead>
              <HeadRow
                columns={['Member', 'Decision', 'Reviewer', 'Time', 'Comment', 'Recommendation']}
                cellClass={cell}
              />
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.username} data-username={r.username} className="break-inside-avoid">
                  <th scope="row" className={`${cell} font-medium break-all`}>
                    {r.username}
                  </th>
                  <td className={cell}>
                    {r.decision === 'keep' ? 'kept' : r.decision === 'remove' ? 'removed' : 'undecided'}
                    {r.newUntil ? `, until ${formatUtcMinute(r.newUntil)}` : ''}
                  </td>
                  <td className={`${cell} break-all`}>{r.decidedBy ?? ''}</td>
                  <td className={cell}>
                    {r.decidedAt ? <time dateTime={r.decidedAt}>{formatUtcMinute(r.decidedAt)}</time> : ''}
                  </td>
                  <td className={`${cell} break-words`}>{r.comment ?? ''}</td>
                  <td className={cell} data-testid="recommendation">
                    {recommendationTextOf(r, now) ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      </div>
    </article>
  );
}
