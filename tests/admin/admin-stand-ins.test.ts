/**
 * lib/admin against the full stand-ins (Cognito user pool, STS, SageMaker, DynamoDB) through the
 * production SDK clients the portal builds from its configuration: the users list (pool joined with the
 * Users table) and the LOB connection test with the reasons an admin can act on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdminDeps } from '@/lib/admin/deps';
import { POOL_LOOKUP_ONE_BY_ONE_MAX } from '@/lib/admin/pool-lookup';
import { listPoolUsers } from '@/lib/admin/pool-users';
import { listUsersWithoutLob } from '@/lib/admin/users-without-lob';
import { getUserMapping } from '@/lib/directory/users';
import { listAudit } from '@/lib/admin/audit';
import { EXPORT_COLUMNS, importUsersCsv, toExportRow, type ExportRow } from '@/lib/admin/user-import';
import { toCsv } from '@/lib/admin/csv';
import { setMember } from '@/lib/admin/members';
import { createLob, requireLob } from '@/lib/admin/lobs';
import { connectionHeadline, testLobConnection } from '@/lib/admin/connection-test';
import type { Control } from '../support/portal-stack';
import { useAdminStandIns } from '../support/admin-stand-ins';

let deps: AdminDeps;
let ctl: Control;
// The portal's credentials come from the default provider chain, as in production.
useAdminStandIns((started) => ({ deps, ctl } = started));

describe('Users list (user pool joined with LOB mappings)', () => {
  it('shows every pool user with explicit, group-based or missing LOBs', async () => {
    const page = await listPoolUsers(deps, { limit: 60 });
    const byName = new Map(page.users.map((u) => [u.username, u]));
    expect(byName.get('user-multi')).toMatchObject({
      source: 'explicit',
      effectiveLobs: ['lob-a', 'lob-b'],
      email: 'user-multi@example.com',
    });
    expect(byName.get('user-group-a')).toMatchObject({ source: 'group', effectiveLobs: ['lob-a'], mapping: null });
    expect(byName.get('new-user')).toMatchObject({ source: 'none', effectiveLobs: [] });
    expect(byName.get('user-no-lob')?.source).toBe('none');
  });

  it('searches by username prefix and pages with an opaque token', async () => {
    const first = await listPoolUsers(deps, { prefix: 'user-', limit: 4 });
    expect(first.users.map((u) => u.username)).toEqual(['user-expiring', 'user-group-a', 'user-lob-a', 'user-lob-b']);
    expect(first.nextToken).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await listPoolUsers(deps, { prefix: 'user-', limit: 4, pageToken: first.nextToken });
    expect(second.users.map((u) => u.username)).toEqual(['user-multi', 'user-no-lob', 'user-no-profile']);
    expect(second.nextToken).toBeUndefined();
    const none = await listPoolUsers(deps, { prefix: 'nobody-' });
    expect(none.users).toEqual([]);
  });
});

describe('Users without a LOB (bounded walk of the pool)', () => {
  // 150 pool users: every third has an explicit mapping, every third reaches lob-a through its IdP group,
  // the rest (nolob-002, nolob-005, … 50 users) have no LOB at all.
  const name = (i: number) => `nolob-${String(i).padStart(3, '0')}`;
  const expected = Array.from({ length: 150 }, (_, i) => i)
    .filter((i) => i % 3 === 2)
    .map(name);

  beforeAll(async () => {
    await ctl.bulkUsers(
      Array.from({ length: 150 }, (_, i) => ({
        username: name(i),
        password: 'NoLobUser1!',
        groups: i % 3 === 1 ? ['lob-a-users'] : [],
      })),
    );
    const rows = Array.from({ length: 150 }, (_, i) => i)
      .filter((i) => i % 3 === 0)
      .map((i) => `${name(i)},lob-b`);
    const imported = await importUsersCsv(deps, 'test-admin', ['username,lobs', ...rows].join('\n'));
    expect(imported.applied).toBe(50);
  });

  it('lists exactly the users with neither a mapping nor a group LOB, page by page, resuming mid-page', async () => {
    const pages: string[][] = [];
    let pageToken: string | undefined;
    do {
      const page = await listUsersWithoutLob(deps, { prefix: 'nolob-', limit: 20, pageToken });
      expect(page.users.every((u) => u.source === 'none' && u.effectiveLobs.length === 0)).toBe(true);
      expect(page.budgetSpent).toBe(false);
      pages.push(page.users.map((u) => u.username));
      pageToken = page.nextToken;
    } while (pageToken && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([20, 20, 10]);
    expect(pages.flat()).toEqual(expected);
  });

  it('stops at its budget of pool pages and hands out a token to continue', async () => {
    const budget = { poolPages: 1, groupLookups: 1000 };
    const first = await listUsersWithoutLob(deps, { prefix: 'nolob-', limit: 60, pageToken: undefined, budget });
    // One ListUsers call (60 users) holds 20 users without a LOB; the page stops there instead of walking on.
    expect(first).toMatchObject({ examined: 60, budgetSpent: true });
    expect(first.users.map((u) => u.username)).toEqual(expected.slice(0, 20));
    const second = await listUsersWithoutLob(deps, { prefix: 'nolob-', limit: 60, pageToken: first.nextToken, budget });
    expect(second.users.map((u) => u.username)).toEqual(expected.slice(20, 40));
    await expect(listUsersWithoutLob(deps, { pageToken: 'bm90LWpzb24' })).rejects.toThrow(/page link/);
  });
});

describe('CSV import (against the user pool)', () => {
  const addToPool = (usernames: string[]) =>
    ctl.bulkUsers(usernames.map((username) => ({ username, password: 'ImportUser1!' })));

  it(`applies the valid rows of a 1,000-row file (more than ${POOL_LOOKUP_ONE_BY_ONE_MAX}: the pool is listed) and reports exactly the 3 bad ones`, async () => {
    await addToPool(Array.from({ length: 1000 }, (_, i) => `imp-${i}`));
    const lines = ['username,lobs'];
    for (let i = 0; i < 1000; i++) {
      if (i === 10) lines.push('bad_user!,lob-a');
      else if (i === 500) lines.push(`imp-${i},lob-unknown`);
      else if (i === 998) lines.push(`imp-${i},`);
      else lines.push(`imp-${i},${i % 2 ? 'lob-a' : 'lob-a;lob-b'}`);
    }
    const result = await importUsersCsv(deps, 'alice-admin', lines.join('\r\n') + '\r\n');
    expect(result.applied).toBe(997);
    expect(result.errors.map((e) => e.line)).toEqual([12, 502, 1000]);
    expect((await getUserMapping(deps, 'imp-3'))?.lobs).toEqual(['lob-a']);
    expect(await getUserMapping(deps, 'imp-4')).toMatchObject({
      lobs: ['lob-a', 'lob-b'],
      version: 1,
      updatedBy: 'alice-admin',
    });
    const audit = await listAudit(deps, { user: 'alice-admin', type: 'admin' }, { limit: 5 });
    expect(audit.entries[0].action).toBe('user.lobs.import');

    // Re-importing a changed row bumps its version; unchanged rows are left alone.
    const again = await importUsersCsv(deps, 'alice-admin', 'username,lobs\nimp-3,lob-b\nimp-4,lob-a;lob-b\n');
    expect(again).toMatchObject({ applied: 2, unchanged: 1 });
    expect(await getUserMapping(deps, 'imp-3')).toMatchObject({ lobs: ['lob-b'], version: 2 });
  });

  it('refuses (and reports) a row for a user who is not in the user pool, and writes nothing for it', async () => {
    await addToPool(['pool-member-1']);
    const result = await importUsersCsv(deps, 'alice-admin', 'username,lobs\npool-member-1,lob-a\nghost-user,lob-a\n');
    expect(result.applied).toBe(1);
    expect(result.errors).toEqual([
      {
        line: 3,
        username: 'ghost-user',
        reason: 'ghost-user is not in the user pool: create the user first, or check the spelling.',
      },
    ]);
    expect(await getUserMapping(deps, 'ghost-user')).toBeNull();
    expect((await getUserMapping(deps, 'pool-member-1'))?.lobs).toEqual(['lob-a']);
  });

  it('takes memberships away with the action "remove": listed LOBs, or all of them', async () => {
    await addToPool(['rm-1', 'rm-2']);
    await importUsersCsv(deps, 'alice-admin', 'username,lobs\nrm-1,lob-a;lob-b\nrm-2,lob-a;lob-b\n');
    const result = await importUsersCsv(
      deps,
      'alice-admin',
      'username,lobs,action\nrm-1,lob-b,remove\nrm-2,,remove\nrm-never-mapped,,remove\n',
    );
    expect(result).toMatchObject({ applied: 3, removed: 3, unchanged: 1, errors: [] });
    expect(await getUserMapping(deps, 'rm-1')).toMatchObject({ lobs: ['lob-a'], version: 2 });
    expect(await getUserMapping(deps, 'rm-2')).toBeNull();
    const audit = await listAudit(deps, { lob: 'lob-b', type: 'admin' }, { limit: 50 });
    const rm2 = audit.entries.find((e) => e.target === 'rm-2' && e.after === 'null');
    expect(rm2).toMatchObject({ action: 'user.lobs.import', lobs: ['lob-a', 'lob-b'] });
  });

  it('takes end dates from an expiresAt column (one for all LOBs, or one per LOB) and keeps them when the column is absent', async () => {
    await addToPool(['exp-1', 'exp-2', 'exp-3']);
    const result = await importUsersCsv(
      deps,
      'alice-admin',
      'username,lobs,expiresAt\nexp-1,lob-a;lob-b,2099-01-31;\nexp-2,lob-a;lob-b,2099-02-01T12:00:00Z\nexp-3,lob-a,\n',
    );
    expect(result).toMatchObject({ applied: 3, errors: [] });
    const until = async (u: string) =>
      Object.fromEntries((await getUserMapping(deps, u))!.memberships.map((m) => [m.lob, m.until]));
    expect(await until('exp-1')).toEqual({ 'lob-a': '2099-01-31T23:59:59.999Z', 'lob-b': undefined });
    expect(await until('exp-2')).toEqual({ 'lob-a': '2099-02-01T12:00:00.000Z', 'lob-b': '2099-02-01T12:00:00.000Z' });
    expect(await until('exp-3')).toEqual({ 'lob-a': undefined });
    // Without the column the end dates stay: the same LOBs are unchanged; dropping lob-b keeps lob-a's end.
    const again = await importUsersCsv(deps, 'alice-admin', 'username,lobs\nexp-1,lob-a;lob-b\nexp-2,lob-a\n');
    expect(again).toMatchObject({ applied: 2, unchanged: 1, errors: [] });
    expect(await until('exp-2')).toEqual({ 'lob-a': '2099-02-01T12:00:00.000Z' });
    // An end date set in the console survives a plain re-import too.
    await setMember(deps, {
      grantor: { username: 'alice-admin', platformAdmin: true },
      lob: 'lob-a',
      username: 'exp-3',
      until: '2099-03-03T23:59:59.999Z',
    });
    expect(await importUsersCsv(deps, 'alice-admin', 'username,lobs\nexp-3,lob-a\n')).toMatchObject({ unchanged: 1 });
    expect(await until('exp-3')).toEqual({ 'lob-a': '2099-03-03T23:59:59.999Z' });
  });

  it('refuses bad end dates by line and writes nothing for those rows', async () => {
    await addToPool(['exp-bad-1', 'exp-bad-2', 'exp-bad-3', 'exp-bad-4', 'exp-bad-5', 'exp-ok']);
    const result = await importUsersCsv(
      deps,
      'alice-admin',
      'username,lobs,action,expiresAt\nexp-bad-1,lob-a,,2099-13-01\nexp-bad-2,lob-a,,2001-01-01\nexp-bad-3,lob-a;lob-b,,2099-01-01;2099-01-02;2099-01-03\nexp-bad-4,lob-a,,next week\nexp-bad-5,lob-a,remove,2099-01-01\nexp-ok,lob-a,,2099-05-05\n',
    );
    expect(result.applied).toBe(1);
    expect(result.errors.map((e) => [e.line, e.username])).toEqual([
      [2, 'exp-bad-1'],
      [3, 'exp-bad-2'],
      [4, 'exp-bad-3'],
      [5, 'exp-bad-4'],
      [6, 'exp-bad-5'],
    ]);
    expect(result.errors[0].reason).toContain('expiresAt: "2099-13-01" is not a date');
    expect(result.errors[1].reason).toContain('expiresAt: 2001-01-01 has already passed');
    expect(result.errors[2].reason).toContain('expiresAt has 3 dates for 2 lines of business');
    expect(result.errors[3].reason).toContain('"next week" is not a date');
    expect(result.errors[4].reason).toContain('A "remove" row takes no expiresAt');
    for (const u of ['exp-bad-1', 'exp-bad-2', 'exp-bad-3', 'exp-bad-4'])
      expect(await getUserMapping(deps, u)).toBeNull();
    expect((await getUserMapping(deps, 'exp-ok'))?.memberships[0].until).toBe('2099-05-05T23:59:59.999Z');
  });

  it('exports end dates in the column the import reads: importing the export changes nothing', async () => {
    const users = await Promise.all(['exp-1', 'exp-2', 'exp-3', 'exp-ok'].map((u) => getUserMapping(deps, u)));
    const rows = users.map((u) => toExportRow(u!, new Date())).filter((r): r is ExportRow => r !== null);
    expect(rows.find((r) => r.username === 'exp-1')).toMatchObject({
      lobs: ['lob-a', 'lob-b'],
      expiresAt: '2099-01-31T23:59:59.999Z;',
    });
    const result = await importUsersCsv(deps, 'alice-admin', toCsv(rows, EXPORT_COLUMNS));
    expect(result).toMatchObject({ applied: 4, unchanged: 4, errors: [] });
    // An ended membership is not exported (it stays in the audit log).
    expect(toExportRow(users[0]!, new Date('2099-02-15T00:00:00Z'))).toMatchObject({ lobs: ['lob-b'], expiresAt: '' });
  });

  it('audits imported rows under each LOB they touched', async () => {
    const actor = 'carol-admin';
    await addToPool(['audit-imp-1', 'audit-imp-2']);
    await importUsersCsv(deps, actor, 'username,lobs\naudit-imp-1,lob-a;lob-b\naudit-imp-2,lob-b\n');
    const lobA = await listAudit(deps, { lob: 'lob-a', type: 'admin' }, { limit: 500 });
    /** Targets of the audit entries of this import, as listed. */
    const imported = (page: typeof lobA) =>
      page.entries.filter((e) => e.target?.startsWith('audit-imp-')).map((e) => e.target);
    expect(imported(lobA)).toEqual(['audit-imp-1']);
    const lobB = await listAudit(deps, { lob: 'lob-b', type: 'admin' }, { limit: 500 });
    expect(imported(lobB).sort()).toEqual(['audit-imp-1', 'audit-imp-2']);
    const all = await listAudit(deps, { user: actor, type: 'admin' }, { limit: 500 });
    expect(imported(all).sort()).toEqual(['audit-imp-1', 'audit-imp-2']);
  });
});

