import 'server-only';
import { cookies } from 'next/headers';

/** Why a portal session was ended for the user (the sign-in page's `?error=` and what it says). */
export const SESSION_ENDED_ERRORS = {
  disabled: 'AccountDisabled',
  deleted: 'AccountDeleted',
  ended: 'SessionEnded',
  active: '',
} as const;

/** next-auth's session cookie (and its chunks), with or without the __Secure- prefix. */
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

/**
 * Clears the session cookie where the response can still set cookies (server actions, route handlers);
 * answers false while a page renders (Next refuses cookie changes there), where the caller sends the
 * browser to /signin/ended to do it.
 */
export async function clearSessionCookies(): Promise<boolean> {
  const jar = await cookies();
  try {
    for (const { name } of jar.getAll()) {
      if (SESSION_COOKIE.test(name)) {
        const secure = name.startsWith('__Secure-');
        jar.set(name, '', { path: '/', maxAge: 0, httpOnly: true, sameSite: 'lax', secure });
      }
    }
    return true;
  } catch {
    return false;
  }
}
