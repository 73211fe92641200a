/**
 * The admin console over HTTP against a running portal (next start) and the stand-ins: only admins get
 * in, and every admin server action refuses a direct POST without an admin session (403), even when it
 * replays exactly what an admin's browser would send. The same request from the admin succeeds, which
 * shows the refusals are authorization and not a malformed request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortalStackAsAdmin, type PortalStack } from '../support/portal-stack';
import { signIn, type CookieJar } from '../support/http-session';
import { directoryClient } from '../support/directory';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { callAction, loadActionForms, postActionForm, type ActionForm } from './admin-forms';

let stack: PortalStack;
let admin: CookieJar;
let nonAdmin: CookieJar;

beforeAll(async () => {
  ({ stack, admin } = await startPortalStackAsAdmin());
  nonAdmin = await signIn(stack.url, 'user-lob-a', 'UserLobA1!');
});

afterAll(async () => {
  await stack?.stop();
});

async function getItem(table: string, key: Record<string, string>) {
  const out = await directoryClient(stack.env).doc.send(
    new GetCommand({ TableName: table, Key: key, ConsistentRead: true }),
  );
  return out.Item;
}

describe('Pages and routes', () => {
  it.each(['/admin', '/admin/users', '/admin/lobs', '/admin/lobs/lob-a', '/admin/audit', '/admin/users/import'])(
    'answers 403 to a signed-in non-admin on %s',
    async (path) => {
      const res = await fetch(`${stack.url}${path}`, { headers: { cookie: nonAdmin.header() }, redirect: 'manual' });
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain('lob-a-users');
    },
  );

  it('sends a signed-out visitor to sign in', async () => {
    const res = await fetch(`${stack.url}/admin/users`, { redirect: 'manual' });
    expect([303, 307]).toContain(res.status);
    expect(res.headers.get('location')).toContain('/signin');
  });

  it('serves the admin pages to an admin', async () => {
    const res = await fetch(`${stack.url}/admin/users?q=user-lob`, { headers: { cookie: admin.header() } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('user-lob-a');
    expect(html).not.toContain('portal-admin@example.com'); // prefix search applied server-side
  });

  it.each(['/admin/users/export', '/admin/audit/export'])(
    'refuses %s to non-admins and anonymous callers',
    async (path) => {
      for (const cookie of [nonAdmin.header(), undefined]) {
        const res = await fetch(`${stack.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
        expect(res.status).toBe(403);
        expect(res.headers.get('content-type') ?? '').not.toContain('text/csv');
      }
    },
  );

  it('exports mappings as CSV for an admin', async () => {
    const res = await fetch(`${stack.url}/admin/users/export`, { headers: { cookie: admin.header() } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('username,lobs,expiresAt,version,updatedAt,updatedBy');
    expect(lines).toContainEqual(expect.stringMatching(/^user-multi,lob-a;lob-b,,\d+,/));
  });
});

/**
 * Each action is called twice per caller: with the `Next-Action` header (what a hydrated browser sends; a
 * refusal is 403) and as the plain HTML form post a browser makes before hydration (Next answers a refused
 * no-JS post with its 404 page; what matters there is that nothing happens).
 */
async function expectRefused(path: string, form: ActionForm, fields: Record<string, string | string[] | Blob>) {
  for (const cookie of [nonAdmin.header(), undefined]) {
    const viaFetch = await callAction(stack.url, path, form.actionId, cookie, fields);
    expect(viaFetch.status).toBe(403);
    expect(await viaFetch.text()).not.toMatch(/Saved|Imported|Assumed arn:aws:iam|Created/);
    const viaForm = await postActionForm(stack.url, path, form, cookie, fields);
    expect(viaForm.status).toBeGreaterThanOrEqual(400);
    expect(viaForm.headers.get('location')).toBeNull();
  }
}

describe('Audit of a membership change touching two LOBs', () => {
  it('is exported once unfiltered and once under each LOB, naming both LOBs', async () => {
    const path = '/admin/users/http-audit-multi';
    const [form] = await loadActionForms(stack.url, path, admin);
    const saved = await callAction(stack.url, path, form.actionId, admin.header(), {
      username: 'http-audit-multi',
      version: '',
      lobs: ['lob-a', 'lob-b'],
    });
    expect(await saved.text()).toContain('Saved: http-audit-multi is in lob-a, lob-b');

    const rowsFor = async (query: string) => {
      const res = await fetch(`${stack.url}/admin/audit/export?${query}`, { headers: { cookie: admin.header() } });
      expect(res.status).toBe(200);
      const lines = (await res.text()).trim().split('\r\n');
      expect(lines[0]).toBe(
        'at,type,user,lob,accountId,domainId,channel,app,outcome,action,target,before,after,requestId,roleSession,sourceIdentity,review',
      );
      return lines.filter((l) => l.includes(',http-audit-multi,'));
    };
    for (const query of ['type=admin', 'lob=lob-a', 'lob=lob-b&type=admin', 'user=portal-admin&lob=lob-b']) {
      const rows = await rowsFor(query);
      expect(rows, query).toHaveLength(1);
      expect(rows[0]).toMatch(/^[^,]+,admin,portal-admin,lob-a;lob-b,.*,user\.lobs\.create,http-audit-multi,/);
    }
    const page = await fetch(`${stack.url}/admin/audit?lob=lob-b`, { headers: { cookie: admin.header() } });
    expect(await page.text()).toContain('http-audit-multi');
  });
});

