import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[\w.-]{8,128}$/;

/**
 * The request id for a request: the caller's `x-request-id` when it is well-formed (so an upstream
 * gateway's id carries through), else a fresh UUID.
 */
export function resolveRequestId(incoming?: string | null): string {
  return incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
}
