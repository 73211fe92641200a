import { redirect } from 'next/navigation';
import { IDENTITY_UNAVAILABLE_PATH, getSessionState } from '@/lib/auth/session';
import { SESSION_ENDED_ERRORS, clearSessionCookies } from '@/lib/auth/session-ended';
import { isPortalError } from '@/lib/errors';

/**
 * Ends a session whose user the user pool no longer lets in: clears the session cookie, then the
 * sign-in page says why. It decides from the pool's answer, not from the URL, so a link to it cannot
 * sign out someone whose account is fine (they go home instead).
 */
export async function GET(): Promise<never> {
  let reason: keyof typeof SESSION_ENDED_ERRORS = 'ended';
  try {
    const state = await getSessionState();
    if (state.kind === 'ended') reason = state.reason;
    else if (state.kind === 'active') reason = 'active';
  } catch (error) {
    if (isPortalError(error)) redirect(IDENTITY_UNAVAILABLE_PATH);
    throw error;
  }
  if (reason === 'active') redirect('/');
  await clearSessionCookies();
  redirect(`/signin?error=${SESSION_ENDED_ERRORS[reason]}`);
}
