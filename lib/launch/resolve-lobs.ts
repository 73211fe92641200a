import type { SessionUser } from '@/lib/auth/types';
import type { LobReader } from '@/lib/directory/lobs';
import { isMembershipActive } from '@/lib/directory/items';
import type { Lob, Membership, UserMapping } from '@/lib/directory/types';
import type { Logger } from '@/lib/log';
import { checkIdentityBinding } from './identity-binding';

export interface ResolveLobsDeps {
  /** The user's Users row (the launch path reads it without a consistent read), or null. */
  getUser(username: string): Promise<UserMapping | null>;
  lobs: LobReader;
  log: Logger;
  /** The clock memberships end by (lib/clock.ts). */
  now?: () => Date;
}

export interface ResolvedLobs {
  /** How the user was mapped: an explicit Users row, IdP groups, or not at all. */
  source: 'users-table' | 'groups' | 'none';
  lobs: Lob[];
  /** The user's explicit memberships that count now (with their end dates). */
  memberships: Membership[];
  /** Explicit memberships that have ended: the launch refuses them with `membership.expired`. */
  expired: Membership[];
}

/**
 * The user's LOBs: the Users table row's memberships that have not ended (one GetItem; end dates are in
 * the same item), else every LOB whose IdP `groups` include one of the user's groups (from the cached
 * LOB list). Group-derived access does not end here: the IdP governs it.
 */
export async function resolveLobsForUser(deps: ResolveLobsDeps, user: SessionUser): Promise<ResolvedLobs> {
  const found = await deps.getUser(user.username);
  checkIdentityBinding(user, found);
  const now = deps.now?.() ?? new Date();
  const memberships = found?.memberships.filter((m) => isMembershipActive(m, now)) ?? [];
  const expired = found?.memberships.filter((m) => !isMembershipActive(m, now)) ?? [];
  const mapping = found && { ...found, lobs: memberships.map((m) => m.lob) };
  if (mapping && mapping.lobs.length > 0) {
    const rows = await Promise.all(mapping.lobs.map((name) => deps.lobs.getLob(name)));
    const lobs = rows.filter((row): row is Lob => {
      return row !== undefined;
    });
    if (lobs.length < mapping.lobs.length) {
      const missing = mapping.lobs.filter((name) => !lobs.some((l) => l.lob === name));
      deps.log.warn('directory.user_maps_unknown_lob', { user: user.username, missing });
    }
    return { source: 'users-table', lobs, memberships, expired };
  }
  if (user.groups.length === 0) return { source: 'none', lobs: [], memberships, expired };
  const all = await deps.lobs.listLobs();
  const lobs = all.filter((lob) => lob.groups.some((g) => user.groups.includes(g)));
  return { source: lobs.length ? 'groups' : 'none', lobs, memberships, expired };
}

/**
 * The same resolution on re-read LOB rows, when any row in `resolved` came from an expired cache entry
 * (the reader's stale-while-revalidate); undefined when every row was fresh. The Users row is not read
 * again: it is never cached. A LOB that is gone drops out; on the group path, so does one whose `groups`
 * no longer include one of the user's.
 */
export function revalidateLobs(
  deps: ResolveLobsDeps,
  user: SessionUser,
  resolved: ResolvedLobs,
): Promise<ResolvedLobs> | undefined {
  const rereads = resolved.lobs.map((row) => deps.lobs.revalidate?.(row));
  if (rereads.every((reread) => reread === undefined)) return undefined;
  return Promise.all(resolved.lobs.map((row, i) => rereads[i] ?? row)).then((rows) => {
    const lobs = rows.filter(
      (row): row is Lob =>
        row !== undefined && (resolved.source !== 'groups' || row.groups.some((g) => user.groups.includes(g))),
    );
    return { ...resolved, lobs };
  });
}
