/**
 * The launch's side of restoring access: a user whose profile the portal disabled in a LOB (the record of
 * lib/directory/studio-access.ts) and who may launch there again (e.g. added back to the IdP group) gets the
 * profile enabled just before the presign. The user's summary is read alongside the launch's Users-row read
 * (one GetItem, in parallel), so a returning user's warm launch keeps its two AWS calls in a row; only a user
 * with a record pays the UpdateUserProfile. Wraps the launch deps, leaving lib/launch/launch-studio.ts as it is.
 */
import { LRUCache } from 'lru-cache';
import type { ResolveLobsDeps } from '@/lib/launch/resolve-lobs';
import type { Presigner } from '@/lib/launch/types';
import { endedLobsOf } from '@/lib/directory/studio-access';
import { log } from '@/lib/log';
import { enableProfile, type EndAccessDeps } from './end-access';

/**
 * The latest read per user, from the Users-row read to the presign: concurrent launches of one user share it
 * (each launch's own read replaces it first), so no launch reads again on the presign's path.
 */
const MAX_USERS = 10_000;

export function restoreOnLaunch<D extends Pick<ResolveLobsDeps, 'getUser'> & { presigner: Presigner }>(deps: D, access: EndAccessDeps): D {
  const pending = new LRUCache<string, Promise<string[]>>({ max: MAX_USERS });
  const read = (username: string) =>
    endedLobsOf(access, username).catch((error: unknown) => {
      log.warn('access.record_read_failed', { user: username, error });
      return [];
    });
  const inner = deps.presigner;
  return {
    ...deps,
    getUser: (username: string) => {
      pending.set(username, read(username));
      return deps.getUser(username);
    },
    presigner: {
      openSession: (lob, username) => inner.openSession(lob, username),
      createUrl: async (request, session) => {
        const user = request.userProfileName;
        const ended = await (pending.get(user) ?? read(user));
        // The user's own name as the source identity: the LOB account's CloudTrail shows whose launch enabled it.
        if (ended.includes(request.lob.lob)) await enableProfile(access, request.lob, user, user);
        return inner.createUrl(request, session);
      },
    },
  };
}
