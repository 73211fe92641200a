import 'server-only';
import { getServerSession } from 'next-auth';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getConfig } from '@/lib/config';
import { isPortalError } from '@/lib/errors';
import { log } from '@/lib/log';
import { getAuthOptions } from './next-auth';
import { getDirectory } from '../directory';
import { getIdentityChecker } from './identity-check';
import { SESSION_ENDED_ERRORS, clearSessionCookies } from './session-ended';
import { isPlatformAdmin, ownedLobs } from './roles';
import type { SessionUser } from './types';

export type { SessionUser } from './types';

/** Where a session whose user the pool no longer lets in is ended (cookie cleared, then sign-in says why). */
export const SESSION_ENDED_PATH = '/signin/ended';
/** The 503 page shown when Cognito cannot be asked about the user (the portal fails closed). */
export const IDENTITY_UNAVAILABLE_PATH = '/signin/unavailable';

/** What the session cookie and the user pool say about the caller now. */
export type SessionState =
  | { kind: 'none' }
  | { kind: 'active'; user: SessionUser }
  | { kind: 'ended'; username: string; reason: 'disabled' | 'deleted' };

/**
 * The session (next-auth: signature, cookie expiry, and the absolute lifetime from sign-in) joined with
 * the user's state in the user pool, at most IDENTITY_RECHECK_SECONDS old: the groups are the pool's
 * current ones, never the sign-in's. Throws a PortalError (503) when Cognito cannot be asked.
 */
export async function getSessionState(): Promise<SessionState> {
  const session = await getServerSession(getAuthOptions());
  const user = session?.user;
  if (!user || typeof user.username !== 'string' || user.username === '') return { kind: 'none' };
  const identity = await getIdentityChecker().check(user.username);
  if (identity.status !== 'active') return { kind: 'ended', username: user.username, reason: identity.status };
  return {
    kind: 'active',
    user: {
      username: user.username,
      groups: identity.groups,
      ...(user.email ? { email: user.email } : {}),
      ...(user.sub ? { sub: user.sub } : {}),
      ...(typeof user.mfa === 'boolean' ? { mfa: user.mfa } : {}),
    },
  };
}

/**
 * The signed-in user, or null. Server components / actions / routes only: every caller goes through
 * here, so every page, route, action and launch sees the pool's current state. A user the pool no longer
 * lets in is signed out (cookie cleared here in actions and routes, by SESSION_ENDED_PATH for pages) and
 * sent to sign-in with the reason; when Cognito cannot be asked the request ends on the 503 page, or in the
 * form's error for a scripted action (fail closed, docs/configuration.md IDENTITY_RECHECK_SECONDS).
 */
export async function getSessionUser(): Promise<SessionUser | null> {
  let state: SessionState;
  try {
    state = await getSessionState();
  } catch (error) {
    if (!isPortalError(error)) throw error;
    log.warn('auth.identity_check_failed', { code: error.code, error });
    // A script-driven server action shows the error in its form; pages, routes and no-JS posts get the 503 page.
    if ((await headers()).has('next-action')) throw error;
    redirect(IDENTITY_UNAVAILABLE_PATH);
  }
  if (state.kind === 'ended') {
    log.info('auth.session_ended', { user: state.username, reason: state.reason });
    // Actions and routes end the session here; a page render cannot set cookies and hands over to the route.
    const cleared = await clearSessionCookies();
    redirect(cleared ? `/signin?error=${SESSION_ENDED_ERRORS[state.reason]}` : SESSION_ENDED_PATH);
  }
  return state.kind === 'active' ? state.user : null;
}

/** True when the user is in the configured ADMIN_GROUP. */
export function isAdmin(user: SessionUser | null | undefined): boolean {
  return isPlatformAdmin(user, getConfig().adminGroup);
}

/** True when the admin console has something for the user (platform admin, or owner of a LOB); for navigation only. */
export async function canOpenConsole(user: SessionUser | null): Promise<boolean> {
  if (!user) return false;
  if (isAdmin(user)) return true;
  try {
    return ownedLobs(user, await getDirectory().lobs.listLobs()).length > 0;
  } catch {
    return false;
  }
}
