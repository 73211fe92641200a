/**
 * Issue 27 item 5 over HTTP against a running portal and the stand-ins: reviews that chase. The scheduled
 * jobs (POST /api/internal/jobs) run again and again, and twice at once, while the portal's clock moves
 * (CLOCK_OFFSET_FILE, no sleeping): `review.reminder` reaches the SNS stand-in once 3 days before the due
 * date and once on it, with the undecided count; a review with nothing undecided gets none. "Apply
 * recommendations" posted as a browser without JavaScript posts it decides each shown row as suggested
 * (one audited decision per row, the reviewer's name on each) and reports a row it could not decide.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PortalStack } from '../support/portal-stack';
import { DAY, REHEARSAL_SESSION_ENV, useClockedStack } from '../support/clocked-stack';
import type { CookieJar } from '../support/http-session';
import { directoryClient } from '../support/directory';
import { postJob } from '../support/jobs';
import { actionForms, callAction, formWithOnlyFields, postActionForm, type ActionForm } from '../admin/admin-forms';
import { jobToken } from '@/lib/job-tokens';
import { queryLobReviews } from '@/lib/directory/reviews';
import { queryAudit } from '@/lib/directory/audit';
import { getUserMapping } from '@/lib/directory/users';
import { perTable, tableEnvName } from '@/lib/directory/schema';

let stack: PortalStack;
let jars: Record<string, CookieJar>;
const { setClockOffset } = useClockedStack(
  [
    ['owner-lob-a', 'OwnerLobA1!'],
    ['portal-admin', 'PortalAdmin1!'],
  ],
  { ...REHEARSAL_SESSION_ENV, REVIEW_JOB_INTERVAL_SECONDS: '0' },
  (started) => ({ stack, jars } = started),
);

const get = (p: string, who: string) =>
  fetch(`${stack.url}${p}`, { headers: { cookie: jars[who].header() }, redirect: 'manual' });
const doc = () => directoryClient(stack.env).doc;
/** The stack's tables for the portal's own readers (lib/directory). */
const tables = () => ({ ddb: doc(), tables: perTable((t) => stack.env[tableEnvName(t.id)]) });

async function formsOf(p: string, who: string): Promise<ActionForm[]> {
  const res = await get(p, who);
  expect(res.status, `${who} GET ${p}`).toBe(200);
  return actionForms(await res.text());
}

const usernamesOf = (form: ActionForm) => form.fields.filter(([n]) => n === 'username').map(([, v]) => v);

/** A Reviews-table item as stored (consistent read): a header (`meta`) or a row (`member#<username>`). */
async function reviewItem(id: string, sk: string) {
  const read = new GetCommand({
    TableName: stack.env.TABLE_REVIEWS,
    Key: { pk: `review#${id}`, sk },
    ConsistentRead: true,
  });
  return (await doc().send(read)).Item;
}
const header = async (id: string) => (await reviewItem(id, 'meta'))!;

/** Starts a review of `lob` from its LOB page as `who`; its id. */
async function startReview(lob: string, who: string): Promise<string> {
  // "Start review": the form with the LOB as its only field.
  const start = formWithOnlyFields(await formsOf(`/admin/lobs/${lob}`, who), ['lob'], `/admin/lobs/${lob}`);
  expect(
    (await callAction(stack.url, `/admin/lobs/${lob}`, start.actionId, jars[who].header(), { lob })).status,
  ).toBeLessThan(400);
  // The newest review of the LOB, read as the portal reads it.
  const [review] = await queryLobReviews(tables(), lob, 1);
  return review.id;
}

interface JobAnswer {
  reminders: { reminded: { review: string; stage: string; undecided: number }[]; read: number };
}
const job = async (): Promise<JobAnswer> => {
  const res = await postJob(stack.url, { token: jobToken('review-jobs', stack.env.NEXTAUTH_SECRET) });
  expect(res.status).toBe(200);
  return (await res.json()) as JobAnswer;
};

async function reminderMessages(review: string) {
  const res = await fetch(`${stack.standIns.urls.control}/sns/messages`);
  const { messages } = (await res.json()) as { messages: { attributes: Record<string, string>; message: string }[] };
  return messages
    .filter((m) => m.attributes.event === 'review.reminder' && m.attributes.review === review)
    .map((m) => ({ attributes: m.attributes, body: JSON.parse(m.message) as Record<string, unknown> }));
}

/** Runs the scheduled jobs `times` times, two at once each time: the reminders sent, over all runs. */
async function runJobs(times: number) {
  const sent: JobAnswer['reminders']['reminded'] = [];
  for (let i = 0; i < times; i++)
    for (const answer of await Promise.all([job(), job()])) sent.push(...answer.reminders.reminded);
  return sent;
}

let chased = '';
let allKept = '';
let total = 0;

