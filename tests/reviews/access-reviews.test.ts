/**
 * Issue 14 over HTTP against a running portal and the stand-ins: an owner of lob-a starts a review, keeps
 * one member and removes user-lob-a (whose next launch is refused at once), finishes it; the CSV is the
 * evidence. Non-owners get 403 on the review page, its export and every replayed action POST. The
 * schedule opens a review when due: the portal's clock is moved through CLOCK_OFFSET_FILE, no sleeping.
 */
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import type { PortalStack } from '../support/portal-stack';
import { DAY, REHEARSAL_SESSION_ENV, useClockedStack } from '../support/clocked-stack';
import {
  launchErrorIn,
  loadLaunchForm,
  submitLaunchForm,
  type CookieJar,
  type LaunchForm,
} from '../support/http-session';
import { directoryClient } from '../support/directory';
import { demoSignIns } from '../support/demo-users';
import { postJob } from '../support/jobs';
import { actionForms, callAction, type ActionForm } from '../admin/admin-forms';
import { jobToken } from '@/lib/job-tokens';

let stack: PortalStack;
let jars: Record<string, CookieJar>;
// No in-process timer here: the test itself calls the job, so it knows who opened what.
const { setClockOffset } = useClockedStack(
  demoSignIns('owner-lob-a', 'user-lob-a', 'portal-admin', 'user-multi'),
  { ...REHEARSAL_SESSION_ENV, REVIEW_JOB_INTERVAL_SECONDS: '0' },
  (started) => ({ stack, jars } = started),
);

const get = (p: string, who?: string) =>
  fetch(`${stack.url}${p}`, { headers: who ? { cookie: jars[who].header() } : {}, redirect: 'manual' });
const directory = () => directoryClient(stack.env);

async function formsOf(p: string, who: string): Promise<ActionForm[]> {
  const res = await get(p, who);
  expect(res.status, `${who} GET ${p}`).toBe(200);
  return actionForms(await res.text());
}

function formWith(forms: ActionForm[], name: string, value: string): ActionForm {
  const form = forms.find((f) => f.fields.some(([n, v]) => n === name && v === value));
  if (!form) throw new Error(`no form with ${name}=${value}`);
  return form;
}

async function reviewsOf(lob: string) {
  return directory().queryIndex(stack.env.TABLE_REVIEWS, 'byLob', 'reviewLob', lob, 'newest-first');
}

async function rowOf(id: string, username: string) {
  return directory().getItem(stack.env.TABLE_REVIEWS, { pk: `review#${id}`, sk: `member#${username}` });
}

async function snsMessages() {
  const res = await fetch(`${stack.standIns.urls.control}/sns/messages`);
  return ((await res.json()) as { messages: { attributes: Record<string, string>; message: string }[] }).messages;
}

let reviewId = '';
let launchBefore: LaunchForm | undefined;
const reviewPath = () => `/admin/reviews/${reviewId}`;
/** The owner's decision form for `username` on the review page. */
const decideForm = async (username: string) => {
  const form = (await formsOf(reviewPath(), 'owner-lob-a')).find(
    (f) => f.fields.some(([n, v]) => n === 'username' && v === username) && f.fields.some(([n]) => n === 'until'),
  );
  if (!form) throw new Error(`no decision form for ${username}`);
  return form;
};
/** Posts a form of the current review as lob-a's owner, as React posts it (the review id first). */
const asOwner = (form: ActionForm, fields: Record<string, string> = {}) =>
  callAction(stack.url, reviewPath(), form.actionId, jars['owner-lob-a'].header(), { review: reviewId, ...fields });
/** "Finish review": the only review form without members. */
const finishForm = (forms: ActionForm[]) =>
  forms.find((f) => f.fields.some(([n]) => n === 'review') && !f.fields.some(([n]) => n === 'username'))!;

