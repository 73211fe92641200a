import 'server-only';
import { cache } from 'react';
import { getAdminDeps } from '@/lib/admin/deps';
import { countPendingRequests } from '@/lib/admin/requests';

/** One read per request (React's request-scoped cache); its arguments are compared by identity, so the LOBs travel as one string. */
const countOncePerRequest = cache((lobs: string) =>
  countPendingRequests(getAdminDeps(), lobs ? lobs.split('\n') : []).catch(() => undefined),
);

/**
 * The pending access requests of these LOBs, as the admin navigation (every console page) and the
 * overview's card show it: read once for both in a request. Undefined when it cannot be read (each place
 * says so in its own way; the rest of the page still answers).
 */
export function readPendingRequestCount(lobs: string[]): Promise<number | undefined> {
  return countOncePerRequest(lobs.join('\n'));
}
