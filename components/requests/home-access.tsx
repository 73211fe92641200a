import type { Lob, Membership } from '@/lib/directory/types';
import { approvalProgress, type AccessRequest } from '@/lib/admin/requests';
import { formatUtcMinute } from '@/lib/time-format';
import { Alert } from '@/components/ui/alert';
import { RequestAccessForm, WithdrawRequestForm } from './request-access';
import { ExtensionOffer } from './extension-offer';
import { canRequestExtension } from '@/lib/admin/extensions';

const WARN_MS = 7 * 24 * 3600 * 1000;
const cardClass = 'rounded-lg border border-slate-200 bg-white p-5 shadow-sm sm:p-6';

/** End dates of the user's memberships (a warning in the last 7 days) and the ones that have ended. */
export function MembershipEnds({
  memberships,
  expired,
  now,
  lobs = [],
  requests = [],
}: {
  memberships: Membership[];
  expired: Membership[];
  now: Date;
  lobs?: Lob[];
  requests?: AccessRequest[];
}) {
  const offer = (m: Membership) => (
    <ExtensionOffer membership={m} now={now} lob={lobs.find((l) => l.lob === m.lob)} requests={requests} />
  );
  const ending = memberships.filter((m) => m.until);
  if (!ending.length && !expired.length) return null;
  return (
    <section aria-labelledby="ends-heading" className="space-y-3">
      <h2 id="ends-heading" className="text-base font-semibold text-slate-900">
        Your access ends
      </h2>
      {ending.map((m) => {
        const soon = Date.parse(m.until!) - now.getTime() < WARN_MS;
        const text = (
          <>
            {m.lob}: until <time dateTime={m.until}>{formatUtcMinute(m.until!)}</time>
          </>
        );
        return soon ? (
          <Alert key={m.lob} tone="warning" title={`Your access to ${m.lob} ends soon`} testId={`ends-${m.lob}`}>
            <p>{text}. Request an extension to continue.</p>
            {offer(m)}
          </Alert>
        ) : (
          <div key={m.lob}>
            <p className="text-sm text-slate-700" data-testid={`ends-${m.lob}`}>
              {text}
            </p>
            {offer(m)}
          </div>
        );
      })}
      {expired.map((m) => (
        <p key={m.lob} className="text-sm text-slate-700" data-testid={`ended-${m.lob}`}>
          {m.lob}: ended on <time dateTime={m.until}>{formatUtcMinute(m.until!)}</time>. Request access again below.
        </p>
      ))}
    </section>
  );
}

const STATUS_TEXT = {
  pending: 'Waiting for a decision',
  approved: 'Approved',
  denied: 'Denied',
  withdrawn: 'Withdrawn',
  expired: 'Expired',
} as const;

/** LOBs that accept requests (with who should ask) and the user's requests with their status. */
export function AccessRequests({
  lobs,
  requests,
  memberOf,
  now,
}: {
  lobs: Lob[];
  requests: AccessRequest[];
  memberOf: Membership[];
  now?: Date;
}) {
  const pending = new Set(requests.filter((r) => r.status === 'pending').map((r) => r.lob));
  // Permanent members have nothing to ask; members in their last days are offered "Request extension" instead.
  const permanent = new Set(memberOf.filter((m) => !m.until || (now && canRequestExtension(m, now))).map((m) => m.lob));
  const open = lobs.filter((l) => l.acceptsRequests && l.enabled && !pending.has(l.lob) && !permanent.has(l.lob));
  return (
    <>
      {open.length ? (
        <section aria-labelledby="request-heading" className="space-y-3">
          <h2 id="request-heading" className="text-base font-semibold text-slate-900">
            Ask for access
          </h2>
          <ul className="space-y-3">
            {open.map((l) => (
              <li key={l.lob} className={cardClass} aria-labelledby={`req-${l.lob}`} data-testid={`request-${l.lob}`}>
                <h3 id={`req-${l.lob}`} className="font-semibold text-slate-900">
                  {l.displayName} <span className="font-normal text-slate-600">({l.lob})</span>
                </h3>
                {l.requestDescription ? <p className="mt-1 text-sm text-slate-600">{l.requestDescription}</p> : null}
                <p className="mt-1 text-sm text-slate-600">Up to {l.maxRequestDays} days; its owners decide.</p>
                <RequestAccessForm lob={l.lob} displayName={l.displayName} maxDays={l.maxRequestDays} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {requests.length ? (
        <section aria-labelledby="my-requests-heading" className="space-y-3">
          <h2 id="my-requests-heading" className="text-base font-semibold text-slate-900">
            Your requests
          </h2>
          <ul className="space-y-3">
            {requests.map((r) => (
              <li key={r.id} className={cardClass} data-testid={`my-request-${r.lob}`} data-status={r.status}>
                <p className="text-sm font-semibold text-slate-900">
                  {r.lob}: {r.kind === 'extension' ? 'extension ' : ''}
                  {STATUS_TEXT[r.status]}
                </p>
                <p className="mt-1 text-sm text-slate-600">
                  Asked {formatUtcMinute(r.createdAt)} for {r.days} {r.kind === 'extension' ? 'more ' : ''}days.
                  {r.status === 'approved' && r.until
                    ? ` Approved by ${r.decidedBy} until ${formatUtcMinute(r.until)}.`
                    : ''}
                  {r.status === 'denied' ? ` Denied by ${r.decidedBy}: ${r.reason}` : ''}
                  {r.status === 'expired'
                    ? ` Nobody decided it in time; it expired on ${formatUtcMinute(r.decidedAt ?? r.lapsesAt ?? '')}. You may ask again.`
                    : ''}
                  {r.status === 'pending' && r.lapsesAt
                    ? ` Expires ${formatUtcMinute(r.lapsesAt)} if nobody decides it.`
                    : ''}
                </p>
                {r.status === 'pending' && approvalProgress(r) ? (
                  <p className="mt-1 text-sm font-medium text-slate-800" data-testid="approval-progress">
                    {approvalProgress(r)}
                  </p>
                ) : null}
                {r.status === 'pending' ? (
                  <div className="mt-3">
                    <WithdrawRequestForm id={r.id} lob={r.lob} />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
