import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { IDENTITY_UNAVAILABLE_PATH, getSessionState } from '@/lib/auth/session';
import { SESSION_ENDED_ERRORS } from '@/lib/auth/session-ended';
import { isPortalError } from '@/lib/errors';

/** next-auth's session cookie (and its chunks), with or without the __Secure- prefix. */
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

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
  const jar = await cookies();
  for (const { name } of jar.getAll()) {
    if (SESSION_COOKIE.test(name)) {
      jar.set(name, '', { path: '/', maxAge: 0, httpOnly: true, sameSite: 'lax', secure: name.startsWith('__Secure-') });
    }
  }
  redirect(`/signin?error=${SESSION_ENDED_ERRORS[reason]}`);
}
