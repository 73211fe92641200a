/**
 * A review's "Last launch" and the recommendation built on it, over HTTP against a running portal and the
 * stand-ins. user-multi opens Studio in lob-a once, then 60 times in lob-b: 60 audit entries of theirs are
 * newer than the lob-a launch (more than one read of 50 would see). The review of lob-a still shows the
 * lob-a launch as Last launch and "Suggest keep: used this month", and leaves user-multi out of "Not used
 * in 90 days". The CSV export and the print view carry each row's recommendation in the page's wording
 * (decided rows none).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { startPortalStack, type PortalStack } from '../support/portal-stack';
import { loadLaunchForm, signIn, submitLaunchForm, type CookieJar } from '../support/http-session';
import { directoryClient, eventually } from '../support/directory';
import { actionForms, callAction, formWithOnlyFields, type ActionForm } from '../admin/admin-forms';
import { queryLobReviews } from '@/lib/directory/reviews';
import { queryAudit } from '@/lib/directory/audit';
import { perTable, tableEnvName } from '@/lib/directory/schema';

const OTHER_LAUNCHES = 60;
const KEEP = 'Suggest keep: used this month';
const REMOVE = 'Suggest remove: not used in 90 days';

let stack: PortalStack;
const jars: Record<string, CookieJar> = {};

beforeAll(async () => {
  stack = await startPortalStack();
  jars['owner-lob-a'] = await signIn(stack.url, 'owner-lob-a', 'OwnerLobA1!');
  jars['user-multi'] = await signIn(stack.url, 'user-multi', 'UserMulti1!');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const get = (p: string, who: string) =>
  fetch(`${stack.url}${p}`, { headers: { cookie: jars[who].header() }, redirect: 'manual' });
/** The stack's tables for the portal's own readers (lib/directory). */
const tables = () => ({
  ddb: directoryClient(stack.env).doc,
  tables: perTable((t) => stack.env[tableEnvName(t.id)]),
});

async function formsOf(p: string, who: string): Promise<ActionForm[]> {
  const res = await get(p, who);
  expect(res.status, `${who} GET ${p}`).toBe(200);
  return actionForms(await res.text());
}

/** The `<tr data-username=...>` of `username` in a page's HTML (empty when absent). */
function rowHtml(html: string, username: string): string {
  return new RegExp(`<tr[^>]*data-username="${username}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
}

/** The text of the cell marked data-testid="recommendation" in a row's HTML. */
function recommendationCell(row: string): string {
  const cell = /data-testid="recommendation"[^>]*>([\s\S]*?)<\/td>/.exec(row)?.[1] ?? '';
  return cell
    .replace(/<[^>]+>/g, '')
    .replace(/<!-- -->/g, '')
    .trim();
}

let reviewId = '';
let lobALaunchAt = '';
const reviewPath = () => `/admin/reviews/${reviewId}`;

describe('Last launch beyond 50 newer audit entries, and the recommendation in the export and print view', () => {
  it('user-multi launches into lob-a once, then into lob-b many times', async () => {
    const form = await loadLaunchForm(stack.url, jars['user-multi']);
    const first = await submitLaunchForm(stack.url, form, {}, { lob: 'lob-a' });
    expect(first.response.status).toBe(303);
    for (let i = 0; i < OTHER_LAUNCHES; i++) {
      const other = await submitLaunchForm(stack.url, form, {}, { lob: 'lob-b' });
      expect(other.response.status, `launch ${i + 1} into lob-b`).toBe(303);
    }
    // The audit log as the portal reads it (a launch's record may land just after its redirect): the lob-a
    // launch sits behind 60 newer entries of the same user.
    const mine = await eventually(async () => {
      const read = await queryAudit(tables(), { user: 'user-multi', type: 'launch' }, { limit: 200 });
      return read.entries.length > OTHER_LAUNCHES ? read : undefined;
    });
    const lobA = mine.entries.filter((e) => e.lob === 'lob-a');
    expect(lobA).toHaveLength(1);
    expect(mine.entries.indexOf(lobA[0])).toBeGreaterThanOrEqual(OTHER_LAUNCHES);
    lobALaunchAt = lobA[0].at;
    expect(lobALaunchAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  }, 120_000);

  it('the review page shows that lob-a launch as Last launch and suggests keep', async () => {
    const start = formWithOnlyFields(await formsOf('/admin/lobs/lob-a', 'owner-lob-a'), ['lob'], '/admin/lobs/lob-a');
    const started = await callAction(stack.url, '/admin/lobs/lob-a', start.actionId, jars['owner-lob-a'].header(), {
      lob: 'lob-a',
    });
    expect(started.status).toBeLessThan(400);
    const [review] = await queryLobReviews(tables(), 'lob-a', 1);
    reviewId = review.id;

    const html = await (await get(`${reviewPath()}?q=user-multi`, 'owner-lob-a')).text();
    const row = rowHtml(html, 'user-multi');
    expect(row).toContain(`<time dateTime="${lobALaunchAt}"`);
    expect(recommendationCell(row)).toBe(KEEP);

    // "Not used in 90 days" leaves user-multi out and lists a member who never launched.
    const unused = await (await get(`${reviewPath()}?filter=unused`, 'owner-lob-a')).text();
    expect(rowHtml(unused, 'user-multi')).toBe('');
    expect(recommendationCell(rowHtml(unused, 'user-lob-a'))).toBe(REMOVE);
  });

  it('the CSV export and the print view carry each row’s recommendation; a decided row none', async () => {
    // Keep user-lob-a, so one row is decided.
    const decide = (await formsOf(`${reviewPath()}?q=user-lob-a`, 'owner-lob-a')).find(
      (f) => f.fields.some(([n, v]) => n === 'username' && v === 'user-lob-a') && f.fields.some(([n]) => n === 'until'),
    )!;
    const kept = await callAction(stack.url, reviewPath(), decide.actionId, jars['owner-lob-a'].header(), {
      review: reviewId,
      username: 'user-lob-a',
      decision: 'keep',
    });
    expect(kept.status).toBe(200);

    const csv = await get(`${reviewPath()}/export`, 'owner-lob-a');
    expect(csv.status).toBe(200);
    const parsed = Papa.parse<Record<string, string>>(await csv.text(), { header: true, skipEmptyLines: true });
    expect(parsed.meta.fields).toContain('recommendation');
    const byMember = Object.fromEntries(parsed.data.map((r) => [r.member, r]));
    expect(byMember['user-multi']).toMatchObject({ decision: '', recommendation: KEEP });
    expect(byMember['user-lob-a']).toMatchObject({ decision: 'keep', recommendation: '' });
    const others = parsed.data.filter((r) => r.member !== 'user-multi' && r.member !== 'user-lob-a');
    expect(others.length).toBeGreaterThan(0);
    for (const r of others) expect(r.recommendation, r.member).toBe(REMOVE);

    const print = await get(`${reviewPath()}/print`, 'owner-lob-a');
    expect(print.status).toBe(200);
    const printed = await print.text();
    expect(printed).toMatch(/<th[^>]*>Recommendation<\/th>/);
    expect(recommendationCell(rowHtml(printed, 'user-multi'))).toBe(KEEP);
    expect(recommendationCell(rowHtml(printed, 'user-lob-a'))).toBe('—');
    for (const r of others) expect(recommendationCell(rowHtml(printed, r.member)), r.member).toBe(REMOVE);
  });
});
