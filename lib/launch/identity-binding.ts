/**
 * The launch's identity check (issue 23): explicit memberships are bound to the user pool `sub` they were
 * granted to, so a user deleted and re-created under the same username (a new `sub`) does not inherit
 * them, nor the Studio profile, private spaces and home directory behind them. It compares data the launch
 * already has (the session's `sub`, the Users row it reads): no extra AWS call. Called from the resolve
 * step (lib/launch/resolve-lobs.ts), so the home page and both launch channels refuse alike.
 */
import type { SessionUser } from '@/lib/auth/types';
import { PortalError } from '@/lib/errors';
import type { UserMapping } from '@/lib/directory/types';
import type { Presigner } from './types';

/** Thrown when the signed-in person is not the one the memberships were granted to. */
export class IdentityMismatchError extends PortalError {
  constructor(message: string, details: Record<string, unknown>) {
    super('identity.mismatch', message, { details });
    this.name = 'IdentityMismatchError';
  }
}

/**
 * Refuses when `row` (the user's Users row, if any) is not bound to the signed-in `sub`. Rows written
 * before binding existed carry no `sub`: refused too (the safe reading) until `npm run backfill-subs`
 * binds them (docs/admin.md). Group-derived access has no row and is not checked here: the IdP governs it.
 */
export function checkIdentityBinding(
  user: Pick<SessionUser, 'username' | 'sub'>,
  row: Pick<UserMapping, 'sub'> | null | undefined,
): void {
  if (!row) return;
  const details = { username: user.username, rowSub: row.sub ?? null, sessionSub: user.sub ?? null };
  if (!user.sub) {
    throw new IdentityMismatchError(
      'Your sign-in does not carry your user id (it predates this portal version). Sign out and sign in again.',
      details,
    );
  }
  if (!row.sub) {
    throw new IdentityMismatchError(
      `Your access has not been bound to your account yet. Ask a platform admin: the backfill (npm run backfill-subs) binds it, or they see it under Orphaned access in the admin console (user ${user.username}).`,
      details,
    );
  }
  if (row.sub !== user.sub) {
    throw new IdentityMismatchError(
      `This access was granted to an earlier account named ${user.username}, not to you. Ask a platform admin: it is listed under Orphaned access in the admin console, where they archive it before granting you access.`,
      details,
    );
  }
}

/**
 * The launch's presigner for one request, passing the signed-in `sub` on to a just-in-time
 * CreateUserProfile (its Tags): lib/launch/index.ts wraps the process-wide presigner with it.
 */
export function presignerFor(presigner: Presigner, user: Pick<SessionUser, 'sub'>): Presigner {
  if (!user.sub) return presigner;
  return {
    openSession: (lob, username) => presigner.openSession(lob, username),
    createUrl: (request, session) => presigner.createUrl({ ...request, userSub: user.sub }, session),
  };
}
