/**
 * Tokens with chosen claims for the API's negative tests. Tokens that must carry a valid signature
 * are signed with the Cognito stand-in's current private key (a key the JWKS really serves);
 * forgeries (alg none, HS256 with the public key, unknown kid) are crafted with jose.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT, base64url, exportSPKI, generateKeyPair, importJWK, type JWK } from 'jose';
import type { RunningStandIns } from '../../local/stand-ins';
import { subForUsername } from '../../local/cognito/user-store';

export interface AccessClaims {
  username: string;
  clientId?: string;
  issuer: string;
  groups?: string[];
  expiresIn?: number;
  [claim: string]: unknown;
}

export function accessClaims(opts: AccessClaims): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const { username, clientId = 'portal-cli', issuer, groups = [], expiresIn = 600, ...extra } = opts;
  return {
    // The stand-in pool's sub of the user (issue 23: launches compare it with the one their access is bound to).
    sub: subForUsername(username),
    iss: issuer,
    client_id: clientId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    iat: now,
    exp: now + expiresIn,
    jti: randomUUID(),
    username,
    'cognito:groups': groups,
    ...extra,
  };
}

/** Signed with the stand-in's current signing key (the one its JWKS lists first). */
export async function signWithStandInKey(standIns: RunningStandIns, claims: Record<string, unknown>): Promise<string> {
  const key = standIns.cognito.keys.current;
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

/** Signed with a fresh key the JWKS does not know. */
export async function signWithUnknownKey(claims: Record<string, unknown>): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: randomUUID(), typ: 'JWT' }).sign(privateKey);
}

/** `alg: none`, no signature, and the kid of a real key to tempt a lax verifier. */
export function unsignedToken(claims: Record<string, unknown>, kid: string): string {
  const token = new UnsecuredJWT(claims).encode();
  const [, payload] = token.split('.');
  const header = base64url.encode(JSON.stringify({ alg: 'none', kid, typ: 'JWT' }));
  return `${header}.${payload}.`;
}

/** The classic key-confusion forgery: HS256 with the RSA public key (PEM) as the HMAC secret. */
export async function hs256WithPublicKey(publicJwk: JWK, claims: Record<string, unknown>): Promise<string> {
  const publicKey = await importJWK({ ...publicJwk, alg: 'RS256' }, 'RS256');
  const pem = await exportSPKI(publicKey as CryptoKey);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid, typ: 'JWT' })
    .sign(new TextEncoder().encode(pem));
}

/** A real token whose payload was edited after signing (signature no longer matches). */
export function tamperPayload(token: string, edit: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  edit(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}
