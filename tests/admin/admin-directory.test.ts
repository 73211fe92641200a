/**
 * lib/admin against the DynamoDB stand-in (AWS's DynamoDB Local behind local/dynamodb.ts) through the production SDK clients:
 * versions and conflicts, LOB deletion rules, CSV import validation and application, audit listing.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DEMO_LOBS } from '@/local/demo-data';
import type { AdminDeps } from '@/lib/admin/deps';
import { createLob, deleteLob, getLob, listLobs, setLobEnabled, updateLob } from '@/lib/admin/lobs';
import { listMappedUsers, saveUserLobs } from '@/lib/admin/user-lobs';
import { getUserMapping } from '@/lib/directory/users';
import { validateImportCsv } from '@/lib/admin/user-import';
import { listAudit } from '@/lib/admin/audit';
import { formatUtc } from '@/lib/time-format';
import { toCsv } from '@/lib/admin/csv';
import { VersionConflictError, LobInUseError, LobExistsError } from '@/lib/admin/errors';
import type { LobInput } from '@/lib/admin/validation';
import { useDirectoryStandIns } from '../support/directory-stand-ins';

const tables = {
  users: 'admin-t-users',
  lobs: 'admin-t-lobs',
  audit: 'admin-t-audit',
  requests: 'admin-t-requests',
  reviews: 'admin-t-reviews',
  usage: 'admin-t-usage',
};
let deps: AdminDeps;
// Memberships are bound to the pool's `sub` (issue 23): saves look the user up in an (empty) Cognito stand-in.
// STS is not reached by these suites (it is covered over HTTP in admin-http.test.ts).
useDirectoryStandIns(tables, (started) => (deps = started.adminDeps()));

function lobInput(lob: string, overrides: Partial<LobInput> = {}): LobInput {
  return {
    lob,
    displayName: `LOB ${lob}`,
    accountId: '333333333333',
    domainId: 'd-test1example',
    region: 'us-east-1',
    roleName: 'PresignedUrlGenerator',
    groups: [],
    defaultApp: 'studio',
    allowedApps: ['studio'],
    sessionDurationSeconds: 3600,
    autoCreateProfile: false,
    enabled: true,
    owners: { users: [], groups: [] },
    acceptsRequests: false,
    maxRequestDays: 90,
    ...overrides,
  };
}

describe('LOBs', () => {
  it('lists the demo LOBs', async () => {
    const lobs = await listLobs(deps);
    expect(lobs.map((l) => l.lob)).toEqual(DEMO_LOBS.map((l) => l.lob));
  });

  it('creates a LOB at version 1, refuses a duplicate, and audits the change', async () => {
    const created = await createLob(deps, 'alice-admin', lobInput('lob-c', { enabled: true }));
    expect(created.version).toBe(1);
    // A new LOB is never offered to users before an admin enables it (after a connection test).
    expect(created.enabled).toBe(false);
    expect((await getLob(deps, 'lob-c'))?.enabled).toBe(false);
    expect(created.updatedBy).toBe('alice-admin');
    await expect(createLob(deps, 'alice-admin', lobInput('lob-c'))).rejects.toBeInstanceOf(LobExistsError);
    const audit = await listAudit(deps, { lob: 'lob-c', type: 'admin' });
    expect(audit.entries[0]).toMatchObject({
      action: 'lob.create',
      user: 'alice-admin',
      target: 'lob-c',
      before: 'null',
    });
    expect(JSON.parse(audit.entries[0].after!)).toMatchObject({ accountId: '333333333333', version: 1 });
  });

  it('refuses a save from a stale version and says who changed it and when', async () => {
    await updateLob(deps, 'bob-admin', lobInput('lob-c', { displayName: 'Bob was here' }), 1);
    const error = await updateLob(deps, 'alice-admin', lobInput('lob-c', { displayName: 'Alice edit' }), 1).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error.code).toBe('conflict.version');
    expect(error.message).toContain('bob-admin');
    expect(error.current).toMatchObject({ updatedBy: 'bob-admin', version: 2 });
    // Readable, not raw ISO: "1 Dec 2026, 21:39 UTC".
    expect(error.message).toContain(formatUtc(error.current.updatedAt));
    expect(error.message).not.toMatch(/\d{4}-\d\d-\d\dT/);
    expect((await getLob(deps, 'lob-c'))?.displayName).toBe('Bob was here');
  });

  it('rejects invalid fields with the field named', async () => {
    const error = await createLob(deps, 'a', lobInput('lob-x', { accountId: '123', sessionDurationSeconds: 60 })).catch(
      (e) => e,
    );
    const paths = error.issues.map((i: { path: string[] }) => i.path[0]);
    expect(paths).toEqual(expect.arrayContaining(['accountId', 'sessionDurationSeconds']));
  });

  it('disables a LOB with a version check', async () => {
    const disabled = await setLobEnabled(deps, 'alice-admin', 'lob-c', false, 2);
    expect(disabled).toMatchObject({ enabled: false, version: 3 });
    await expect(setLobEnabled(deps, 'alice-admin', 'lob-c', true, 2)).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('refuses to delete a LOB users still reference, with the count, unless memberships go too', async () => {
    await createLob(deps, 'alice-admin', lobInput('lob-d'));
    await saveUserLobs(deps, { actor: 'alice-admin', username: 'del-one', lobs: ['lob-d'], expectedVersion: null });
    await saveUserLobs(deps, {
      actor: 'alice-admin',
      username: 'del-two',
      lobs: ['lob-a', 'lob-d'],
      expectedVersion: null,
    });
    const refused = await deleteLob(deps, 'alice-admin', 'lob-d', 1, { removeMemberships: false }).catch((e) => e);
    expect(refused).toBeInstanceOf(LobInUseError);
    expect(refused.memberCount).toBe(2);
    expect(refused.message).toContain('2 users');

    const result = await deleteLob(deps, 'alice-admin', 'lob-d', 1, { removeMemberships: true });
    expect(result.removedMemberships).toBe(2);
    expect(await getLob(deps, 'lob-d')).toBeNull();
    expect(await getUserMapping(deps, 'del-one')).toBeNull();
    expect((await getUserMapping(deps, 'del-two'))?.lobs).toEqual(['lob-a']);
  });
});

describe('User memberships', () => {
  it('creates, updates and removes a mapping with versions', async () => {
    const created = await saveUserLobs(deps, {
      actor: 'alice-admin',
      username: 'mapped-1',
      lobs: ['lob-b'],
      expectedVersion: null,
    });
    expect(created).toMatchObject({ lobs: ['lob-b'], version: 1 });
    const updated = await saveUserLobs(deps, {
      actor: 'alice-admin',
      username: 'mapped-1',
      lobs: ['lob-a', 'lob-b'],
      expectedVersion: 1,
    });
    expect(updated).toMatchObject({ lobs: ['lob-a', 'lob-b'], version: 2 });
    const stale = await saveUserLobs(deps, {
      actor: 'bob-admin',
      username: 'mapped-1',
      lobs: ['lob-a'],
      expectedVersion: 1,
    }).catch((e) => e);
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(stale.message).toContain('alice-admin');
    expect(
      await saveUserLobs(deps, { actor: 'alice-admin', username: 'mapped-1', lobs: [], expectedVersion: 2 }),
    ).toBeNull();
    expect(await getUserMapping(deps, 'mapped-1')).toBeNull();
    const raw = await deps.ddb.send(new GetCommand({ TableName: tables.users, Key: { username: 'user-lob-a' } }));
    expect(raw.Item?.kind).toBe('user');
  });

  it('refuses unknown LOBs', async () => {
    await expect(
      saveUserLobs(deps, { actor: 'alice-admin', username: 'mapped-2', lobs: ['nope'], expectedVersion: null }),
    ).rejects.toThrow(/Unknown line of business: nope/);
  });

  it('refuses creating a mapping someone else created meanwhile', async () => {
    await saveUserLobs(deps, { actor: 'bob-admin', username: 'mapped-3', lobs: ['lob-a'], expectedVersion: null });
    const late = { actor: 'alice-admin', username: 'mapped-3', lobs: ['lob-b'], expectedVersion: null };
    const error = await saveUserLobs(deps, late).catch((e) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error.message).toContain('bob-admin');
  });

  it('pages mapped users by prefix', async () => {
    const first = await listMappedUsers(deps, { prefix: 'user-', limit: 2 });
    expect(first.users.map((u) => u.username)).toEqual(['user-expiring', 'user-lob-a']);
    expect(first.nextToken).toBeTruthy();
    const second = await listMappedUsers(deps, { prefix: 'user-', limit: 2, pageToken: first.nextToken });
    expect(second.users.map((u) => u.username)).toEqual(['user-lob-b', 'user-multi']);
  });
});

describe('CSV import', () => {
  it('reports each bad row with its file line number and reason', () => {
    // The file as an admin uploads it (its line numbers are the ones the errors name).
    const text = `username,lobs
good-1,lob-a
-bad-name,lob-a

good-2,lob-a;lob-b
good-3,lob-zzz
good-4,
good-1,lob-b
"quoted`;
    const result = validateImportCsv(text, ['lob-a', 'lob-b']);
    expect(result.rows.map((r) => [r.line, r.username, r.lobs])).toEqual([
      [2, 'good-1', ['lob-a']],
      [5, 'good-2', ['lob-a', 'lob-b']],
    ]);
    expect(result.errors.map((e) => e.line)).toEqual([3, 6, 7, 8, 9]);
    expect(result.errors[0].reason).toMatch(/not a valid username/);
    expect(result.errors[1].reason).toMatch(/Unknown line of business: lob-zzz/);
    expect(result.errors[2].reason).toMatch(/No line of business/);
    expect(result.errors[3].reason).toMatch(/first on line 2/);
  });

  it('reads an optional action column: set (or empty) and remove, where remove may list no LOB (all)', () => {
    const text = `username,lobs,action
a-1,lob-a,
a-2,lob-b,set
a-3,lob-a,remove
a-4,,remove
a-5,,
a-6,lob-a,drop`;
    const result = validateImportCsv(text, ['lob-a', 'lob-b']);
    expect(result.rows.map((r) => [r.username, r.action, r.lobs])).toEqual([
      ['a-1', 'set', ['lob-a']],
      ['a-2', 'set', ['lob-b']],
      ['a-3', 'remove', ['lob-a']],
      ['a-4', 'remove', []],
    ]);
    expect(result.errors.map((e) => [e.line, e.reason])).toEqual([
      [6, expect.stringMatching(/No line of business given.*"remove"/)],
      [7, 'Unknown action "drop": use "set" (or leave it empty) or "remove".'],
    ]);
  });

  it('refuses a file without the header', () => {
    expect(validateImportCsv('alice,lob-a\n', ['lob-a']).fileError).toMatch(/header/);
  });
  // Applying rows needs the user pool: tests/admin/admin-stand-ins.test.ts.
});

describe('Audit log', () => {
  it('lists newest first and pages with an opaque token', async () => {
    const first = await listAudit(deps, { type: 'admin' }, { limit: 3 });
    expect(first.entries).toHaveLength(3);
    const ats = first.entries.map((e) => e.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    const second = await listAudit(deps, { type: 'admin' }, { limit: 3, pageToken: first.nextToken });
    expect(second.entries[0].at <= first.entries[2].at).toBe(true);
    await expect(listAudit(deps, {}, { pageToken: '%%%' })).rejects.toThrow(/page link/);
  });

  it('filters by LOB and by user', async () => {
    const byLob = await listAudit(deps, { lob: 'lob-c' }, { limit: 50 });
    expect(byLob.entries.length).toBeGreaterThanOrEqual(3);
    expect(byLob.entries.every((e) => e.lob === 'lob-c')).toBe(true);
    const byUser = await listAudit(deps, { user: 'bob-admin' }, { limit: 50 });
    expect(byUser.entries.length).toBeGreaterThan(0);
    expect(byUser.entries.every((e) => e.user === 'bob-admin')).toBe(true);
    // A prefix, as in the Users search: "bob" finds bob-admin (exact names only before).
    const byPrefix = await listAudit(deps, { user: 'bob' }, { limit: 50 });
    expect(byPrefix.entries.length).toBe(byUser.entries.length);
    expect(byPrefix.entries.every((e) => e.user.startsWith('bob'))).toBe(true);
  });
});

describe('CSV export', () => {
  it('neutralises formula cells', () => {
    const text = toCsv(
      [{ a: '=HYPERLINK("x")', b: '+1', c: '-2', d: '@SUM', e: 'plain', f: ['x', 'y'] }],
      ['a', 'b', 'c', 'd', 'e', 'f'],
    );
    expect(text.split('\r\n')[1]).toBe(`"'=HYPERLINK(""x"")","'+1","'-2","'@SUM",plain,x;y`);
  });

  it('neutralises formula cells whatever follows them, line breaks included', () => {
    const text = toCsv(
      [{ a: '=HYPERLINK("http://x")\nsecond', b: '\t=1+1', c: '\r=1', d: '-1\r\nx' }],
      ['a', 'b', 'c', 'd'],
    );
    expect(text.split('\r\n').slice(1).join('\r\n')).toBe(
      `"'=HYPERLINK(""http://x"")\nsecond","'\t=1+1","'\r=1","'-1\r\nx"\r\n`,
    );
  });
});

describe('Audit: a user change is found under each LOB it touched', () => {
  const actor = 'carol-admin';
  const ofTarget = (entries: Awaited<ReturnType<typeof listAudit>>['entries'], target: string) =>
    entries
      .filter((e) => e.target === target)
      .map((e) => `${e.action} ${e.lobs.join('+')}`)
      .sort();

  it('finds a mapping change by every LOB added or removed, and shows it once without a LOB filter', async () => {
    // Prepare: create in two LOBs, then drop one (touches only lob-b), then remove the mapping (touches lob-a).
    await saveUserLobs(deps, { actor, username: 'audit-multi', lobs: ['lob-a', 'lob-b'], expectedVersion: null });
    await saveUserLobs(deps, { actor, username: 'audit-multi', lobs: ['lob-a'], expectedVersion: 1 });
    await saveUserLobs(deps, { actor, username: 'audit-multi', lobs: [], expectedVersion: 2 });

    // Assess: each LOB's view holds exactly the changes that touched it.
    const lobA = await listAudit(deps, { lob: 'lob-a' }, { limit: 500 });
    expect(ofTarget(lobA.entries, 'audit-multi')).toEqual(['user.lobs.create lob-a+lob-b', 'user.lobs.delete lob-a']);
    expect(lobA.entries.filter((e) => e.target === 'audit-multi').every((e) => e.lob === 'lob-a')).toBe(true);
    const lobB = await listAudit(deps, { lob: 'lob-b', type: 'admin' }, { limit: 500 });
    expect(ofTarget(lobB.entries, 'audit-multi')).toEqual(['user.lobs.create lob-a+lob-b', 'user.lobs.update lob-b']);

    // Without a LOB filter each change is listed once (the per-LOB copies stay out of sight).
    const all = await listAudit(deps, {}, { limit: 500 });
    expect(ofTarget(all.entries, 'audit-multi')).toEqual([
      'user.lobs.create lob-a+lob-b',
      'user.lobs.delete lob-a',
      'user.lobs.update lob-b',
    ]);
    const byActor = await listAudit(deps, { user: actor }, { limit: 500 });
    expect(ofTarget(byActor.entries, 'audit-multi')).toHaveLength(3);
    // User and LOB together (byUser index, LOB as a filter) finds the copies too.
    const byActorInB = await listAudit(deps, { user: actor, lob: 'lob-b' }, { limit: 500 });
    expect(ofTarget(byActorInB.entries, 'audit-multi')).toEqual([
      'user.lobs.create lob-a+lob-b',
      'user.lobs.update lob-b',
    ]);
  });
});
