import Link from 'next/link';
import { forbidden, notFound } from 'next/navigation';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { canManageLob } from '@/lib/auth/roles';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import {
  getReview,
  getReviewSettings,
  isFlagged,
  listReviewRows,
  UNUSED_DAYS,
  type RowFilter,
} from '@/lib/admin/reviews';
import type { ReviewRow } from '@/lib/directory/reviews';
import { formatUtcMinute } from '@/lib/time-format';
import { isPortalError } from '@/lib/errors';
import { log } from '@/lib/log';
import { recommendationOf, RECOMMENDATION_TEXT, NO_RECOMMENDATION_TEXT } from '@/lib/admin/review-recommendations';
import { ApplyRecommendationsForm, DecideForm, FinishReviewForm, KeepAllForm } from '@/components/admin/review-forms';
import { linkClass } from '@/components/admin/form-parts';
import { Badge, Card, ListError, PageHeader, tdClass, wideOnly } from '@/components/admin/page-parts';
import { DataTable, wideColumn, srOnlyColumn } from '@/components/admin/data-table';

const FILTERS: { value: RowFilter; label: string }[] = [
  { value: 'all', label: 'All members' },
  { value: 'undecided', label: 'Undecided' },
  { value: 'unused', label: `Not used in ${UNUSED_DAYS} days` },
];

function Decision({ row, flagged }: { row: ReviewRow; flagged: boolean }) {
  if (!row.decision)
    return flagged ? <Badge tone="danger">undecided, overdue</Badge> : <Badge tone="neutral">undecided</Badge>;
  return (
    <span className="flex flex-col gap-0.5">
      <Badge tone={row.decision === 'keep' ? 'success' : 'danger'}>
        {row.decision === 'keep' ? 'kept' : 'removed'}
      </Badge>
      <span className="text-xs text-slate-600">
        by {row.decidedBy} at{' '}
        {row.decidedAt ? <time dateTime={row.decidedAt}>{formatUtcMinute(row.decidedAt)}</time> : '?'}
        {row.newUntil ? `, until ${formatUtcMinute(row.newUntil)}` : ''}
      </span>
      {row.comment ? <span className="text-xs break-words text-slate-700">“{row.comment}”</span> : null}
    </span>
  );
}

function Recommendation({ row, now }: { row: ReviewRow; now: Date }) {
  if (row.decision) return <span className="text-slate-500">—</span>;
  const suggestion = recommendationOf(row, now);
  if (!suggestion) return <span className="text-slate-600">{NO_RECOMMENDATION_TEXT}</span>;
  return <Badge tone={suggestion === 'keep' ? 'success' : 'warning'}>{RECOMMENDATION_TEXT[suggestion]}</Badge>;
}

