import type { AccessRequest } from '@/lib/directory/requests';
import { formatUtcMinute } from '@/lib/time-format';

const at = (iso?: string) => (iso ? formatUtcMinute(iso) : 'an unknown time');

/** What became of a request, in words (who decided and when): the request page and its badge. */
export function requestOutcome(r: AccessRequest): { label: string; text: string } {
  switch (r.status) {
    case 'approved':
      return {
        label: 'Approved',
        text: `Approved by ${r.decidedBy} at ${at(r.decidedAt)}${r.until ? `: a member until ${formatUtcMinute(r.until)}` : ''}.`,
      };
    case 'denied':
      return { label: 'Denied', text: `Denied by ${r.decidedBy} at ${at(r.decidedAt)}: ${r.reason ?? ''}` };
    case 'withdrawn':
      return { label: 'Withdrawn', text: `Withdrawn by the requester at ${at(r.decidedAt)}.` };
    case 'expired':
      return {
        label: 'Expired',
        text: `Expired at ${at(r.decidedAt)}: nobody decided it in time. The requester may ask again.`,
      };
    default:
      return {
        label: 'Pending',
        text: `Waiting for a decision${r.lapsesAt ? ` (expires ${formatUtcMinute(r.lapsesAt)})` : ''}.`,
      };
  }
}
