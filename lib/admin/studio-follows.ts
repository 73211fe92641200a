/**
 * The admin rules' side of "Studio follows" (lib/access/follow.ts): after a membership change is stored,
 * end or restore Studio access with the admin deps' access-control sessions. Without them (deps built for
 * a test of something else) nothing happens.
 */
import { PortalError } from '@/lib/errors';
import {
  assertAccessEnded,
  followMembershipChange,
  type FollowResult,
  type MembershipChange,
} from '@/lib/access/follow';
import { log } from '@/lib/log';
import type { AdminDeps } from './deps';

const NOTHING: FollowResult = { ended: [], restored: [] };

/**
 * Follows the change; `done` says what was stored, for the message when something could not be ended
 * (thrown as `access.stop_pending` with `assert`, else only logged: the record and the sweep retry it).
 */
export async function studioFollows(
  deps: AdminDeps,
  change: MembershipChange,
  done: string,
  options: { assert: boolean } = { assert: true },
): Promise<FollowResult> {
  if (!deps.studio) return NOTHING;
  let result: FollowResult;
  try {
    result = await followMembershipChange({ ...deps, studio: deps.studio }, change);
  } catch (error) {
    log.error('access.follow_failed', { user: change.username, error });
    if (!options.assert) return NOTHING;
    const why = error instanceof Error ? error.message : String(error);
    throw new PortalError(
      'access.stop_pending',
      `${done} But Studio access could not be checked or ended yet (${why}); the access sweep retries it within minutes.`,
      { cause: error },
    );
  }
  if (options.assert) assertAccessEnded(result, done);
  return result;
}
