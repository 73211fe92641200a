import { JwtRsaVerifier } from 'aws-jwt-verify';
import {
  FetchError,
  JwksNotAvailableInCacheError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidAudienceError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
  JwtWithoutValidKidError,
  JwksValidationError,
} from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { PortalError, isPortalError } from '@/lib/errors';
import type { PortalConfig } from '@/lib/config';
import { createJwksCache } from './jwks';
import type { SessionUser } from './types';

/** Tolerated clock skew for exp / nbf / iat. */
const CLOCK_SKEW_SECONDS = 10;

export interface VerifiedAccessToken extends SessionUser {
  clientId: string;
  /** `jti`: one token (Cognito adds it when the app client has token revocation on). */
  tokenId?: string;
  /** `scope`, split. */
  scopes: string[];
  /** `exp` (epoch seconds). */
  expiresAt: number;
}

function invalid(message: string, cause?: unknown): PortalError {
  return new PortalError('auth.invalid_token', message, { cause });
}

/** A signing key the verifier cannot match (rotated out, not yet usable, or not named by the token). */
const UNKNOWN_KEY_ERRORS = [KidNotFoundInJwksError, WaitPeriodNotYetEndedJwkError, JwtWithoutValidKidError];
/** The pool's signing keys could not be fetched or read: not the token's fault. */
const JWKS_UNAVAILABLE_ERRORS = [FetchError, JwksNotAvailableInCacheError, JwksValidationError];

/** aws-jwt-verify failures as PortalErrors: a bad token is 401, an unreachable JWKS is 503. */
export function translateJwtError(error: unknown): PortalError {
  if (isPortalError(error)) return error;
  if (error instanceof JwtExpiredError) return invalid('The token has expired.', error);
  if (error instanceof JwtNotBeforeError) return invalid('The token is not valid yet.', error);
  if (error instanceof JwtInvalidIssuerError) return invalid('The token was not issued by the trusted issuer.', error);
  if (error instanceof JwtInvalidAudienceError) return invalid('The token was issued for another client.', error);
  if (error instanceof JwtInvalidSignatureAlgorithmError)
    return invalid('The token is signed with an algorithm that is not accepted.', error);
  if (error instanceof JwtInvalidSignatureError) return invalid('The token signature is invalid.', error);
  if (UNKNOWN_KEY_ERRORS.some((kind) => error instanceof kind))
    return invalid('The token is signed with an unknown key.', error);
  if (error instanceof JwtParseError) return invalid('The token is malformed.', error);
  if (JWKS_UNAVAILABLE_ERRORS.some((kind) => error instanceof kind))
    return new PortalError('jwks.unavailable', undefined, { cause: error });
  // Any other verifier failure (claim assertions, JWK mismatch) still means: do not trust this token.
  return invalid('The token is invalid.', error);
}

/**
 * RFC 7515 §4.1.11: a JWS whose `crit` header names extensions the recipient does not understand must be
 * rejected. We understand none, and Cognito never sends `crit`.
 */
function rejectCriticalExtensions(header: { [key: string]: unknown }): void {
  if ('crit' in header) throw invalid('The token uses critical header extensions that are not supported.');
}

/** The token's `sub` (the user pool's immutable user id), when it has one. */
const subOf = (payload: JwtPayload) => (typeof payload.sub === 'string' && payload.sub ? { sub: payload.sub } : {});

function groupsOf(payload: JwtPayload): string[] {
  const groups = payload['cognito:groups'];
  return Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [];
}

/**
 * A verifier of one kind of Cognito token: the configured issuer and JWKS, the tolerated clock skew, no
 * critical header extensions, then `check` on the payload (token_use and the claims that kind needs).
 */
export function verifierOf(
  config: PortalConfig,
  jwksCache: SimpleJwksCache,
  audience: string | null,
  check: (payload: JwtPayload) => void,
) {
  const { issuer, jwksUri } = config.cognito;
  return JwtRsaVerifier.create(
    {
      issuer,
      jwksUri,
      audience,
      graceSeconds: CLOCK_SKEW_SECONDS,
      customJwtCheck: ({ header, payload }) => {
        rejectCriticalExtensions(header);
        check(payload);
      },
    },
    { jwksCache },
  );
}

/** Verifies Cognito access tokens (API) and ID tokens (password sign-in) against the configured issuer and JWKS. */
export class CognitoTokenVerifier {
  private readonly accessVerifier;
  private readonly idVerifier;

  constructor(config: PortalConfig, jwksCache: SimpleJwksCache = createJwksCache()) {
    const { allowedClientIds, clientId } = config.cognito;
    // Cognito access tokens identify the client in `client_id`, not `aud`.
    this.accessVerifier = verifierOf(config, jwksCache, null, (payload) => {
      if (payload.token_use !== 'access')
        throw invalid('Only access tokens are accepted (this is not an access token).');
      if (typeof payload.client_id !== 'string' || !allowedClientIds.includes(payload.client_id)) {
        throw invalid('The token was issued for a client that is not allowed.');
      }
      if (typeof payload.username !== 'string' || payload.username === '') throw invalid('The token has no username.');
    });
    this.idVerifier = verifierOf(config, jwksCache, clientId, (payload) => {
      if (payload.token_use !== 'id') throw invalid('Not an ID token.');
      if (typeof payload['cognito:username'] !== 'string') throw invalid('The ID token has no cognito:username.');
    });
  }

  async verifyAccessToken(token: string): Promise<VerifiedAccessToken> {
    try {
      const payload = await this.accessVerifier.verify(token);
      return {
        username: payload.username as string,
        groups: groupsOf(payload),
        clientId: payload.client_id as string,
        tokenId: typeof payload.jti === 'string' ? payload.jti : undefined,
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
        // aws-jwt-verify refuses a token without `exp`.
        expiresAt: payload.exp ?? 0,
        ...subOf(payload),
      };
    } catch (error) {
      throw translateJwtError(error);
    }
  }

  async verifyIdToken(token: string): Promise<SessionUser> {
    try {
      const payload = await this.idVerifier.verify(token);
      const email = typeof payload.email === 'string' ? payload.email : undefined;
      return {
        username: payload['cognito:username'] as string,
        groups: groupsOf(payload),
        ...(email ? { email } : {}),
        ...subOf(payload),
      };
    } catch (error) {
      throw translateJwtError(error);
    }
  }
}

/** `Authorization: Bearer <token>` -> token; anything else is auth.invalid_token. */
export function parseBearer(header: string | null | undefined): string {
  if (!header) throw invalid('Send the access token as "Authorization: Bearer <token>".');
  const match = /^Bearer[ ]+([A-Za-z0-9\-_=.]+)\s*$/i.exec(header);
  if (!match) throw invalid('The Authorization header must use the Bearer scheme with a JWT.');
  return match[1];
}
