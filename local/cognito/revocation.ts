/**
 * Token revocation in the Cognito stand-in, as Cognito documents it (docs/local-stand-ins.md):
 * - every sign-in has an origin (`origin_jti` in its access and ID tokens; refreshed tokens keep it);
 * - RevokeToken revokes one refresh token's origin; GlobalSignOut / AdminUserGlobalSignOut and
 *   AdminDisableUser revoke every origin of the user issued so far;
 * - a revoked origin's refresh token is refused at InitiateAuth REFRESH_TOKEN_AUTH and at the token
 *   endpoint, and its access tokens by the token-authorized user APIs (GetUser, GlobalSignOut) and
 *   userInfo ("Access Token has been revoked"). The JWTs themselves do not change: a JWT library still
 *   accepts them until they expire, as with Cognito.
 */
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { KeyRing } from './keys';
import { CognitoApiError, userAttributes, type PoolUser, type UserStore } from './user-store';

type Json = Record<string, unknown>;

/** The scope Cognito's token-authorized user APIs require. */
const USER_ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

/** Origins issued per user and the revoked ones. */
export class TokenRevocations {
  private readonly originsByUser = new Map<string, Set<string>>();
  private readonly revoked = new Set<string>();

  /** Notes an origin (a sign-in) of `username`. */
  record(username: string, originJti: string): void {
    let origins = this.originsByUser.get(username);
    if (!origins) this.originsByUser.set(username, (origins = new Set()));
    origins.add(originJti);
  }

  revokeOrigin(originJti: string): void {
    this.revoked.add(originJti);
  }

  /** Revokes every origin of the user so far (global sign-out, disable); later sign-ins get new ones. */
  revokeUser(username: string): void {
    for (const origin of this.originsByUser.get(username) ?? []) this.revoked.add(origin);
    this.originsByUser.delete(username);
  }

  isRevoked(originJti: unknown): boolean {
    return typeof originJti === 'string' && this.revoked.has(originJti);
  }
}

/** A refresh token the hosted-UI half issued: its origin (the grant), client and user (sub). */
export interface HostedRefreshToken {
  originJti: string;
  clientId: string;
  sub: string;
}

export interface TokenApiState {
  users: UserStore;
  keys: KeyRing;
  issuer(): string;
  revocations: TokenRevocations;
  /** A refresh token of the InitiateAuth half: revokes it (answers false when it is not one). */
  revokeApiRefreshToken(token: string, clientId: string): boolean;
  /** A refresh token of the hosted-UI half (oidc-provider), if it is one. */
  findHostedRefreshToken?(token: string): Promise<HostedRefreshToken | undefined>;
  /** Whether the client exists and `secret` is its secret (or it has none). */
  clientSecretMatches(clientId: string, secret: string | undefined): boolean;
}

/**
 * Cognito's checks of an access token presented to a token-authorized API: signature and issuer,
 * `token_use`, expiry, the user-admin scope, revocation, then the user. Throws Cognito's errors.
 */
export async function verifyUserAccessToken(
  state: Pick<TokenApiState, 'keys' | 'issuer' | 'revocations' | 'users'>,
  token: unknown,
): Promise<{ user: PoolUser; payload: JWTPayload }> {
  if (typeof token !== 'string' || token === '') {
    throw new CognitoApiError(
      'InvalidParameterException',
      "1 validation error detected: Value at 'accessToken' failed to satisfy constraint: Member must not be null",
    );
  }
  let payload: JWTPayload;
  try {
    const jwks = createLocalJWKSet(state.keys.publicJwks() as never);
    ({ payload } = await jwtVerify(token, jwks, { issuer: state.issuer() }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw new CognitoApiError('NotAuthorizedException', 'Access Token has expired');
    }
    throw new CognitoApiError('NotAuthorizedException', 'Invalid Access Token');
  }
  if (payload.token_use !== 'access') throw new CognitoApiError('NotAuthorizedException', 'Invalid Access Token');
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  if (!scopes.includes(USER_ADMIN_SCOPE)) {
    throw new CognitoApiError('NotAuthorizedException', 'Access Token does not have required scopes');
  }
  if (state.revocations.isRevoked(payload.origin_jti)) {
    throw new CognitoApiError('NotAuthorizedException', 'Access Token has been revoked');
  }
  const user = state.users.getBySub(String(payload.sub));
  if (!user) throw new CognitoApiError('UserNotFoundException', 'User does not exist.');
  if (!user.enabled) throw new CognitoApiError('NotAuthorizedException', 'User is disabled.');
  return { user, payload };
}

const notAuthorizedToRevoke = () =>
  new CognitoApiError('UnauthorizedException', 'Client is not authorized to revoke this token.');

/** The public (token-authorized or client-authorized) operations this module answers. */
export function tokenOperations(state: TokenApiState): Record<string, (input: Json) => Promise<Json>> {
  return {
    GetUser: async (input) => {
      const { user } = await verifyUserAccessToken(state, input.AccessToken);
      return { Username: user.username, UserAttributes: userAttributes(user), MFAOptions: [] };
    },
    GlobalSignOut: async (input) => {
      const { user } = await verifyUserAccessToken(state, input.AccessToken);
      state.revocations.revokeUser(user.username);
      return {};
    },
    RevokeToken: async (input) => {
      const token = input.Token;
      const clientId = input.ClientId;
      if (typeof token !== 'string' || token === '' || typeof clientId !== 'string' || clientId === '') {
        throw new CognitoApiError('InvalidParameterException', 'Token and ClientId are required.');
      }
      const secret = typeof input.ClientSecret === 'string' ? input.ClientSecret : undefined;
      if (!state.clientSecretMatches(clientId, secret)) throw notAuthorizedToRevoke();
      if (state.revokeApiRefreshToken(token, clientId)) return {};
      const hosted = await state.findHostedRefreshToken?.(token);
      if (hosted) {
        if (hosted.clientId !== clientId) throw notAuthorizedToRevoke();
        state.revocations.revokeOrigin(hosted.originJti);
        return {};
      }
      // An access or ID token is not a refresh token; an unknown or already revoked one is answered
      // like RFC 7009 asks (nothing to do).
      if (token.split('.').length === 3) {
        throw new CognitoApiError('UnsupportedTokenTypeException', 'Only refresh tokens can be revoked.');
      }
      return {};
    },
  };
}

/** AdminUserGlobalSignOut (SigV4-signed, like the other Admin* calls). */
export function adminUserGlobalSignOut(state: Pick<TokenApiState, 'revocations'>, user: PoolUser): Json {
  state.revocations.revokeUser(user.username);
  return {};
}
