/**
 * Pending access requests lapse (issue 27): a request nobody decides within its LOB's "Requests expire
 * after (days)" becomes `expired`, the requester is told (home page, SNS `request.expired` with message
 * attribute `user`) and may ask again. Run by the scheduled jobs; it reads only what is due, from the sparse
 * lapsesDue index (`lapseKind` + `lapsesAt`, set at filing and removed by every close).
 *
 * Each lapse closes the request with the same transaction a decision uses (status still `pending`, guard
 * item deleted, the LOB's pending counter -1) plus its audit record, so a decision racing the lapse and the
 * lapse cannot both win: whichever commits first closes it, the other is cancelled (the job skips it; the
 * approver is told it expired, or the request is approved and the job never sees it again).
 *
 * Requests filed before lapsing existed carry no `lapsesAt`: they stay pending until decided (the LOB
 * setting applies to requests filed after it is set or changed).
 */
import { queryDueRequests, requestWrites, type AccessRequest } from '@/lib/directory/requests';
import type { PageKey } from '@/lib/directory/types';
import { TransactionCancelledError } from '@/lib/directory/writes';
import { formatUtcMinute } from '@/lib/time-format';
import { mapConcurrent } from '@/lib/concurrency';
import { writeWithAudit } from './audit';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { notifySafely } from './notifications';
import { DAY_MS } from '@/lib/clock';

/** The actor the audit log names for a lapse. */
export const LAPSE_ACTOR = 'request-lapse';
/** Due requests read per query, and lapses (one transaction and one SNS message each) in flight. */
const PAGE = 100;
const LAPSE_CONCURRENCY = 8;

export interface LapseResult {
  /** Requests this run closed as expired. */
  expired: AccessRequest[];
  /** Items the job read (all from the due-date index). */
  read: number;
  /** Due requests that were decided meanwhile (their lapse was cancelled). */
  skipped: number;
}

/** When a request filed at `createdAt` lapses, for a LOB whose requests expire after `days`. */
export function lapsesAtOf(createdAt: Date, days: number): string {
  return new Date(createdAt.getTime() + days * DAY_MS).toISOString();
}

/** Closes one due request as expired (audited); false when it was decided, withdrawn or lapsed meanwhile. */
async function lapse(deps: AdminDeps, request: AccessRequest, now: Date): Promise<AccessRequest | null> {
  const at = now.toISOString();
  const change = {
    actor: LAPSE_ACTOR,
    action: 'request.expire',
    target: request.requester,
    lob: request.lob,
    before: {
      request: request.id,
      status: 'pending',
      lapsesAt: request.lapsesAt,
      approvals: request.approvals?.length ?? 0,
    },
    after: { request: request.id, status: 'expired' },
  };
  // A lapse is the system's change, not an admin's: it records no admin-change metric (as before).
  try {
    const close = requestWrites.close(deps, request, { status: 'expired', decidedAt: at });
    await writeWithAudit(deps, close, change, now, { metric: false });
  } catch (error) {
    if (error instanceof TransactionCancelledError) return null;
    throw error;
  }
  return { ...request, status: 'expired', decidedAt: at };
}

/** Expires every pending request whose lapse time has passed; reads only the due ones. */
export async function lapseDueRequests(deps: AdminDeps): Promise<LapseResult> {
  const now = nowOf(deps);
  const result: LapseResult = { expired: [], read: 0, skipped: 0 };
  let startKey: PageKey | undefined;
  do {
    const page = await queryDueRequests(deps, now, { limit: PAGE, startKey });
    result.read += page.scanned;
    await mapConcurrent(page.requests, LAPSE_CONCURRENCY, async (request) => {
      const expired = await lapse(deps, request, now);
      if (!expired) {
        result.skipped++;
        return;
      }
      result.expired.push(expired);
      await notifySafely(deps, {
        event: 'request.expired',
        lob: expired.lob,
        user: expired.requester,
        subject: `Access request expired: ${expired.requester} in ${expired.lob}`,
        text: `The request of ${expired.requester} for ${expired.lob} (asked ${formatUtcMinute(expired.createdAt)}) was not decided in time and expired. ${expired.requester} may ask again.`,
        details: {
          request: expired.id,
          requester: expired.requester,
          status: 'expired',
          createdAt: expired.createdAt,
          lapsesAt: expired.lapsesAt,
          decidedAt: expired.decidedAt,
        },
      });
    });
    startKey = page.nextKey;
  } while (startKey);
  return result;
}
