/**
 * Admin changes are all-or-nothing and never overwrite a concurrent edit, proven against AWS's DynamoDB
 * Local (real TransactWriteItems) through the production SDK clients. A concurrent edit is made to happen
 * at an exact point (right after the admin function's read) by an SDK middleware on the admin's client
 * that runs another admin's save through a second client; nothing is stubbed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Knobs } from '@/local/knobs';
import type { AdminDeps } from '@/lib/admin/deps';
import { saveUserLobs } from '@/lib/admin/user-lobs';
import { getUserMapping } from '@/lib/directory/users';
import { setLobEnabled, getLob } from '@/lib/admin/lobs';
import { importUsersCsv } from '@/lib/admin/user-import';
import { listAudit } from '@/lib/admin/audit';
import { VersionConflictError } from '@/lib/admin/errors';
import { PortalError } from '@/lib/errors';
import { useDirectoryStandIns, type DirectoryStandIns } from '../support/directory-stand-ins';

const tables = {
  users: 'tx-users',
  lobs: 'tx-lobs',
  audit: 'tx-audit',
  requests: 'tx-requests',
  reviews: 'tx-reviews',
  usage: 'tx-usage',
};
const knobs = new Knobs();
let directory: DirectoryStandIns;
let other: AdminDeps;
useDirectoryStandIns(
  tables,
  (started) => {
    directory = started;
    // Imports refuse users who are not in the pool: a real Cognito stand-in holds the ones these tests name.
    const names = ['race-1', 'race-2', 'race-new', 'race-late', ...Array.from({ length: 250 }, (_, i) => `bulk-${i}`)];
    for (const username of names)
      started.cognito.users.create({ username, password: 'TxUser1!x', email: `${username}@example.com`, groups: [] });
    other = started.adminDeps();
  },
  knobs,
);

/** An admin whose client runs `race` once, right after the first `operation` call returns (maxAttempts 1: no SDK retries hide anything). */
function racingAdmin(operation: string, race: () => Promise<unknown>): AdminDeps {
  const client = directory.dynamoClient({ maxAttempts: 1 });
  let raced = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (!raced && context.commandName === `${operation}Command`) {
        raced = true;
        await race();
      }
      return out;
    },
    { step: 'initialize', name: 'raceAfterRead' },
  );
  return directory.adminDeps(client);
}

beforeEach(() => {
  knobs.clearFaults();
  knobs.resetCounters();
});

const entriesFor = async (target: string) =>
  (await listAudit(other, { type: 'admin' }, { limit: 500 })).entries.filter((e) => e.target === target);

describe('CSV import against concurrent edits', () => {
  it('refuses and reports the row of a user changed while the import ran, and applies the others', async () => {
    // Arrange: two mapped users; bob changes race-1 right after the import has read the current rows.
    await saveUserLobs(other, { actor: 'seed-admin', username: 'race-1', lobs: ['lob-a'], expectedVersion: null });
    await saveUserLobs(other, { actor: 'seed-admin', username: 'race-2', lobs: ['lob-a'], expectedVersion: null });
    const alice = racingAdmin('BatchGetItem', () =>
      saveUserLobs(other, { actor: 'bob-admin', username: 'race-1', lobs: ['lob-b'], expectedVersion: 1 }),
    );

    // Act
    const result = await importUsersCsv(
      alice,
      'alice-admin',
      'username,lobs\nrace-1,lob-a;lob-b\nrace-2,lob-b\nrace-new,lob-a\n',
    );

    // Assert: line 2 refused, naming who changed it; bob's edit survives; the other rows landed.
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ line: 2, username: 'race-1' });
    expect(result.errors[0].reason).toMatch(
      /race-1 was changed by bob-admin at .* \(now version 2\) while the import ran; this row was not applied/,
    );
    expect(result.applied).toBe(2);
    expect(await getUserMapping(other, 'race-1')).toMatchObject({
      lobs: ['lob-b'],
      version: 2,
      updatedBy: 'bob-admin',
    });
    expect(await getUserMapping(other, 'race-2')).toMatchObject({
      lobs: ['lob-b'],
      version: 2,
      updatedBy: 'alice-admin',
    });
    expect(await getUserMapping(other, 'race-new')).toMatchObject({
      lobs: ['lob-a'],
      version: 1,
      updatedBy: 'alice-admin',
    });
    // Only applied rows are audited as imported.
    const imported = (await listAudit(other, { user: 'alice-admin', type: 'admin' }, { limit: 500 })).entries
      .filter((e) => e.requestId === result.requestId)
      .map((e) => e.target)
      .sort();
    expect(imported).toEqual(['race-2', 'race-new']);
  });

  it('refuses a new user that someone else mapped meanwhile instead of overwriting them', async () => {
    const alice = racingAdmin('BatchGetItem', () =>
      saveUserLobs(other, { actor: 'bob-admin', username: 'race-late', lobs: ['lob-b'], expectedVersion: null }),
    );
    const result = await importUsersCsv(alice, 'alice-admin', 'username,lobs\nrace-late,lob-a\n');
    expect(result.applied).toBe(0);
    expect(result.errors.map((e) => [e.line, e.username])).toEqual([[2, 'race-late']]);
    expect(await getUserMapping(other, 'race-late')).toMatchObject({
      lobs: ['lob-b'],
      version: 1,
      updatedBy: 'bob-admin',
    });
  });

  it('writes each row with its audit record in transactions of at most 100 items (250 rows)', async () => {
    const lines = ['username,lobs', ...Array.from({ length: 250 }, (_, i) => `bulk-${i},lob-a`)];
    const result = await importUsersCsv(other, 'alice-admin', lines.join('\n'));
    expect(result).toMatchObject({ applied: 250, errors: [] });
    const counters = knobs.getCounters();
    // 250 rows x (user + audit) = 500 items: 5 transactions, no unconditional batch writes.
    expect(counters['dynamodb.TransactWriteItems']).toBe(5);
    expect(counters['dynamodb.BatchWriteItem']).toBeUndefined();
    expect(await getUserMapping(other, 'bulk-249')).toMatchObject({ lobs: ['lob-a'], version: 1 });
  });
});

