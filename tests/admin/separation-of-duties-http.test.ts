/**
 * Issue 23 items 1-3 over HTTP against a running portal (next start) and the stand-ins, through the
 * console's own server actions (as React posts them): self-grants refused with `grant.self` and nothing
 * written but the audit record; an owner's grant beyond the LOB maximum refused; "Approvals required" 2
 * shown as "1 of 2 approvals" and a membership only after a second approver, once even when two decide at
 * once; a user deleted and re-created under the same username (a new pool `sub`) cannot launch, and the
 * platform admin sees and archives the orphaned memberships.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { startPortalStack, type PortalStack } from '../support/portal-stack';
import { initiateAuth, signIn, type CookieJar } from '../support/http-session';
import { directoryClient } from '../support/directory';
import { actionForms, callAction, callActionText, formWithFields, type ActionForm } from './admin-forms';

let stack: PortalStack;
const jars: Record<string, CookieJar> = {};
const PASSWORD = 'Separate1!';
const DAY = 24 * 3600 * 1000;
const dayAhead = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  stack = await startPortalStack();
  // A second and third platform admin (the demo has one), and the person who will be re-created.
  await stack.control.bulkUsers([
    { username: 'second-admin', password: PASSWORD, groups: ['portal-admins'] },
    { username: 'third-admin', password: PASSWORD, groups: ['portal-admins'] },
    { username: 'rehired', password: PASSWORD },
  ]);
  for (const [who, password] of [
    ['portal-admin', 'PortalAdmin1!'],
    ['owner-lob-a', 'OwnerLobA1!'],
    ['user-no-lob', 'UserNoLob1!'],
    ['second-admin', PASSWORD],
    ['third-admin', PASSWORD],
    ['rehired', PASSWORD],
  ]) {
    jars[who] = await signIn(stack.url, who, password);
  }
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const directory = () => directoryClient(stack.env);
const get = (p: string, who: string) =>
  fetch(`${stack.url}${p}`, { headers: { cookie: jars[who].header() }, redirect: 'manual' });
const userRow = (username: string) => directory().getItem(stack.env.TABLE_USERS, { username });

async function formsOf(p: string, who: string): Promise<ActionForm[]> {
  const res = await get(p, who);
  expect(res.status, `${who} GET ${p}`).toBe(200);
  return actionForms(await res.text());
}

/** The page's server-action form whose fields include every `name=value` given. */
async function formOf(p: string, who: string, fields: Record<string, string>): Promise<ActionForm> {
  return formWithFields(await formsOf(p, who), fields, p);
}

const act = (p: string, who: string, form: ActionForm, fields: Record<string, string | string[]>) =>
  callActionText(stack.url, p, form.actionId, jars[who].header(), fields);

/** Audit items of one action by one user (the table's own index, not through the portal). */
async function audits(user: string, action: string) {
  const items = await directory().queryIndex(stack.env.TABLE_AUDIT, 'byUser', 'user', user);
  return items.filter((i) => i.action === action && !i.copyOf);
}

const membersPath = (lob: string) => `/admin/lobs/${lob}/members`;
const addMember = async (who: string, lob: string, username: string, until = '') =>
  act(membersPath(lob), who, await formOf(membersPath(lob), who, { lob }), { lob, username, until });

