/**
 * One LOB's explicit members, as its owners manage them: list (active memberships only; an ended one
 * leaves the list but stays in the audit log), add, change the end date, remove. Each change rewrites
 * the user's row conditioned on the version just read, so a concurrent edit of another LOB's
 * membership of the same user is never lost (the write is retried from a fresh read).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InputInvalidError, PortalError } from '@/lib/errors';
import { USERS_TABLE } from '@/lib/directory/schema';
import { isMembershipActive, reshapeUserItem } from '@/lib/directory/items';
import type { Membership, UserMapping } from '@/lib/directory/types';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { toDirectoryError } from './errors';
import { commitMembershipWrite, TransactionCancelledError } from './memberships';
import { decodePageToken, encodePageToken } from './page-token';
import { getUserMapping } from './users';

const DAY_MS = 24 * 3600 * 1000;

export interface MemberRow extends Membership {
  username: string;
  version: number;
}

export interface MembersPage {
  members: MemberRow[];
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
  const now = nowOf(deps);
  const names: Record<string, string> = { '#m': 'memberships', '#lob': lob, '#until': 'until', '#lobs': 'lobs' };
  const values: Record<string, unknown> = { ':kind': 'user', ':lob': lob, ':now': now.toISOString() };
  let filter = 'contains(#lobs, :lob) AND (attribute_not_exists(#m.#lob.#until) OR #m.#lob.#until > :now)';
  if (options.expiringWithinDays) {
    values[':soon'] = new Date(now.getTime() + options.expiringWithinDays * DAY_MS).toISOString();
    filter = 'contains(#lobs, :lob) AND #m.#lob.#until > :now AND #m.#lob.#until <= :soon';
  }
  const prefix = options.prefix?.trim();
  if (prefix) values[':prefix'] = prefix;
  let startKey = decodePageToken<Record<string, unknown>>(options.pageToken);
  const members: MemberRow[] = [];
  try {
    for (let reads = 0; reads < READ_BUDGET; reads++) {
      const out = await deps.ddb.send(
        new QueryCommand({
          TableName: deps.tables.users,
          IndexName: USERS_TABLE.indexes[0].name,
          KeyConditionExpression: prefix ? 'kind = :kind AND begins_with(username, :prefix)' : 'kind = :kind',
          FilterExpression: filter,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          Limit: 1000,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const user = reshapeUserItem(item);
        const m = user.memberships.find((x) => x.lob === lob);
        if (m && isMembershipActive(m, now)) members.push({ ...m, username: user.username, version: user.version });
        if (members.length === limit) {
          // Continue after this user next time.
          const last = { kind: 'user', username: user.username };
          return { members, nextToken: encodePageToken(last), budgetSpent: false };
        }
      }
      startKey = out.LastEvaluatedKey;
      if (!startKey) return { members, budgetSpent: false };
    }
  } catch (error) {
    throw toDirectoryError(error);
  }
  return { members, nextToken: encodePageToken(startKey), budgetSpent: true };
}

/** Parses an end date typed in a form (YYYY-MM-DD, end of that day UTC; empty = no end) that must lie ahead. */
export function parseUntil(value: string, now: Date): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T23:59:59Z`))) {
    throw new InputInvalidError('End date: use the form YYYY-MM-DD, or leave it empty for no end.', { details: { field: 'until' } });
  }
  const until = new Date(`${v}T23:59:59.999Z`);
  if (until.getTime() <= now.getTime()) throw new InputInvalidError('End date: choose a day after today.', { details: { field: 'until' } });
  return until.toISOString();
}

const MAX_ATTEMPTS = 4;

async function changeMembership(
  deps: AdminDeps,
  actor: string,
  lob: string,
  username: string,
  action: string,
  change: (current: Membership | undefined, now: Date) => Membership | null,
): Promise<UserMapping | null> {
  for (let attempt = 1; ; attempt++) {
    const now = nowOf(deps);
    const before = await getUserMapping(deps, username);
    const current = before?.memberships.find((m) => m.lob === lob && isMembershipActive(m, now));
    const next = change(current, now);
    const others = (before?.memberships ?? []).filter((m) => m.lob !== lob);
    try {
      return await commitMembershipWrite(deps, { actor, username, before, memberships: next ? [...others, next] : others, action, lob });
    } catch (error) {
      if (!(error instanceof TransactionCancelledError) || attempt >= MAX_ATTEMPTS) {
        throw error instanceof TransactionCancelledError ? new PortalError('conflict.version', `${username} changed several times meanwhile; try again.`) : error;
      }
    }
  }
}

/** Adds `username` to `lob` (or changes the end date of their membership); `until` undefined = no end. */
export async function setMember(deps: AdminDeps, actor: string, lob: string, username: string, until: string | undefined): Promise<UserMapping | null> {
  return changeMembership(deps, actor, lob, username, 'member.set', (current, now) =>
    current
      ? { ...current, until, grantedBy: actor, grantedAt: now.toISOString() }
      : { lob, until, via: 'admin', grantedBy: actor, grantedAt: now.toISOString() },
  );
}

/** Removes `username`'s explicit membership of `lob` (their other LOBs stay). */
export async function removeMember(deps: AdminDeps, actor: string, lob: string, username: string): Promise<UserMapping | null> {
  return changeMembership(deps, actor, lob, username, 'member.remove', (current) => {
    if (!current) throw new InputInvalidError(`${username} is not a member of ${lob}.`);
    return null;
  });
}
