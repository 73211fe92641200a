/**
 * Emergency (break-glass) access over HTTP against the running portal and the stand-ins, with the
 * controllable clock (issue 27 item 4): who may take it (403 for anyone else), the reason, one grant for
 * two takes, SNS `access.emergency` with `lob` and `user`, the audit mark, the /admin banner, overdue
 * follow-ups and the owners' decision (nobody decides their own).
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { clockedDemoPortal } from '../support/clocked-stack';
import { loadLaunchForm, signIn, submitLaunchForm } from '../support/http-session';
import { directoryClient } from '../support/directory';
import { actionForms, callAction, postActionForm, type ActionForm } from '../admin/admin-forms';

const portal = clockedDemoPortal(['oncall-lob-a', 'user-no-lob', 'owner-lob-a', 'portal-admin']);
const { setClockOffset, get } = portal;
const HOUR = 3600;
/** Whether a page holds `text` (a boolean, so a failure does not print the whole page). */
const has = (page: string, text: string) => page.includes(text);
const expectHas = (page: string, text: string) => expect(has(page, text), `the answer contains: ${text}`).toBe(true);
const html = async (p: string, who: string) => {
  const res = await get(p, who);
  expect(res.status, `${who} GET ${p}`).toBe(200);
  return res.text();
};

/** The `nth` form from the element whose tag holds `marker` on (the emergency form of a LOB; a banner row's Confirm / Reject). */
function formAfter(page: string, marker: string, nth = 0): ActionForm {
  const at = page.indexOf(marker);
  expect(at, `page has ${marker}`).toBeGreaterThan(-1);
  const form = actionForms(page.slice(page.lastIndexOf('<', at)))[nth];
  expect(form, `a form after ${marker}`).toBeDefined();
  return form;
}

/** The on-call user's emergency form for lob-a (kept: while a grant runs the page shows its end instead). */
let takeForm: ActionForm | undefined;
const emergencyForm = async (who = 'oncall-lob-a') => {
  const form = formAfter(await html('/', who), 'aria-label="Emergency access to Line of Business A"');
  if (who === 'oncall-lob-a') takeForm = form;
  return form;
};

async function take(who: string, reason: string, form?: ActionForm, lob = 'lob-a') {
  const f = form ?? (await emergencyForm());
  const res = await callAction(portal.stack.url, '/', f.actionId, portal.jars[who].header(), { lob, reason });
  return { status: res.status, text: await res.text() };
}

const doc = () => directoryClient(portal.stack.env).doc;
async function userRow(username: string) {
  return (
    await doc().send(
      new GetCommand({ TableName: portal.stack.env.TABLE_USERS, Key: { username }, ConsistentRead: true }),
    )
  ).Item;
}
async function grants(lob: string) {
  const out = await doc().send(
    new QueryCommand({
      TableName: portal.stack.env.TABLE_REVIEWS,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :g)',
      ExpressionAttributeValues: { ':pk': `emergency#${lob}`, ':g': 'grant#' },
    }),
  );
  return out.Items ?? [];
}
async function snsMessages() {
  const res = await fetch(`${portal.stack.standIns.urls.control}/sns/messages`);
  return ((await res.json()) as { messages: { attributes: Record<string, string>; message: string }[] }).messages;
}
/** Decides the banner row of `user` in lob-a as `who` ("Confirm" is the row's first form, "Reject" its second). */
async function decide(who: string, user: string, decision: 'confirm' | 'reject') {
  const page = await html('/admin', who);
  const form = formAfter(page, `aria-label="Emergency access of ${user} to lob-a"`, decision === 'confirm' ? 0 : 1);
  expect(form.fields).toContainEqual(['decision', decision]);
  const res = await callAction(
    portal.stack.url,
    '/admin',
    form.actionId,
    portal.jars[who].header(),
    Object.fromEntries(form.fields.filter(([n]) => !n.startsWith('$'))),
  );
  return { status: res.status, text: await res.text(), form };
}

