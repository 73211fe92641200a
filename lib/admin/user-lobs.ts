/**
 * A user's explicit LOB memberships as the Users page edits them: read, list, export, save. The save
 * rules (unknown LOBs refused, kept memberships keep their end date, a stale edit is refused with who
 * and when) live here; the rows are read and written by the data layer (lib/directory/users.ts).
 */
import { InputInvalidError } from '@/lib/errors';
import { isMembershipActive } from '@/lib/directory/items';
import type { Membership, UserMapping } from '@/lib/directory/types';
import { getUserMapping, queryUserMappings } from '@/lib/directory/users';
import { TransactionCancelledError } from '@/lib/directory/writes';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { conflictFor } from './errors';
import { refuseSelfGrant } from './grants';
import { boundSub } from './sub-binding';
import { poolSubOf } from './pool-lookup';
import { listLobs, type AdminLob } from './lobs';
import { commitMembershipWrite } from './memberships';
import { studioFollows } from './studio-follows';
import { decodePageToken, encodePageToken } from './page-token';

/** The LOBs of a row whose membership has not ended (ended ones leave every list). */
export function activeLobsOf(mapping: UserMapping, now: Date): string[] {
  return mapping.memberships.filter((m) => isMembershipActive(m, now)).map((m) => m.lob);
}

/** LOBs whose IdP groups include one of `groups`. */
export function lobsForGroups(lobs: AdminLob[], groups: string[]): string[] {
  return lobs.filter((l) => l.groups.some((g) => groups.includes(g))).map((l) => l.lob);
}

export interface MappedUsersPage {
  users: UserMapping[];
  nextToken?: string;
}

/** Users-table rows in username order, with an optional username prefix. */
export async function listMappedUsers(
  deps: AdminDeps,
  options: { prefix?: string; limit?: number; pageToken?: string } = {},
): Promise<MappedUsersPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
  const page = await queryUserMappings(deps, {
    prefix: options.prefix?.trim() || undefined,
    limit,
    startKey: decodePageToken<Record<string, unknown>>(options.pageToken),
  });
  return { users: page.users, nextToken: encodePageToken(page.nextKey) };
}

/** Every mapping, page by page (CSV export). */
export async function* iterateMappedUsers(deps: AdminDeps): AsyncGenerator<UserMapping[]> {
  let pageToken: string | undefined;
  do {
    const page = await listMappedUsers(deps, { limit: 1000, pageToken });
    if (page.users.length) yield page.users;
    pageToken = page.nextToken;
  } while (pageToken);
}

const membershipConflict = (deps: AdminDeps, username: string) =>
  conflictFor(`The LOB memberships of ${username}`, () => getUserMapping(deps, username));

/**
 * Sets a user's LOB memberships from an edit that started at `expectedVersion` (null: the user had no row).
 * An empty list removes the row. Unknown LOBs are refused; a concurrent change is refused with who and when.
 */
export async function saveUserLobs(
  deps: AdminDeps,
  {
    actor,
    username,
    lobs,
    expectedVersion,
  }: { actor: string; username: string; lobs: string[]; expectedVersion: number | null },
): Promise<UserMapping | null> {
  const wanted = [...new Set(lobs.map((l) => l.trim()).filter(Boolean))];
  const known = new Set((await listLobs(deps)).map((l) => l.lob));
  const unknown = wanted.filter((l) => !known.has(l));
  if (unknown.length) throw new InputInvalidError(`Unknown line of business: ${unknown.join(', ')}.`);

  const before = await getUserMapping(deps, username);
  const held = new Set(before ? activeLobsOf(before, nowOf(deps)) : []);
  const added = wanted.filter((l) => !held.has(l));
  // Giving up one's own memberships is allowed; adding any is a self-grant.
  if (added.length)
    await refuseSelfGrant(deps, actor, username, {
      action: 'user.lobs.update',
      what: `you cannot add yourself to ${added.join(', ')}`,
      lobs: added,
    });
  const beforeVersion = before?.version ?? null;
  if (beforeVersion !== expectedVersion) {
    if (before || expectedVersion !== null) throw await membershipConflict(deps, username);
  }
  const now = nowOf(deps);
  if (!wanted.length && !before) return null;
  // Kept memberships keep their end date and origin; new ones (or ones that had ended) are permanent admin grants.
  const memberships: Membership[] = wanted.map((lob) => {
    const kept = before?.memberships.find((m) => m.lob === lob && isMembershipActive(m, now));
    return kept ?? { lob, via: 'admin', grantedBy: actor, grantedAt: now.toISOString() };
  });
  let after: UserMapping | null;
  const sub = wanted.length ? boundSub(username, before, await poolSubOf(deps, username)) : before?.sub;
  try {
    after = await commitMembershipWrite(deps, {
      actor,
      username,
      before,
      sub,
      memberships,
      action: !before ? 'user.lobs.create' : wanted.length ? 'user.lobs.update' : 'user.lobs.delete',
    });
  } catch (error) {
    if (error instanceof TransactionCancelledError) throw await membershipConflict(deps, username);
    throw error;
  }
  await studioFollows(
    deps,
    { actor, username, before, after, reason: 'removed' },
    `Saved the memberships of ${username}.`,
  );
  return after;
}
