/** Cognito-shaped tokens for InitiateAuth, signed with the same keys as the OIDC provider's. */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KeyRing } from './keys';
import type { PoolUser } from './user-store';

export const TOKEN_TTL_SECONDS = 3600;

export interface IssueContext {
  issuer: string;
  clientId: string;
  authTime: number;
  originJti: string;
}

export function groupsOf(user: PoolUser): string[] {
  return [...user.groups].sort();
}

/**
 * Signs a `tokenUse` token for `user`: the claims both kinds of Cognito token carry, then the kind's own.
 * Only ID tokens name the client in `aud`; access tokens name it in `client_id` and carry no `aud`, as
 * Cognito's do.
 */
async function signToken(
  keys: KeyRing,
  user: PoolUser,
  ctx: IssueContext,
  tokenUse: 'access' | 'id',
  own: Record<string, unknown>,
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    sub: user.sub,
    iss: ctx.issuer,
    origin_jti: ctx.originJti,
    event_id: randomUUID(),
    token_use: tokenUse,
    auth_time: ctx.authTime,
    exp: iat + TOKEN_TTL_SECONDS,
    iat,
    jti: randomUUID(),
    'cognito:groups': groupsOf(user),
    ...own,
  };
  const key = keys.current;
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

export async function issueAccessToken(keys: KeyRing, user: PoolUser, ctx: IssueContext): Promise<string> {
  return signToken(keys, user, ctx, 'access', {
    client_id: ctx.clientId,
    scope: 'aws.cognito.signin.user.admin',
    username: user.username,
  });
}

export async function issueIdToken(keys: KeyRing, user: PoolUser, ctx: IssueContext): Promise<string> {
  return signToken(keys, user, ctx, 'id', {
    aud: ctx.clientId,
    'cognito:username': user.username,
    email: user.email,
    email_verified: user.emailVerified,
  });
}