describe('A review of lob-a by its owner', () => {
  it('starts from the LOB page: a snapshot of the direct members, the granting groups apart, owners as reviewers', async () => {
    const start = formWith(await formsOf('/admin/lobs/lob-a', 'owner-lob-a'), 'lob', 'lob-a');
    const res = await callAction(stack.url, '/admin/lobs/lob-a', start.actionId, jars['owner-lob-a'].header(), {
      lob: 'lob-a',
    });
    expect(res.status).toBeLessThan(400);
    const [header] = await reviewsOf('lob-a');
    expect(header).toBeDefined();
    reviewId = String(header.pk).slice('review#'.length);
    expect(header.createdBy).toBe('owner-lob-a');
    expect(header.groups).toEqual(['lob-a-users']);
    expect(header.reviewers).toEqual({ users: [], groups: ['lob-a-owners'] });
    const html = await (await get(reviewPath(), 'owner-lob-a')).text();
    expect(html).toContain(`0 of ${header.total} decided`);
    expect(html).toContain('user-lob-a');
    expect(html).toContain('lob-a-users');
    expect(Number(header.total)).toBeGreaterThanOrEqual(3);
  });

  it('answers 403 to a non-owner on the review, its export and every replayed action, and changes nothing', async () => {
    for (const p of [reviewPath(), `${reviewPath()}/export`]) {
      expect((await get(p, 'user-lob-a')).status, p).toBe(403);
      expect((await get(p, 'user-multi')).status, p).toBe(403);
    }
    const forms = await formsOf(reviewPath(), 'owner-lob-a');
    const decide = await decideForm('user-lob-a');
    for (const who of ['user-lob-a', undefined]) {
      const cookie = who ? jars[who].header() : undefined;
      const res = await callAction(stack.url, reviewPath(), decide.actionId, cookie, {
        review: reviewId,
        username: 'user-lob-a',
        decision: 'keep',
      });
      expect(res.status).toBe(403);
    }
    const finish = finishForm(forms);
    expect(
      (await callAction(stack.url, reviewPath(), finish.actionId, jars['user-lob-a'].header(), { review: reviewId }))
        .status,
    ).toBe(403);
    expect(await rowOf(reviewId, 'user-lob-a')).not.toHaveProperty('decision');
    const [header] = await reviewsOf('lob-a');
    expect(header.status).toBe('open');
  });

  it('keeps one member (with a comment) and removes user-lob-a: the membership is gone at once, audited and published', async () => {
    // user-lob-a's Open Studio form as their browser holds it before the decision; submitted afterwards.
    launchBefore = await loadLaunchForm(stack.url, jars['user-lob-a']);
    expect(launchBefore.lob).toBe('lob-a');
    const keep = await decideForm('user-multi');
    const keepFields = { username: 'user-multi', decision: 'keep', comment: '=HYPERLINK("http://x")', until: '' };
    const kept = await asOwner(keep, keepFields);
    expect(await kept.text()).toContain('Kept user-multi');
    const remove = await decideForm('user-lob-a');
    const removed = await asOwner(remove, { username: 'user-lob-a', decision: 'remove', comment: 'Left the team' });
    expect(await removed.text()).toContain('Removed user-lob-a from lob-a');

    const user = await directory().getItem(stack.env.TABLE_USERS, { username: 'user-lob-a' });
    expect(user?.lobs ?? []).not.toContain('lob-a');
    const row = await rowOf(reviewId, 'user-lob-a');
    expect(row).toMatchObject({ decision: 'remove', decidedBy: 'owner-lob-a', comment: 'Left the team' });

    // Replaying the same Remove is refused, naming who decided and when; nothing is counted twice.
    const again = await asOwner(remove, { username: 'user-lob-a', decision: 'remove' });
    expect(await again.text()).toContain('user-lob-a was already decided (remove) by owner-lob-a');
    const [header] = await reviewsOf('lob-a');
    expect(header.decided).toBe(2);

    // The audit log links the decision to the review.
    const audit = await directory().queryIndex(stack.env.TABLE_AUDIT, 'byUser', 'user', 'owner-lob-a', 'newest-first');
    const entry = audit.find((i) => i.action === 'review.remove' && i.target === 'user-lob-a');
    expect(entry?.review).toBe(reviewId);
    const auditPage = await (await get('/admin/audit?lob=lob-a', 'owner-lob-a')).text();
    expect(auditPage).toContain(`/admin/reviews/${reviewId}`);

    const messages = await snsMessages();
    const published = messages.find(
      (m) => m.attributes.event === 'review.member_removed' && m.message.includes(reviewId),
    );
    expect(published?.attributes.lob).toBe('lob-a');
    expect(JSON.parse(published!.message)).toMatchObject({ username: 'user-lob-a', decidedBy: 'owner-lob-a' });
  });

  it('refuses user-lob-a’s next launch', async () => {
    const launched = await submitLaunchForm(stack.url, launchBefore!);
    expect(launched.response.status).not.toBe(303);
    expect(launched.response.headers.get('location') ?? '').not.toContain('d-loba1example');
    // The page answers with the refusal in place, or (no LOB left at all) the "not assigned" notice and no button.
    const error = launchErrorIn(launched.html);
    if (error) expect(['lob.not_member', 'user.not_mapped']).toContain(error.code);
    else {
      expect(launched.html).toContain('not assigned to any line of business');
      expect(launched.html).not.toContain('data-testid="open-studio"');
    }
  });

  it('finishes: read-only afterwards (a replayed decision is refused), and the CSV lists every snapshot member', async () => {
    const forms = await formsOf(reviewPath(), 'owner-lob-a');
    const undecided = String((await reviewsOf('lob-a'))[0].total - 2);
    const pending = forms.find(
      (f) => f.fields.some(([n]) => n === 'username') && f.fields.some(([n]) => n === 'until'),
    )!;
    const pendingUser = pending.fields.find(([n]) => n === 'username')![1];
    const finish = finishForm(forms);
    const done = await asOwner(finish);
    expect(await done.text()).toContain('Review finished');
    const html = await (await get(reviewPath(), 'owner-lob-a')).text();
    expect(html).toContain('This review is read-only');
    expect(html).not.toContain('>Keep<');
    const late = await asOwner(pending, { username: pendingUser, decision: 'keep' });
    expect(await late.text()).toContain('it is read-only');

    const csv = await get(`${reviewPath()}/export`, 'owner-lob-a');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const parsed = Papa.parse<Record<string, string>>(await csv.text(), { header: true, skipEmptyLines: true });
    const header = (await reviewsOf('lob-a'))[0];
    expect(parsed.data).toHaveLength(Number(header.total));
    const byMember = Object.fromEntries(parsed.data.map((r) => [r.member, r]));
    expect(byMember['user-lob-a']).toMatchObject({
      decision: 'remove',
      reviewer: 'owner-lob-a',
      comment: 'Left the team',
    });
    expect(byMember['user-lob-a'].time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byMember['user-multi']).toMatchObject({ decision: 'keep', reviewer: 'owner-lob-a' });
    // Formula injection guarded as in the other exports.
    expect(byMember['user-multi'].comment.startsWith("'=")).toBe(true);
    expect(parsed.data.filter((r) => r.decision === 'undecided')).toHaveLength(Number(undecided));
    // The review page's recommendation, in its wording: nobody launched into lob-a on this stack, so every
    // undecided row suggests removal; decided rows carry none.
    expect(parsed.meta.fields?.at(-1)).toBe('recommendation');
    expect(byMember['user-lob-a'].recommendation).toBe('');
    expect(byMember['user-multi'].recommendation).toBe('');
    for (const row of parsed.data.filter((r) => r.decision === 'undecided'))
      expect(row.recommendation, row.member).toBe('Suggest remove: not used in 90 days');
  });
});