describe('Server actions refuse direct POSTs without an admin session', () => {
  it('user memberships: refused for a non-admin and for no session; the same call as the admin applies', async () => {
    const path = '/admin/users/user-no-lob';
    const [form] = await loadActionForms(stack.url, path, admin);
    const fields = { username: 'user-no-lob', version: '', lobs: ['lob-b'] };
    await expectRefused(path, form, fields);
    expect(await getItem(stack.env.TABLE_USERS, { username: 'user-no-lob' })).toBeUndefined();

    const ok = await callAction(stack.url, path, form.actionId, admin.header(), fields);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Saved: user-no-lob is in lob-b');
    expect(await getItem(stack.env.TABLE_USERS, { username: 'user-no-lob' })).toMatchObject({
      lobs: ['lob-b'],
      updatedBy: 'portal-admin',
    });

    // The no-JavaScript form post works for the admin too (the page re-renders with the outcome).
    const noJs = await postActionForm(stack.url, path, form, admin.header(), { lobs: ['lob-a'], version: '1' });
    expect(noJs.status).toBe(200);
    expect(await getItem(stack.env.TABLE_USERS, { username: 'user-no-lob' })).toMatchObject({
      lobs: ['lob-a'],
      version: 2,
    });
  });

  it('LOB create: refused for a non-admin and for no session; nothing is created', async () => {
    const path = '/admin/lobs/new';
    const [form] = await loadActionForms(stack.url, path, admin);
    await expectRefused(path, form, {
      lob: 'lob-evil',
      displayName: 'Evil',
      accountId: '666666666666',
      domainId: 'd-evil1example',
      region: 'us-east-1',
      roleName: '',
      groups: 'portal-admins',
      defaultApp: 'studio',
      allowedApps: ['studio'],
      sessionDurationSeconds: '3600',
      urlExpiresSeconds: '',
      version: '0',
    });
    expect(await getItem(stack.env.TABLE_LOBS, { lob: 'lob-evil' })).toBeUndefined();
  });

  it('LOB edit, test connection and delete: refused for a non-admin and for no session; the LOB is untouched', async () => {
    const path = '/admin/lobs/lob-a';
    const forms = await loadActionForms(stack.url, path, admin);
    expect(new Set(forms.map((f) => f.actionId)).size).toBeGreaterThanOrEqual(3); // edit, test connection, delete
    const before = await getItem(stack.env.TABLE_LOBS, { lob: 'lob-a' });
    for (const form of forms) {
      await expectRefused(path, form, {
        lob: 'lob-a',
        version: String(before?.version),
        displayName: 'Hijacked',
        accountId: '666666666666',
        domainId: 'd-loba1example',
        region: 'us-east-1',
        defaultApp: 'studio',
        allowedApps: ['studio'],
        sessionDurationSeconds: '3600',
        removeMemberships: 'on',
      });
    }
    expect(await getItem(stack.env.TABLE_LOBS, { lob: 'lob-a' })).toEqual(before);
  });

  it('LOB enable/disable: refused for a non-admin and for no session', async () => {
    const forms: ActionForm[] = await loadActionForms(stack.url, '/admin/lobs', admin);
    expect(forms.length).toBeGreaterThanOrEqual(2);
    await expectRefused('/admin/lobs', forms[0], { lob: 'lob-a', version: '1', enabled: 'false' });
    expect((await getItem(stack.env.TABLE_LOBS, { lob: 'lob-a' }))?.enabled).toBe(true);
  });

  it('CSV import: refused for a non-admin and for no session; no row is applied', async () => {
    const path = '/admin/users/import';
    const [form] = await loadActionForms(stack.url, path, admin);
    const file = new Blob(['username,lobs\nsneaky-user,lob-a\n'], { type: 'text/csv' });
    await expectRefused(path, form, { file });
    expect(await getItem(stack.env.TABLE_USERS, { username: 'sneaky-user' })).toBeUndefined();
  });
});
