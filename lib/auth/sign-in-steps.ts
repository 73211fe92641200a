import 'server-only';
/**
 * The password sign-in form's steps, run by its server action (app/signin/actions.ts), so the form works
 * as a plain HTML form before (or without) JavaScript:
 *  1. username + password: Cognito USER_PASSWORD_AUTH; tokens end the sign-in, SOFTWARE_TOKEN_MFA asks for
 *     an authenticator code, MFA_SETUP sets up an authenticator app first (AssociateSoftwareToken);
 *  2. the code: RespondToAuthChallenge (SOFTWARE_TOKEN_MFA), or VerifySoftwareToken then
 *     RespondToAuthChallenge (MFA_SETUP).
 * Between the steps Cognito's Session lives in an encrypted (next-auth's JWE, its own salt), httpOnly,
 * 3-minute cookie scoped to /signin: never in the page, a URL or a log line. A sign-in that completes
 * starts the next-auth session (lib/auth/session-cookie.ts) with `mfa` recorded.
 */
import { cookies, headers } from 'next/headers';
import {
  AssociateSoftwareTokenCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decode, encode } from 'next-auth/jwt';
import { TOTP, Secret } from 'otpauth';
import QRCode from 'qrcode';
import { getConfig } from '@/lib/config';
import { log } from '@/lib/log';
import { PortalError } from '@/lib/errors';
import {
  computeSecretHash,
  initiatePasswordAuth,
  InvalidCredentialsError,
  signInFailure,
  type PasswordSignInDeps,
} from './password-sign-in';
import { getAuthOptions } from './next-auth';
import { getCognitoClient, getTokenVerifier } from './services';
import { startSession } from './session-cookie';
import { SIGN_IN_MESSAGES, type SignInFormState } from './sign-in-state';
import type { RevocableTokens } from './session-lifetime';
import { typedUsername } from './typed-username';

/** Cognito's default authentication session validity (3 minutes). */
const CHALLENGE_TTL_SECONDS = 180;
const CHALLENGE_SALT = 'studio-portal.sign-in-challenge';
/** The name authenticator apps show next to the code. */
const TOTP_ISSUER = 'Studio Portal';

type MfaChallenge = 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';

interface PendingChallenge {
  username: string;
  challenge: MfaChallenge;
  /** Cognito's Session for the next call. */
  session: string;
}

/** The outcome of one step: the form's next state, or where to send the signed-in user. */
export type StepOutcome = { state: SignInFormState } | { redirectTo: string };

function deps(): PasswordSignInDeps {
  const { cognito } = getConfig();
  return {
    cognito: getCognitoClient(),
    verifier: getTokenVerifier(),
    clientId: cognito.clientId,
    clientSecret: cognito.clientSecret,
  };
}

function challengeCookieName(): string {
  return getConfig().nextAuthUrl.startsWith('https://')
    ? '__Secure-studio-portal.sign-in-challenge'
    : 'studio-portal.sign-in-challenge';
}

async function keepChallenge(pending: PendingChallenge): Promise<void> {
  const { nextAuthSecret, nextAuthUrl } = getConfig();
  const value = await encode({
    token: { ...pending },
    secret: nextAuthSecret,
    salt: CHALLENGE_SALT,
    maxAge: CHALLENGE_TTL_SECONDS,
  });
  (await cookies()).set(challengeCookieName(), value, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/signin',
    secure: nextAuthUrl.startsWith('https://'),
    maxAge: CHALLENGE_TTL_SECONDS,
  });
}

/** The pending challenge (and the cookie gone: Cognito's session is spent by any answer). */
async function takeChallenge(expected: MfaChallenge): Promise<PendingChallenge | undefined> {
  const jar = await cookies();
  const raw = jar.get(challengeCookieName())?.value;
  if (!raw) return undefined;
  jar.delete({ name: challengeCookieName(), path: '/signin' });
  try {
    const token = await decode({ token: raw, secret: getConfig().nextAuthSecret, salt: CHALLENGE_SALT });
    if (
      token &&
      token.challenge === expected &&
      typeof token.username === 'string' &&
      typeof token.session === 'string'
    ) {
      return { username: token.username, challenge: expected, session: token.session };
    }
  } catch {
    // expired or not ours: the user starts again
  }
  return undefined;
}

function passwordStep(code: keyof typeof SIGN_IN_MESSAGES, username?: string): StepOutcome {
  return { state: { step: 'password', error: SIGN_IN_MESSAGES[code], ...(username ? { username } : {}) } };
}

/** A Cognito refusal of a code or a session as the form's answer; anything else is thrown on. */
function codeFailure(error: unknown, username: string): StepOutcome {
  const name = (error as { name?: string }).name ?? '';
  if (name === 'CodeMismatchException' || name === 'EnableSoftwareTokenMFAException') {
    log.info('auth.mfa_refused', { user: username, mode: 'password', reason: 'code' });
    return passwordStep('CodeRejected', username);
  }
  if (name === 'NotAuthorizedException' || name === 'ExpiredCodeException') {
    log.info('auth.mfa_refused', { user: username, mode: 'password', reason: 'session' });
    return passwordStep('ChallengeExpired', username);
  }
  throw signInFailure(error);
}

async function setUpStep(username: string, session: string): Promise<StepOutcome> {
  const out = await deps().cognito.send(new AssociateSoftwareTokenCommand({ Session: session }));
  if (!out.SecretCode || !out.Session) throw new PortalError('internal', 'Cognito returned no authenticator secret.');
  await keepChallenge({ username, challenge: 'MFA_SETUP', session: out.Session });
  const uri = new TOTP({ issuer: TOTP_ISSUER, label: username, secret: Secret.fromBase32(out.SecretCode) }).toString();
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  return { state: { step: 'mfa-setup', secret: out.SecretCode, qrSvg } };
}

