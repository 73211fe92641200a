/**
 * Drift check between the served OpenAPI document and the running API: every documented operation has
 * a route file (and every route file is documented), and each operation is called without a token (401),
 * by a client lacking its scope (403) and authorized (its documented success status); every answer's
 * status is documented for that operation and its body matches the documented schema (ajv, JSON Schema
 * 2020-12 as OpenAPI 3.1 uses it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortalStack, type PortalStack } from '../support/portal-stack';
import { signIn } from '../support/http-session';
import { callApi, clientToken, personToken, registerClient, newLobBody, type ApiAnswer } from '../support/api-v1';
import { createPoolUser, poolAdminClient } from '../support/pool-admin';
import { API_SCOPE_NAMES } from '@/lib/api/scopes';

// ajv 8 (JSON Schema 2020-12) as ajv-formats brings it; the project's top-level ajv is ESLint's v6.
const requireAjv = createRequire(createRequire(import.meta.url).resolve('ajv-formats'));
const Ajv2020 = requireAjv('ajv/dist/2020').default as new (o: object) => {
  addSchema(s: object): void;
  getSchema(ref: string): ((data: unknown) => boolean) & { errors?: unknown };
};
const addFormats = requireAjv('ajv-formats') as unknown as { default: (ajv: unknown) => void };

type Json = Record<string, unknown>;
interface Operation {
  id: string;
  method: string;
  path: string;
  statuses: string[];
}

/** A day `n` days ahead (YYYY-MM-DD): clients grant within lob-a's 90-day cap (issue 23). */
const inDays = (n: number) => new Date(Date.now() + n * 24 * 3600 * 1000).toISOString().slice(0, 10);

let stack: PortalStack;
let document: Json;
let operations: Operation[];
let ajv: InstanceType<typeof Ajv2020>;
let full: string;
let narrow: string;
const people: Record<string, string> = {};

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

