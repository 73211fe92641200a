/**
 * Whether a portal session passed multi-factor authentication, and whether the console requires it
 * (docs/admin.md "MFA for the console"). Pure functions: next-auth's callbacks record the claim, the
 * console gates (lib/admin/require-admin.ts) ask `consoleMfaMissing`.
 *  - password mode: the portal's own sign-in steps know (SOFTWARE_TOKEN_MFA or MFA_SETUP answered);
 *  - hosted-UI mode: the ID token's `amr` claim says it when Cognito sends one (["pwd", "otp", "mfa"]);
 *    without it the portal cannot know, and relies on the user pool requiring MFA (production stages).
 */
import type { SessionUser } from './types';

/** The session's MFA claim: true / false when known, undefined when the portal cannot know (hosted UI, no `amr`). */
export type MfaClaim = boolean | undefined;

/** From a hosted-UI ID token's claims: `amr` lists the methods the user completed. */
export function mfaFromIdTokenClaims(claims: Record<string, unknown>): MfaClaim {
  const amr = claims.amr;
  if (!Array.isArray(amr)) return undefined;
  return amr.includes('mfa') || amr.includes('otp');
}

/** Reads the claim back from the next-auth JWT (anything but a boolean counts as unknown). */
export function mfaClaimOf(value: unknown): MfaClaim {
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * True when the console must refuse this session: the stage requires MFA and the session is known not to
 * have passed it. A session the portal cannot judge (hosted UI without `amr`) is left to the pool's MFA.
 */
export function consoleMfaMissing(user: Pick<SessionUser, 'mfa'>, requireMfa: boolean): boolean {
  return requireMfa && user.mfa === false;
}
