/**
 * One LOB's explicit members, as its owners manage them: list (active memberships only; an ended one
 * leaves the list but stays in the audit log), add, change the end date, remove. Each change rewrites
 * the user's row conditioned on the version just read, so a concurrent edit of another LOB's
 * membership of the same user is never lost (the write is retried from a fresh read).
 */
import { InputInvalidError, PortalError } from '@/lib/errors';
import { isMembershipActive } from '@/lib/directory/items';
import type { Membership, UserMapping } from '@/lib/directory/types';
import { queryLobMembers, type LobMembership } from '@/lib/directory/users';
import { TransactionCancelledError } from '@/lib/directory/writes';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { checkGrantLength, refuseSelfGrant, type Grantor } from './grants';
import { boundSub } from './sub-binding';
import { getLob } from './lobs';
import { poolSubOf } from './pool-lookup';
import { commitMembershipWrite } from './memberships';
import { studioFollows } from './studio-follows';
import { decodePageToken, encodePageToken } from './page-token';
import { getUserMapping } from '@/lib/directory/users';

export interface MembersPage {
  members: LobMembership[];
  nextToken?: string;
  /** True when the page stopped at its read budget before filling up (more may follow). */
  budgetSpent: boolean;
}

/** Reads per page view: the Users index is walked in username order with a filter, a bounded number of pages. */
const READ_BUDGET = 25;

/**
 * Active explicit members of `lob` in username order (optionally: only those whose membership ends
 * within `expiringWithinDays`), filtered in DynamoDB from the byUsername index.
 */
export async function listMembers(
  deps: AdminDeps,
  lob: string,
  options: { limit?: number; pageToken?: string; prefix?: string; expiringWithinDays?: number } = {},
): Promise<MembersPage> {
  // Pages show 50; a review's snapshot reads 1,000 at a time (the index is read 1,000 items per query anyway).
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
  const page = await queryLobMembers(deps, lob, {
    limit,
    now: nowOf(deps),
    prefix: options.prefix?.trim() || undefined,
    expiringWithinDays: options.expiringWithinDays,
    startKey: decodePageToken<Record<string, unknown>>(options.pageToken),
    maxReads: READ_BUDGET,
  });
  return { members: page.members, nextToken: encodePageToken(page.nextKey), budgetSpent: page.budgetSpent };
}

/** Parses an end date typed in a form (YYYY-MM-DD, end of that day UTC; empty = no end) that must lie ahead. */
export function parseUntil(value: string, now: Date): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T23:59:59Z`))) {
    throw new InputInvalidError('End date: use the form YYYY-MM-DD, or leave it empty for no end.', {
      details: { field: 'until' },
    });
  }
  const until = new Date(`${v}T23:59:59.999Z`);
  if (until.getTime() <= now.getTime())
    throw new InputInvalidError('End date: choose a day after today.', { details: { field: 'until' } });
  return until.toISOString();
}

const MAX_ATTEMPTS = 4;

interface MembershipChange {
  actor: string;
  lob: string;
  username: string;
  /** The audit action (`member.set`, `member.remove`). */
  action: string;
  /** The pool's current `sub` to bind the row to (lib/admin/identity.ts). */
  poolSub?: string;
  /** Only if the user's row is still at this version (the API's If-Match). */
  expectedVersion?: number;
}

async function changeMembership(
  deps: AdminDeps,
  { actor, lob, username, action, poolSub, expectedVersion }: MembershipChange,
  change: (current: Membership | undefined, now: Date) => Membership | null,
): Promise<UserMapping | null> {
  for (let attempt = 1; ; attempt++) {
    const now = nowOf(deps);
    const before = await getUserMapping(deps, username);
    // An update made from a version read earlier (the API's If-Match): refused, nothing written, once it moved.
    if (expectedVersion !== undefined && (before?.version ?? 0) !== expectedVersion) {
      throw new PortalError(
        'precondition.failed',
        `${username} changed since version ${expectedVersion} (now ${before?.version ?? 0}); read it again.`,
      );
    }
    const current = before?.memberships.find((m) => m.lob === lob && isMembershipActive(m, now));
    const next = change(current, now);
    const others = (before?.memberships ?? []).filter((m) => m.lob !== lob);
    try {
      const sub = boundSub(username, before, poolSub);
      const after = await commitMembershipWrite(deps, {
        actor,
        username,
        before,
        memberships: next ? [...others, next] : others,
        action,
        lob,
        sub,
      });
      await studioFollows(
        deps,
        { actor, username, before, after, reason: 'removed' },
        next ? `Saved ${username}'s membership of ${lob}.` : `Removed ${username} from ${lob}.`,
      );
      return after;
    } catch (error) {
      if (!(error instanceof TransactionCancelledError) || attempt >= MAX_ATTEMPTS) {
        throw error instanceof TransactionCancelledError
          ? new PortalError('conflict.version', `${username} changed several times meanwhile; try again.`)
          : error;
      }
    }
  }
}

/**
 * Adds `username` to `lob` (or changes the end date of their membership); `until` undefined = no end.
 * `expectedVersion`: only if the user's row is still at that version (else 412, nothing changed).
 * Nobody sets their own membership; an owner's grant ends within the LOB's maximum (lib/admin/grants.ts).
 */
export async function setMember(
  deps: AdminDeps,
  {
    grantor,
    lob,
    username,
    until,
    expectedVersion,
  }: { grantor: Grantor; lob: string; username: string; until: string | undefined; expectedVersion?: number },
): Promise<UserMapping | null> {
  const actor = grantor.username;
  await refuseSelfGrant(deps, actor, username, {
    action: 'member.set',
    what: `you cannot add yourself to ${lob} or change your own end date`,
    lob,
    detail: { lob, until: until ?? null },
  });
  const found = await getLob(deps, lob);
  if (!found) throw new PortalError('lob.not_found', `There is no line of business named ${lob}.`);
  checkGrantLength(grantor, found, until, nowOf(deps));
  // Bound to the pool's current `sub` (a user not in the pool yet gets an unbound row: see lib/admin/identity.ts).
  const poolSub = await poolSubOf(deps, username);
  return changeMembership(
    deps,
    { actor, lob, username, action: 'member.set', poolSub, expectedVersion },
    (current, now) =>
      current
        ? { ...current, until, grantedBy: actor, grantedAt: now.toISOString() }
        : { lob, until, via: 'admin', grantedBy: actor, grantedAt: now.toISOString() },
  );
}

/** Removes `username`'s explicit membership of `lob` (their other LOBs stay). */
export async function removeMember(
  deps: AdminDeps,
  { actor, lob, username }: { actor: string; lob: string; username: string },
): Promise<UserMapping | null> {
  return changeMembership(deps, { actor, lob, username, action: 'member.remove' }, (current) => {
    if (!current) throw new InputInvalidError(`${username} is not a member of ${lob}.`);
    return null;
  });
}
