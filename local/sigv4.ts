/**
 * SigV4 verification for the stand-ins: recomputes the signature of an incoming request with
 * @smithy/signature-v4 (what the SDK signs with) and compares it timing-safely.
 */
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Why a request's signature was refused; `reason` picks the AWS error name per protocol. */
export class SignatureError extends Error {
  constructor(
    readonly reason: 'missing' | 'malformed' | 'mismatch' | 'unknown-key' | 'expired-signature' | 'token-mismatch',
    message: string,
  ) {
    super(message);
  }
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (!header) throw new SignatureError('missing', 'Request is missing Authentication Token');
  const match = AUTH_PATTERN.exec(header.trim());
  if (!match) throw new SignatureError('malformed', 'Authorization header is not a valid AWS4-HMAC-SHA256 signature');
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

function parseAmzDate(value: string | undefined): Date {
  const m = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw new SignatureError('malformed', 'X-Amz-Date header is missing or malformed');
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

/**
 * Verifies the request signed for `service`. `lookup` returns the secret (and session token) for an
 * access key id, or undefined for an unknown key. Returns the credentials that signed it.
 */
export async function verifySigV4<T extends SigningCredentials>(
  req: IncomingMessage,
  body: Buffer,
  service: string,
  lookup: (accessKeyId: string) => T | undefined,
): Promise<{ credentials: T; auth: ParsedAuthorization }> {
  const auth = parseAuthorization(req.headers.authorization);
  if (auth.service !== service) {
    throw new SignatureError('mismatch', `Credential should be scoped to correct service: '${service}'.`);
  }
  const credentials = lookup(auth.accessKeyId);
  if (!credentials) {
    throw new SignatureError('unknown-key', 'The security token included in the request is invalid.');
  }
  const presentedToken = req.headers['x-amz-security-token'];
  if ((credentials.sessionToken ?? undefined) !== (presentedToken ?? undefined)) {
    throw new SignatureError('token-mismatch', 'The security token included in the request is invalid.');
  }
  const signingDate = parseAmzDate(req.headers['x-amz-date'] as string | undefined);
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new SignatureError(
      'expired-signature',
      'Signature expired: the request time is too far from the server time.',
    );
  }

  const url = new URL(req.url ?? '/', 'http://stand-in');
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : ([] as string[]).concat(existing, value);
  }
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) throw new SignatureError('mismatch', `Signed header ${name} is missing`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    region: auth.region,
    service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: req.method ?? 'GET', protocol: 'http:', hostname: 'stand-in', path: url.pathname, query, headers, body },
    { signingDate },
  );
  const expected =
    /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? '';
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(auth.signature, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new SignatureError(
      'mismatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return { credentials, auth };
}
