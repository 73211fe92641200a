/**
 * Compact JWS signed by hand (RS256), for headers a JOSE library refuses to produce: `crit` with
 * unknown extensions, `jku`/`jwk`/`x5u` pointers, nested tokens as payload.
 */
import { KeyObject, sign } from 'node:crypto';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export function signRs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string,
  key: CryptoKey | KeyObject,
): string {
  const keyObject = key instanceof KeyObject ? key : KeyObject.from(key);
  const signingInput = `${b64url(JSON.stringify({ alg: 'RS256', ...header }))}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput), keyObject);
  return `${signingInput}.${b64url(signature)}`;
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8')) as Record<string, unknown>;
}