describe('The review schedule (controllable clock)', () => {
  const job = (token: string) => postJob(stack.url, { token });
  /** Saves lob-b's review settings as the platform admin, through the LOB page's form whose everyDays is `now`. */
  const saveLobBSchedule = async (now: string, fields: Record<string, string>) => {
    const settings = formWith(await formsOf('/admin/lobs/lob-b', 'portal-admin'), 'everyDays', now);
    const admin = jars['portal-admin'].header();
    return callAction(stack.url, '/admin/lobs/lob-b', settings.actionId, admin, { lob: 'lob-b', ...fields });
  };

  it('refuses a job call without the token', async () => {
    expect((await job('nope')).status).toBe(403);
  });

  it('opens a review of lob-b when its 30 days are up, once, and notifies the owners through SNS', async () => {
    const saved = await saveLobBSchedule('', { everyDays: '30', dueDays: '14', version: '0' });
    expect(await saved.text()).toContain('Saved review settings');
    const token = jobToken('review-jobs', stack.env.NEXTAUTH_SECRET);
    const early = (await (await job(token)).json()) as { opened: unknown[] };
    expect(early.opened).toEqual([]);
    expect(await reviewsOf('lob-b')).toHaveLength(0);

    setClockOffset(31 * DAY);
    const due = (await (await job(token)).json()) as { opened: { lob: string; id: string }[] };
    expect(due.opened.map((o) => o.lob)).toEqual(['lob-b']);
    const again = (await (await job(token)).json()) as { opened: unknown[] };
    expect(again.opened).toEqual([]);
    const reviews = await reviewsOf('lob-b');
    expect(reviews).toHaveLength(1);
    expect(reviews[0].createdBy).toBe('review-scheduler');
    const opened = (await snsMessages()).find(
      (m) => m.attributes.event === 'review.opened' && m.attributes.lob === 'lob-b',
    );
    expect(JSON.parse(opened!.message)).toMatchObject({
      review: due.opened[0].id,
      reviewers: { groups: ['lob-b-owners'] },
    });
  });

  it('at the due date flags undecided members, and with "remove undecided" the job closes the review and removes them', async () => {
    const [open] = await reviewsOf('lob-b');
    const id = String(open.pk).slice('review#'.length);
    const undecided = Number(open.total);
    expect(undecided).toBeGreaterThan(0);
    setClockOffset((31 + 15) * DAY);
    const flagged = await (await get(`/admin/reviews/${id}`, 'portal-admin')).text();
    expect(flagged).toContain('undecided, overdue');
    const members = await (await get('/admin/lobs/lob-b/members', 'portal-admin')).text();
    expect(members).toContain('undecided in overdue review');
    expect(members).toContain(`/admin/reviews/${id}`);
    const token = jobToken('review-jobs', stack.env.NEXTAUTH_SECRET);
    // Setting off: the overdue review stays open.
    expect(((await (await job(token)).json()) as { closed: unknown[] }).closed).toEqual([]);
    const saved = await saveLobBSchedule('30', { everyDays: '30', dueDays: '14', removeUndecided: 'on', version: '1' });
    expect(await saved.text()).toContain('Saved review settings');
    const closed = (await (await job(token)).json()) as { closed: { id: string }[] };
    expect(closed.closed.map((c) => c.id)).toContain(id);
    const header = (await directory().getItem(stack.env.TABLE_REVIEWS, { pk: `review#${id}`, sk: 'meta' }))!;
    expect(header).toMatchObject({
      status: 'finished',
      finishedBy: 'review-scheduler',
      removedUndecided: undecided,
      decided: undecided,
    });
    const row = await rowOf(id, 'user-lob-b');
    expect(row).toMatchObject({ decision: 'remove', decidedBy: 'review-scheduler' });
    const user = await directory().getItem(stack.env.TABLE_USERS, { username: 'user-lob-b' });
    expect(user?.lobs ?? []).not.toContain('lob-b');
  });
});
