import 'server-only';
import { cookies } from 'next/headers';
import type { AuthOptions } from 'next-auth';
import { encode } from 'next-auth/jwt';
import type { SessionUser } from './types';

/** next-auth's default session lifetime, when the options set none. */
const DEFAULT_MAX_AGE_SECONDS = 30 * 24 * 3600;

/** next-auth's session cookie: `__Secure-` prefixed and Secure on an https portal, as next-auth names it. */
export function sessionCookieOf(options: AuthOptions, nextAuthUrl: string) {
  const secure = nextAuthUrl.startsWith('https://');
  return (
    options.cookies?.sessionToken ?? {
      name: `${secure ? '__Secure-' : ''}next-auth.session-token`,
      options: { httpOnly: true, sameSite: 'lax' as const, path: '/', secure },
    }
  );
}

/**
 * Starts the next-auth session of a user the sign-in steps verified (lib/auth/sign-in-steps.ts), from a
 * server action: the same `signIn` and `jwt` callbacks as the credentials provider (so the session holds
 * exactly the claims of any other sign-in), encoded with next-auth's own `encode` and set as its cookie.
 * Returns false when the `signIn` callback refuses the user.
 */
export async function startSession(options: AuthOptions, nextAuthUrl: string, user: SessionUser): Promise<boolean> {
  const signInUser = { id: user.username, ...user };
  const account = { providerAccountId: user.username, type: 'credentials' as const, provider: 'credentials' };
  const allowed = options.callbacks?.signIn ? await options.callbacks.signIn({ user: signInUser, account }) : true;
  if (allowed !== true) return false;
  const defaultToken = { name: undefined, email: user.email, picture: undefined, sub: user.username };
  const token = options.callbacks?.jwt
    ? await options.callbacks.jwt({
        token: defaultToken,
        user: signInUser,
        account,
        isNewUser: false,
        trigger: 'signIn',
      })
    : defaultToken;
  const maxAge = options.session?.maxAge ?? DEFAULT_MAX_AGE_SECONDS;
  const secret = options.secret ?? process.env.NEXTAUTH_SECRET ?? '';
  const value = await (options.jwt?.encode ?? encode)({ token, secret, maxAge });
  const cookie = sessionCookieOf(options, nextAuthUrl);
  (await cookies()).set(cookie.name, value, { ...cookie.options, expires: new Date(Date.now() + maxAge * 1000) });
  return true;
}