describe('Emergency access (break-glass)', () => {
  it('someone outside the group is refused with 403 (a replayed POST), and so is a LOB that does not allow it', async () => {
    expect(has(await html('/', 'user-no-lob'), 'Emergency access to Line of Business A')).toBe(false);
    const form = await emergencyForm();
    const replay = await take('user-no-lob', 'Production is down and I want in anyway', form);
    expect(replay.status).toBe(403);
    // lob-b names no emergency access group: refused for the on-call member of lob-a too.
    expect((await take('oncall-lob-a', 'The lob-b pipeline is down tonight', form, 'lob-b')).status).toBe(403);
    expect(await grants('lob-a')).toHaveLength(0);
    expect(await grants('lob-b')).toHaveLength(0);
    expect(await userRow('user-no-lob')).toBeUndefined();
  });

  it('asks for a reason, then grants at once for the fixed 4 hours, loudly (SNS access.emergency with lob and user, audit)', async () => {
    const empty = await take('oncall-lob-a', '   ');
    expectHas(empty.text, 'Reason: write at least 10 characters');
    const control = await take('oncall-lob-a', 'Nightly\u001b[31m job down');
    expectHas(control.text, 'Reason: remove control characters');
    expect(await grants('lob-a')).toHaveLength(0);

    const before = Date.now();
    // Posted as a browser without JavaScript posts the form (works before hydration).
    const native = await postActionForm(portal.stack.url, '/', takeForm!, portal.jars['oncall-lob-a'].header(), {
      reason: 'Nightly scoring job failed, PagerDuty incident 4711',
    });
    expect(native.status).toBe(200);
    expect(has(await native.text(), 'Emergency access to lob-a until')).toBe(true);
    const row = await userRow('oncall-lob-a');
    const membership = row?.memberships?.['lob-a'];
    expect(membership).toMatchObject({ via: 'emergency', grantedBy: 'oncall-lob-a' });
    const hours = (Date.parse(membership.until) - Date.parse(membership.grantedAt)) / 3600_000;
    expect(hours).toBe(4);
    expect(Date.parse(membership.grantedAt)).toBeGreaterThanOrEqual(before - 1000);
    const stored = await grants('lob-a');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      user: 'oncall-lob-a',
      status: 'open',
      reason: 'Nightly scoring job failed, PagerDuty incident 4711',
      until: membership.until,
    });

    const published = (await snsMessages()).filter((m) => m.attributes.event === 'access.emergency');
    expect(published).toHaveLength(1);
    expect(published[0].attributes).toMatchObject({ lob: 'lob-a', user: 'oncall-lob-a' });
    expect(JSON.parse(published[0].message)).toMatchObject({ user: 'oncall-lob-a', until: membership.until });

    const audit = await html('/admin/audit?lob=lob-a', 'owner-lob-a');
    expect(has(audit, 'data-testid="audit-emergency"')).toBe(true);
    expect(has(audit, 'Emergency access taken')).toBe(true);
    // The home page now offers lob-a's Studio and says how long the emergency access lasts.
    const home = await html('/', 'oncall-lob-a');
    expect(has(home, 'You have emergency access to lob-a')).toBe(true);
    expect(has(home, 'data-testid="no-lob"')).toBe(false);
  });

  it('taking it twice extends nothing: a replayed form and two takes at once leave one grant and one end', async () => {
    const rowBefore = await userRow('oncall-lob-a');
    expect(has(await html('/', 'oncall-lob-a'), 'aria-label="Emergency access to Line of Business A"')).toBe(false);
    const actionId = takeForm!.actionId;
    const [a, b] = await Promise.all([
      callAction(portal.stack.url, '/', actionId, portal.jars['oncall-lob-a'].header(), {
        lob: 'lob-a',
        reason: 'Still broken, taking it again',
      }).then((r) => r.text()),
      callAction(portal.stack.url, '/', actionId, portal.jars['oncall-lob-a'].header(), {
        lob: 'lob-a',
        reason: 'Still broken, taking it again',
      }).then((r) => r.text()),
    ]);
    const until = rowBefore?.memberships?.['lob-a']?.until as string;
    const shown = `${until.slice(0, 10)} ${until.slice(11, 16)} UTC`;
    for (const text of [a, b]) expectHas(text, `You already have emergency access to lob-a until ${shown}`);
    const rowAfter = await userRow('oncall-lob-a');
    expect(rowAfter?.memberships?.['lob-a']?.until).toBe(until);
    expect(rowAfter?.version).toBe(rowBefore?.version);
    expect(await grants('lob-a')).toHaveLength(1);
  });

  it('after it ended, two takes at once make exactly one new grant (the guard condition)', async () => {
    setClockOffset(5 * HOUR);
    const actionId = (await emergencyForm()).actionId;
    const texts = await Promise.all(
      [1, 2].map(() =>
        callAction(portal.stack.url, '/', actionId, portal.jars['oncall-lob-a'].header(), {
          lob: 'lob-a',
          reason: 'Broken again after the first window',
        }).then((r) => r.text()),
      ),
    );
    expect(texts.filter((t) => t.includes('Emergency access to lob-a until'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('You already have emergency access to lob-a'))).toHaveLength(1);
    expect(await grants('lob-a')).toHaveLength(2);
    // They land in lob-a's Studio (the usage report counts this launch under the grant).
    const launched = await submitLaunchForm(
      portal.stack.url,
      await loadLaunchForm(portal.stack.url, portal.jars['oncall-lob-a']),
    );
    expect(launched.response.status).toBe(303);
    expect(launched.response.headers.get('location')).toContain('d-loba1example');
  });

  it('the owners see both on /admin, the first overdue after 24 h; Confirm keeps it, a second decision is refused naming the first', async () => {
    expect((await get('/admin', 'user-no-lob')).status).not.toBe(200);
    let page = await html('/admin', 'owner-lob-a');
    expect(has(page, 'data-testid="emergency-banner"')).toBe(true);
    expect(has(page, 'Emergency access awaiting follow-up (2)')).toBe(true);
    expect(has(page, 'data-testid="emergency-overdue"')).toBe(false);
    setClockOffset(26 * HOUR);
    page = await html('/admin', 'portal-admin');
    expect(page.match(/data-testid="emergency-overdue"/g)).toHaveLength(1);

    const confirmed = await decide('owner-lob-a', 'oncall-lob-a', 'confirm');
    expectHas(confirmed.text, "Confirmed oncall-lob-a's emergency access to lob-a");
    const replay = await callAction(
      portal.stack.url,
      '/admin',
      confirmed.form.actionId,
      portal.jars['portal-admin'].header(),
      Object.fromEntries(confirmed.form.fields.filter(([n]) => !n.startsWith('$'))),
    );
    expectHas(await replay.text(), 'This emergency grant was already confirmed by owner-lob-a at');
    const states = (await grants('lob-a')).map((g) => g.status).sort();
    expect(states).toEqual(['confirmed', 'open']);
    expect(has(await html('/admin', 'owner-lob-a'), 'Emergency access awaiting follow-up (1)')).toBe(true);
  });

  it('nobody decides their own: an owner in the on-call group takes it and cannot confirm it; another owner rejects it', async () => {
    setClockOffset(30 * HOUR);
    const created = await fetch(`${portal.stack.standIns.urls.control}/cognito/users:bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        users: [{ username: 'oncall-owner', password: 'OncallOwner1!', groups: ['lob-a-oncall', 'lob-a-owners'] }],
      }),
    });
    expect(created.ok).toBe(true);
    portal.jars['oncall-owner'] = await signIn(portal.stack.url, 'oncall-owner', 'OncallOwner1!');
    const form = await emergencyForm('oncall-owner');
    const took = await callAction(portal.stack.url, '/', form.actionId, portal.jars['oncall-owner'].header(), {
      lob: 'lob-a',
      reason: 'Owner on call, the model endpoint is failing',
    });
    expectHas(await took.text(), 'Emergency access to lob-a until');

    const own = await html('/admin', 'oncall-owner');
    const row = own.slice(own.indexOf('aria-label="Emergency access of oncall-owner to lob-a"'));
    expectHas(row.slice(0, row.indexOf('</section>')), 'Yours: another owner or a platform admin decides.');
    // A replayed Confirm for their own grant (the form from another owner's page) is refused.
    const other = await html('/admin', 'owner-lob-a');
    const confirm = formAfter(other, 'aria-label="Emergency access of oncall-owner to lob-a"', 0);
    const res = await callAction(
      portal.stack.url,
      '/admin',
      confirm.actionId,
      portal.jars['oncall-owner'].header(),
      Object.fromEntries(confirm.fields.filter(([n]) => !n.startsWith('$'))),
    );
    expectHas(await res.text(), 'You cannot confirm or reject your own emergency access');

    const rejected = await decide('owner-lob-a', 'oncall-owner', 'reject');
    expectHas(rejected.text, "Rejected oncall-owner's emergency access to lob-a: it has ended.");
    expect((await userRow('oncall-owner'))?.memberships?.['lob-a']).toBeUndefined();
    // A rejection is not undone by taking it again within the rejected grant's window.
    const retake = await callAction(portal.stack.url, '/', form.actionId, portal.jars['oncall-owner'].header(), {
      lob: 'lob-a',
      reason: 'Owner on call, trying again after the reject',
    });
    expectHas(
      await retake.text(),
      'Your emergency access to lob-a was ended early (rejected); you can take it again after',
    );
    const again = await decide('portal-admin', 'oncall-lob-a', 'reject');
    expectHas(again.text, "Rejected oncall-lob-a's emergency access to lob-a");
    expect((await grants('lob-a')).map((g) => `${g.user}:${g.status}`).sort()).toEqual([
      'oncall-lob-a:confirmed',
      'oncall-lob-a:rejected',
      'oncall-owner:rejected',
    ]);
    expect(has(await html('/admin', 'owner-lob-a'), 'data-testid="emergency-banner"')).toBe(false);

    // Usage: every grant of the period, with the successful launches under it (the second grant's one launch).
    const csv = await (await get('/admin/usage/emergency?days=30', 'owner-lob-a')).text();
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header).toBe('lob,user,takenAt,until,status,decidedBy,launches,reason');
    expect(rows.map((r) => r.split(',').slice(0, 2).concat(r.split(',').slice(4, 7)).join(','))).toEqual([
      'lob-a,oncall-owner,rejected,owner-lob-a,0',
      'lob-a,oncall-lob-a,confirmed,owner-lob-a,1',
      'lob-a,oncall-lob-a,rejected,portal-admin,0',
    ]);
    expect(has(await html('/admin/usage', 'owner-lob-a'), 'data-testid="emergency-usage"')).toBe(true);
  });
});
