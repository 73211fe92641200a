import { toErrorBody, type PortalError } from '@/lib/errors';
import { REQUEST_ID_HEADER } from '@/lib/request-id';

/** Headers every launch response carries: the URL inside is a bearer credential. */
export const LAUNCH_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
} as const;

/** `{ code, message, requestId }` with the code's status; 401s carry the RFC 6750 challenge. */
export function errorResponse(error: PortalError, requestId: string): Response {
  const headers: Record<string, string> = { ...LAUNCH_HEADERS, [REQUEST_ID_HEADER]: requestId };
  if (error.status === 401) headers['WWW-Authenticate'] = 'Bearer error="invalid_token"';
  if (error.status === 503) headers['Retry-After'] = '2';
  return Response.json(toErrorBody(error, requestId), { status: error.status, headers });
}

/** True when the client asked for JSON rather than a redirect. */
export function wantsJson(accept: string | null): boolean {
  return !!accept && /\bapplication\/json\b/i.test(accept);
}
