/**
 * Issue 27 items 1-3 over HTTP against a running portal and the stand-ins, time moved with the clock file
 * (no sleeping): "Request extension" posted without JavaScript and approved moves the end date and keeps
 * one membership; the LOB setting "Requests expire after (days)"; a pending request passes its lifetime and
 * becomes expired with the pending count, guard and index back where they were, the requester told on the
 * home page and through SNS (attribute `user`); with two approvals required the request leaves only the
 * queue of the approver who approved, and every approver opening a decided request sees who decided.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PortalStack } from '../support/portal-stack';
import { DAY, REHEARSAL_SESSION_ENV, useClockedStack } from '../support/clocked-stack';
import { signIn, type CookieJar } from '../support/http-session';
import { directoryClient } from '../support/directory';
import { actionForms, callActionText, formWithFields, postActionForm, type ActionForm } from '../admin/admin-forms';
import { pendingIdOf as pendingIdIn, pendingItems, runReviewJobs } from '../support/request-queue';

const USERS: Array<[string, string]> = [
  ['user-expiring', 'UserExpiring1!'],
  ['owner-lob-a', 'OwnerLobA1!'],
  ['portal-admin', 'PortalAdmin1!'],
  ['user-no-lob', 'UserNoLob1!'],
  ['new-user', 'NewUser1!'],
];
let stack: PortalStack;
let jars: Record<string, CookieJar>;
const { setClockOffset } = useClockedStack(USERS, REHEARSAL_SESSION_ENV, (started) => ({ stack, jars } = started));

const doc = () => directoryClient(stack.env).doc;
const get = (p: string, who: string) =>
  fetch(`${stack.url}${p}`, { headers: { cookie: jars[who].header() }, redirect: 'manual' });
const html = async (p: string, who: string) => {
  const res = await get(p, who);
  expect(res.status, `${who} GET ${p}`).toBe(200);
  // Without React's text separators, so assertions read as the page does.
  return (await res.text()).replaceAll('<!-- -->', '');
};
const item = async (table: string, key: Record<string, string>) =>
  (await doc().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
const requestItem = (id: string) => item(stack.env.TABLE_REQUESTS, { id });

const formOf = async (p: string, who: string, fields: Record<string, string>) =>
  formWithFields(actionForms(await html(p, who)), fields, p);
const act = (p: string, who: string, form: ActionForm, fields: Record<string, string | string[]>) =>
  callActionText(stack.url, p, form.actionId, jars[who].header(), fields);
const pendingIdOf = (requester: string, lob: string) => pendingIdIn(stack, requester, lob);

/** The LOB's pending counter (what the navigation and the overview show) and its pendingByLob index. */
async function pendingOf(lob: string) {
  const counter = Number((await item(stack.env.TABLE_REQUESTS, { id: `count#${lob}` }))?.pending ?? 0);
  return { counter, index: (await pendingItems(stack, lob)).length };
}

interface JobAnswer {
  lapsed: { requests: { id: string; lob: string; requester: string }[]; read: number };
}

async function runJobs(): Promise<JobAnswer> {
  const { status, body } = await runReviewJobs<JobAnswer>(stack);
  expect(status).toBe(200);
  return body;
}

async function snsMessages(event: string) {
  const res = await fetch(`${stack.standIns.urls.control}/sns/messages`);
  const { messages } = (await res.json()) as { messages: { attributes: Record<string, string>; message: string }[] };
  return messages
    .filter((m) => m.attributes.event === event)
    .map((m) => ({ attributes: m.attributes, body: JSON.parse(m.message) as Record<string, unknown> }));
}

/** The decision forms of a pending request's page (approve first), as its approver's browser has them. */
const decisionForm = (who: string, id: string) => formOf(`/admin/requests/${id}`, who, { id });
const decide = (who: string, id: string, form: ActionForm, reason = '') =>
  act(`/admin/requests/${id}`, who, form, { id, days: '', reason });
const approve = async (who: string, id: string) => decide(who, id, await decisionForm(who, id));
const requestAccess = async (who: string, lob: string) =>
  act('/', who, await formOf('/', who, { lob }), {
    lob,
    justification: `Quarterly analysis work in ${lob}`,
    days: '30',
  });