describe('Review reminders (controllable clock)', () => {
  it('opens two reviews due in 14 days: lob-a with everyone undecided, lob-b with everyone kept', async () => {
    chased = await startReview('lob-a', 'owner-lob-a');
    allKept = await startReview('lob-b', 'portal-admin');
    // "Keep all shown": the first form with the shown usernames and no end date.
    const keepAll = (await formsOf(`/admin/reviews/${allKept}`, 'portal-admin')).find(
      (f) => usernamesOf(f).length > 0 && !f.fields.some(([n]) => n === 'until'),
    )!;
    const kept = await callAction(
      stack.url,
      `/admin/reviews/${allKept}`,
      keepAll.actionId,
      jars['portal-admin'].header(),
      { review: allKept, username: usernamesOf(keepAll), comment: '' },
    );
    expect(await kept.text()).toMatch(/Kept \d+ members/);
    const b = await header(allKept);
    expect(b.decided).toBe(b.total);
    const a = await header(chased);
    total = Number(a.total);
    expect(total).toBeGreaterThanOrEqual(3);
    expect(a.remindKind).toBe('remind');
    expect(Date.parse(String(a.remindAt))).toBe(Date.parse(String(a.dueAt)) - 3 * DAY * 1000);
  });

  it('sends nothing before D-3, however often the job runs', async () => {
    expect(await runJobs(2)).toEqual([]);
    setClockOffset(10 * DAY);
    expect(await runJobs(2)).toEqual([]);
    expect(await reminderMessages(chased)).toEqual([]);
  });

  it('at D-3 sends one reminder naming the undecided count, even with runs repeated and overlapping; none for the decided review', async () => {
    setClockOffset(11.5 * DAY);
    const sent = await runJobs(3);
    expect(sent).toEqual([{ review: chased, lob: 'lob-a', stage: 'D-3', undecided: total, dueAt: expect.any(String) }]);
    const messages = await reminderMessages(chased);
    expect(messages).toHaveLength(1);
    expect(messages[0].attributes).toMatchObject({ lob: 'lob-a', review: chased, event: 'review.reminder' });
    expect(messages[0].body).toMatchObject({
      review: chased,
      stage: 'D-3',
      undecided: total,
      total,
      dueAt: (await header(chased)).dueAt,
    });
    expect(String(messages[0].body.text)).toContain(`${total} of ${total} members are undecided`);
    expect(await reminderMessages(allKept)).toEqual([]);
    const a = await header(chased);
    expect(a.remindedBeforeAt).toBeDefined();
    expect(a.remindAt).toBe(a.dueAt);
    // The decided review spent its D-3 slot without a message; its due-date slot is next.
    const b = await header(allKept);
    expect(b.remindedBeforeAt).toBeDefined();
    expect(b.remindAt).toBe(b.dueAt);
  });

  it('"Apply recommendations" without JavaScript decides the shown rows as suggested, each audited in the reviewer’s name', async () => {
    // Nobody has launched into lob-a on this fresh stack: every shown row suggests Remove.
    const path = `/admin/reviews/${chased}?q=user-lob-a`;
    const html = await (await get(path, 'owner-lob-a')).text();
    expect(html).toContain('Suggest remove: not used in 90 days');
    expect(html).toContain('Decides 1 member shown with a suggestion: remove 1.');
    // "Keep all shown" and "Apply recommendations" both carry the shown usernames; the latter comes second.
    const apply = actionForms(html)
      .filter((f) => usernamesOf(f).length > 0 && !f.fields.some(([n]) => n === 'until'))
      .at(-1)!;
    expect(usernamesOf(apply)).toEqual(['user-lob-a']);
    const res = await postActionForm(stack.url, path, apply, jars['owner-lob-a'].header());
    expect(res.status).toBe(200);
    const answer = await res.text();
    expect(answer).toContain('Applied 1 recommendation.');
    expect(answer).toContain('user-lob-a: removed');
    const row = await reviewItem(chased, 'member#user-lob-a');
    expect(row).toMatchObject({
      decision: 'remove',
      decidedBy: 'owner-lob-a',
      comment: 'Applied recommendation: not used in 90 days',
    });
    // The audit log as the audit page reads it (`user` is who acted): one decision, in the reviewer's name.
    const audit = await queryAudit(tables(), { user: 'owner-lob-a', lob: 'lob-a' }, { limit: 100 });
    const decisions = audit.entries.filter((e) => e.review === chased && e.target === 'user-lob-a');
    expect(decisions.map((e) => [e.action, e.user])).toEqual([['review.remove', 'owner-lob-a']]);
    const user = await getUserMapping(tables(), 'user-lob-a', { consistent: true });
    expect(user?.lobs ?? []).not.toContain('lob-a');

    // The same form again (a stale page): the row is reported, nothing is decided twice.
    const again = await (await postActionForm(stack.url, path, apply, jars['owner-lob-a'].header())).text();
    expect(again).toContain('Applied 0 recommendations. 1 not decided (listed below).');
    expect(again).toContain('user-lob-a: not decided: already decided, or not in this review');
    expect((await header(chased)).decided).toBe(1);
  });

  it('on the due date sends one more reminder with the count left, then never again', async () => {
    setClockOffset(14 * DAY + 3600);
    const sent = await runJobs(3);
    expect(sent.map((s) => [s.review, s.stage, s.undecided])).toEqual([[chased, 'D', total - 1]]);
    setClockOffset(20 * DAY);
    expect(await runJobs(2)).toEqual([]);
    const messages = await reminderMessages(chased);
    expect(messages.map((m) => [m.body.stage, m.body.undecided])).toEqual([
      ['D-3', total],
      ['D', total - 1],
    ]);
    const a = await header(chased);
    expect(a.remindedDueAt).toBeDefined();
    expect(a.remindKind).toBeUndefined();
    expect(a.status).toBe('open');
    expect(await reminderMessages(allKept)).toEqual([]);
    expect((await header(allKept)).remindKind).toBeUndefined();
  });
});
