/**
 * The "membership ends in 7 days" notice over HTTP against a running portal and the stand-ins: an owner
 * gives members end dates, the scheduled-jobs route (what the EventBridge schedule calls) publishes one
 * SNS message per membership ending within 7 days, never twice (again, or by two runs at once), and again
 * after the membership got a new end date. The portal's clock moves through CLOCK_OFFSET_FILE, no sleeping.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortalStack, type PortalStack } from '../support/portal-stack';
import { signIn, type CookieJar } from '../support/http-session';
import { actionForms, callAction } from '../admin/admin-forms';
import { runReviewJobs } from '../support/request-queue';
import { REHEARSAL_SESSION_ENV } from '../support/clocked-stack';
import { postJob } from '../support/jobs';

let stack: PortalStack;
let dir: string;
let clockFile: string;
let offsetDays = 0;
let owner: CookieJar;
const DAY_MS = 24 * 3600 * 1000;
const MEMBERS = '/admin/lobs/lob-a/members';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'clock-'));
  clockFile = path.join(dir, 'offset');
  writeFileSync(clockFile, '0');
  // No in-process timer: the test runs the job itself.
  stack = await startPortalStack({
    portalEnv: { ...REHEARSAL_SESSION_ENV, CLOCK_OFFSET_FILE: clockFile, REVIEW_JOB_INTERVAL_SECONDS: '0' },
  });
  owner = await signIn(stack.url, 'owner-lob-a', 'OwnerLobA1!');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function moveClock(days: number) {
  offsetDays = days;
  writeFileSync(clockFile, String(days * 24 * 3600));
}

/** The form's end date (last day of access, UTC) `days` after the portal's today. */
const endDate = (days: number) => new Date(Date.now() + (offsetDays + days) * DAY_MS).toISOString().slice(0, 10);

async function setEndDate(username: string, until: string) {
  const res = await fetch(`${stack.url}${MEMBERS}`, { headers: { cookie: owner.header() }, redirect: 'manual' });
  expect(res.status).toBe(200);
  const add = actionForms(await res.text()).find((f) => f.fields.some(([n, v]) => n === 'username' && v === ''))!;
  const saved = await callAction(stack.url, MEMBERS, add.actionId, owner.header(), { lob: 'lob-a', username, until });
  expect(saved.status).toBe(200);
}

interface JobAnswer {
  expiring: { username: string; lob: string; until: string }[];
}

async function runJob(): Promise<JobAnswer> {
  const { status, body } = await runReviewJobs<JobAnswer>(stack);
  expect(status).toBe(200);
  return body;
}

async function expiringMessages() {
  const res = await fetch(`${stack.standIns.urls.control}/sns/messages`);
  const { messages } = (await res.json()) as {
    messages: { subject: string; attributes: Record<string, string>; message: string }[];
  };
  return messages.filter((m) => m.attributes.event === 'membership.expiring');
}

describe('Membership ending in 7 days: one SNS notice per membership and end date', () => {
  it('refuses a job call without the token', async () => {
    const res = await postJob(stack.url, { token: 'guess' });
    expect(res.status).toBe(403);
  });

  it('notifies a membership that ends in 6 days, with the lob, event and user attributes, and not one that ends in 20', async () => {
    await setEndDate('user-no-lob', endDate(5)); // the end of that day: between 5 and 6 days from now
    await setEndDate('new-user', endDate(20));
    const job = await runJob();
    expect(job.expiring.map((m) => [m.username, m.lob])).toEqual([['user-no-lob', 'lob-a']]);
    const messages = await expiringMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0].attributes).toEqual({ lob: 'lob-a', event: 'membership.expiring', user: 'user-no-lob' });
    expect(messages[0].subject).toContain('user-no-lob');
    expect(JSON.parse(messages[0].message)).toMatchObject({
      event: 'membership.expiring',
      lob: 'lob-a',
      username: 'user-no-lob',
      until: `${endDate(5)}T23:59:59.999Z`,
    });
  });

  it('a second run sends nothing new', async () => {
    expect((await runJob()).expiring).toEqual([]);
    expect(await expiringMessages()).toHaveLength(1);
  });

  it('two runs at once send one notice (the claim is a condition on the membership)', async () => {
    moveClock(14); // new-user's membership now ends in 6 days; user-no-lob's has ended
    const [a, b] = await Promise.all([runJob(), runJob()]);
    expect([...a.expiring, ...b.expiring].map((m) => m.username)).toEqual(['new-user']);
    const messages = await expiringMessages();
    expect(messages.map((m) => JSON.parse(m.message).username)).toEqual(['user-no-lob', 'new-user']);
    expect(messages[1].attributes.user).toBe('new-user');
  });

  it('a membership given a new end date is noticed again when that one comes near', async () => {
    await setEndDate('user-no-lob', endDate(3));
    expect((await runJob()).expiring.map((m) => m.username)).toEqual(['user-no-lob']);
    expect((await runJob()).expiring).toEqual([]);
    const messages = await expiringMessages();
    expect(messages.map((m) => JSON.parse(m.message).username)).toEqual(['user-no-lob', 'new-user', 'user-no-lob']);
    expect(JSON.parse(messages[2].message).until).toBe(`${endDate(3)}T23:59:59.999Z`);
  });
});