describe('Test connection', () => {
  const stepsOf = (report: Awaited<ReturnType<typeof testLobConnection>>) =>
    Object.fromEntries(report.steps.map((s) => [s.id, s.status]));
  /** The steps that pass whenever the role can be assumed and the domain described. */
  const reached = { assumeRole: 'ok', describeDomain: 'ok' };
  const connectionOf = async (lob: string) => testLobConnection(deps, await requireLob(deps, lob), 'portal-admin');
  /** Runs `check` while lob-b's Studio domain is changed as given, and puts the domain back afterwards. */
  async function withLobBDomain(change: Parameters<Control['setDomain']>[1], check: () => Promise<void>) {
    await ctl.setDomain('d-lobb1example', change);
    try {
      await check();
    } finally {
      await ctl.setDomain('d-lobb1example', { status: 'InService', appNetworkAccessType: 'VpcOnly' });
    }
  }

  it('passes for a healthy LOB and counts its user profiles', async () => {
    const report = await connectionOf('lob-a');
    expect(report.ok).toBe(true);
    expect(stepsOf(report)).toEqual({ ...reached, domainStatus: 'ok', networkAccess: 'ok', userProfiles: 'ok' });
    expect(report.steps.find((s) => s.id === 'userProfiles')?.detail).toMatch(/^\d+ user profiles? present/);
  });

  it('points at the trust policy when the role cannot be assumed', async () => {
    const lob = await createLob(deps, 'tester', {
      ...(await requireLob(deps, 'lob-a')),
      lob: 'lob-wrong-role',
      roleName: 'NoSuchGenerator',
      urlExpiresSeconds: undefined,
    });
    const report = await testLobConnection(deps, lob, 'portal-admin');
    expect(report.ok).toBe(false);
    const assume = report.steps.find((s) => s.id === 'assumeRole')!;
    expect(assume.status).toBe('failed');
    expect(assume.detail).toMatch(/trust policy/);
    expect(assume.detail).toContain('arn:aws:iam::111111111111:role/NoSuchGenerator');
    // STS's own words (error name, the caller's ARN and account) stay in the log, under the reference shown.
    expect(assume.detail).toMatch(/reference [0-9a-f-]{36}/);
    expect(assume.detail).not.toMatch(/AccessDenied|not authorized|assumed-role|portal-role/i);
    expect(report.steps.find((s) => s.id === 'describeDomain')?.status).toBe('skipped');
  });

  it('fails an account that is not a registered LOB account', async () => {
    const report = await testLobConnection(
      deps,
      { ...(await requireLob(deps, 'lob-a')), accountId: '444444444444' },
      'portal-admin',
    );
    expect(report.steps[0]).toMatchObject({ id: 'assumeRole', status: 'failed' });
  });

  it('reports a domain that is not InService and warns about public network access', async () => {
    await withLobBDomain({ status: 'Updating', appNetworkAccessType: 'PublicInternetOnly' }, async () => {
      const report = await connectionOf('lob-b');
      expect(report.ok).toBe(false);
      expect(stepsOf(report)).toMatchObject({ ...reached, domainStatus: 'failed', networkAccess: 'warning' });
      expect(report.steps.find((s) => s.id === 'domainStatus')?.detail).toContain('Updating');
      expect(report.steps.find((s) => s.id === 'networkAccess')?.detail).toContain('PublicInternetOnly');
    });
  });

  it('a warning step is a pass with a warning, not a plain pass', async () => {
    await withLobBDomain({ appNetworkAccessType: 'PublicInternetOnly' }, async () => {
      const report = await connectionOf('lob-b');
      expect(report).toMatchObject({ ok: true, warnings: 1 });
      expect(connectionHeadline(report)).toBe('Connection test passed with a warning.');
    });
    expect(connectionHeadline(await connectionOf('lob-b'))).toBe('Connection test passed.');
  });

  it('names a domain id that does not exist', async () => {
    const report = await testLobConnection(
      deps,
      { ...(await requireLob(deps, 'lob-a')), domainId: 'd-missing1' },
      'portal-admin',
    );
    const step = report.steps.find((s) => s.id === 'describeDomain')!;
    expect(step.status).toBe('failed');
    expect(step.detail).toMatch(/d-missing1 does not exist in account 111111111111/);
  });

  it('calls AssumeRole on every test instead of using cached credentials', async () => {
    await ctl.resetCounters();
    const lob = await requireLob(deps, 'lob-a');
    await testLobConnection(deps, lob, 'portal-admin');
    await testLobConnection(deps, lob, 'portal-admin');
    expect((await ctl.getCounters())['sts.AssumeRole']).toBe(2);
  });
});
