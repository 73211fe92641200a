import type { Lob, Membership } from '@/lib/directory/types';
import type { AccessRequest } from '@/lib/admin/requests';
import { canRequestExtension } from '@/lib/admin/extensions';
import { RequestExtensionForm } from './request-extension';

/**
 * Beside a membership in its last days: "Request extension", or what became of the one asked for (a
 * pending extension waits; only one pending request per LOB and person).
 */
export function ExtensionOffer({
  membership,
  now,
  lob,
  requests,
}: {
  membership: Membership;
  now: Date;
  lob?: Lob;
  requests: AccessRequest[];
}) {
  if (!lob || !lob.acceptsRequests || !lob.enabled || !canRequestExtension(membership, now)) return null;
  const waiting = requests.find((r) => r.lob === membership.lob && r.status === 'pending');
  if (waiting) {
    return (
      <p className="mt-2 text-sm text-slate-700" data-testid={`extend-${membership.lob}-pending`}>
        {waiting.kind === 'extension' ? 'Extension requested' : 'Access requested'}: waiting for a decision (see your
        requests below).
      </p>
    );
  }
  return <RequestExtensionForm lob={membership.lob} maxDays={lob.maxRequestDays} />;
}
