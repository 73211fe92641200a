/**
 * RFC 9457 problem details for /api/v1: every error is `application/problem+json` carrying the portal's
 * stable error code (lib/errors.ts) as `code` and in `type`, the request id, and for bad input the fields.
 */
import { z } from 'zod';
import { ERROR_STATUS, PortalError, toPortalError, type ErrorCode } from '@/lib/errors';
import { REQUEST_ID_HEADER } from '@/lib/request-id';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem type of a code: a stable URN, one per error code. */
export const problemType = (code: ErrorCode) => `urn:studio-portal:problem:${code}`;

export const fieldErrorSchema = z
  .object({
    field: z.string().meta({
      description: 'Where the bad value is: a body field (`until`), or `query.limit`, `path.lob`, `header.If-Match`.',
    }),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

export const problemSchema = z
  .object({
    type: z.string().meta({ description: '`urn:studio-portal:problem:<code>`' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z
      .enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]])
      .meta({ description: 'The stable error code (docs/contracts.md).' }),
    requestId: z.string(),
    instance: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });

export type Problem = z.infer<typeof problemSchema>;
type FieldError = z.infer<typeof fieldErrorSchema>;

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Seconds a client should wait before retrying a 429 / 503 (or an Idempotency-Key still running). */
export const RETRY_AFTER_SECONDS = 2;

/** A validation failure of one part of the request, with the field names prefixed by where they were. */
export class RequestFieldsError extends PortalError {
  constructor(readonly fields: FieldError[]) {
    super('input.invalid', fields.length ? `${fields[0].field}: ${fields[0].message}` : 'The request is invalid.', {
      details: { field: fields[0]?.field },
    });
    this.name = 'RequestFieldsError';
  }

  static of(error: z.ZodError, where?: 'query' | 'path' | 'header'): RequestFieldsError {
    return new RequestFieldsError(
      error.issues.map((issue) => ({
        field: [where, ...issue.path.map(String)].filter(Boolean).join('.') || (where ?? 'body'),
        message: issue.message,
      })),
    );
  }
}

function fieldsOf(error: PortalError): FieldError[] | undefined {
  if (error instanceof RequestFieldsError) return error.fields;
  const field = error.details?.field;
  const named = error.code === 'input.invalid' || error.status === 422;
  return named && typeof field === 'string' ? [{ field, message: error.message }] : undefined;
}

export function toProblem(error: PortalError, requestId: string, instance?: string): Problem {
  const errors = fieldsOf(error);
  return {
    type: problemType(error.code),
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    code: error.code,
    requestId,
    ...(instance ? { instance } : {}),
    ...(errors ? { errors } : {}),
  };
}

/** The problem response of any thrown value (unknown failures are `internal`, their cause never shown). */
export function problemResponse(thrown: unknown, requestId: string, instance?: string): Response {
  const error = thrown instanceof z.ZodError ? RequestFieldsError.of(thrown) : toPortalError(thrown);
  const headers: Record<string, string> = {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Cache-Control': 'no-store',
    [REQUEST_ID_HEADER]: requestId,
  };
  if (error.status === 401) headers['WWW-Authenticate'] = 'Bearer error="invalid_token"';
  if (error.status === 429 || error.status === 503 || error.code === 'idempotency.in_progress')
    headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
  return new Response(JSON.stringify(toProblem(error, requestId, instance)), { status: error.status, headers });
}
