/**
 * Issue 13 over HTTP against a running portal and the stand-ins: a user asks for access, an owner of
 * that LOB approves, the user launches into the LOB's domain until the end date, and after it (the
 * portal's clock moved through CLOCK_OFFSET_FILE, no sleeping) the launch is refused with
 * `membership.expired`. Owners are confined to their LOBs, also when they replay action POSTs; nobody
 * decides their own request; two concurrent approvals give one membership and one "already decided".
 */
import { describe, expect, it } from 'vitest';
import type { PortalStack } from '../support/portal-stack';
import { DAY, REHEARSAL_SESSION_ENV, useClockedStack } from '../support/clocked-stack';
import { initiateAuth, loadLaunchForm, submitLaunchForm, type CookieJar } from '../support/http-session';
import { directoryClient } from '../support/directory';
import { demoSignIns } from '../support/demo-users';
import { pendingIdOf as pendingIdIn, pendingItems } from '../support/request-queue';
import { actionForms, callAction, type ActionForm } from '../admin/admin-forms';

let stack: PortalStack;
let jars: Record<string, CookieJar>;
const { setClockOffset } = useClockedStack(
  demoSignIns('user-no-lob', 'owner-lob-a', 'portal-admin', 'new-user'),
  REHEARSAL_SESSION_ENV,
  (started) => ({ stack, jars } = started),
);

const get = (p: string, who: string) =>
  fetch(`${stack.url}${p}`, { headers: { cookie: jars[who].header() }, redirect: 'manual' });

async function formsOf(p: string, who: string): Promise<{ html: string; forms: ActionForm[] }> {
  const res = await get(p, who);
  expect(res.status, `${who} GET ${p}`).toBe(200);
  const html = await res.text();
  return { html, forms: actionForms(html) };
}

/** The server-action form whose hidden fields include `name=value`. */
function formWith(forms: ActionForm[], name: string, value: string): ActionForm {
  const form = forms.find((f) => f.fields.some(([n, v]) => n === name && v === value));
  if (!form) throw new Error(`no form with ${name}=${value}`);
  return form;
}

async function requestForm(who: string, lob: string): Promise<ActionForm> {
  return formWith((await formsOf('/', who)).forms, 'lob', lob);
}

async function requestAccess(who: string, lob: string, justification: string, days = '30', given?: ActionForm) {
  const form = given ?? (await requestForm(who, lob));
  const res = await callAction(stack.url, '/', form.actionId, jars[who].header(), { lob, justification, days });
  return { status: res.status, text: await res.text() };
}

const pendingIdOf = (requester: string, lob: string) => pendingIdIn(stack, requester, lob);

/** Pending requests of a LOB, read from the table's pendingByLob index (not through the portal). */
const pendingInIndex = async (lob: string) => (await pendingItems(stack, lob)).length;

/** The HTML of one "At a glance" card of /admin (from its link to the end of the card). */
function glance(html: string, testId: string): string {
  const at = html.indexOf(`data-testid="${testId}"`);
  expect(at, `card ${testId}`).toBeGreaterThan(-1);
  const start = html.lastIndexOf('<a', at);
  return html.slice(start, html.indexOf('</a>', at));
}

async function decisionForms(who: string) {
  const { forms } = await formsOf('/admin/requests', who);
  return forms;
}

async function snsMessages() {
  const res = await fetch(`${stack.standIns.urls.control}/sns/messages`);
  return ((await res.json()) as { messages: { attributes: Record<string, string>; message: string }[] }).messages;
}