async function finish(
  idToken: string,
  revocable: RevocableTokens,
  mfa: boolean,
  callbackUrl: string,
): Promise<StepOutcome> {
  // `revocable`: what sign-out revokes (lib/auth/session-lifetime.ts), kept encrypted in the session cookie.
  const user = { ...(await getTokenVerifier().verifyIdToken(idToken)), mfa, revocable };
  if (!(await startSession(getAuthOptions(), getConfig().nextAuthUrl, user))) return passwordStep('CredentialsSignin');
  log.info('auth.sign_in', { user: user.username, mode: 'password', mfa });
  return { redirectTo: callbackUrl };
}

async function passwordStepAnswer(form: FormData, callbackUrl: string): Promise<StepOutcome> {
  const username = String(form.get('username') ?? '').trim();
  const password = String(form.get('password') ?? '');
  if (!username || !password) return passwordStep('MissingCredentials', username);
  let step;
  try {
    step = await initiatePasswordAuth(deps(), username, password);
  } catch (error) {
    if (error instanceof InvalidCredentialsError) {
      log.info('auth.sign_in_refused', { ...typedUsername(username, getConfig().nextAuthSecret), mode: 'password' });
      return passwordStep('CredentialsSignin', username);
    }
    throw error;
  }
  if ('idToken' in step) return finish(step.idToken, step.revocable, false, callbackUrl);
  log.info('auth.sign_in_challenge', { user: username, mode: 'password', challenge: step.challenge });
  if (step.challenge === 'SOFTWARE_TOKEN_MFA') {
    await keepChallenge({ username, challenge: 'SOFTWARE_TOKEN_MFA', session: step.session });
    return { state: { step: 'mfa' } };
  }
  if (step.challenge === 'MFA_SETUP') return setUpStep(username, step.session);
  // NEW_PASSWORD_REQUIRED and the rest need an administrator (or the hosted UI).
  return passwordStep('PasswordChangeRequired', username);
}

async function codeStepAnswer(
  challenge: MfaChallenge,
  form: FormData,
  callbackUrl: string,
  current: SignInFormState,
): Promise<StepOutcome> {
  const code = String(form.get('code') ?? '').replace(/\s+/g, '');
  // A malformed code is answered here, before it would spend Cognito's session.
  if (!/^\d{6}$/.test(code)) {
    if (challenge === 'SOFTWARE_TOKEN_MFA') return { state: { step: 'mfa', error: SIGN_IN_MESSAGES.CodeFormat } };
    if (current.step === 'mfa-setup') return { state: { ...current, error: SIGN_IN_MESSAGES.CodeFormat } };
    return passwordStep('CodeFormat');
  }
  const pending = await takeChallenge(challenge);
  if (!pending) return passwordStep('ChallengeExpired');
  const { cognito, clientId, clientSecret } = deps();
  const secretHash: Record<string, string> = clientSecret
    ? { SECRET_HASH: computeSecretHash(pending.username, clientId, clientSecret) }
    : {};
  try {
    let session = pending.session;
    let responses: Record<string, string> = { USERNAME: pending.username, ...secretHash };
    if (challenge === 'MFA_SETUP') {
      const verified = await cognito.send(
        new VerifySoftwareTokenCommand({ Session: session, UserCode: code, FriendlyDeviceName: TOTP_ISSUER }),
      );
      if (verified.Status !== 'SUCCESS' || !verified.Session) return passwordStep('CodeRejected', pending.username);
      session = verified.Session;
    } else {
      responses = { ...responses, SOFTWARE_TOKEN_MFA_CODE: code };
    }
    const out = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: challenge,
        Session: session,
        ChallengeResponses: responses,
      }),
    );
    const idToken = out.AuthenticationResult?.IdToken;
    if (!idToken) throw new PortalError('internal', 'Sign-in returned no ID token.');
    const revocable = {
      refreshToken: out.AuthenticationResult?.RefreshToken,
      accessToken: out.AuthenticationResult?.AccessToken,
    };
    return finish(idToken, revocable, true, callbackUrl);
  } catch (error) {
    return codeFailure(error, pending.username);
  }
}

/**
 * True when a hydrated page called the action (Next's client sends the `Next-Action` header; a plain HTML
 * form post carries the action id in its body instead). The sign-in page then shows the form's "signed in"
 * state instead of redirecting on its own, and the form loads the next page in full.
 */
export async function isHydratedActionCall(): Promise<boolean> {
  return (await headers()).has('next-action');
}

/**
 * One step of the form. `current` is the state the form showed (the set-up step keeps its QR code when a
 * malformed code is answered in place). Unexpected failures become "unavailable", logged without secrets.
 */
export async function runSignInStep(
  form: FormData,
  callbackUrl: string,
  current: SignInFormState,
): Promise<StepOutcome> {
  const step = String(form.get('step') ?? 'password');
  try {
    if (step === 'mfa') return await codeStepAnswer('SOFTWARE_TOKEN_MFA', form, callbackUrl, current);
    if (step === 'mfa-setup') return await codeStepAnswer('MFA_SETUP', form, callbackUrl, current);
    return await passwordStepAnswer(form, callbackUrl);
  } catch (error) {
    log.error('auth.sign_in_failed', { mode: 'password', step, error });
    return passwordStep('SignInUnavailable');
  }
}
