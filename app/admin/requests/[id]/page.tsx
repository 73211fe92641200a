import { forbidden, notFound } from 'next/navigation';
import { requireConsolePage } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { canManageLob } from '@/lib/auth/roles';
import { approvalProgress, getRequest } from '@/lib/admin/requests';
import { requestOutcome } from '@/lib/admin/request-outcome';
import { approvedBy } from '@/lib/admin/request-queue';
import { formatUtcMinute } from '@/lib/time-format';
import { RequestDecision } from '@/components/admin/request-decision';
import { Badge, Card, DetailList, PageHeader, sectionTitleClass } from '@/components/admin/page-parts';

const UUID = /^[0-9a-f-]{36}$/;

/**
 * One access request (the link in the queue and in the owners' SNS message): its decision forms while it
 * waits, and who decided it and when once it is closed (approved, denied, withdrawn or expired), never an
 * error. Authorized on the stored request's LOB; an unknown id is 404 only for those who see every LOB.
 */
export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await requireConsolePage(`/admin/requests/${encodeURIComponent(id)}`);
  const request = UUID.test(id) ? await getRequest(getAdminDeps(), id) : null;
  if (!request) return access.platformAdmin ? notFound() : forbidden();
  if (!canManageLob(access, request.lob)) forbidden();
  const me = access.user.username;
  const outcome = requestOutcome(request);
  const waiting = request.status === 'pending';
  const details: [string, string][] = [
    [
      'Asked',
      `${formatUtcMinute(request.createdAt)} for ${request.days} ${request.kind === 'extension' ? 'more ' : ''}days`,
    ],
    ...(request.extendsUntil ? [['Access ended then', formatUtcMinute(request.extendsUntil)] as [string, string]] : []),
    ...(waiting && request.lapsesAt
      ? [['Expires', `${formatUtcMinute(request.lapsesAt)} if nobody decides it`] as [string, string]]
      : []),
    ['Justification', request.justification],
  ];
  return (
    <div>
      <PageHeader
        back={{ href: '/admin/requests', label: 'Pending requests' }}
        title={`${request.requester} asks for ${request.kind === 'extension' ? 'an extension of ' : ''}${request.lob}`}
        badge={
          <Badge
            tone={waiting ? 'neutral' : request.status === 'approved' ? 'success' : 'danger'}
            testId="request-status"
          >
            {outcome.label}
          </Badge>
        }
      />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <Card aria-labelledby="request-details">
          <h2 id="request-details" className={sectionTitleClass}>
            Request
          </h2>
          <DetailList rows={details} />
        </Card>
        <Card aria-labelledby="request-decision">
          <h2 id="request-decision" className={sectionTitleClass}>
            Decision
          </h2>
          <p className="mt-3 text-sm text-slate-900" data-testid="request-outcome">
            {outcome.text}
          </p>
          {waiting && approvalProgress(request) ? (
            <p className="mt-2 text-sm text-slate-700" data-testid="approval-progress">
              {approvalProgress(request)}
            </p>
          ) : null}
          {waiting && request.requester !== me && !approvedBy(request, me) ? (
            <div className="mt-4">
              <RequestDecision id={request.id} requester={request.requester} lob={request.lob} days={request.days} />
            </div>
          ) : null}
          {waiting && approvedBy(request, me) ? (
            <p className="mt-2 text-sm text-slate-700">
              You approved it; another owner of {request.lob} or a platform admin has to approve too.
            </p>
          ) : null}
          {waiting && request.requester === me ? (
            <p className="mt-2 text-sm text-slate-700">
              You asked for this access yourself, so someone else decides it.
            </p>
          ) : null}
        </Card>
      </div>
    </div>
  );
}
