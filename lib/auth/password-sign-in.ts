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
  constructor(readonly challenge: string, options?: ErrorOptions) {
    super(`Cognito requires the ${challenge} step before this account can sign in.`, options);
    this.name = 'SignInChallengeError';
  }
}

/** Cognito's SECRET_HASH: Base64(HMAC-SHA256(clientSecret, username + clientId)). */
export function computeSecretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
}

export interface PasswordSignInDeps {
  cognito: CognitoIdentityProviderClient;
  verifier: CognitoTokenVerifier;
  clientId: string;
  clientSecret?: string;
}

const REFUSED = new Set(['NotAuthorizedException', 'UserNotFoundException', 'UserNotConfirmedException']);

/**
 * USER_PASSWORD_AUTH against the user pool, then the returned ID token is verified like any other
 * (signature, issuer, audience, token_use) before we trust the identity in it.
 */
export async function signInWithPassword(
  deps: PasswordSignInDeps,
  username: string,
  password: string,
): Promise<SessionUser & { revocable: RevocableTokens }> {
  const params: Record<string, string> = { USERNAME: username, PASSWORD: password };
  if (deps.clientSecret) params.SECRET_HASH = computeSecretHash(username, deps.clientId, deps.clientSecret);
  let idToken: string | undefined;
  let revocable: RevocableTokens = {};
  try {
    const out = await deps.cognito.send(
      new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: deps.clientId, AuthParameters: params }),
    );
    if (out.ChallengeName) {
      // MFA / new-password challenges need the hosted UI or an admin; the form cannot complete them.
      throw new SignInChallengeError(out.ChallengeName);
    }
    idToken = out.AuthenticationResult?.IdToken;
    // Kept (encrypted in the session cookie) only so that sign-out can revoke this sign-in's tokens.
    const result = out.AuthenticationResult;
    revocable = { refreshToken: result?.RefreshToken, accessToken: result?.AccessToken };
  } catch (error) {
    if (error instanceof InvalidCredentialsError || error instanceof SignInChallengeError) throw error;
    const name = (error as { name?: string }).name ?? '';
    if (name === 'PasswordResetRequiredException') throw new SignInChallengeError('PASSWORD_RESET', { cause: error });
    if (REFUSED.has(name)) throw new InvalidCredentialsError({ cause: error });
    if (isThrottled(error)) throw new PortalError('aws.throttled', undefined, { cause: error });
    if (isUnavailable(error)) throw new PortalError('internal', 'The sign-in service is unavailable right now.', { cause: error });
    throw new PortalError('internal', 'Sign-in failed.', { cause: error });
  }
  if (!idToken) throw new PortalError('internal', 'Sign-in returned no ID token.');
  return { ...(await deps.verifier.verifyIdToken(idToken)), revocable };
}
