import { createHmac } from 'node:crypto';
import { InitiateAuthCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { PortalError } from '@/lib/errors';
import { isThrottled, isUnavailable } from '@/lib/aws/errors';
import type { RevocableTokens } from './session-lifetime';
import type { CognitoTokenVerifier } from './tokens';
import type { SessionUser } from './types';

/** Wrong username or password (or a user who may not sign in): the form says so, nothing more. */
export class InvalidCredentialsError extends Error {
  readonly code = 'auth.invalid_credentials';
  constructor(options?: ErrorOptions) {
    super('Incorrect username or password.', options);
    this.name = 'InvalidCredentialsError';
  }
}

/**
 * The password was right but Cognito wants more before it issues tokens (a temporary password to
 * replace, MFA, a password reset): the form cannot complete that, and must not say "wrong password".
 */
export class SignInChallengeError extends Error {
  readonly code = 'auth.challenge_required';
  constructor(
    readonly challenge: string,
    options?: ErrorOptions,
  ) {
    super(`Cognito requires the ${challenge} step before this account can sign in.`, options);
    this.name = 'SignInChallengeError';
  }
}

/** Cognito's SECRET_HASH: Base64(HMAC-SHA256(clientSecret, username + clientId)). */
export function computeSecretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
}

export interface PasswordSignInDeps {
  cognito: CognitoIdentityProviderClient;
  verifier: CognitoTokenVerifier;
  clientId: string;
  clientSecret?: string;
}

const REFUSED = new Set(['NotAuthorizedException', 'UserNotFoundException', 'UserNotConfirmedException']);

/** A Cognito error of a sign-in call as what the form says: wrong credentials, a step it cannot do, or unavailable. */
export function signInFailure(error: unknown): Error {
  if (error instanceof InvalidCredentialsError || error instanceof SignInChallengeError || error instanceof PortalError)
    return error;
  const name = (error as { name?: string }).name ?? '';
  if (name === 'PasswordResetRequiredException') return new SignInChallengeError('PASSWORD_RESET', { cause: error });
  if (REFUSED.has(name)) return new InvalidCredentialsError({ cause: error });
  if (isThrottled(error)) return new PortalError('aws.throttled', undefined, { cause: error });
  if (isUnavailable(error))
    return new PortalError('internal', 'The sign-in service is unavailable right now.', { cause: error });
  return new PortalError('internal', 'Sign-in failed.', { cause: error });
}

/** What a correct password leads to: Cognito's tokens, or a challenge and its session (never logged). */
export type PasswordStep = { idToken: string; revocable: RevocableTokens } | { challenge: string; session: string };

/** USER_PASSWORD_AUTH against the user pool: tokens, or the challenge Cognito asks for next. */
export async function initiatePasswordAuth(
  deps: PasswordSignInDeps,
  username: string,
  password: string,
): Promise<PasswordStep> {
  const params: Record<string, string> = { USERNAME: username, PASSWORD: password };
  if (deps.clientSecret) params.SECRET_HASH = computeSecretHash(username, deps.clientId, deps.clientSecret);
  try {
    const out = await deps.cognito.send(
      new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: deps.clientId, AuthParameters: params }),
    );
    if (out.ChallengeName) return { challenge: out.ChallengeName, session: out.Session ?? '' };
    const idToken = out.AuthenticationResult?.IdToken;
    if (!idToken) throw new PortalError('internal', 'Sign-in returned no ID token.');
    // Kept (encrypted in the session cookie) only so that sign-out can revoke this sign-in's tokens.
    const revocable = {
      refreshToken: out.AuthenticationResult?.RefreshToken,
      accessToken: out.AuthenticationResult?.AccessToken,
    };
    return { idToken, revocable };
  } catch (error) {
    throw signInFailure(error);
  }
}

/**
 * USER_PASSWORD_AUTH against the user pool, then the returned ID token is verified like any other
 * (signature, issuer, audience, token_use) before we trust the identity in it. A challenge (MFA, a new
 * password) is SignInChallengeError: only the sign-in form's steps (lib/auth/sign-in-steps.ts) answer them.
 */
export async function signInWithPassword(
  deps: PasswordSignInDeps,
  username: string,
  password: string,
): Promise<SessionUser & { revocable: RevocableTokens }> {
  const step = await initiatePasswordAuth(deps, username, password);
  if ('challenge' in step) throw new SignInChallengeError(step.challenge);
  return { ...(await deps.verifier.verifyIdToken(step.idToken)), revocable: step.revocable };
}
