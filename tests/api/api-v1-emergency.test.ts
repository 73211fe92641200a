/**
 * /api/v1 for what issue 27 added to the home page and /admin, over HTTP against the running portal and the
 * stand-ins: an extension request filed with `kind: "extension"` (the request "Request extension" files,
 * refused with 422 naming `kind` when there is nothing to extend), and emergency access taken, listed,
 * confirmed and rejected with people's own tokens, each with the console's rules.
 */
import { AdminRemoveUserFromGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortalStackAsAdmin, type PortalStack } from '../support/portal-stack';
import type { CookieJar } from '../support/http-session';
import { directoryClient } from '../support/directory';
import { callApi, clientToken, personToken, registerClient } from '../support/api-v1';
import { createPoolUser, poolAdminClient } from '../support/pool-admin';
import { subForUsername } from '../../local/cognito/user-store';
import { DEMO_LOBS, DEMO_USERS, USER_POOL_ID } from '../../local/demo-data';
import { openStudioUrl } from '../local/helpers';

let stack: PortalStack;
let admin: CookieJar;
const tokens: Record<string, string> = {};
const DAY_MS = 24 * 3600_000;

const problem = (body: unknown) =>
  body as { code: string; status: number; detail: string; errors?: { field: string; message: string }[] };

beforeAll(async () => {
  ({ stack, admin } = await startPortalStackAsAdmin());
  const pool = poolAdminClient(stack.env.COGNITO_ENDPOINT);
  // An owner of lob-b only, and an owner of lob-a who is also on call for it (takes, so cannot decide).
  await createPoolUser(pool, 'owner-only-b', 'OwnerOnlyB1!', ['lob-b-owners']);
  await createPoolUser(pool, 'oncall-owner', 'OncallOwner1!', ['lob-a-oncall', 'lob-a-owners']);
  const demo = ['user-expiring', 'user-lob-a', 'new-user', 'oncall-lob-a', 'owner-lob-a', 'user-no-lob'];
  for (const username of demo)
    tokens[username] = await personToken(stack, username, DEMO_USERS.find((u) => u.username === username)!.password);
  tokens['owner-only-b'] = await personToken(stack, 'owner-only-b', 'OwnerOnlyB1!');
  tokens['oncall-owner'] = await personToken(stack, 'oncall-owner', 'OncallOwner1!');
  const client = await registerClient(stack, admin, {
    name: 'emergency-all',
    scopes: ['requests.write', 'emergency.read', 'emergency.decide'],
    allLobs: true,
  });
  tokens.client = await clientToken(stack, client);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

/** Rows read from the tables themselves (consistent reads), not through the portal. */
const userRow = (username: string) => directoryClient(stack.env).getItem(stack.env.TABLE_USERS, { username });
const storedRequest = (id: string) => directoryClient(stack.env).getItem(stack.env.TABLE_REQUESTS, { id });
/** The LOB's audit entries, newest first, read from the table itself. */
const auditOf = (lob: string) =>
  directoryClient(stack.env).queryIndex(stack.env.TABLE_AUDIT, 'byLob', 'lob', lob, 'newest-first');
async function snsMessages() {
  const res = await fetch(`${stack.standIns.urls.control}/sns/messages`);
  return ((await res.json()) as { messages: { attributes: Record<string, string>; message: string }[] }).messages;
}
/** The launch API as a script calls it (GET /api/studio/{user} with the person's token): the answer's status and Location. */
/** The stand-in's state of the user's JupyterLab app in lob-a's domain. */
const appStatus = (user: string) =>
  stack.standIns.aws.domains.get(DEMO_LOBS.find((l) => l.lob === 'lob-a')!.domainId)!.apps.get(`${user}/JupyterLab`)
    ?.status;

async function launch(user: string, query = '') {
  const res = await fetch(`${stack.url}/api/studio/${user}${query}`, {
    headers: { authorization: `Bearer ${tokens[user]}` },
    redirect: 'manual',
  });
  await res.text();
  return { status: res.status, location: res.headers.get('location') ?? '' };
}

describe('POST /requests with kind "extension"', () => {
  const extension = { lob: 'lob-a', justification: 'The churn project runs another month.', days: 30 };

  it('files the request "Request extension" files: kind extension, extendsUntil, bound to the account; approval moves the end', async () => {
    const before = (await userRow('user-expiring'))?.memberships?.['lob-a'];
    expect(before?.until).toBeDefined();
    const filed = await callApi(stack, tokens['user-expiring'], 'POST', '/requests', {
      body: { ...extension, kind: 'extension' },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const id = (filed.body as { id: string }).id;
    expect(filed.body).toMatchObject({
      lob: 'lob-a',
      requester: 'user-expiring',
      status: 'pending',
      days: 30,
      kind: 'extension',
      extendsUntil: before.until,
    });
    // Stored as the home page's action stores it (with the requester's user-pool sub).
    expect(await storedRequest(id)).toMatchObject({
      kind: 'extension',
      extendsUntil: before.until,
      requesterSub: subForUsername('user-expiring'),
    });
    // The console reads it as an extension; the owner's own token decides it.
    const page = await (await fetch(`${stack.url}/admin/requests`, { headers: { cookie: admin.header() } })).text();
    expect(page.replaceAll('<!-- -->', '').includes('user-expiring asks for an extension of')).toBe(true);
    const approved = await callApi(stack, tokens['owner-lob-a'], 'POST', `/requests/${id}/approve`, { body: {} });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const after = (await userRow('user-expiring'))?.memberships?.['lob-a'];
    expect(Date.parse(after.until) - Date.parse(before.until)).toBe(30 * DAY_MS);
    expect((approved.body as { until: string }).until).toBe(after.until);
  });

  it('refuses with 422 request.not_extendable naming kind: outside the last 14 days, no end date, not a member', async () => {
    const cases: Array<[string, RegExp]> = [
      // user-expiring now ends 40 days ahead (the approval above).
      ['user-expiring', /ask for an extension in its last 14 days/],
      ['user-lob-a', /nothing to extend/],
      ['new-user', /no membership of lob-a that ends/],
    ];
    for (const [who, message] of cases) {
      const res = await callApi(stack, tokens[who], 'POST', '/requests', { body: { ...extension, kind: 'extension' } });
      expect(res.status, `${who}: ${JSON.stringify(res.body)}`).toBe(422);
      expect(problem(res.body)).toMatchObject({ code: 'request.not_extendable', errors: [{ field: 'kind' }] });
      expect(problem(res.body).detail).toMatch(message);
    }
    const bad = await callApi(stack, tokens['user-expiring'], 'POST', '/requests', {
      body: { ...extension, kind: 'renewal' },
    });
    expect(bad.status).toBe(400);
    expect(problem(bad.body).errors?.[0].field).toBe('kind');
  });
});

describe('emergency access', () => {
  let grantId = '';
  const path = (id: string, decision: string) => `/lobs/lob-a/emergency/${encodeURIComponent(id)}/${decision}`;

  it('refuses people outside the emergency access group (403, before the body), machine clients, and LOBs without one', async () => {
    for (const body of [{ reason: 'Production is down and I want in anyway' }, {}]) {
      const res = await callApi(stack, tokens['user-no-lob'], 'POST', '/lobs/lob-a/emergency', { body });
      expect(res.status).toBe(403);
      expect(problem(res.body).code).toBe('emergency.not_allowed');
      expect(problem(res.body).detail).toContain('lob-a-oncall');
    }
    const lobB = await callApi(stack, tokens['oncall-lob-a'], 'POST', '/lobs/lob-b/emergency', {
      body: { reason: 'The lob-b pipeline is down tonight' },
    });
    expect(lobB.status).toBe(403);
    expect(problem(lobB.body).detail).toBe('lob-b does not allow emergency access.');
    const client = await callApi(stack, tokens.client, 'POST', '/lobs/lob-a/emergency', {
      body: { reason: 'A pipeline cannot break glass' },
    });
    expect(client.status).toBe(403);
    expect(await userRow('user-no-lob')).toBeUndefined();
  });

  it('reads the caller’s groups from the user pool now, not the token’s claim: removed from the group, refused', async () => {
    const pool = poolAdminClient(stack.env.COGNITO_ENDPOINT);
    await createPoolUser(pool, 'stale-oncall', 'StaleOncall1!', ['lob-a-oncall']);
    const token = await personToken(stack, 'stale-oncall', 'StaleOncall1!');
    const claim = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(claim['cognito:groups']).toEqual(['lob-a-oncall']);
    await pool.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: USER_POOL_ID,
        Username: 'stale-oncall',
        GroupName: 'lob-a-oncall',
      }),
    );
    const res = await callApi(stack, token, 'POST', '/lobs/lob-a/emergency', {
      body: { reason: 'My token still says I am on call' },
    });
    expect(res.status).toBe(403);
    expect(problem(res.body).code).toBe('emergency.not_allowed');
    expect(await userRow('stale-oncall')).toBeUndefined();
  });

  it('asks for a reason, naming the field', async () => {
    for (const body of [{}, { reason: 'short' }]) {
      const res = await callApi(stack, tokens['oncall-lob-a'], 'POST', '/lobs/lob-a/emergency', { body });
      expect(res.status).toBe(400);
      expect(problem(res.body).errors?.[0].field).toBe('reason');
    }
    expect((await userRow('oncall-lob-a'))?.memberships?.['lob-a']).toBeUndefined();
  });

  it('grants at once (201) for 4 hours, loudly; the person launches Studio; a second take is 409 with the console’s message', async () => {
    expect((await launch('oncall-lob-a')).status).toBe(403);
    const took = await callApi(stack, tokens['oncall-lob-a'], 'POST', '/lobs/lob-a/emergency', {
      body: { reason: 'Nightly scoring job failed, PagerDuty incident 4711' },
    });
    expect(took.status, JSON.stringify(took.body)).toBe(201);
    const grant = took.body as { id: string; takenAt: string; until: string };
    grantId = grant.id;
    expect(took.body).toMatchObject({ lob: 'lob-a', user: 'oncall-lob-a', status: 'open' });
    expect(Date.parse(grant.until) - Date.parse(grant.takenAt)).toBe(4 * 3600_000);
    expect((await userRow('oncall-lob-a'))?.memberships?.['lob-a']).toMatchObject({
      via: 'emergency',
      until: grant.until,
    });
    const published = (await snsMessages()).filter((m) => m.attributes.event === 'access.emergency');
    expect(published.map((m) => m.attributes)).toEqual([
      expect.objectContaining({ lob: 'lob-a', user: 'oncall-lob-a' }),
    ]);
    expect((await auditOf('lob-a')).some((e) => e.action === 'access.emergency' && e.user === 'oncall-lob-a')).toBe(
      true,
    );

    const launched = await launch('oncall-lob-a', '?app=jupyterlab');
    expect(launched.status).toBe(302);
    expect(launched.location).toContain('d-loba1example');
    // Opened in the browser: Studio starts the person's JupyterLab app (the reject below must stop it).
    expect((await openStudioUrl(launched.location, stack.standIns.urls.aws)).status).toBeLessThan(400);
    expect(appStatus('oncall-lob-a')).toBe('InService');

    const again = await callApi(stack, tokens['oncall-lob-a'], 'POST', '/lobs/lob-a/emergency', {
      body: { reason: 'Still broken, taking it again' },
    });
    expect(again.status).toBe(409);
    const shown = `${grant.until.slice(0, 10)} ${grant.until.slice(11, 16)} UTC`;
    expect(problem(again.body)).toMatchObject({
      code: 'emergency.active',
      detail: `You already have emergency access to lob-a until ${shown}; taking it again extends nothing.`,
    });
  });

  it('lists open grants to the LOB’s owners and platform admins only, as the /admin banner shows them', async () => {
    for (const who of ['owner-lob-a', 'client']) {
      const res = await callApi(stack, tokens[who], 'GET', '/emergency?lob=lob-a');
      expect(res.status).toBe(200);
      expect((res.body as { items: unknown[] }).items).toEqual([
        expect.objectContaining({ id: grantId, user: 'oncall-lob-a', overdue: false, active: true }),
      ]);
    }
    const mine = await callApi(stack, tokens['owner-lob-a'], 'GET', '/emergency');
    expect((mine.body as { items: { id: string }[] }).items.map((g) => g.id)).toEqual([grantId]);
    const otherOwner = await callApi(stack, tokens['owner-only-b'], 'GET', '/emergency');
    expect(otherOwner.body).toEqual({ items: [] });
    expect((await callApi(stack, tokens['owner-only-b'], 'GET', '/emergency?lob=lob-a')).status).toBe(403);
    expect((await callApi(stack, tokens['oncall-lob-a'], 'GET', '/emergency')).status).toBe(403);
  });

  it('nobody decides their own; an owner of another LOB gets 403', async () => {
    const took = await callApi(stack, tokens['oncall-owner'], 'POST', '/lobs/lob-a/emergency', {
      body: { reason: 'Owner on call, the model endpoint is failing' },
    });
    expect(took.status, JSON.stringify(took.body)).toBe(201);
    const own = (took.body as { id: string }).id;
    for (const decision of ['confirm', 'reject']) {
      const res = await callApi(stack, tokens['oncall-owner'], 'POST', path(own, decision));
      expect(res.status).toBe(403);
      expect(problem(res.body).code).toBe('emergency.self_decision');
      const other = await callApi(stack, tokens['owner-only-b'], 'POST', path(grantId, decision));
      expect(other.status).toBe(403);
      expect(problem(other.body).code).toBe('auth.forbidden');
    }
    const confirmed = await callApi(stack, tokens['owner-lob-a'], 'POST', path(own, 'confirm'));
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', decidedBy: 'owner-lob-a' });
    const twice = await callApi(stack, tokens.client, 'POST', path(own, 'reject'));
    expect(twice.status).toBe(409);
    expect(problem(twice.body).detail).toMatch(/^This emergency grant was already confirmed by owner-lob-a at /);
    expect((await callApi(stack, tokens['owner-lob-a'], 'POST', path('grant#nothing', 'confirm'))).status).toBe(404);
  });

  it('the owner rejects it: the membership and the running app go, SNS access.ended and the audit say so, the launch is refused', async () => {
    const rejected = await callApi(stack, tokens['owner-lob-a'], 'POST', path(grantId, 'reject'));
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({ id: grantId, status: 'rejected', decidedBy: 'owner-lob-a' });
    expect((rejected.body as { message: string }).message).toMatch(
      /^Rejected oncall-lob-a's emergency access to lob-a: it has ended\./,
    );
    expect((await userRow('oncall-lob-a'))?.memberships?.['lob-a']).toBeUndefined();
    const ended = (await snsMessages())
      .filter((m) => m.attributes.event === 'access.ended' && m.attributes.lob === 'lob-a')
      .map((m) => JSON.parse(m.message) as Record<string, unknown>);
    expect(ended).toEqual([expect.objectContaining({ user: 'oncall-lob-a', by: 'owner-lob-a' })]);
    expect(
      (await auditOf('lob-a')).some(
        (e) => e.action === 'access.emergency.reject' && e.user === 'owner-lob-a' && e.target === 'oncall-lob-a',
      ),
    ).toBe(true);
    expect(appStatus('oncall-lob-a')).toBe('Deleted');
    expect((await launch('oncall-lob-a')).status).toBe(403);
    const open = await callApi(stack, tokens['owner-lob-a'], 'GET', '/emergency?lob=lob-a');
    expect(open.body).toEqual({ items: [] });
  });
});
