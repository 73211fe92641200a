/**
 * Sign-out revokes what the portal's sign-in got from Cognito (docs/admin.md "When access ends"):
 * RevokeToken with the sign-in's refresh token (ends that sign-in's refresh and access tokens only,
 * not the user's other sessions or scripts), or GlobalSignOut with its access token where there is no
 * refresh token. The tokens never reach a log line; a failure is logged by its error name and never
 * blocks the sign-out itself (the portal session ends either way).
 */
import {
  GlobalSignOutCommand,
  RevokeTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { JWT } from 'next-auth/jwt';
import { getConfig } from '@/lib/config';
import { log } from '@/lib/log';
import { getIdentityChecker } from './identity-check';
import { getCognitoClient } from './services';

export interface SignOutDeps {
  cognito: CognitoIdentityProviderClient;
  clientId: string;
  clientSecret?: string;
}

/** Revokes the token kept in the session JWT; answers the operation used (or undefined: nothing to revoke). */
export async function revokeSessionTokens(
  deps: SignOutDeps,
  token: Pick<JWT, 'revoke' | 'username'>,
): Promise<string | undefined> {
  const revoke = token.revoke;
  if (!revoke) return undefined;
  const operation = revoke.kind === 'refresh' ? 'RevokeToken' : 'GlobalSignOut';
  try {
    if (revoke.kind === 'refresh') {
      const { clientId: ClientId, clientSecret: ClientSecret } = deps;
      await deps.cognito.send(new RevokeTokenCommand({ Token: revoke.token, ClientId, ClientSecret }));
    } else {
      await deps.cognito.send(new GlobalSignOutCommand({ AccessToken: revoke.token }));
    }
    log.info('auth.sign_out_revoked', { user: token.username, operation });
  } catch (error) {
    // An expired access token or an already revoked refresh token leaves nothing to revoke.
    const awsError = (error as { name?: string }).name;
    log.warn('auth.sign_out_revoke_failed', { user: token.username, operation, awsError });
  }
  return operation;
}

/** next-auth's signOut event: revoke, and forget the user's identity copy so a new sign-in is checked afresh. */
export async function revokeOnSignOut(token: JWT | null | undefined): Promise<void> {
  if (!token) return;
  const { cognito: config } = getConfig();
  const deps = { cognito: getCognitoClient(), clientId: config.clientId, clientSecret: config.clientSecret };
  await revokeSessionTokens(deps, token);
  if (typeof token.username === 'string') getIdentityChecker().forget(token.username);
}
