import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { canManageLob } from '@/lib/auth/roles';
import { approvalProgress, type AccessRequest } from '@/lib/admin/requests';
import { approverQueue } from '@/lib/admin/request-queue';
import { formatUtcMinute } from '@/lib/time-format';
import { isPortalError } from '@/lib/errors';
import { RequestDecision } from '@/components/admin/request-decision';
import { inputClass, labelClass, linkClass } from '@/components/admin/form-parts';
import { Card, PageHeader } from '@/components/admin/page-parts';
import { Options } from '@/components/ui/options';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

export default async function RequestsPage({
  searchParams,
}: {
  searchParams: Promise<{ lob?: string; page?: string }>;
}) {
  const access = await requireConsolePage('/admin/requests');
  const { lob, page } = await searchParams;
  if (lob && !canManageLob(access, lob)) forbidden();
  const lobs = lob ? [lob] : access.lobs;
  let requests: AccessRequest[] = [];
  let approvedByYou: AccessRequest[] = [];
  let nextToken: string | undefined;
  let error: string | undefined;
  try {
    ({ requests, approvedByYou, nextToken } = await approverQueue(getAdminDeps(), access.user.username, lobs, {
      pageToken: lob ? page : undefined,
    }));
  } catch (e) {
    if (!isPortalError(e)) throw e;
    error = e.message;
  }
  return (
    <div>
      <PageHeader
        title="Access requests"
        description="Pending requests, newest first. Approving grants membership until the end of the approved period; nobody decides their own request. A line of business that requires 2 approvals needs two different approvers."
      />
      {lobs.length > 1 || lob ? (
        <Card aria-label="Filter requests" className="mb-6">
          <form method="get" action="/admin/requests" className="flex flex-wrap items-end gap-4">
            <div className="w-full sm:w-56">
              <label htmlFor="lob" className={labelClass}>
                Line of business
              </label>
              <select id="lob" name="lob" defaultValue={lob ?? ''} className={inputClass}>
                <Options options={[{ value: '', label: 'All of mine' }, ...access.lobs]} />
              </select>
            </div>
            <Button type="submit">Filter</Button>
          </form>
        </Card>
      ) : null}
      {error ? (
        <Alert tone="error" title="The requests could not be listed">
          <p>{error}</p>
        </Alert>
      ) : null}
      {requests.length === 0 && !error ? <p className="text-sm text-slate-600">No pending requests.</p> : null}
      <ul className="space-y-4" aria-label="Pending requests">
        {requests.map((r) => (
          <li
            key={r.id}
            className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
            data-testid="request-row"
            data-requester={r.requester}
            data-lob={r.lob}
            aria-labelledby={`title-${r.id}`}
          >
            <div className="grid gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
              <div className="min-w-0">
                <h2 id={`title-${r.id}`} className="font-semibold text-slate-900">
                  <Link className={linkClass} href={`/admin/requests/${r.id}`}>
                    {r.requester} asks for {r.kind === 'extension' ? 'an extension of ' : ''}
                    {r.lob}
                  </Link>
                </h2>
                <p className="mt-1 text-sm text-slate-600">
                  {r.days} {r.kind === 'extension' ? 'more ' : ''}days · asked{' '}
                  <time dateTime={r.createdAt}>{formatUtcMinute(r.createdAt)}</time>
                  {r.extendsUntil ? ` · access now ends ${formatUtcMinute(r.extendsUntil)}` : ''}
                  {r.lapsesAt ? ` · expires ${formatUtcMinute(r.lapsesAt)}` : ''}
                </p>
                {approvalProgress(r) ? (
                  <p className="mt-1 text-sm font-medium text-slate-800" data-testid="approval-progress">
                    {approvalProgress(r)}
                    {r.approvals?.length ? ` (approved by ${r.approvals.map((a) => a.by).join(', ')})` : ''}
                  </p>
                ) : null}
                <blockquote className="mt-2 border-l-4 border-slate-200 pl-3 text-sm break-words text-slate-800">
                  {r.justification}
                </blockquote>
              </div>
              <RequestDecision id={r.id} requester={r.requester} lob={r.lob} days={r.days} />
            </div>
          </li>
        ))}
      </ul>
      {approvedByYou.length ? (
        <p className="mt-4 text-sm text-slate-700" data-testid="approved-by-you">
          {approvedByYou.length === 1
            ? '1 request you approved waits'
            : `${approvedByYou.length} requests you approved wait`}{' '}
          for another approver:{' '}
          {approvedByYou.map((r, i) => (
            <span key={r.id}>
              {i ? ', ' : ''}
              <Link className={linkClass} href={`/admin/requests/${r.id}`}>
                {r.requester} for {r.lob}
              </Link>
            </span>
          ))}
          .
        </p>
      ) : null}
      {nextToken && lob ? (
        <p className="mt-4">
          <Link className={linkClass} href={`/admin/requests?${new URLSearchParams({ lob, page: nextToken })}`}>
            Older requests
          </Link>
        </p>
      ) : null}
    </div>
  );
}
