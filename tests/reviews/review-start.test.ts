/**
 * Starting a review of a large LOB (issue 14) through the production DynamoDB client against DynamoDB Local:
 * the snapshot holds every direct member once, and a start that fails halfway through writing it leaves
 * no review behind (the header, which makes a review exist and "open", is written only after every row).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AdminDeps } from '@/lib/admin/deps';
import { batchWriteAll, type TableWrite } from '@/lib/directory/writes';
import { toMembershipsAttribute } from '@/lib/directory/items';
import type { Lob } from '@/lib/directory/types';
import { getReview, getReviewSettings, startReview } from '@/lib/admin/reviews';
import { DEFAULT_DUE_DAYS, iterateReviewRowPages, queryLobReviews } from '@/lib/directory/reviews';
import type { Control } from '../support/portal-stack';
import { useAdminStandIns } from '../support/admin-stand-ins';

const LOB = 'start-lob';
/** More than one snapshot page (1,000) and many BatchWriteItem calls (25 rows each). */
const MEMBERS = 2_300;

let deps: AdminDeps;
let ctl: Control;
const lob: Lob = {
  lob: LOB,
  displayName: 'Start',
  accountId: '111111111111',
  domainId: 'd-start',
  region: 'us-east-1',
  roleName: 'PresignedUrlGenerator',
  groups: ['start-group'],
  defaultApp: 'studio',
  allowedApps: ['studio'],
  sessionDurationSeconds: 3600,
  autoCreateProfile: false,
  enabled: true,
  owners: { users: ['start-owner'], groups: [] },
  acceptsRequests: false,
  maxRequestDays: 90,
  version: 1,
};

useAdminStandIns((started) => ({ deps, ctl } = started), { notify: false });

beforeAll(async () => {
  const writes: TableWrite[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const username = `start-${String(i).padStart(5, '0')}`;
    // Every tenth member's membership has ended: not in the snapshot.
    const membership =
      i % 10 === 9
        ? { lob: LOB, via: 'admin' as const, until: '2020-01-01T00:00:00.000Z' }
        : { lob: LOB, via: 'admin' as const };
    writes.push({
      table: deps.tables.users,
      request: {
        PutRequest: {
          Item: { username, kind: 'user', lobs: [LOB], memberships: toMembershipsAttribute([membership]), version: 1 },
        },
      },
    });
  }
  await batchWriteAll(deps.ddb, writes, 8);
}, 180_000);

afterAll(async () => {
  await ctl?.clearFaults().catch(() => undefined);
});

const active = MEMBERS - MEMBERS / 10;

async function rowsOf(id: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of iterateReviewRowPages(deps, id)) names.push(...page.map((r) => r.username));
  return names;
}

describe('Starting a review of a large LOB', () => {
  it('fails as a whole when the snapshot cannot be written: no review appears, none looks complete', async () => {
    // About every other BatchWriteItem is refused (not retryable), so the snapshot stops part-way.
    await ctl.setFault({ service: 'dynamodb', operation: 'BatchWriteItem', error: 'ValidationException', rate: 0.5 });
    try {
      await expect(startReview(deps, { actor: 'start-owner', lob, dueDays: 14 })).rejects.toThrow();
    } finally {
      await ctl.clearFaults();
    }
    expect(await queryLobReviews(deps, LOB)).toEqual([]);
    // Nothing in the open-reviews index either (what the review job and the member list read).
    const open = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.tables.reviews,
        IndexName: 'openByDue',
        KeyConditionExpression: 'openKind = :o',
        ExpressionAttributeValues: { ':o': 'open' },
      }),
    );
    expect((open.Items ?? []).filter((i) => i.reviewLob === LOB)).toEqual([]);
  });

  it('snapshots every active member exactly once, in pages read while the previous page is written', async () => {
    const review = await startReview(deps, { actor: 'start-owner', lob, dueDays: 14 });
    expect(review).toMatchObject({ status: 'open', total: active, decided: 0, groups: ['start-group'] });
    const rows = await rowsOf(review.id);
    expect(rows).toHaveLength(active);
    expect(new Set(rows).size).toBe(active);
    expect(rows).not.toContain('start-00009');
    expect(rows).toContain('start-02298');
    expect((await queryLobReviews(deps, LOB)).map((r) => r.id)).toEqual([review.id]);
  });
});

describe('Review items at the data layer border', () => {
  it('a LOB without stored settings gets the defaults; stored settings read back as saved', async () => {
    expect(await getReviewSettings(deps, 'no-settings-lob')).toEqual({
      lob: 'no-settings-lob',
      dueDays: DEFAULT_DUE_DAYS,
      removeUndecided: false,
      version: 0,
    });
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.reviews,
        Item: {
          pk: 'settings#set-lob',
          sk: 'settings',
          lob: 'set-lob',
          dueDays: 10,
          removeUndecided: true,
          everyDays: 30,
          nextAt: '2027-01-01T00:00:00.000Z',
          scheduleKind: 'schedule',
          version: 3,
        },
      }),
    );
    expect(await getReviewSettings(deps, 'set-lob')).toEqual({
      lob: 'set-lob',
      dueDays: 10,
      removeUndecided: true,
      everyDays: 30,
      nextAt: '2027-01-01T00:00:00.000Z',
      version: 3,
    });
  });

  it('refuses stored review items that are not what the portal writes, naming the item and the field', async () => {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.reviews,
        Item: { pk: 'settings#bad-lob', sk: 'settings', lob: 'bad-lob', dueDays: 'fourteen', version: 1 },
      }),
    );
    await expect(getReviewSettings(deps, 'bad-lob')).rejects.toMatchObject({
      code: 'directory.item_invalid',
      message: expect.stringMatching(/Reviews item settings#bad-lob settings .*dueDays/),
    });
    // A header without its LOB (a hand edit): not a review the console can show or decide in.
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.reviews,
        Item: {
          pk: 'review#no-lob',
          sk: 'meta',
          status: 'open',
          createdAt: '2026-11-01T00:00:00.000Z',
          createdBy: 'x',
          dueAt: '2026-11-15T00:00:00.000Z',
          total: 0,
          decided: 0,
        },
      }),
    );
    await expect(getReview(deps, 'no-lob')).rejects.toMatchObject({
      code: 'directory.item_invalid',
      message: expect.stringContaining('reviewLob'),
    });
  });
});