describe('LOB setting "Requests expire after (days)"', () => {
  const lobPath = '/admin/lobs/lob-b';
  const save = async (fields: Record<string, string>) => {
    const form = actionForms(await html(lobPath, 'portal-admin')).find((f) =>
      f.fields.some(([n]) => n === 'displayName'),
    )!;
    return act(lobPath, 'portal-admin', form, {
      ...Object.fromEntries(form.fields.filter(([n]) => n !== 'allowedApps')),
      allowedApps: form.fields.filter(([n]) => n === 'allowedApps').map(([, v]) => v),
      defaultApp: 'studio',
      maxRequestDays: '90',
      approvalsRequired: '2',
      ...fields,
    });
  };

  it('is shown with its default of 14, refuses a bad value naming the field, and saves 3 (with 2 approvals) for lob-b', async () => {
    const page = await html(lobPath, 'portal-admin');
    expect(page).toContain('Requests expire after (days)');
    expect(page).toMatch(/<input[^>]*id="requestExpiryDays"[^>]*value="14"/);
    expect(page).toContain('A change applies to requests filed after it.');
    const refused = await save({ requestExpiryDays: '0' });
    expect(refused).toContain('Requests expire after (days): at least 1 day.');
    expect((await item(stack.env.TABLE_LOBS, { lob: 'lob-b' }))?.requestExpiryDays).toBeUndefined();
    expect(await save({ requestExpiryDays: '3' })).not.toContain('"ok":false');
    expect(await item(stack.env.TABLE_LOBS, { lob: 'lob-b' })).toMatchObject({
      requestExpiryDays: 3,
      approvalsRequired: 2,
    });
  });
});

