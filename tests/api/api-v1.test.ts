/**
 * /api/v1 over HTTP against the running portal and the stand-ins: a machine client registered in the
 * console acts within its scopes and LOBs (audited under its name), a LOB owner's own token gets the
 * console's answers, If-Match and Idempotency-Key hold, bad input names its field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortalStackAsAdmin, type PortalStack } from '../support/portal-stack';
import { signIn, type CookieJar } from '../support/http-session';
import { directoryClient } from '../support/directory';
import {
  callApi,
  clientToken,
  personToken,
  registerClient,
  newLobBody,
  type RegisteredClient,
} from '../support/api-v1';

let stack: PortalStack;
let admin: CookieJar;
let writer: RegisteredClient;
let writerToken: string;

beforeAll(async () => {
  ({ stack, admin } = await startPortalStackAsAdmin());
  writer = await registerClient(stack, admin, {
    name: 'pipeline-a',
    scopes: ['members.read', 'members.write', 'lobs.read'],
    lobs: ['lob-a'],
  });
  writerToken = await clientToken(stack, writer);
});

afterAll(async () => {
  await stack?.stop();
});

/** The LOB's audit entries, newest first, read from the table itself. */
const auditOf = (lob: string) =>
  directoryClient(stack.env).queryIndex(stack.env.TABLE_AUDIT, 'byLob', 'lob', lob, 'newest-first');

/** A day `n` days ahead (YYYY-MM-DD): within lob-a's 90-day cap on owners' and clients' grants (issue 23). */
const inDays = (n: number) => new Date(Date.now() + n * 24 * 3600 * 1000).toISOString().slice(0, 10);

const problem = (body: unknown) =>
  body as { code: string; status: number; errors?: { field: string; message: string }[]; detail: string };

describe('a machine client with members.write for lob-a', () => {
  it('adds and removes a member of lob-a, audited as the client', async () => {
    const added = await callApi(stack, writerToken, 'POST', '/lobs/lob-a/members', {
      body: { username: 'user-lob-b', until: inDays(60) },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      username: 'user-lob-b',
      lob: 'lob-a',
      until: `${inDays(60)}T23:59:59.999Z`,
      grantedBy: 'client@pipeline-a',
    });
    expect(added.headers.get('etag')).toMatch(/^"\d+"$/);
    const listed = await callApi(stack, writerToken, 'GET', '/lobs/lob-a/members?search=user-lob-b');
    expect((listed.body as { items: { username: string }[] }).items.map((m) => m.username)).toEqual(['user-lob-b']);

    const removed = await callApi(stack, writerToken, 'DELETE', '/lobs/lob-a/members/user-lob-b');
    expect(removed.status).toBe(204);
    expect((await callApi(stack, writerToken, 'GET', '/lobs/lob-a/members/user-lob-b')).status).toBe(404);

    const audit = (await auditOf('lob-a')).filter((e) => e.target === 'user-lob-b');
    expect(audit.map((e) => [e.action, e.user])).toEqual(
      expect.arrayContaining([
        ['member.remove', 'client@pipeline-a'],
        ['member.set', 'client@pipeline-a'],
      ]),
    );
  });

  it('gets 403 for lob-b, and for a scope it lacks', async () => {
    const other = await callApi(stack, writerToken, 'POST', '/lobs/lob-b/members', {
      body: { username: 'user-lob-a' },
    });
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
    expect(problem(other.body).code).toBe('auth.forbidden');
    expect((await callApi(stack, writerToken, 'GET', '/lobs/lob-b/members')).status).toBe(403);

    const noScope = await callApi(stack, writerToken, 'GET', '/lobs/lob-a'.replace('/lob-a', '/lob-a') + '', {});
    expect(noScope.status).toBe(200); // lobs.read it has
    const created = await callApi(stack, writerToken, 'PATCH', '/lobs/lob-a', {
      body: { displayName: 'x' },
      headers: { 'if-match': '"1"' },
    });
    expect(created.status).toBe(403);
    expect(problem(created.body).detail).toContain('studio-portal/lobs.write');

    // A token asked for fewer scopes carries only those.
    const readOnly = await clientToken(stack, writer, 'studio-portal/members.read');
    const refused = await callApi(stack, readOnly, 'POST', '/lobs/lob-a/members', { body: { username: 'user-lob-b' } });
    expect(refused.status).toBe(403);
    expect(problem(refused.body).detail).toContain('studio-portal/members.write');
    expect((await auditOf('lob-b')).some((e) => e.user === 'client@pipeline-a')).toBe(false);
  });

  it('is refused once deleted in the console, and without a token', async () => {
    const temp = await registerClient(stack, admin, { name: 'short-lived', scopes: ['members.read'], lobs: ['lob-a'] });
    const token = await clientToken(stack, temp);
    expect((await callApi(stack, token, 'GET', '/lobs/lob-a/members')).status).toBe(200);
    const page = await fetch(`${stack.url}/admin/clients`, { headers: { cookie: admin.header() } });
    const { actionForms, postActionForm } = await import('../admin/admin-forms');
    const form = actionForms(await page.text()).find((f) =>
      f.fields.some(([n, v]) => n === 'clientId' && v === temp.clientId),
    );
    expect(form).toBeDefined();
    await postActionForm(stack.url, '/admin/clients', form!, admin.header());
    const after = await callApi(stack, token, 'GET', '/lobs/lob-a/members');
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('Bearer');
    expect((await callApi(stack, undefined, 'GET', '/lobs')).status).toBe(401);
  });
});