export default async function ReviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ filter?: string; page?: string; q?: string }>;
}) {
  const { id } = await params;
  const path = `/admin/reviews/${encodeURIComponent(id)}`;
  const access = await requireConsolePage(path);
  const deps = getAdminDeps();
  const review = await getReview(deps, id);
  if (!review) notFound();
  if (!canManageLob(access, review.lob)) {
    log.warn('admin.forbidden', { username: access.user.username, path, lob: review.lob });
    forbidden();
  }
  const sp = await searchParams;
  const filter: RowFilter = sp.filter === 'undecided' || sp.filter === 'unused' ? sp.filter : 'all';
  const now = nowOf(deps);
  const [settings, listed] = await Promise.all([
    getReviewSettings(deps, review.lob),
    listReviewRows(deps, review, { filter, pageToken: sp.page, prefix: sp.q }).then(
      (page) => ({ page, error: undefined as string | undefined }),
      (e: unknown) => {
        if (!isPortalError(e)) throw e;
        return { page: undefined, error: e.message };
      },
    ),
  ]);
  const rows = listed.page?.rows ?? [];
  const nextToken = listed.page?.nextToken;
  const error = listed.error;
  const open = review.status === 'open';
  const overdue = Date.parse(review.dueAt) <= now.getTime();
  const undecidedShown = rows.filter((r) => !r.decision).map((r) => r.username);
  const suggested = (decision: 'keep' | 'remove') =>
    rows.filter((r) => recommendationOf(r, now) === decision).map((r) => r.username);
  const [suggestRemove, suggestKeep] = [suggested('remove'), suggested('keep')];
  const query = (extra: Record<string, string>) =>
    `${path}?${new URLSearchParams({ ...(filter !== 'all' ? { filter } : {}), ...(sp.q ? { q: sp.q } : {}), ...extra })}`;
  return (
    <div>
      <PageHeader
        back={{ href: `/admin/lobs/${encodeURIComponent(review.lob)}`, label: review.lob }}
        title={
          <span className="inline-flex flex-wrap items-center gap-x-3 gap-y-1">
            <span>Access review of {review.lob}</span>
            {open ? (
              <Badge tone={overdue ? 'danger' : 'warning'}>{overdue ? 'open, overdue' : 'open'}</Badge>
            ) : (
              <Badge tone="success">finished</Badge>
            )}
          </span>
        }
        description={
          <p>
            Started by {review.createdBy} at{' '}
            <time dateTime={review.createdAt}>{formatUtcMinute(review.createdAt)}</time>, due{' '}
            <time dateTime={review.dueAt}>{formatUtcMinute(review.dueAt)}</time>
            {review.finishedAt ? (
              <>
                ; finished by {review.finishedBy} at{' '}
                <time dateTime={review.finishedAt}>{formatUtcMinute(review.finishedAt)}</time>
              </>
            ) : null}
            .
          </p>
        }
      />
      <div className="mb-6 grid items-start gap-6 lg:grid-cols-3">
        <Card aria-labelledby="progress-title">
          <h2 id="progress-title" className="text-base font-semibold text-slate-900">
            Progress
          </h2>
          <p
            className="mt-2 text-2xl font-semibold text-slate-900"
            data-testid="review-progress"
          >{`${review.decided} of ${review.total} decided`}</p>
          <p className="mt-2 flex flex-wrap gap-x-4 text-sm">
            <a className={linkClass} href={`${path}/export`}>
              Export CSV
            </a>
            <Link className={linkClass} href={`${path}/print`}>
              Printable page
            </Link>
          </p>
        </Card>
        <Card aria-labelledby="groups-title">
          <h2 id="groups-title" className="text-base font-semibold text-slate-900">
            Access through IdP groups
          </h2>
          <p className="mt-1 text-sm text-slate-600">Members of these groups can launch too; review them in the IdP.</p>
          {review.groups.length ? (
            <ul className="mt-2 list-disc pl-5 text-sm" data-testid="review-groups">
              {review.groups.map((g) => (
                <li key={g}>{g}</li>
              ))}
            </ul>
          ) : (
            <p className="mt-2 text-sm">None.</p>
          )}
          <p className="mt-3 text-sm text-slate-600">
            Reviewers:{' '}
            {[...review.reviewers.users, ...review.reviewers.groups.map((g) => `group ${g}`)].join(', ') ||
              'platform admins'}
          </p>
        </Card>
        <Card aria-labelledby="finish-title">
          <h2 id="finish-title" className="text-base font-semibold text-slate-900">
            {open ? 'Finish' : 'Finished'}
          </h2>
          {open ? (
            <div className="mt-2">
              <FinishReviewForm
                review={review.id}
                undecided={review.total - review.decided}
                removesUndecided={settings.removeUndecided}
              />
            </div>
          ) : (
            <p className="mt-2 text-sm text-slate-700">
              This review is read-only
              {review.removedUndecided
                ? `; ${review.removedUndecided} undecided members were removed when it closed`
                : ''}
              .
            </p>
          )}
        </Card>
      </div>
      <nav aria-label="Member filter" className="mb-4 flex flex-wrap gap-4 text-sm">
        {FILTERS.map((f) => (
          <Link
            key={f.value}
            className={linkClass}
            href={`${path}${f.value === 'all' ? '' : `?filter=${f.value}`}`}
            aria-current={filter === f.value ? 'page' : undefined}
          >
            {f.label}
          </Link>
        ))}
      </nav>
      {error ? <ListError title="The members could not be listed" error={error} /> : null}
      {open && undecidedShown.length ? (
        <div className="mb-4">
          <KeepAllForm key={undecidedShown.join(',')} review={review.id} usernames={undecidedShown} />
        </div>
      ) : null}
      {/* Always there while open: its report stays after the rows it decided lose their suggestion. */}
      {open ? (
        <div className="mb-4">
          <ApplyRecommendationsForm review={review.id} remove={suggestRemove} keep={suggestKeep} />
        </div>
      ) : null}
      <DataTable
        label="Members under review"
        testId="review-table"
        caption={`Members of ${review.lob} in this review`}
        columns={[
          'Member',
          wideColumn('Until'),
          'Last launch',
          'Recommendation',
          'Decision',
          open && srOnlyColumn('Actions'),
        ]}
        empty={rows.length === 0 && !error ? 'Nobody to show with this filter.' : undefined}
      >
        {rows.map((r) => (
          <tr key={r.username} data-username={r.username}>
            <td className={`${tdClass} font-medium text-slate-900`}>{r.username}</td>
            <td className={`${tdClass} ${wideOnly} whitespace-nowrap`}>
              {r.until ? formatUtcMinute(r.until) : 'no end'}
            </td>
            <td className={`${tdClass} whitespace-nowrap`} data-testid="last-used">
              {r.lastUsed ? <time dateTime={r.lastUsed}>{formatUtcMinute(r.lastUsed)}</time> : 'never (recently)'}
            </td>
            <td className={tdClass} data-testid="recommendation">
              <Recommendation row={r} now={now} />
            </td>
            <td className={tdClass} data-testid="decision">
              <Decision row={r} flagged={isFlagged(review, r, now)} />
            </td>
            {open ? (
              <td className={tdClass}>{r.decision ? null : <DecideForm review={review.id} username={r.username} />}</td>
            ) : null}
          </tr>
        ))}
      </DataTable>
      {nextToken ? (
        <p className="mt-4">
          <Link className={linkClass} href={query({ page: nextToken })}>
            Next page
          </Link>
        </p>
      ) : null}
    </div>
  );
}