describe('Request extension', () => {
  it('is offered in the last 14 days; posted without JavaScript it files an extension request', async () => {
    const before = (await item(stack.env.TABLE_USERS, { username: 'user-expiring' }))!;
    const until = String(before.memberships['lob-a'].until);
    expect(Date.parse(until) - Date.now()).toBeGreaterThan(9 * DAY * 1000);
    expect(Date.parse(until) - Date.now()).toBeLessThanOrEqual(10 * DAY * 1000);
    const home = await html('/', 'user-expiring');
    expect(home).toContain('Request extension');
    // Not offered twice: lob-a is not also under "Ask for access".
    expect(home).not.toContain('data-testid="request-lob-a"');
    const form = await formOf('/', 'user-expiring', { lob: 'lob-a', kind: 'extension' });
    const noJs = await postActionForm(stack.url, '/', form, jars['user-expiring'].header(), {
      justification: 'Still finishing the churn model for Q4',
      days: '30',
    });
    expect(noJs.status, `${noJs.headers.get('location')}`).toBe(200);
    expect((await noJs.text()).replaceAll('<!-- -->', '')).toContain('Extension requested: the owners of lob-a decide');
    const stored = await requestItem(await pendingIdOf('user-expiring', 'lob-a'));
    expect(stored).toMatchObject({
      kind: 'extension',
      extendsUntil: until,
      days: 30,
      status: 'pending',
      lapseKind: 'pending',
    });
    expect(Date.parse(String(stored!.lapsesAt)) - Date.parse(String(stored!.createdAt))).toBe(14 * DAY * 1000);
    expect(await html('/', 'user-expiring')).toContain('Extension requested: waiting for a decision');
  });

  it('approved by an owner moves the end date 30 days on, keeps one membership, and tells the requester (home page + SNS user)', async () => {
    const before = (await item(stack.env.TABLE_USERS, { username: 'user-expiring' }))!;
    const until = String(before.memberships['lob-a'].until);
    const id = await pendingIdOf('user-expiring', 'lob-a');
    const queue = await html('/admin/requests', 'owner-lob-a');
    expect(queue).toContain('an extension of lob-a');
    expect(await approve('owner-lob-a', id)).toContain('is a member of lob-a until');
    const after = (await item(stack.env.TABLE_USERS, { username: 'user-expiring' }))!;
    const extended = new Date(Date.parse(until) + 30 * DAY * 1000).toISOString();
    expect(after.lobs).toEqual(['lob-a']);
    expect(Object.keys(after.memberships)).toEqual(['lob-a']);
    expect(after.memberships['lob-a']).toMatchObject({ until: extended, via: 'request', grantedBy: 'owner-lob-a' });
    expect(await requestItem(id)).toMatchObject({ status: 'approved', until: extended, decidedBy: 'owner-lob-a' });
    expect(await requestItem(id)).not.toHaveProperty('lapseKind');

    const home = await html('/', 'user-expiring');
    expect(home).toMatch(/Approved by owner-lob-a until (<!-- -->)?\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    const [decided] = (await snsMessages('request.decided')).filter((m) => m.attributes.user === 'user-expiring');
    expect(decided.attributes).toEqual({ lob: 'lob-a', event: 'request.decided', user: 'user-expiring' });
    expect(decided.body).toMatchObject({ request: id, status: 'approved', until: extended, decidedBy: 'owner-lob-a' });

    // The approver (or another) opening the decided request sees who decided and when, not an error.
    const page = await html(`/admin/requests/${id}`, 'portal-admin');
    expect(page).toMatch(/Approved by owner-lob-a at (<!-- -->)?\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(actionForms(page)).toHaveLength(0);
  });
});

describe('Two approvals required: the queues follow each decision', () => {
  it('a first approval drops the request from that approver only; the second closes it for everyone', async () => {
    await stack.control.bulkUsers([{ username: 'second-admin', password: 'Lifecycle1!', groups: ['portal-admins'] }]);
    jars['second-admin'] = await signIn(stack.url, 'second-admin', 'Lifecycle1!');
    expect(await requestAccess('new-user', 'lob-b')).toContain('Request sent');
    const id = await pendingIdOf('new-user', 'lob-b');
    const row = 'data-requester="new-user" data-lob="lob-b"';
    expect(await approve('portal-admin', id)).toContain('1 of 2 approvals');
    const first = await html('/admin/requests', 'portal-admin');
    expect(first).not.toContain(row);
    expect(first).toMatch(/data-testid="approved-by-you">1 request you approved waits(<!-- -->)? for another approver/);
    expect(await html('/admin/requests', 'second-admin')).toContain(row);

    const form = await decisionForm('second-admin', id);
    expect(await decide('second-admin', id, form)).toContain('new-user is a member of lob-b');
    for (const who of ['portal-admin', 'second-admin']) expect(await html('/admin/requests', who)).not.toContain(row);
    expect(await html(`/admin/requests/${id}`, 'portal-admin')).toMatch(/Approved by second-admin at/);
    // A replayed decision on the closed request says who decided, and changes nothing.
    const replay = await decide('portal-admin', id, form);
    expect(replay).toMatch(/already approved by second-admin/);
  });
});

describe('Pending requests lapse', () => {
  let id = '';
  let before = { counter: 0, index: 0 };
  let lateForm: ActionForm;

  it('a request for lob-b (expires after 3 days) stays pending before its lifetime has passed', async () => {
    before = await pendingOf('lob-b');
    expect(await requestAccess('user-no-lob', 'lob-b')).toContain('Request sent');
    id = await pendingIdOf('user-no-lob', 'lob-b');
    lateForm = await decisionForm('portal-admin', id);
    expect(await pendingOf('lob-b')).toEqual({ counter: before.counter + 1, index: before.index + 1 });
    setClockOffset(2 * DAY);
    const job = await runJobs();
    expect(job.lapsed).toEqual({ requests: [], read: 0 });
    expect(await requestItem(id)).toMatchObject({ status: 'pending' });
  });

  it('after it, the job expires it (reading only what is due): count, guard and index back; the requester is told', async () => {
    setClockOffset(3 * DAY + 3600);
    const job = await runJobs();
    expect(job.lapsed).toEqual({ requests: [{ id, lob: 'lob-b', requester: 'user-no-lob' }], read: 1 });
    expect(await requestItem(id)).toMatchObject({ status: 'expired' });
    expect(await requestItem(id)).not.toHaveProperty('lapseKind');
    expect(await requestItem(id)).not.toHaveProperty('pendingLob');
    expect(await item(stack.env.TABLE_REQUESTS, { id: 'pending#lob-b#user-no-lob' })).toBeUndefined();
    expect(await pendingOf('lob-b')).toEqual(before);
    expect((await runJobs()).lapsed).toEqual({ requests: [], read: 0 });

    const home = await html('/', 'user-no-lob');
    expect(home).toMatch(/data-testid="my-request-lob-b" data-status="expired"/);
    expect(home).toContain('Nobody decided it in time');
    const expired = await snsMessages('request.expired');
    expect(expired).toHaveLength(1);
    expect(expired[0].attributes).toEqual({ lob: 'lob-b', event: 'request.expired', user: 'user-no-lob' });
    expect(expired[0].body).toMatchObject({ request: id, requester: 'user-no-lob', status: 'expired' });

    const page = await html(`/admin/requests/${id}`, 'portal-admin');
    expect(page).toContain('nobody decided it in time');
    const late = await decide('portal-admin', id, lateForm);
    expect(late).toContain('it expired');
    expect(await requestItem(id)).toMatchObject({ status: 'expired' });
  });

  it('the requester may ask again', async () => {
    expect(await requestAccess('user-no-lob', 'lob-b')).toContain('Request sent');
    expect(await pendingOf('lob-b')).toEqual({ counter: before.counter + 1, index: before.index + 1 });
  });

  it('an approval racing the lapse: exactly one wins, and the count follows once', async () => {
    expect(await requestAccess('new-user', 'lob-a')).toContain('Request sent');
    const raced = await pendingIdOf('new-user', 'lob-a');
    const start = await pendingOf('lob-a');
    const form = await decisionForm('owner-lob-a', raced);
    setClockOffset(3 * DAY + 3600 + 15 * DAY);
    const [job, decision] = await Promise.all([runJobs(), decide('owner-lob-a', raced, form)]);
    const stored = (await requestItem(raced))!;
    const row = await item(stack.env.TABLE_USERS, { username: 'new-user' });
    if (stored.status === 'approved') {
      expect(decision).toContain('new-user is a member of lob-a');
      expect(job.lapsed.requests.map((r) => r.id)).not.toContain(raced);
      expect(row?.lobs).toContain('lob-a');
    } else {
      expect(stored.status).toBe('expired');
      expect(decision).toContain('it expired');
      expect(job.lapsed.requests.map((r) => r.id)).toContain(raced);
    }
    expect(await pendingOf('lob-a')).toEqual({ counter: start.counter - 1, index: start.index - 1 });
  });
});
