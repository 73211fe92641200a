/**
 * One way to write an /api/v1 operation: its method, path, scope, zod schemas and handler in one object.
 * The same object is the route handler (runOperation) and the OpenAPI document's entry (lib/api/openapi.ts),
 * so what is documented is what is validated. The order of every call: authenticate (401) -> scope (403)
 * -> path, query, body (400 naming the field) -> If-Match (428 / 400) -> Idempotency-Key -> handle, which
 * authorizes on the stored object with the console's rules (lib/api/authorize.ts) and calls lib/admin.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AdminDeps } from '@/lib/admin/deps';
import { nowOf } from '@/lib/admin/deps';
import { PortalError, isPortalError } from '@/lib/errors';
import { log } from '@/lib/log';
import { REQUEST_ID_HEADER, stampedRequestId } from '@/lib/request-id';
import { authenticate, type ApiCaller } from './callers';
import { formatEtag, parseIfMatch } from './etag';
import { runIdempotent } from './idempotency';
import { RequestFieldsError, problemResponse } from './problem';
import { fullScope, type ApiScope } from './scopes';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type AnyObject = z.ZodObject;

export interface OperationInput<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  caller: ApiCaller;
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  /** The version If-Match named (operations with `ifMatch`). */
  ifMatch: number;
  deps: AdminDeps;
  requestId: string;
}

/** What a handler answers: the body (JSON, or text for exports), the item's version for ETag, a Location. */
export interface OperationResult<R> {
  body?: R;
  text?: string;
  version?: number;
  location?: string;
  /** A file name for an export (Content-Disposition). */
  filename?: string;
}

/** What names an operation in the OpenAPI document. */
export interface OperationHeader {
  /** operationId: stable, camelCase. */
  id: string;
  method: HttpMethod;
  /** Below /api/v1, OpenAPI form: `/lobs/{lob}/members`. */
  path: string;
  tag: string;
  summary: string;
  /** The scope a machine client needs; people are authorized by their console rights alone. */
  scope: ApiScope;
}

export interface OperationSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>
  extends OperationHeader, OperationRules<P, Q, B, R> {}

/** What an operation takes, checks and answers. */
export interface OperationRules<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType> {
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Who may call it, decided from the caller and the path before the body is read (as the console's actions
   * authorize before validating): a refused caller gets 403 whatever it sent. Rules that need the stored
   * object (a request's or review's LOB) run in `handle`; a rule that reads the LOB itself gets `deps`.
   */
  authorize?: (caller: ApiCaller, params: z.output<P>, deps: AdminDeps) => void | Promise<void>;
  /** Updates: If-Match with the item's ETag is required (stale -> 412, nothing changed). */
  ifMatch?: boolean;
  /** Creates: an Idempotency-Key makes a retry answer the first result instead of creating again. */
  idempotent?: boolean;
  success: {
    status: 200 | 201 | 204;
    description: string;
    schema?: R;
    etag?: boolean;
    contentType?: 'application/json' | 'text/csv';
  };
  /** Error statuses this operation answers besides the ones every operation may (400, 401, 403, 429, 500, 503). */
  errors?: number[];
  handle: (input: OperationInput<P, Q, B>) => Promise<OperationResult<z.input<R>>>;
}

export type ApiOperation = OperationSpec<AnyObject, AnyObject, z.ZodType, z.ZodType>;

/** Statuses every operation may answer. */
export const COMMON_ERRORS = [400, 401, 403, 429, 500, 503] as const;

/** An item as the answer's body, its version as the ETag. */
export const withVersion = <T extends { version: number }>(item: T) => ({ body: item, version: item.version });

/** `'post /lobs/{lob}/enable'`: an operation's method and path in one string. */
export type OperationRoute = `${HttpMethod} /${string}`;

/**
 * The operations of one tag, each written as its route and operationId, then its summary and rules. The scope
 * follows the method unless an operation names its own: `read` for GET, `write` for the others.
 */
