/**
 * Who calls the API (`GET /api/studio/{user}`): a verified Cognito access token whose user the pool still
 * lets in, and which Cognito has not revoked (docs/admin.md "When access ends").
 *
 * Cognito's revocation (GlobalSignOut, AdminUserGlobalSignOut, RevokeToken, AdminDisableUser) does not
 * change the token: it still verifies as a JWT. Only Cognito's own token-authorized APIs refuse it
 * ("Access Token has been revoked"). So the portal asks Cognito (GetUser with the token) at most once
 * per IDENTITY_RECHECK_SECONDS per token, beside the per-user identity re-check: both are one round trip
 * together, and nothing while both copies are fresh.
 */
import { createHash } from 'node:crypto';
import {
  GetUserCommand,
  NotAuthorizedException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { LRUCache } from 'lru-cache';
import { isThrottled } from '@/lib/aws/errors';
import { getClock } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { PortalError } from '@/lib/errors';
import { getIdentityChecker, identityEndedError, type IdentityChecker, type UserPool } from './identity-check';
import { getCognitoClient, getTokenVerifier } from './services';
import type { CognitoTokenVerifier, VerifiedAccessToken } from './tokens';
import type { SessionUser } from './types';

/** The scope GetUser needs; a token without it cannot be checked with Cognito (its user still is). */
export const USER_ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

/** What Cognito says about one access token. */
export type TokenStanding = 'valid' | 'revoked' | 'disabled' | 'deleted' | 'unchecked';

/** GetUser with the token: Cognito's own word on whether it was revoked. */
export async function askCognitoAboutToken(
  pool: Pick<UserPool, 'cognito'>,
  accessToken: string,
): Promise<TokenStanding> {
  try {
    await pool.cognito.send(new GetUserCommand({ AccessToken: accessToken }));
    return 'valid';
  } catch (error) {
    if (error instanceof UserNotFoundException) return 'deleted';
    if (error instanceof NotAuthorizedException) {
      if (/disabled/i.test(error.message)) return 'disabled';
      if (/scope/i.test(error.message)) return 'unchecked';
      // "Access Token has been revoked" (and any other refusal of this token): do not trust it.
      return 'revoked';
    }
    const code = isThrottled(error) ? 'aws.throttled' : 'idp.unavailable';
    throw new PortalError(code, 'The user pool could not be reached to check the access token.', {
      cause: error,
      details: { service: 'cognito', operation: 'GetUser' },
    });
  }
}

export interface TokenCheckerOptions {
  pool: Pick<UserPool, 'cognito'>;
  recheckSeconds: number;
  now: () => number;
  maxTokens?: number;
}

/** Per-token copies of Cognito's answer, kept at most recheckSeconds and never past the token's expiry. */
export class TokenRevocationChecker {
  private readonly cache: LRUCache<string, TokenStanding, { token: string; expiresAtMs: number }> | undefined;

  constructor(private readonly options: TokenCheckerOptions) {
    if (options.recheckSeconds <= 0) return;
    const clock = options.now;
    this.cache = new LRUCache({
      max: options.maxTokens ?? 10_000,
      ttl: options.recheckSeconds * 1000,
      // Read the portal's clock on every look-up (the default caches it for a timer tick).
      ttlResolution: 0,
      perf: { now: () => clock() },
      fetchMethod: async (_key, _stale, { context, options: entry }) => {
        const standing = await askCognitoAboutToken(options.pool, context.token);
        entry.ttl = Math.max(1, Math.min(options.recheckSeconds * 1000, context.expiresAtMs - clock()));
        return standing;
      },
    });
  }

  async check(
    token: string,
    verified: Pick<VerifiedAccessToken, 'tokenId' | 'expiresAt' | 'scopes'>,
  ): Promise<TokenStanding> {
    if (!verified.scopes.includes(USER_ADMIN_SCOPE)) return 'unchecked';
    if (!this.cache) return askCognitoAboutToken(this.options.pool, token);
    const key = verified.tokenId ?? createHash('sha256').update(token).digest('base64url');
    const standing = await this.cache.fetch(key, { context: { token, expiresAtMs: verified.expiresAt * 1000 } });
    if (!standing) throw new PortalError('idp.unavailable');
    return standing;
  }
}

export interface ApiCallerDeps {
  verifier: Pick<CognitoTokenVerifier, 'verifyAccessToken'>;
  identities: Pick<IdentityChecker, 'check'>;
  tokens: Pick<TokenRevocationChecker, 'check'>;
}

/**
 * The API caller behind a bearer token: verified, then the user's pool state and the token's standing
 * side by side. Groups come from the pool's current state, not from the token.
 */
export async function resolveApiCaller(deps: ApiCallerDeps, token: string): Promise<VerifiedAccessToken & SessionUser> {
  const verified = await deps.verifier.verifyAccessToken(token);
  const [identity, standing] = await Promise.all([
    deps.identities.check(verified.username),
    deps.tokens.check(token, verified),
  ]);
  if (identity.status !== 'active') throw identityEndedError(identity);
  if (standing === 'disabled') throw new PortalError('auth.account_disabled');
  if (standing === 'deleted') throw new PortalError('auth.account_deleted');
  if (standing === 'revoked') throw new PortalError('auth.token_revoked');
  return { ...verified, groups: identity.groups };
}

/** Who an API caller acts as: its username, the pool's current groups and its `sub` (the launch's and console's user). */
export function sessionUserOf(caller: Pick<SessionUser, 'username' | 'groups' | 'sub'>): SessionUser {
  return { username: caller.username, groups: caller.groups, ...(caller.sub ? { sub: caller.sub } : {}) };
}

let tokens: TokenRevocationChecker | undefined;

/** resolveApiCaller with the process-wide verifier, identity copies and token copies. */
export function apiCaller(token: string) {
  if (!tokens) {
    const clock = getClock();
    tokens = new TokenRevocationChecker({
      pool: { cognito: getCognitoClient() },
      recheckSeconds: getConfig().identityRecheckSeconds,
      now: () => clock().getTime(),
    });
  }
  return resolveApiCaller({ verifier: getTokenVerifier(), identities: getIdentityChecker(), tokens }, token);
}
