import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';

/** JWKS fetches must answer quickly: a launch waits on them. */
const JWKS_FETCH_TIMEOUT_MS = 3_000;
/** After an unknown `kid` triggered a refetch, further refetches wait this long (rate limit). */
const JWKS_REFETCH_PENALTY_SECONDS = 10;

/** Fetcher on the platform fetch(), so http:// JWKS URIs work as well as https:// ones. */
export class PlatformFetcher implements Fetcher {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const res = await fetch(uri, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`JWKS fetch failed with HTTP ${res.status}`);
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
