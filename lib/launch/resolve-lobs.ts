import type { SessionUser } from '@/lib/auth/types';
import type { LobReader } from '@/lib/directory/lobs';
import type { Lob, UserMapping } from '@/lib/directory/types';
import type { Logger } from '@/lib/log';

export interface ResolveLobsDeps {
  getUser(username: string): Promise<UserMapping | undefined>;
  lobs: LobReader;
  log: Logger;
}

export interface ResolvedLobs {
  /** How the user was mapped: an explicit Users row, IdP groups, or not at all. */
  source: 'users-table' | 'groups' | 'none';
  lobs: Lob[];
}

/**
 * The user's LOBs: the Users table row when there is one (one GetItem), else every LOB whose IdP
 * `groups` include one of the user's groups (from the cached LOB list).
 */
export async function resolveLobsForUser(deps: ResolveLobsDeps, user: SessionUser): Promise<ResolvedLobs> {
  const mapping = await deps.getUser(user.username);
  if (mapping && mapping.lobs.length > 0) {
    const rows = await Promise.all(mapping.lobs.map((name) => deps.lobs.getLob(name)));
    const lobs = rows.filter((row): row is Lob => {
      return row !== undefined;
    });
    if (lobs.length < mapping.lobs.length) {
      const missing = mapping.lobs.filter((name) => !lobs.some((l) => l.lob === name));
      deps.log.warn('directory.user_maps_unknown_lob', { user: user.username, missing });
    }
    return { source: 'users-table', lobs };
  }
  if (user.groups.length === 0) return { source: 'none', lobs: [] };
  const all = await deps.lobs.listLobs();
  const lobs = all.filter((lob) => lob.groups.some((g) => user.groups.includes(g)));
  return { source: lobs.length ? 'groups' : 'none', lobs };
}