describe('Access request -> approval -> launch -> expiry', () => {
  it('refuses a short justification with a clear message and stores nothing', async () => {
    const { text } = await requestAccess('user-no-lob', 'lob-a', 'too short');
    expect(text).toContain('Justification: Write at least 10 characters');
    await expect(pendingIdOf('user-no-lob', 'lob-a')).rejects.toThrow(/no pending request/);
  });

  it('files a request, refuses a second pending one, and publishes request.created', async () => {
    const form = await requestForm('user-no-lob', 'lob-a');
    const first = await requestAccess(
      'user-no-lob',
      'lob-a',
      'Quarterly churn model for the lob-a analytics team',
      '30',
      form,
    );
    expect(first.text).toContain('Request sent');
    // The page no longer offers lob-a; a replay of the form is refused by the condition on the guard item.
    expect(
      (await formsOf('/', 'user-no-lob')).forms.some((f) => f.fields.some(([n, v]) => n === 'lob' && v === 'lob-a')),
    ).toBe(false);
    const second = await requestAccess('user-no-lob', 'lob-a', 'Asking again for the same thing, please', '30', form);
    expect(second.text).toContain('You already have a pending request for lob-a');
    const home = await (await get('/', 'user-no-lob')).text();
    expect(home).toContain('Waiting for a decision');
    const created = (await snsMessages()).filter(
      (m) => m.attributes.event === 'request.created' && m.attributes.lob === 'lob-a',
    );
    expect(created).toHaveLength(1);
    expect(JSON.parse(created[0].message)).toMatchObject({ requester: 'user-no-lob', days: 30 });
  });

  it('the overview counts the pending request for its owner, and links to the queue', async () => {
    const owner = glance(await (await get('/admin', 'owner-lob-a')).text(), 'glance-requests');
    expect(owner).toContain('href="/admin/requests"');
    expect(await pendingInIndex('lob-a')).toBe(1);
    expect(owner).toMatch(/data-count="1"/);
    expect(owner).toContain('Waiting for a decision in your lines of business');
  });

  it('confines owner-lob-a to lob-a: 403 on lob-b pages, routes and replayed action POSTs', async () => {
    await requestAccess('new-user', 'lob-b', 'Need lob-b for the data platform migration');
    const lobB = await pendingIdOf('new-user', 'lob-b');
    for (const p of [
      '/admin/lobs/lob-b',
      '/admin/lobs/lob-b/members',
      '/admin/requests?lob=lob-b',
      '/admin/audit?lob=lob-b',
      '/admin/users',
      '/admin/audit/export?lob=lob-b',
    ]) {
      const res = await get(p, 'owner-lob-a');
      expect(res.status, p).toBe(403);
      expect(await res.text()).not.toContain('new-user');
    }
    for (const p of ['/admin/requests', '/admin/lobs/lob-a', '/admin/lobs/lob-a/members', '/admin/audit'])
      expect((await get(p, 'owner-lob-a')).status, p).toBe(200);
    // The owner's own queue shows lob-a's request and not lob-b's.
    const queue = await (await get('/admin/requests', 'owner-lob-a')).text();
    expect(queue).toContain('data-requester="user-no-lob" data-lob="lob-a"');
    expect(queue).not.toContain('new-user');

    // Replays: the approve/deny actions with lob-b's request id, the member action with lob=lob-b.
    const [approve, deny] = await decisionForms('owner-lob-a');
    for (const form of [approve, deny]) {
      const res = await callAction(stack.url, '/admin/requests', form.actionId, jars['owner-lob-a'].header(), {
        id: lobB,
        days: '30',
        reason: 'not yours',
      });
      expect(res.status).toBe(403);
    }
    const members = await formsOf('/admin/lobs/lob-a/members', 'owner-lob-a');
    const add = formWith(members.forms, 'lob', 'lob-a');
    const replay = await callAction(
      stack.url,
      '/admin/lobs/lob-a/members',
      add.actionId,
      jars['owner-lob-a'].header(),
      { lob: 'lob-b', username: 'owner-lob-a', until: '' },
    );
    expect(replay.status).toBe(403);
    const row = await directoryClient(stack.env).getItem(stack.env.TABLE_USERS, { username: 'owner-lob-a' });
    expect(row).toBeUndefined();
    const stillPending = await directoryClient(stack.env).getItem(stack.env.TABLE_REQUESTS, { id: lobB });
    expect(stillPending?.status).toBe('pending');
  });

  it('refuses self-approval', async () => {
    const asked = await requestAccess('owner-lob-a', 'lob-a', 'I own it but want to launch Studio myself');
    expect(asked.text).toContain('Request sent');
    const id = await pendingIdOf('owner-lob-a', 'lob-a');
    const [approve] = await decisionForms('owner-lob-a');
    const res = await callAction(stack.url, '/admin/requests', approve.actionId, jars['owner-lob-a'].header(), {
      id,
      days: '30',
    });
    expect(await res.text()).toContain('You asked for this access yourself, so you cannot decide it');
    const item = await directoryClient(stack.env).getItem(stack.env.TABLE_REQUESTS, { id });
    expect(item?.status).toBe('pending');
  });

  it('two concurrent approvals give one membership and one "already decided by X at T"', async () => {
    const id = await pendingIdOf('user-no-lob', 'lob-a');
    const [ownerApprove] = await decisionForms('owner-lob-a');
    const [adminApprove] = await decisionForms('portal-admin');
    const answers = await Promise.all([
      callAction(stack.url, '/admin/requests', ownerApprove.actionId, jars['owner-lob-a'].header(), {
        id,
        days: '30',
      }).then((r) => r.text()),
      callAction(stack.url, '/admin/requests', adminApprove.actionId, jars['portal-admin'].header(), {
        id,
        days: '30',
      }).then((r) => r.text()),
    ]);
    const approved = answers.filter((t) => t.includes('Approved: user-no-lob is a member of lob-a until'));
    const already = answers.filter((t) =>
      /This request was already approved by (owner-lob-a|portal-admin) at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/.test(t),
    );
    expect(approved).toHaveLength(1);
    expect(already).toHaveLength(1);

    const directory = directoryClient(stack.env);
    const user = (await directory.getItem(stack.env.TABLE_USERS, { username: 'user-no-lob' }))!;
    expect(user.lobs).toEqual(['lob-a']);
    expect(user.version).toBe(1);
    expect(user.memberships['lob-a']).toMatchObject({ via: 'request' });
    const days = (Date.parse(user.memberships['lob-a'].until) - Date.now()) / 1000 / DAY;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    const audit = await directory.queryIndex(stack.env.TABLE_AUDIT, 'byLob', 'lob', 'lob-a');
    expect(audit.filter((i) => i.action === 'request.approve' && i.target === 'user-no-lob')).toHaveLength(1);
    const decided = (await snsMessages()).filter(
      (m) => m.attributes.event === 'request.decided' && m.attributes.lob === 'lob-a',
    );
    expect(decided).toHaveLength(1);
  });

  it("the overview shows the membership in its last week, linking to the LOB's expiring view, and what still waits", async () => {
    const before = glance(await (await get('/admin', 'owner-lob-a')).text(), 'glance-ending');
    expect(before).not.toMatch(/data-lob="lob-a"/);
    setClockOffset(25 * DAY); // the 30-day membership of user-no-lob now ends within 7 days
    try {
      const html = await (await get('/admin', 'owner-lob-a')).text();
      const ending = glance(html, 'glance-ending');
      expect(ending).toContain('href="/admin/lobs/lob-a/members?view=expiring"');
      const shown = Number(/data-lob="lob-a" data-count="(\d+)"/.exec(ending)?.[1]);
      expect(shown).toBeGreaterThanOrEqual(1);
      // The card's number is the expiring view's list.
      const view = await (await get('/admin/lobs/lob-a/members?view=expiring', 'owner-lob-a')).text();
      expect(view).toContain('user-no-lob');
      // What still waits in lob-a (owner-lob-a's own request from the self-approval test), as the index has it.
      expect(glance(html, 'glance-requests')).toContain(`data-count="${await pendingInIndex('lob-a')}"`);
    } finally {
      setClockOffset(0);
    }
  });

  it('the member launches into lob-a and sees the end date; after it the launch is refused with membership.expired', async () => {
    const home = await (await get('/', 'user-no-lob')).text();
    expect(home).toMatch(
      /data-testid="ends-lob-a">lob-a(<!-- -->)?: until (<!-- -->)?<time[^>]*>\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/,
    );
    const form = await loadLaunchForm(stack.url, jars['user-no-lob']);
    const launched = await submitLaunchForm(stack.url, form);
    expect(launched.response.status).toBe(303);
    expect(launched.response.headers.get('location')).toContain('d-loba1example');

    const cognito = { endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' };
    const { accessToken } = await initiateAuth(cognito, 'user-no-lob', 'UserNoLob1!');
    const api = await fetch(`${stack.url}/api/studio/user-no-lob`, {
      headers: { authorization: `Bearer ${accessToken}` },
      redirect: 'manual',
    });
    expect(api.status).toBe(302);

    setClockOffset(31 * DAY);
    const refused = await fetch(`${stack.url}/api/studio/user-no-lob`, {
      headers: { authorization: `Bearer ${accessToken}` },
      redirect: 'manual',
    });
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { code: string; message: string };
    expect(body.code).toBe('membership.expired');
    expect(body.message).toMatch(
      /Your membership of lob-a ended on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\. To continue, ask for access again/,
    );
    // "Open Studio" on the page loaded before the end, as a hydrated browser posts it.
    const ref = form.fields.find(([n]) => /^\$ACTION_\d+:0$/.test(n))?.[1];
    const viaAction = await callAction(
      stack.url,
      '/',
      (JSON.parse(ref!) as { id: string }).id,
      jars['user-no-lob'].header(),
      { lob: 'lob-a' },
    );
    const answer = await viaAction.text();
    expect(answer).toContain('membership.expired');
    expect(answer).toMatch(/Your membership of lob-a ended on \d{4}-\d{2}-\d{2}/);

    // The ended membership left the owner's member list but stays in the audit log.
    const members = await (await get('/admin/lobs/lob-a/members', 'owner-lob-a')).text();
    expect(members).not.toContain('data-username="user-no-lob"');
    const audit = await (await get('/admin/audit?lob=lob-a', 'owner-lob-a')).text();
    expect(audit).toContain('request.approve');
    setClockOffset(0);
  });
});
