/**
 * The launch's side of restoring access: a user whose profile the portal disabled in a LOB (the record of
 * lib/directory/studio-access.ts) and who may launch there again (e.g. added back to the IdP group) gets the
 * profile enabled just before the presign. The user's summary is read alongside the launch's Users-row read
 * (one GetItem, in parallel) and kept per user for `recheckSeconds` (IDENTITY_RECHECK_SECONDS, on the portal's
 * clock), so a returning user's warm launch reads nothing more; only a user with a record pays the
 * UpdateUserProfile. The copy's age is the same bound as the identity re-check's: someone put back in the LOB's
 * IdP group within that window of their access ending in another process may launch into a still-disabled
 * profile until the copy expires (ending access in this process drops the copy at once: restore-copies.ts; a
 * grant in the portal enables the profile itself). Wraps the launch deps, leaving
 * lib/launch/launch-studio.ts as it is.
 */
import { LRUCache } from 'lru-cache';
import type { ResolveLobsDeps } from '@/lib/launch/resolve-lobs';
import type { Presigner } from '@/lib/launch/types';
import { endedLobsOf } from '@/lib/directory/studio-access';
import { log } from '@/lib/log';
import { enableProfile, type EndAccessDeps } from './end-access';
import { keepRestoreCopies } from './restore-copies';

/**
 * The latest read per user, from the Users-row read to the presign and for `recheckSeconds` after it:
 * concurrent and returning launches of one user share it, so no launch reads again on the presign's path.
 */
const MAX_USERS = 10_000;

export interface RestoreOptions {
  /** How long a user's summary is kept (IDENTITY_RECHECK_SECONDS); 0 reads it at every launch. */
  recheckSeconds: number;
  /** Milliseconds since the epoch on the portal's clock (tests move it). */
  now: () => number;
}

export function restoreOnLaunch<D extends Pick<ResolveLobsDeps, 'getUser'> & { presigner: Presigner }>(
  deps: D,
  access: EndAccessDeps,
  options: RestoreOptions,
): D {
  const copies = new LRUCache<string, Promise<string[]>>({
    max: MAX_USERS,
    ...(options.recheckSeconds > 0
      ? { ttl: options.recheckSeconds * 1000, ttlResolution: 0, perf: { now: options.now } }
      : {}),
  });
  keepRestoreCopies(copies);
  const read = (username: string) => {
    const reading = endedLobsOf(access, username).catch((error: unknown) => {
      // Not kept: the next launch reads again.
      if (copies.get(username) === reading) copies.delete(username);
      log.warn('access.record_read_failed', { user: username, error });
      return [];
    });
    copies.set(username, reading);
    return reading;
  };
  const inner = deps.presigner;
  return {
    ...deps,
    getUser: (username: string) => {
      if (options.recheckSeconds <= 0 || !copies.has(username)) read(username);
      return deps.getUser(username);
    },
    presigner: {
      openSession: (lob, username) => inner.openSession(lob, username),
      createUrl: async (request, session) => {
        const user = request.userProfileName;
        const ended = await (copies.get(user) ?? read(user));
        if (ended.includes(request.lob.lob)) {
          // The user's own name as the source identity: the LOB account's CloudTrail shows whose launch enabled it.
          await enableProfile(access, request.lob, user, user);
          copies.delete(user);
        }
        return inner.createUrl(request, session);
      },
    },
  };
}
