/**
 * The portal session's bookkeeping in the next-auth JWT: when the user signed in (an absolute lifetime
 * that reading or refreshing the session never extends) and the one Cognito token sign-out revokes
 * (lib/auth/sign-out.ts). next-auth's jwt callback calls sessionBookkeeping on every session read.
 */
import type { Account, User } from 'next-auth';
import type { JWT } from 'next-auth/jwt';

/** Thrown by the jwt callback for a session past its lifetime: next-auth answers "no session" and clears the cookie. */
export class SessionExpiredError extends Error {
  constructor() {
    super('The portal session is past its absolute lifetime.');
    this.name = 'SessionExpiredError';
  }
}

/** What sign-out can revoke: the refresh token (RevokeToken) or, without one, the access token (GlobalSignOut). */
export interface RevocableTokens {
  refreshToken?: string;
  accessToken?: string;
}

/** Keeps only what sign-out needs: the refresh token when there is one, else the access token. */
export function revocableOf(tokens: RevocableTokens): JWT['revoke'] {
  if (tokens.refreshToken) return { kind: 'refresh', token: tokens.refreshToken };
  if (tokens.accessToken) return { kind: 'access', token: tokens.accessToken };
  return undefined;
}

/** Seconds left of a session signed in at `signedInAt` (epoch seconds); <= 0 when it has ended. */
export function secondsLeft(signedInAt: unknown, nowMs: number, lifetimeSeconds: number): number {
  if (typeof signedInAt !== 'number' || !Number.isFinite(signedInAt)) return 0;
  return signedInAt + lifetimeSeconds - nowMs / 1000;
}

/**
 * At sign-in (`account` is set): stamps the sign-in time (the portal's clock) and keeps the revocable
 * token. Every later read: refuses a session past its lifetime, or one without a sign-in time (issued
 * before lifetimes existed). `now`: the portal's clock (epoch ms); `lifetimeSeconds`: SESSION_LIFETIME_SECONDS.
 */
export function sessionBookkeeping(
  token: JWT,
  signIn: { account?: Account | null; user?: User | null },
  { now, lifetimeSeconds }: { now: number; lifetimeSeconds: number },
): JWT {
  if (signIn.account) {
    token.signedInAt = Math.floor(now / 1000);
    const fromUser = (signIn.user as { revocable?: RevocableTokens } | null | undefined)?.revocable;
    token.revoke = revocableOf(
      fromUser ?? { refreshToken: signIn.account.refresh_token, accessToken: signIn.account.access_token },
    );
    return token;
  }
  if (secondsLeft(token.signedInAt, now, lifetimeSeconds) <= 0) throw new SessionExpiredError();
  return token;
}
