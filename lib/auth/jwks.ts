import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import { FetchError } from 'aws-jwt-verify/error';

/** JWKS fetches must answer quickly: a launch waits on them. */
const JWKS_FETCH_TIMEOUT_MS = 3_000;
/** After an unknown `kid` triggered a refetch, further refetches wait this long (rate limit). */
const JWKS_REFETCH_PENALTY_SECONDS = 10;

/**
 * Fetcher on the platform fetch(), so http:// JWKS URIs work as well as https:// ones. Failures are
 * aws-jwt-verify's FetchError, so an unreachable JWKS reads as "try later" (503), not as a bad token.
 */
export class PlatformFetcher implements Fetcher {
  async fetch(uri: string): Promise<ArrayBuffer> {
    let res: Response;
    try {
      res = await fetch(uri, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
      });
    } catch (error) {
      throw new FetchError(uri, error instanceof Error ? error.message : String(error));
    }
    if (!res.ok) throw new FetchError(uri, `HTTP ${res.status}`);
    return res.arrayBuffer();
  }
}

/**
 * One JWKS cache per process: keys are fetched once, an unknown `kid` triggers one refetch
 * (then a penalty period), so key rotation needs no restart.
 */
export function createJwksCache(): SimpleJwksCache {
  return new SimpleJwksCache({
    fetcher: new PlatformFetcher(),
    penaltyBox: new SimplePenaltyBox({ waitSeconds: JWKS_REFETCH_PENALTY_SECONDS }),
  });
}
