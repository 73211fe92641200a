/**
 * Separation of duties for every door that grants access (console actions, CSV import, reviews, requests,
 * a future API): nobody grants themselves anything, and a LOB owner's grants end within the LOB's maximum
 * duration (`maxRequestDays`); only platform admins grant without an end date. The rules live here so each
 * lib/admin function that writes a membership calls them before it writes.
 */
import { PortalError } from '@/lib/errors';
import type { Lob } from '@/lib/directory/types';
import { writeAdminAudit } from './audit';
import type { AdminDeps } from './deps';
import { DAY_MS } from '@/lib/clock';

/** Who grants: the session's username, and whether they are a platform admin (decided by the action's authorizer). */
export interface Grantor {
  username: string;
  platformAdmin: boolean;
}

/** The UI contract's words for a refused self-grant (tests find the message by them). */
export const SELF_GRANT_MESSAGE = 'You cannot grant access to yourself';

/** Thrown when someone grants, extends or keeps their own access. */
export class SelfGrantError extends PortalError {
  constructor(what: string) {
    super(
      'grant.self',
      `${SELF_GRANT_MESSAGE}: ${what}. Ask another owner or a platform admin (request access on the home page). Nothing was changed.`,
    );
    this.name = 'SelfGrantError';
  }
}

/** Thrown when an owner's grant has no end date, or ends after the LOB's maximum duration. */
export class GrantBeyondMaxError extends PortalError {
  constructor(message: string) {
    super('grant.beyond_max', message);
    this.name = 'GrantBeyondMaxError';
  }
}

/** The audit action of a refused self-grant (nothing else is written). */
export const SELF_GRANT_REFUSED = 'grant.self_refused';

/**
 * Refuses, with an audit record and nothing else written, a change in which `actor` grants `target` access.
 * `attempted` is the action that was refused (member.set, review.keep, user.lobs.import...).
 */
export async function refuseSelfGrant(
  deps: AdminDeps,
  actor: string,
  target: string,
  attempt: { action: string; what: string; lob?: string; lobs?: string[]; detail?: Record<string, unknown> },
): Promise<void> {
  if (actor !== target) return;
  await writeAdminAudit(deps, {
    actor,
    action: SELF_GRANT_REFUSED,
    target,
    lob: attempt.lob,
    lobs: attempt.lobs,
    before: null,
    after: { refused: attempt.action, ...attempt.detail },
  });
  throw new SelfGrantError(attempt.what);
}

/** The latest end an owner may give in `lob`: the end (UTC) of the day `maxRequestDays` from now. */
export function latestOwnerEnd(lob: Pick<Lob, 'maxRequestDays'>, now: Date): Date {
  const day = new Date(now.getTime() + lob.maxRequestDays * DAY_MS).toISOString().slice(0, 10);
  return new Date(`${day}T23:59:59.999Z`);
}

/** Refuses an owner's grant without an end date or beyond the LOB's maximum; platform admins are not capped. */
export function checkGrantLength(
  grantor: Grantor,
  lob: Pick<Lob, 'lob' | 'maxRequestDays'>,
  until: string | undefined,
  now: Date,
): void {
  if (grantor.platformAdmin) return;
  const latest = latestOwnerEnd(lob, now);
  const limit = `${lob.lob} allows at most ${lob.maxRequestDays} days (until ${latest.toISOString().slice(0, 10)})`;
  if (!until)
    throw new GrantBeyondMaxError(`End date: only platform admins may grant access without an end date; ${limit}.`);
  if (Date.parse(until) > latest.getTime()) throw new GrantBeyondMaxError(`End date: ${limit}; choose an earlier day.`);
}