beforeAll(async () => {
  stack = await startPortalStack();
  const res = await fetch(`${stack.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  document = (await res.json()) as Json;
  operations = Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([p, item]) =>
    Object.entries(item).map(([method, op]) => ({
      id: String(op.operationId),
      method,
      path: p,
      statuses: Object.keys(op.responses as Json),
    })),
  );
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...document, $id: 'https://drift.test/openapi.json' });
  const admin = await signIn(stack.url, 'portal-admin', 'PortalAdmin1!');
  // Every scope the API has (lib/api/scopes.ts).
  const scopes = [...API_SCOPE_NAMES];
  full = await clientToken(stack, await registerClient(stack, admin, { name: 'drift-all', scopes, allLobs: true }));
  narrow = await clientToken(
    stack,
    await registerClient(stack, admin, { name: 'drift-narrow', scopes: ['usage.read'], lobs: ['lob-a'] }),
  );
  people['user-no-lob'] = await personToken(stack, 'user-no-lob', 'UserNoLob1!');
  people['new-user'] = await personToken(stack, 'new-user', 'NewUser1!');
  people['user-lob-b'] = await personToken(stack, 'user-lob-b', 'UserLobB1!');
  people['oncall-lob-a'] = await personToken(stack, 'oncall-lob-a', 'OncallLobA1!');
  // A second member of lob-a's emergency access group: its grant is the one rejected.
  await createPoolUser(poolAdminClient(stack.env.COGNITO_ENDPOINT), 'drift-oncall', 'DriftOncall1!', ['lob-a-oncall']);
  people['drift-oncall'] = await personToken(stack, 'drift-oncall', 'DriftOncall1!');
});

afterAll(async () => {
  await stack?.stop();
});

/** Route files under app/api/v1 as `METHOD /api/v1/path/{param}`. */
function routeOperations(): string[] {
  const root = path.resolve('app/api/v1');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name === 'route.ts') {
        const route = `/api/v1/${path.relative(root, dir).split(path.sep).join('/')}`.replace(/\[(\w+)\]/g, '{$1}');
        for (const [, method] of readFileSync(file, 'utf8').matchAll(
          /export (?:const|function|async function) (GET|POST|PUT|PATCH|DELETE)\b/g,
        )) {
          found.push(`${method} ${route}`);
        }
      }
    }
  };
  walk(root);
  return found.sort();
}

/** The answer's status is documented for `op` and its body matches that status's documented schema. */
function expectDocumented(op: Operation, answer: ApiAnswer): void {
  const where = `${op.id} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`;
  expect(op.statuses, where).toContain(String(answer.status));
  const content = ((document.paths as Json)[op.path] as Record<string, Json>)[op.method].responses as Record<
    string,
    Json
  >;
  const media = (content[String(answer.status)].content ?? {}) as Record<string, Json>;
  const type = (answer.headers.get('content-type') ?? '').split(';')[0];
  if (!Object.keys(media).length) {
    expect(answer.body, where).toBe('');
    return;
  }
  expect(Object.keys(media), where).toContain(type);
  const validate = ajv.getSchema(
    `https://drift.test/openapi.json#/${pointer('paths', op.path, op.method, 'responses', String(answer.status), 'content', type, 'schema')}`,
  );
  const ok = validate(answer.body);
  expect(ok, `${where}\n${JSON.stringify(validate.errors)}`).toBe(true);
}

interface Call {
  as?: string;
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

const state: Record<string, string> = {};
const etag = async (apiPath: string) => (await callApi(stack, full, 'GET', apiPath)).headers.get('etag') ?? '';

/** An authorized call of each operation that reaches its success status, in an order that makes that possible. */
const CALLS: Record<string, () => Promise<Call>> = {
  listLobs: async () => ({}),
  getLob: async () => ({ params: { lob: 'lob-a' } }),
  createLob: async () => ({
    body: newLobBody('lob-drift', 'Drift', 'd-drift0000001'),
    headers: { 'idempotency-key': 'drift-create' },
  }),
  updateLob: async () => ({
    params: { lob: 'lob-drift' },
    body: { displayName: 'Drift 2' },
    headers: { 'if-match': await etag('/lobs/lob-drift') },
  }),
  disableLob: async () => ({ params: { lob: 'lob-b' }, headers: { 'if-match': await etag('/lobs/lob-b') } }),
  enableLob: async () => ({ params: { lob: 'lob-b' }, headers: { 'if-match': await etag('/lobs/lob-b') } }),
  listMembers: async () => ({ params: { lob: 'lob-a' }, query: '?limit=2' }),
  addMember: async () => ({ params: { lob: 'lob-a' }, body: { username: 'user-lob-b', until: inDays(30) } }),
  getMember: async () => ({ params: { lob: 'lob-a', username: 'user-lob-b' } }),
  updateMember: async () => ({
    params: { lob: 'lob-a', username: 'user-lob-b' },
    body: { until: inDays(60) },
    headers: { 'if-match': await etag('/lobs/lob-a/members/user-lob-b') },
  }),
  removeMember: async () => ({ params: { lob: 'lob-a', username: 'user-lob-b' } }),
  createRequest: async () => ({
    as: 'user-no-lob',
    body: { lob: 'lob-a', justification: 'Drift test: I need the lab.', days: 30 },
  }),
  listRequests: async () => ({ query: '?lob=lob-a' }),
  getRequest: async () => ({ params: { id: state.request } }),
  approveRequest: async () => ({ params: { id: state.request }, body: { days: 7 } }),
  denyRequest: async () => ({ params: { id: await filed('new-user') }, body: { reason: 'Not this quarter.' } }),
  withdrawRequest: async () => ({ as: 'user-lob-b', params: { id: await filed('user-lob-b') } }),
  takeEmergency: async () => ({
    as: 'oncall-lob-a',
    params: { lob: 'lob-a' },
    body: { reason: 'Drift test: the nightly job is down.' },
  }),
  listEmergencies: async () => ({ query: '?lob=lob-a' }),
  confirmEmergency: async () => ({ params: { lob: 'lob-a', id: state.grant } }),
  rejectEmergency: async () => ({ params: { lob: 'lob-a', id: await emergencyTakenBy('drift-oncall') } }),
  startReview: async () => ({ params: { lob: 'lob-a' }, body: {} }),
  listReviews: async () => ({ params: { lob: 'lob-a' } }),
  getReview: async () => ({ params: { id: state.review }, query: '?limit=5' }),
  decideReviewRow: async () => ({
    params: { id: state.review },
    body: { username: state.reviewRow, decision: 'keep', comment: 'still needed' },
  }),
  exportReview: async () => ({ params: { id: state.review } }),
  finishReview: async () => ({ params: { id: state.review } }),
  queryAudit: async () => ({ query: '?lob=lob-a&limit=5' }),
  getUsage: async () => ({ query: '?days=30' }),
};

async function filed(who: string): Promise<string> {
  const res = await callApi(stack, people[who], 'POST', '/requests', {
    body: { lob: 'lob-a', justification: `Drift test request by ${who}.`, days: 30 },
  });
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

async function emergencyTakenBy(who: string): Promise<string> {
  const res = await callApi(stack, people[who], 'POST', '/lobs/lob-a/emergency', {
    body: { reason: `Drift test: ${who} breaks glass.` },
  });
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

function urlOf(op: Operation, call: Call): string {
  const filled = op.path
    .replace('/api/v1', '')
    .replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.params?.[name] ?? 'x'));
  return filled + (call.query ?? '');
}

describe('drift between the OpenAPI document and the routes', () => {
  it('documents exactly the route files under app/api/v1', () => {
    const documented = operations.map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(routeOperations()).toEqual([...documented, 'GET /api/v1/openapi.json'].sort());
    expect(Object.keys(CALLS).sort()).toEqual(operations.map((op) => op.id).sort());
  });

  it('answers every operation 401 without a token, as documented', async () => {
    for (const op of operations) {
      const call = { params: { lob: 'lob-a', username: 'user-lob-a', id: '00000000-0000-4000-8000-000000000000' } };
      const answer = await callApi(stack, undefined, op.method.toUpperCase(), urlOf(op, call));
      expect(answer.status, op.id).toBe(401);
      expectDocumented(op, answer);
    }
  });

  it('answers every operation 403 to a client lacking its scope, as documented', async () => {
    for (const op of operations.filter((o) => o.id !== 'getUsage')) {
      const call = { params: { lob: 'lob-a', username: 'user-lob-a', id: '00000000-0000-4000-8000-000000000000' } };
      const answer = await callApi(stack, narrow, op.method.toUpperCase(), urlOf(op, call), {
        body: op.method === 'get' ? undefined : {},
      });
      expect(answer.status, op.id).toBe(403);
      expectDocumented(op, answer);
    }
  });

  it('reaches every operation’s documented success, answers matching the schemas', async () => {
    const order = Object.keys(CALLS);
    for (const id of order) {
      const op = operations.find((o) => o.id === id)!;
      const call = await CALLS[id]();
      const token = call.as ? people[call.as] : full;
      const answer = await callApi(stack, token, op.method.toUpperCase(), urlOf(op, call), {
        body: call.body,
        headers: call.headers,
      });
      expectDocumented(op, answer);
      const success = op.statuses.find((s) => s.startsWith('2'));
      expect(String(answer.status), `${id}: ${JSON.stringify(answer.body).slice(0, 300)}`).toBe(success);
      if (id === 'createRequest') state.request = (answer.body as { id: string }).id;
      if (id === 'takeEmergency') state.grant = (answer.body as { id: string }).id;
      if (id === 'startReview') state.review = (answer.body as { id: string }).id;
      if (id === 'getReview')
        state.reviewRow = (answer.body as { rows: { items: { username: string }[] } }).rows.items[0].username;
    }
  });
});
