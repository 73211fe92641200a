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

async function sign(keys: KeyRing, claims: Record<string, unknown>): Promise<string> {
  const key = keys.current;
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

export function groupsOf(user: PoolUser): string[] {
  return [...user.groups].sort();
}

export async function issueAccessToken(keys: KeyRing, user: PoolUser, ctx: IssueContext): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return sign(keys, {
    sub: user.sub,
    iss: ctx.issuer,
    client_id: ctx.clientId,
    aud: ctx.clientId,
    origin_jti: ctx.originJti,
    event_id: randomUUID(),
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: ctx.authTime,
    exp: iat + TOKEN_TTL_SECONDS,
    iat,
    jti: randomUUID(),
    username: user.username,
    'cognito:groups': groupsOf(user),
  });
}

export async function issueIdToken(keys: KeyRing, user: PoolUser, ctx: IssueContext): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return sign(keys, {
    sub: user.sub,
    iss: ctx.issuer,
    aud: ctx.clientId,
    origin_jti: ctx.originJti,
    event_id: randomUUID(),
    token_use: 'id',
    'cognito:username': user.username,
    'cognito:groups': groupsOf(user),
    email: user.email,
    email_verified: user.emailVerified,
    auth_time: ctx.authTime,
    exp: iat + TOKEN_TTL_SECONDS,
    iat,
    jti: randomUUID(),
  });
}