describe("owner-lob-a's own token", () => {
  let token: string;
  let owner: CookieJar;
  beforeAll(async () => {
    token = await personToken(stack, 'owner-lob-a', 'OwnerLobA1!');
    owner = await signIn(stack.url, 'owner-lob-a', 'OwnerLobA1!');
  });

  it('gets the same answers as the console', async () => {
    const console = (path: string) =>
      fetch(`${stack.url}${path}`, { headers: { cookie: owner.header() }, redirect: 'manual' });
    const page = await console('/admin/lobs/lob-a/members');
    expect(page.status).toBe(200);
    const html = await page.text();
    const members = await callApi(stack, token, 'GET', '/lobs/lob-a/members');
    expect(members.status).toBe(200);
    const names = (members.body as { items: { username: string }[] }).items.map((m) => m.username);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(html).toContain(name);

    expect((await console('/admin/lobs/lob-b/members')).status).toBe(403);
    expect((await callApi(stack, token, 'GET', '/lobs/lob-b/members')).status).toBe(403);
    expect((await console('/admin/lobs/new')).status).toBe(403);
    const create = await callApi(stack, token, 'POST', '/lobs', { body: { lob: 'owner-made' } });
    expect(create.status).toBe(403);
    const lobs = await callApi(stack, token, 'GET', '/lobs');
    expect((lobs.body as { items: { lob: string }[] }).items.map((l) => l.lob)).toEqual(['lob-a']);
  });

  it('adds a member of lob-a under the owner’s name, not of lob-b', async () => {
    const added = await callApi(stack, token, 'POST', '/lobs/lob-a/members', {
      body: { username: 'new-user', until: inDays(30) },
    });
    expect(added.status).toBe(201);
    expect((await auditOf('lob-a')).find((e) => e.target === 'new-user')?.user).toBe('owner-lob-a');
    expect(
      (await callApi(stack, token, 'POST', '/lobs/lob-b/members', { body: { username: 'new-user' } })).status,
    ).toBe(403);
  });
});

