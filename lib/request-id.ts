import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[\w.-]{8,128}$/;

/**
 * A request id the portal makes. Audit records and logs carry it; a client's own `x-request-id` never
 * becomes it (a caller could otherwise plant or reuse ids in the evidence). The proxy stamps it on the
 * request (replacing whatever the client sent) and the response; the launch API, which the proxy skips,
 * makes its own.
 */
export function newRequestId(): string {
  return randomUUID();
}

/**
 * The id the proxy stamped on this request (pages and server actions: the proxy runs on every one of
 * them and replaces the client's header), else a fresh one.
 */
export function stampedRequestId(stamped?: string | null): string {
  return stamped && SAFE_ID.test(stamped) ? stamped : newRequestId();
}