export function operationsOf(tag: string, scopes: { read: ApiScope; write?: ApiScope }) {
  return <P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(
    route: OperationRoute,
    id: string,
    { summary, scope, ...rules }: OperationRules<P, Q, B, R> & { summary: string; scope?: ApiScope },
  ): ApiOperation => {
    const [method, path] = route.split(' ') as [HttpMethod, string];
    const named = scope ?? (method === 'get' ? scopes.read : scopes.write);
    if (!named) throw new Error(`${id}: no scope for ${route}`);
    const spec: OperationSpec<P, Q, B, R> = { id, method, path, tag, summary, scope: named, ...rules };
    return spec as unknown as ApiOperation;
  };
}

function parsePart<S extends z.ZodType>(schema: S | undefined, value: unknown, where?: 'path' | 'query'): z.output<S> {
  if (!schema) return {} as z.output<S>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw RequestFieldsError.of(parsed.error, where);
  return parsed.data;
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestFieldsError([{ field: 'body', message: 'The body is not valid JSON.' }]);
  }
}

/** 403 unless a machine client holds the operation's scope. */
export function requireScope(caller: ApiCaller, scope: ApiScope): void {
  if (caller.kind === 'client' && !caller.scopes?.has(scope)) {
    throw new PortalError('auth.forbidden', `This client lacks the scope ${fullScope(scope)}.`);
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Runs `op` for one request; every failure is a problem details response. */
export async function runOperation(
  op: ApiOperation,
  request: Request,
  rawParams: Record<string, string>,
  deps: AdminDeps,
): Promise<Response> {
  const started = Date.now();
  const requestId = stampedRequestId(request.headers.get(REQUEST_ID_HEADER));
  const url = new URL(request.url);
  let caller: ApiCaller | undefined;
  let status = 500;
  let code: string | undefined;
  try {
    caller = await authenticate(deps, request.headers.get('authorization'));
    requireScope(caller, op.scope);
    const params = parsePart(op.params, rawParams, 'path');
    await op.authorize?.(caller, params, deps);
    const query = parsePart(op.query, Object.fromEntries(url.searchParams), 'query');
    const raw = op.body ? await readJson(request) : undefined;
    const body = op.body ? parsePart(op.body, raw) : undefined;
    const ifMatch = op.ifMatch ? parseIfMatch(request.headers.get('if-match')) : 0;
    const input = { caller, params, query, body, ifMatch, deps, requestId };
    const run = async () => answer(op, await op.handle(input), requestId);
    const key = op.idempotent ? request.headers.get('idempotency-key') : null;
    let response: Response;
    if (key === null) response = await run();
    else {
      if (!IDEMPOTENCY_KEY.test(key))
        throw new RequestFieldsError([
          { field: 'header.Idempotency-Key', message: 'Use 1-255 visible ASCII characters.' },
        ]);
      const fingerprint = createHash('sha256')
        .update(JSON.stringify([op.id, params, raw ?? null]))
        .digest('base64url');
      response = await runIdempotent(deps, { caller: caller.actor, key, fingerprint, now: nowOf(deps) }, run);
    }
    status = response.status;
    return response;
  } catch (thrown) {
    const response = problemResponse(thrown, requestId, url.pathname);
    status = response.status;
    code = isPortalError(thrown) ? thrown.code : thrown instanceof z.ZodError ? 'input.invalid' : 'internal';
    if (code === 'internal') log.error('api.v1_failed', { requestId, operation: op.id, error: thrown });
    return response;
  } finally {
    log.info('api.request', {
      requestId,
      route: `/api/v1${op.path}`,
      operation: op.id,
      caller: caller?.actor,
      status,
      code,
      durationMs: Date.now() - started,
    });
  }
}

function answer(op: ApiOperation, result: OperationResult<unknown>, requestId: string): Response {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', [REQUEST_ID_HEADER]: requestId };
  if (result.version !== undefined) headers.ETag = formatEtag(result.version);
  if (result.location) headers.Location = result.location;
  const { status } = op.success;
  if (status === 204) return new Response(null, { status, headers });
  if (result.text !== undefined) {
    headers['Content-Type'] = `${op.success.contentType ?? 'text/plain'}; charset=utf-8`;
    if (result.filename) headers['Content-Disposition'] = `attachment; filename="${result.filename}"`;
    return new Response(result.text, { status, headers });
  }
  headers['Content-Type'] = 'application/json';
  return new Response(JSON.stringify(result.body ?? {}), { status, headers });
}