describe('conventions', () => {
  it('a stale If-Match gets 412 and changes nothing; none gets 428', async () => {
    await callApi(stack, writerToken, 'POST', '/lobs/lob-a/members', {
      body: { username: 'user-multi', until: inDays(30) },
    });
    const read = await callApi(stack, writerToken, 'GET', '/lobs/lob-a/members/user-multi');
    const etag = read.headers.get('etag')!;
    const saved = await callApi(stack, writerToken, 'PATCH', '/lobs/lob-a/members/user-multi', {
      body: { until: inDays(40) },
      headers: { 'if-match': etag },
    });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).not.toBe(etag);

    const stale = await callApi(stack, writerToken, 'PATCH', '/lobs/lob-a/members/user-multi', {
      body: { until: inDays(50) },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(problem(stale.body).code).toBe('precondition.failed');
    const now = await callApi(stack, writerToken, 'GET', '/lobs/lob-a/members/user-multi');
    expect((now.body as { until: string }).until).toBe(`${inDays(40)}T23:59:59.999Z`);
    expect(now.headers.get('etag')).toBe(saved.headers.get('etag'));

    const missing = await callApi(stack, writerToken, 'PATCH', '/lobs/lob-a/members/user-multi', {
      body: { until: inDays(50) },
    });
    expect(missing.status).toBe(428);
  });

  it('a stale If-Match on a LOB gets 412 and changes nothing', async () => {
    const adminToken = await personToken(stack, 'portal-admin', 'PortalAdmin1!');
    const lob = await callApi(stack, adminToken, 'GET', '/lobs/lob-b');
    const etag = lob.headers.get('etag')!;
    const saved = await callApi(stack, adminToken, 'PATCH', '/lobs/lob-b', {
      body: { displayName: 'LOB B (renamed)' },
      headers: { 'if-match': etag },
    });
    expect(saved.status).toBe(200);
    const stale = await callApi(stack, adminToken, 'PATCH', '/lobs/lob-b', {
      body: { displayName: 'Lost update' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(((await callApi(stack, adminToken, 'GET', '/lobs/lob-b')).body as { displayName: string }).displayName).toBe(
      'LOB B (renamed)',
    );
  });

  it('a repeated Idempotency-Key creates once', async () => {
    const adminToken = await personToken(stack, 'portal-admin', 'PortalAdmin1!');
    const body = newLobBody('lob-idem', 'Idempotent', 'd-idem0000001');
    const headers = { 'idempotency-key': 'create-lob-idem-1' };
    const first = await callApi(stack, adminToken, 'POST', '/lobs', { body, headers });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ lob: 'lob-idem', enabled: false, version: 1 });
    const again = await callApi(stack, adminToken, 'POST', '/lobs', { body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const creates = (await auditOf('lob-idem')).filter((e) => e.action === 'lob.create');
    expect(creates).toHaveLength(1);
    const without = await callApi(stack, adminToken, 'POST', '/lobs', { body });
    expect(without.status).toBe(409);
    expect(problem(without.body).code).toBe('lob.exists');
    const reused = await callApi(stack, adminToken, 'POST', '/lobs', { body: { ...body, lob: 'lob-other' }, headers });
    expect(reused.status).toBe(422);
  });

  it('bad input gets 400 problem details naming the field', async () => {
    const bad = await callApi(stack, writerToken, 'POST', '/lobs/lob-a/members', {
      body: { username: 'user-lob-b', until: '31.12.2099' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(problem(bad.body)).toMatchObject({
      code: 'input.invalid',
      type: 'urn:studio-portal:problem:input.invalid',
      status: 400,
    });
    expect(problem(bad.body).errors?.[0].field).toBe('until');

    const noName = await callApi(stack, writerToken, 'POST', '/lobs/lob-a/members', { body: { until: null } });
    expect(problem(noName.body).errors?.map((e) => e.field)).toEqual(['username']);
    const badLimit = await callApi(stack, writerToken, 'GET', '/lobs/lob-a/members?limit=5000');
    expect(badLimit.status).toBe(400);
    expect(problem(badLimit.body).errors?.[0].field).toBe('query.limit');
    const notJson = await callApi(stack, writerToken, 'POST', '/lobs/lob-a/members', { body: '{nope' });
    expect(problem(notJson.body).errors?.[0].field).toBe('body');
  });

  it('pages with limit and next', async () => {
    const first = await callApi(stack, writerToken, 'GET', '/lobs/lob-a/members?limit=1');
    const page = first.body as { items: { username: string }[]; next?: string };
    expect(page.items).toHaveLength(1);
    expect(page.next).toBeTruthy();
    const second = await callApi(
      stack,
      writerToken,
      'GET',
      `/lobs/lob-a/members?limit=1&next=${encodeURIComponent(page.next!)}`,
    );
    const names = (second.body as { items: { username: string }[] }).items.map((m) => m.username);
    expect(names).toHaveLength(1);
    expect(names[0] > page.items[0].username).toBe(true);
  });
});