describe('An admin change and its audit record: both or neither', () => {
  it('saves a mapping and its audit record in one TransactWriteItems', async () => {
    await saveUserLobs(other, {
      actor: 'alice-admin',
      username: 'tx-1',
      lobs: ['lob-a', 'lob-b'],
      expectedVersion: null,
    });
    expect(knobs.getCounters()).toMatchObject({ 'dynamodb.TransactWriteItems': 1 });
    expect(knobs.getCounters()['dynamodb.PutItem']).toBeUndefined();
    expect((await entriesFor('tx-1')).map((e) => e.action)).toEqual(['user.lobs.create']);
  });

  it('writes neither when the transaction fails', async () => {
    knobs.addFault({ service: 'dynamodb', operation: 'TransactWriteItems', error: 'InternalServerError', count: 10 });
    const edit = { actor: 'alice-admin', username: 'tx-2', lobs: ['lob-a'], expectedVersion: null };
    const error = await saveUserLobs(other, edit).catch((e) => e);
    expect(error).toBeInstanceOf(PortalError);
    knobs.clearFaults();
    expect(await getUserMapping(other, 'tx-2')).toBeNull();
    expect(await entriesFor('tx-2')).toEqual([]);
  });

  it('refuses a save that lost the race after its own check, with who and when, and audits nothing for it', async () => {
    await saveUserLobs(other, { actor: 'alice-admin', username: 'tx-3', lobs: ['lob-a'], expectedVersion: null });
    // carol's save reads version 1 (GetItem), then bob saves, then carol's transaction runs.
    const carol = racingAdmin('GetItem', () =>
      saveUserLobs(other, { actor: 'bob-admin', username: 'tx-3', lobs: ['lob-b'], expectedVersion: 1 }),
    );
    const error = await saveUserLobs(carol, {
      actor: 'carol-admin',
      username: 'tx-3',
      lobs: ['lob-a', 'lob-b'],
      expectedVersion: 1,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error.message).toMatch(/changed by bob-admin at .* \(now version 2\)/);
    expect(await getUserMapping(other, 'tx-3')).toMatchObject({ lobs: ['lob-b'], version: 2 });
    expect((await entriesFor('tx-3')).map((e) => e.user).sort()).toEqual(['alice-admin', 'bob-admin']);
  });

  it('does the same for a LOB change', async () => {
    const lob = await getLob(other, 'lob-b');
    const carol = racingAdmin('GetItem', () => setLobEnabled(other, 'bob-admin', 'lob-b', false, lob!.version));
    const error = await setLobEnabled(carol, 'carol-admin', 'lob-b', false, lob!.version).catch((e) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect((await entriesFor('lob-b')).map((e) => `${e.user} ${e.action}`)).toEqual(['bob-admin lob.disable']);
    await setLobEnabled(other, 'bob-admin', 'lob-b', true, lob!.version + 1);
  });
});
