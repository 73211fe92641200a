/**
 * Idempotency-Key on creating POSTs: the first request claims the key with a conditional put (so two
 * concurrent retries never both create), runs, and stores its answer; a retry with the same key and the
 * same request gets that answer again (`Idempotency-Replayed: true`), one with another request 422, one
 * while the first still runs 409 with Retry-After. Failed requests release the key. Records live a day.
 */
import type { AdminDeps } from '@/lib/admin/deps';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  getIdempotencyRecord,
  releaseIdempotencyKey,
} from '@/lib/directory/api-records';
import { PortalError } from '@/lib/errors';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const REPLAYED_HEADERS = ['content-type', 'etag', 'location'];

export async function runIdempotent(
  deps: AdminDeps,
  claim: { caller: string; key: string; fingerprint: string; now: Date },
  run: () => Promise<Response>,
): Promise<Response> {
  const { caller, key, fingerprint } = claim;
  const ttl = Math.floor(claim.now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS;
  if (!(await claimIdempotencyKey(deps, caller, key, fingerprint, ttl))) return replay(deps, caller, key, fingerprint);
  let response: Response;
  try {
    response = await run();
  } catch (error) {
    await releaseIdempotencyKey(deps, caller, key);
    throw error;
  }
  const body = await response.text();
  const headers = Object.fromEntries(
    REPLAYED_HEADERS.flatMap((h) => (response.headers.has(h) ? [[h, response.headers.get(h) as string]] : [])),
  );
  await completeIdempotencyKey(deps, caller, key, { status: response.status, body, headers: JSON.stringify(headers) });
  return new Response(body, { status: response.status, headers: response.headers });
}

async function replay(deps: AdminDeps, caller: string, key: string, fingerprint: string): Promise<Response> {
  const record = await getIdempotencyRecord(deps, caller, key);
  if (record && record.fingerprint !== fingerprint) throw new PortalError('idempotency.mismatch');
  if (!record || record.state === 'pending') throw new PortalError('idempotency.in_progress');
  const headers = {
    ...(JSON.parse(record.headers ?? '{}') as Record<string, string>),
    'Cache-Control': 'no-store',
    'Idempotency-Replayed': 'true',
  };
  return new Response(record.body ?? '', { status: record.status ?? 200, headers });
}