describe('Nobody grants themselves access', () => {
  it('an owner adding themselves is refused with the code, audited, and nothing else written', async () => {
    const text = await addMember('owner-lob-a', 'lob-a', 'owner-lob-a', dayAhead(10));
    expect(text).toContain('You cannot grant access to yourself');
    expect(text).toContain('grant.self');
    expect(await userRow('owner-lob-a')).toBeUndefined();
    const [refused] = await audits('owner-lob-a', 'grant.self_refused');
    expect(refused).toMatchObject({ target: 'owner-lob-a', lob: 'lob-a' });
    expect(JSON.parse(refused.after)).toMatchObject({ refused: 'member.set' });
  });

  it('a platform admin adding themselves is refused too', async () => {
    const before = await userRow('portal-admin');
    const text = await addMember('portal-admin', 'lob-b', 'portal-admin');
    expect(text).toContain('You cannot grant access to yourself');
    expect(await userRow('portal-admin')).toEqual(before);
    expect(await audits('portal-admin', 'grant.self_refused')).toHaveLength(1);
  });

  it("an owner's grant beyond the LOB maximum, or without an end date, is refused", async () => {
    const tooLong = await addMember('owner-lob-a', 'lob-a', 'user-no-lob', dayAhead(120));
    expect(tooLong).toContain('grant.beyond_max');
    expect(tooLong).toContain('lob-a allows at most 90 days');
    const noEnd = await addMember('owner-lob-a', 'lob-a', 'user-no-lob');
    expect(noEnd).toContain('only platform admins may grant access without an end date');
    expect(await userRow('user-no-lob')).toBeUndefined();
  });

  it('an owner changing their own end date, or keeping themselves in a review, is refused', async () => {
    expect(await addMember('portal-admin', 'lob-a', 'owner-lob-a', dayAhead(5))).toContain(
      'Saved: owner-lob-a is a member of lob-a',
    );
    const granted = await userRow('owner-lob-a');
    expect(granted).toMatchObject({ lobs: ['lob-a'], sub: expect.any(String) });
    const change = await act(
      membersPath('lob-a'),
      'owner-lob-a',
      await formOf(membersPath('lob-a'), 'owner-lob-a', { lob: 'lob-a', username: 'owner-lob-a' }),
      {
        lob: 'lob-a',
        username: 'owner-lob-a',
        until: dayAhead(60),
      },
    );
    expect(change).toContain('You cannot grant access to yourself');
    expect(await userRow('owner-lob-a')).toEqual(granted);

    const start = await formOf('/admin/lobs/lob-a', 'owner-lob-a', { lob: 'lob-a' });
    expect(
      (await callAction(stack.url, '/admin/lobs/lob-a', start.actionId, jars['owner-lob-a'].header(), { lob: 'lob-a' }))
        .status,
    ).toBeLessThan(400);
    const reviews = stack.env.TABLE_REVIEWS;
    const [newest] = await directory().queryIndex(reviews, 'byLob', 'reviewLob', 'lob-a', 'newest-first');
    const reviewId = String(newest.pk).slice('review#'.length);
    const reviewPath = `/admin/reviews/${reviewId}`;
    const keepSelf = (await formsOf(reviewPath, 'owner-lob-a')).find(
      (f) =>
        f.fields.some(([n, v]) => n === 'username' && v === 'owner-lob-a') && f.fields.some(([n]) => n === 'until'),
    );
    expect(keepSelf).toBeDefined();
    const kept = await act(reviewPath, 'owner-lob-a', keepSelf!, {
      review: reviewId,
      username: 'owner-lob-a',
      decision: 'keep',
      until: dayAhead(80),
      comment: '',
    });
    expect(kept).toContain('You cannot grant access to yourself');
    const row = await directory().getItem(stack.env.TABLE_REVIEWS, {
      pk: `review#${reviewId}`,
      sk: 'member#owner-lob-a',
    });
    expect(row).not.toHaveProperty('decision');
    expect(await userRow('owner-lob-a')).toEqual(granted);
    expect((await audits('owner-lob-a', 'grant.self_refused')).map((a) => JSON.parse(a.after).refused).sort()).toEqual([
      'member.set',
      'member.set',
      'review.keep',
    ]);
  });
});

