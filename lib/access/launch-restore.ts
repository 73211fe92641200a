/**
 * The launch's side of restoring access: a user whose profile the portal disabled in a LOB (the record of
 * lib/directory/studio-access.ts) and who may launch there again (e.g. added back to the IdP group) gets the
 * profile enabled just before the presign. The user's summary is read alongside the launch's Users-row read
 * (one GetItem, in parallel), so a returning user's warm launch keeps its two AWS calls in a row; only a user
 * with a record pays the UpdateUserProfile. Wraps the launch deps, leaving lib/launch/launch-studio.ts as it is.
 */
import type { ResolveLobsDeps } from '@/lib/launch/resolve-lobs';
import type { Presigner } from '@/lib/launch/types';
import { endedLobsOf } from '@/lib/directory/studio-access';
import { log } from '@/lib/log';
import { enableProfile, type EndAccessDeps } from './end-access';

/** Reads in flight per user, kept between the Users-row read and the presign of one launch. */
const MAX_PENDING = 10_000;

export function restoreOnLaunch<D extends Pick<ResolveLobsDeps, 'getUser'> & { presigner: Presigner }>(deps: D, access: EndAccessDeps): D {
  const pending = new Map<string, Promise<string[]>>();
  const read = (username: string) =>
    endedLobsOf(access, username).catch((error: unknown) => {
      log.warn('access.record_read_failed', { user: username, error });
      return [];
    });
  const inner = deps.presigner;
  return {
    ...deps,
    getUser: (username: string) => {
      if (pending.size >= MAX_PENDING) pending.clear();
      pending.set(username, read(username));
      return deps.getUser(username);
    },
    presigner: {
      openSession: (lob, username) => inner.openSession(lob, username),
      createUrl: async (request, session) => {
        const user = request.userProfileName;
        const reading = pending.get(user);
        pending.delete(user);
        const ended = await (reading ?? read(user));
        // The user's own name as the source identity: the LOB account's CloudTrail shows whose launch enabled it.
        if (ended.includes(request.lob.lob)) await enableProfile(access, request.lob, user, user);
        return inner.createUrl(request, session);
      },
    },
  };
}