describe('Approvals required: 2', () => {
  const lobPath = '/admin/lobs/lob-b';

  beforeAll(async () => {
    // The LOB form as the admin's browser posts it, with "Approvals required" set to 2.
    const form = (await formsOf(lobPath, 'portal-admin')).find((f) => f.fields.some(([n]) => n === 'displayName'))!;
    const text = await act(lobPath, 'portal-admin', form, {
      ...Object.fromEntries(form.fields.filter(([n]) => n !== 'allowedApps')),
      allowedApps: form.fields.filter(([n]) => n === 'allowedApps').map(([, v]) => v),
      defaultApp: 'studio',
      maxRequestDays: '90',
      approvalsRequired: '2',
    });
    expect(text).not.toContain('"ok":false');
    expect((await directory().getItem(stack.env.TABLE_LOBS, { lob: 'lob-b' }))?.approvalsRequired).toBe(2);
    const html = await (await get(lobPath, 'portal-admin')).text();
    expect(html).toMatch(/<select[^>]*id="approvalsRequired"/);
    expect(html).toContain('Approvals required');
  });

  const requestLobB = async (who: string) => {
    const form = await formOf('/', who, { lob: 'lob-b' });
    const res = await callAction(stack.url, '/', form.actionId, jars[who].header(), {
      lob: 'lob-b',
      justification: 'Forecasting work for Q3',
      days: '30',
    });
    expect(await res.text()).toContain('Request sent');
    const pending = await directory().queryIndex(stack.env.TABLE_REQUESTS, 'pendingByLob', 'pendingLob', 'lob-b');
    return String(pending.find((i) => i.requester === who)!.id);
  };
  // The approve form as the first approver's page had it: once they approved, their queue no longer lists the
  // request (issue 27), and a replay must still be refused by the server.
  const approveForms = new Map<string, ActionForm>();
  const approve = async (who: string, id: string) => {
    if (!approveForms.has(id)) approveForms.set(id, await formOf('/admin/requests', who, { id }));
    const form = approveForms.get(id)!;
    return (
      await callAction(stack.url, '/admin/requests', form.actionId, jars[who].header(), { id, days: '30', reason: '' })
    ).text();
  };

  it('the first approval shows "1 of 2 approvals" to the requester and the approvers; the second writes the membership', async () => {
    const id = await requestLobB('user-no-lob');
    expect(await approve('portal-admin', id)).toContain('1 of 2 approvals');
    expect(await userRow('user-no-lob')).toBeUndefined();
    expect(await (await get('/', 'user-no-lob')).text()).toContain('1 of 2 approvals');
    const queue = await (await get('/admin/requests', 'second-admin')).text();
    expect(queue).toContain('1 of 2 approvals');
    // The same approver cannot approve twice.
    expect(await approve('portal-admin', id)).toContain('request.already_approved_by_you');
    expect(await userRow('user-no-lob')).toBeUndefined();

    expect(await approve('second-admin', id)).toContain('Approved: user-no-lob is a member of lob-b');
    expect(await userRow('user-no-lob')).toMatchObject({ lobs: ['lob-b'], version: 1, sub: expect.any(String) });
    const request = await directory().getItem(stack.env.TABLE_REQUESTS, { id });
    expect(request).toMatchObject({
      status: 'approved',
      decidedBy: 'second-admin',
      approvals: [{ by: 'portal-admin' }, { by: 'second-admin' }],
    });
  });

  it('two concurrent second approvals give one membership', async () => {
    const id = await requestLobB('rehired');
    expect(await approve('portal-admin', id)).toContain('1 of 2 approvals');
    const [a, b] = await Promise.all([approve('second-admin', id), approve('third-admin', id)]);
    const texts = [a, b];
    expect(texts.filter((t) => t.includes('Approved: rehired is a member of lob-b'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('request.already_decided'))).toHaveLength(1);
    expect(await userRow('rehired')).toMatchObject({ lobs: ['lob-b'], version: 1 });
    const approvals = [
      ...(await audits('second-admin', 'request.approve')),
      ...(await audits('third-admin', 'request.approve')),
    ];
    expect(approvals.filter((a) => a.target === 'rehired')).toHaveLength(1);
  });
});

describe('Identity that cannot be inherited', () => {
  const cognito = () =>
    new CognitoIdentityProviderClient({
      region: stack.env.AWS_REGION,
      endpoint: stack.env.COGNITO_ENDPOINT,
      credentials: { accessKeyId: stack.env.AWS_ACCESS_KEY_ID, secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY },
    });
  const UserPoolId = () => stack.env.COGNITO_USER_POOL_ID;
  const subOf = async (username: string) =>
    (
      await cognito().send(new AdminGetUserCommand({ UserPoolId: UserPoolId(), Username: username }))
    ).UserAttributes?.find((a) => a.Name === 'sub')?.Value;
  const apiLaunch = async (username: string) => {
    const { accessToken } = await initiateAuth(
      { endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' },
      username,
      PASSWORD,
    );
    return fetch(`${stack.url}/api/studio/${username}?lob=lob-b`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      redirect: 'manual',
    });
  };

  it('a user deleted and re-created with the same username cannot launch; the admin sees and archives the orphan', async () => {
    const firstSub = await subOf('rehired');
    expect(await userRow('rehired')).toMatchObject({ sub: firstSub });
    const first = await apiLaunch('rehired');
    expect(first.status).toBe(200);
    // lob-b creates profiles just in time: tagged with the sub it was created for.
    const created = (await stack.control.cloudTrail({ eventName: 'CreateUserProfile' })).find(
      (e) => (e.requestParameters as { UserProfileName?: string })?.UserProfileName === 'rehired',
    );
    expect((created?.requestParameters as { Tags?: unknown[] }).Tags).toContainEqual({
      Key: 'studio-portal:sub',
      Value: firstSub,
    });

    await cognito().send(new AdminDeleteUserCommand({ UserPoolId: UserPoolId(), Username: 'rehired' }));
    await cognito().send(
      new AdminCreateUserCommand({
        UserPoolId: UserPoolId(),
        Username: 'rehired',
        TemporaryPassword: 'Temporary1!',
        MessageAction: 'SUPPRESS',
      }),
    );
    await cognito().send(
      new AdminSetUserPasswordCommand({
        UserPoolId: UserPoolId(),
        Username: 'rehired',
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    const secondSub = await subOf('rehired');
    expect(secondSub).not.toBe(firstSub);

    const refused = await apiLaunch('rehired');
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { code: string; message: string };
    expect(body.code).toBe('identity.mismatch');
    expect(body.message).toContain('Orphaned access');
    const home = await (
      await get('/', ((jars.rehired = await signIn(stack.url, 'rehired', PASSWORD)), 'rehired'))
    ).text();
    expect(home).toContain('granted to an earlier account named rehired');
    expect(home).not.toContain('data-testid="open-studio"');

    const orphans = await (await get('/admin/users/orphans', 'portal-admin')).text();
    expect(orphans).toMatch(/data-username="rehired" data-reason="sub-mismatch"/);
    expect((await get('/admin/users/orphans', 'owner-lob-a')).status).toBe(403);
    // Granting the new account more access is refused until the orphan is archived.
    expect(await addMember('portal-admin', 'lob-a', 'rehired')).toContain('identity.mismatch');

    const archive = await formOf('/admin/users/orphans', 'portal-admin', { username: 'rehired' });
    const version = archive.fields.find(([n]) => n === 'version')![1];
    expect(await act('/admin/users/orphans', 'portal-admin', archive, { username: 'rehired', version })).toContain(
      'Archived the memberships of rehired',
    );
    expect(await userRow('rehired')).toBeUndefined();
    const [archived] = await audits('portal-admin', 'orphan.archive');
    expect(JSON.parse(archived.before)).toMatchObject({ sub: firstSub, lobs: ['lob-b'] });
    expect(await (await get('/admin/users/orphans', 'portal-admin')).text()).not.toContain('data-username="rehired"');

    expect(await addMember('portal-admin', 'lob-a', 'rehired')).toContain('Saved: rehired is a member of lob-a');
    expect(await userRow('rehired')).toMatchObject({ sub: secondSub, lobs: ['lob-a'] });
  });
});
