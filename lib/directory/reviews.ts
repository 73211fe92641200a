/**
 * The access-reviews table (REVIEWS_TABLE): one partition per review, `pk` = `review#<id>`, with the
 * header (`sk` = `meta`) and one snapshot row per member (`sk` = `member#<username>`, its decision written
 * once); per-LOB review settings at `pk` = `settings#<lob>`, `sk` = `settings`. Reads reshape items into
 * Review / ReviewRow / ReviewSettings at this border; writes are built here and committed by the caller's
 * transaction (lib/admin/reviews.ts keeps the rules: who decides, when a review closes, the audit wording).
 */
import { GetCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { isConditionalCheckFailed } from '../aws/errors';
import { mapConcurrent } from '../concurrency';
import { PortalError } from '../errors';
import type { DocumentClient, TableAccessTo } from './access';
import { DirectoryItemError, issuesOf } from './items';
import { AUDIT_TABLE, REVIEWS_TABLE, indexOf } from './schema';
import type { LobOwners, PageKey } from './types';
import { batchGetAll, batchWriteAll, queryNewestFirst, type DirectoryWrite, type TableWrite } from './writes';
import { send } from './send';

export type ReviewStatus = 'open' | 'finished';
export type ReviewDecision = 'keep' | 'remove';

export interface Review {
  id: string;
  lob: string;
  status: ReviewStatus;
  createdAt: string;
  createdBy: string;
  dueAt: string;
  /** Who decides: the LOB's owners when the review started. */
  reviewers: LobOwners;
  /** IdP groups that granted access at the snapshot (managed in the IdP, listed apart). */
  groups: string[];
  /** Direct members in the snapshot. */
  total: number;
  decided: number;
  finishedAt?: string;
  finishedBy?: string;
  /** Undecided members removed when it closed (LOB setting). */
  removedUndecided?: number;
}

export interface ReviewRow {
  username: string;
  /** The membership's end at the snapshot (undefined: no end). */
  until?: string;
  decision?: ReviewDecision;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
  /** New end date set with Keep. */
  newUntil?: string;
  /** Last successful launch into the LOB (from the audit log), filled per page; null: none found. */
  lastUsed?: string | null;
}

export interface ReviewSettings {
  lob: string;
  /** Open a review every N days (undefined: no schedule). */
  everyDays?: number;
  /** Days from opening to the due date. */
  dueDays: number;
  /** Remove members still undecided when the review closes (at its due date, or when finished). */
  removeUndecided: boolean;
  /** When the schedule opens the next review. */
  nextAt?: string;
  version: number;
}

/** Days from opening a review to its due date when a LOB's settings do not say. */
export const DEFAULT_DUE_DAYS = 14;

type Item = Record<string, unknown>;
type Access = TableAccessTo<'reviews'>;

const REVIEW_PREFIX = 'review#';
const SETTINGS_PREFIX = 'settings#';
const ROW_PREFIX = 'member#';
const META = 'meta';
const reviewPk = (id: string) => `${REVIEW_PREFIX}${id}`;
const rowSk = (username: string) => `${ROW_PREFIX}${username}`;
const headerKey = (id: string) => ({ pk: reviewPk(id), sk: META });
const rowKey = (id: string, username: string) => ({ pk: reviewPk(id), sk: rowSk(username) });
const settingsKey = (lob: string) => ({ pk: `${SETTINGS_PREFIX}${lob}`, sk: 'settings' });

const text = z.string();
const optionalText = z.string().optional();
const tally = z.number().int().nonnegative();
const names = z.array(z.string()).default([]);

const headerSchema = z.object({
  pk: text.startsWith(REVIEW_PREFIX),
  reviewLob: text.min(1),
  status: z.enum(['open', 'finished']),
  createdAt: text,
  createdBy: text,
  dueAt: text,
  reviewers: z.object({ users: names, groups: names }).default({ users: [], groups: [] }),
  groups: names,
  total: tally,
  decided: tally.default(0),
  finishedAt: optionalText,
  finishedBy: optionalText,
  removedUndecided: tally.optional(),
});

const rowSchema = z.object({
  username: text.min(1),
  until: optionalText,
  decision: z.enum(['keep', 'remove']).optional(),
  decidedBy: optionalText,
  decidedAt: optionalText,
  comment: optionalText,
  newUntil: optionalText,
});

const settingsSchema = z.object({
  pk: text.startsWith(SETTINGS_PREFIX),
  everyDays: z.number().int().positive().optional(),
  dueDays: z.number().int().positive().default(DEFAULT_DUE_DAYS),
  removeUndecided: z.boolean().default(false),
  nextAt: optionalText,
  version: tally.default(0),
});

/** Parses a Reviews item with its wire schema; a malformed item is refused, never guessed. */
function parseItem<S extends z.ZodType>(schema: S, item: Item): z.output<S> {
  const parsed = schema.safeParse(item);
  if (!parsed.success)
    throw new DirectoryItemError('Reviews', `${String(item.pk)} ${String(item.sk)}`, issuesOf(parsed.error));
  return parsed.data;
}

export function reshapeReviewItem(item: Item): Review {
  const { pk, reviewLob, ...header } = parseItem(headerSchema, item);
  return { id: pk.slice(REVIEW_PREFIX.length), lob: reviewLob, ...header };
}

export function reshapeReviewRowItem(item: Item): ReviewRow {
  return parseItem(rowSchema, item);
}

export function reshapeReviewSettingsItem(item: Item): ReviewSettings {
  const { pk, ...settings } = parseItem(settingsSchema, item);
  return { lob: pk.slice(SETTINGS_PREFIX.length), ...settings };
}

async function getItem(access: Access, key: Item, operation: string): Promise<Item | undefined> {
  const get = new GetCommand({ TableName: access.tables.reviews, Key: key, ConsistentRead: true });
  return (await send(operation, () => access.ddb.send(get))).Item;
}

function query(ddb: DocumentClient, input: QueryCommandInput, operation: string) {
  return send(operation, () => ddb.send(new QueryCommand(input)));
}

/** The review's header (consistent read), or null when there is no such review. */
export async function getReviewHeader(access: Access, id: string): Promise<Review | null> {
  const item = await getItem(access, headerKey(id), 'reviews.get');
  return item ? reshapeReviewItem(item) : null;
}

/** One member's row of a review (consistent read), or null when the member was not in the snapshot. */
export async function getReviewRow(access: Access, id: string, username: string): Promise<ReviewRow | null> {
  const item = await getItem(access, rowKey(id, username), 'reviews.get_row');
  return item ? reshapeReviewRowItem(item) : null;
}

/** A LOB's stored review settings, or null when it has none. */
export async function getStoredReviewSettings(access: Access, lob: string): Promise<ReviewSettings | null> {
  const item = await getItem(access, settingsKey(lob), 'reviews.get_settings');
  return item ? reshapeReviewSettingsItem(item) : null;
}

/** Reviews of a LOB, newest first (the byLob index holds headers only). */
/** Reviews of a LOB, newest first. */
export function queryLobReviews(access: Access, lob: string, limit = 20): Promise<Review[]> {
  return queryNewestFirst(access, REVIEWS_TABLE, 'byLob', { value: lob, limit }, reshapeReviewItem);
}

/**
 * One query of a review's rows in username order (from `startKey`, usernames starting with `prefix`,
 * optionally undecided only): the rows, where to go on, and how many items DynamoDB read for them.
 */
export async function queryReviewRows(
  access: Access,
  id: string,
  page: { limit?: number; startKey?: PageKey; prefix?: string; undecidedOnly?: boolean },
): Promise<{ rows: ReviewRow[]; nextKey?: PageKey; scanned: number }> {
  const out = await query(
    access.ddb,
    {
      TableName: access.tables.reviews,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ...(page.undecidedOnly ? { FilterExpression: 'attribute_not_exists(decision)' } : {}),
      ExpressionAttributeValues: { ':pk': reviewPk(id), ':prefix': rowSk(page.prefix ?? '') },
      Limit: page.limit,
      ExclusiveStartKey: page.startKey,
    },
    'reviews.rows',
  );
  const rows = (out.Items ?? []).map(reshapeReviewRowItem);
  return { rows, nextKey: out.LastEvaluatedKey, scanned: out.ScannedCount ?? rows.length };
}

/** Every row of a review in username order, page by page. */
export async function* iterateReviewRowPages(access: Access, id: string): AsyncGenerator<ReviewRow[]> {
  let startKey: PageKey | undefined;
  do {
    const page = await queryReviewRows(access, id, { startKey });
    yield page.rows;
    startKey = page.nextKey;
  } while (startKey);
}

/** Which of `usernames` have a row in the review that is still undecided (one BatchGetItem per 100). */
export async function findUndecidedRows(
  access: Access,
  id: string,
  usernames: readonly string[],
): Promise<Set<string>> {
  const items = await batchGetAll(
    access.ddb,
    access.tables.reviews,
    usernames.map((u) => rowKey(id, u)),
  );
  return new Set(
    items
      .map(reshapeReviewRowItem)
      .filter((r) => !r.decision)
      .map((r) => r.username),
  );
}

/** Audit entries one request reads (newest first) while looking for a member's last launch into the LOB. */
const LAST_LAUNCH_PAGE = 100;
/**
 * At most this many of a member's audit entries are read per member (LAST_LAUNCH_PAGE per request): a
 * member with more entries (launches elsewhere, failed launches, admin actions) newer than their last
 * launch into the LOB shows none. The audit log keeps 400 days, so this bounds the reads, not the answer
 * of members with ordinary histories.
 */
export const LAST_LAUNCH_MAX_READS = 2000;

/**
 * Latest successful launch into `lob` per user, from the audit index byUser: newest first, page after
 * page (LAST_LAUNCH_PAGE entries each; a Query's Limit counts entries before its filter) until the first
 * successful launch into the LOB, the user's history ends, or LAST_LAUNCH_MAX_READS entries were read;
 * 16 users at a time. With `since`, only entries after it are read.
 */
export async function findLastLaunches(
  access: TableAccessTo<'audit'>,
  lob: string,
  usernames: string[],
  since?: string,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  await mapConcurrent(usernames, 16, async (user) => {
    let startKey: PageKey | undefined;
    let read = 0;
    do {
      const out = await query(
        access.ddb,
        {
          TableName: access.tables.audit,
          IndexName: indexOf(AUDIT_TABLE, 'byUser').name,
          KeyConditionExpression: since ? '#user = :user AND sk >= :since' : '#user = :user',
          FilterExpression: '#type = :launch AND #lob = :lob AND outcome = :ok',
          ExpressionAttributeNames: { '#user': 'user', '#type': 'type', '#lob': 'lob' },
          ExpressionAttributeValues: {
            ':user': user,
            ':launch': 'launch',
            ':lob': lob,
            ':ok': 'success',
            ...(since ? { ':since': since } : {}),
          },
          ScanIndexForward: false,
          Limit: Math.min(LAST_LAUNCH_PAGE, LAST_LAUNCH_MAX_READS - read),
          ExclusiveStartKey: startKey,
        },
        'audit.last_launch',
      );
      const at = out.Items?.[0]?.at;
      if (typeof at === 'string') {
        found.set(user, at);
        return;
      }
      read += out.ScannedCount ?? LAST_LAUNCH_PAGE;
      startKey = out.LastEvaluatedKey;
    } while (startKey && read < LAST_LAUNCH_MAX_READS);
  });
  return found;
}

/** Items of a sparse "due" index whose range key is at or before `now` (at most `limit`). */
/** A sparse due-date index of the Reviews table, found by name (lib/directory/schema.ts), with its range key. */
function dueIndex(name: 'openByDue' | 'schedulesDue' | 'remindersDue'): { name: string; hash: string; range: string } {
  const index = indexOf(REVIEWS_TABLE, name);
  if (!index.range)
    throw new PortalError('internal', `The Reviews table schema has no ${name} index with a range key.`);
  return { name: index.name, hash: index.hash, range: index.range };
}

/** One page of a sparse "due" index: items whose range key is at or before `now` (at most `limit`), and where to go on. */
async function queryDuePage(
  access: Access,
  index: { name: string; hash: string; range: string },
  value: string,
  now: string,
  limit: number,
  startKey?: PageKey,
) {
  const out = await query(
    access.ddb,
    {
      TableName: access.tables.reviews,
      IndexName: index.name,
      KeyConditionExpression: '#k = :k AND #r <= :now',
      ExpressionAttributeNames: { '#k': index.hash, '#r': index.range },
      ExpressionAttributeValues: { ':k': value, ':now': now },
      Limit: limit,
      ExclusiveStartKey: startKey,
    },
    `reviews.${index.name}`,
  );
  return { items: out.Items ?? [], nextKey: out.LastEvaluatedKey };
}

async function queryDue(
  access: Access,
  index: { name: string; hash: string; range: string },
  value: string,
  now: string,
  limit: number,
): Promise<Item[]> {
  return (await queryDuePage(access, index, value, now, limit)).items;
}

/** Settings whose schedule is due (`nextAt` <= now), from the sparse schedulesDue index. */
export async function queryDueSchedules(access: Access, now: string, limit: number): Promise<ReviewSettings[]> {
  return (await queryDue(access, dueIndex('schedulesDue'), 'schedule', now, limit)).map(reshapeReviewSettingsItem);
}

/** Open reviews past their due date, from the sparse openByDue index. */
export async function queryOverdueReviews(access: Access, now: string, limit: number): Promise<Review[]> {
  return (await queryDue(access, dueIndex('openByDue'), 'open', now, limit)).map(reshapeReviewItem);
}

/** The remindersDue index's hash value: set on open headers with a reminder still to send. */
const REMIND_KIND = 'remind';

/** A review with a reminder due, and that reminder's slot (its `remindAt`; markers stay off the Review). */
export interface DueReminder {
  review: Review;
  remindAt: string;
}

/** Every page of a sparse due-date index up to `now` (`limit` items a page), one Query at a time. */
async function* duePages(
  access: Access,
  index: { name: string; hash: string; range: string },
  value: string,
  now: string,
  limit: number,
) {
  let startKey: PageKey | undefined;
  do {
    const page = await queryDuePage(access, index, value, now, limit, startKey);
    yield page.items;
    startKey = page.nextKey;
  } while (startKey);
}

/**
 * Open reviews with a reminder due (`remindAt` <= now), from the sparse remindersDue index, page by page
 * (`limit` items a page): nothing else is read.
 */
export async function* queryDueReminders(access: Access, now: string, limit: number): AsyncGenerator<DueReminder[]> {
  for await (const items of duePages(access, dueIndex('remindersDue'), REMIND_KIND, now, limit)) {
    yield items.map((item) => ({ review: reshapeReviewItem(item), remindAt: text.parse(item.remindAt) }));
  }
}

/** How many open reviews are due by `dueBy` on the openByDue index (what a reminder job on that index alone reads). */
export async function countOpenDueBy(access: Access, dueBy: string): Promise<number> {
  let count = 0;
  for await (const items of duePages(access, dueIndex('openByDue'), 'open', dueBy, 1000)) count += items.length;
  return count;
}

/**
 * Takes a review's reminder slot `seen` (its `remindAt`) while the review is open and still at that slot:
 * records `marker` (remindedBeforeAt or remindedDueAt) = `at` and moves the slot to `next`, or out of the
 * remindersDue index when none is left. The header after the write, or null when another run took the slot
 * (or the review closed) first: so each reminder is sent once however many runs overlap.
 */
export async function claimReminder(
  access: Access,
  id: string,
  slot: { seen: string; marker: 'remindedBeforeAt' | 'remindedDueAt'; at: string; next?: string },
): Promise<Review | null> {
  const update = new UpdateCommand({
    TableName: access.tables.reviews,
    Key: headerKey(id),
    UpdateExpression: slot.next ? 'SET #m = :at, remindAt = :next' : 'SET #m = :at REMOVE remindKind, remindAt',
    ConditionExpression: 'remindAt = :seen AND #status = :open',
    ExpressionAttributeNames: { '#m': slot.marker, '#status': 'status' },
    ExpressionAttributeValues: {
      ':at': slot.at,
      ':seen': slot.seen,
      ':open': 'open',
      ...(slot.next ? { ':next': slot.next } : {}),
    },
    ReturnValues: 'ALL_NEW',
  });
  const taken = (error: unknown) => (isConditionalCheckFailed(error) ? null : undefined);
  return send(
    'reviews.claim_reminder',
    async () => {
      const out = await access.ddb.send(update);
      return out.Attributes ? reshapeReviewItem(out.Attributes) : null;
    },
    taken,
  );
}

/**
 * Moves a LOB's schedule from the slot `seen` to `next`, only while it still says `seen`: true when this
 * caller took the slot, false when another run did.
 */
export async function claimScheduleSlot(access: Access, lob: string, seen: string, next: string): Promise<boolean> {
  const update = new UpdateCommand({
    TableName: access.tables.reviews,
    Key: settingsKey(lob),
    UpdateExpression: 'SET nextAt = :next',
    ConditionExpression: 'nextAt = :seen',
    ExpressionAttributeValues: { ':next': next, ':seen': seen },
  });
  const taken = (error: unknown) => (isConditionalCheckFailed(error) ? false : undefined);
  return send('reviews.claim_schedule', () => access.ddb.send(update).then(() => true), taken);
}

/**
 * Writes a snapshot's rows (no header: the review does not exist until reviewWrites.open), in parallel
 * BatchWriteItem calls, `concurrency` at a time, unprocessed items retried (batchWriteAll).
 */
export async function writeReviewRows(
  access: Access,
  id: string,
  rows: readonly Pick<ReviewRow, 'username' | 'until'>[],
  ttl: number,
  concurrency: number,
): Promise<void> {
  const writes = rows.map((row): TableWrite => ({
    table: access.tables.reviews,
    request: {
      PutRequest: {
        Item: { ...rowKey(id, row.username), username: row.username, ...(row.until ? { until: row.until } : {}), ttl },
      },
    },
  }));
  await batchWriteAll(access.ddb, writes, concurrency);
}

/** Writes of reviews and their settings, for the caller's TransactWriteItems. */
export const reviewWrites = {
  /**
   * The header of a new review (its rows written before): the review exists, open, from then on; with
   * `remindAt` (its first reminder's time), in the remindersDue index until its reminders are sent.
   */
  open(access: Access, review: Review, ttl: number, remindAt?: string): DirectoryWrite {
    const { id, lob, status, createdAt, createdBy, dueAt, reviewers, groups, total } = review;
    const remind = remindAt ? { remindKind: REMIND_KIND, remindAt } : {};
    return {
      Put: {
        TableName: access.tables.reviews,
        Item: {
          ...headerKey(id),
          reviewLob: lob,
          openKind: 'open',
          status,
          createdAt,
          createdBy,
          dueAt,
          reviewers,
          groups,
          total,
          decided: 0,
          ttl,
          ...remind,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  },
  /** A member's decision (fields of `set` that are set), only while the row exists and is undecided. */
  decide(access: Access, id: string, username: string, set: Record<string, unknown>): DirectoryWrite {
    const names: Record<string, string> = { '#decision': 'decision' };
    const values: Record<string, unknown> = {};
    const assignments = Object.entries(set)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v], i) => {
        names[`#f${i}`] = k;
        values[`:v${i}`] = v;
        return `#f${i} = :v${i}`;
      });
    return {
      Update: {
        TableName: access.tables.reviews,
        Key: rowKey(id, username),
        UpdateExpression: `SET ${assignments.join(', ')}`,
        // The row must exist (the member was in the snapshot) and be undecided.
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#decision)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  },
  /** The header's decided counter moved by `count`, only while the review is open. */
  countDecided(access: Access, id: string, count: number): DirectoryWrite {
    return {
      Update: {
        TableName: access.tables.reviews,
        Key: headerKey(id),
        UpdateExpression: 'ADD decided :n',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':n': count, ':open': 'open' },
      },
    };
  },
  /** Finishes the review (out of the overdue index), only while it is open. */
  finish(access: Access, id: string, finished: { at: string; by: string; removedUndecided: number }): DirectoryWrite {
    return {
      Update: {
        TableName: access.tables.reviews,
        Key: headerKey(id),
        UpdateExpression:
          'SET #status = :finished, finishedAt = :at, finishedBy = :by, removedUndecided = :removed REMOVE openKind, remindKind',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':finished': 'finished',
          ':open': 'open',
          ':at': finished.at,
          ':by': finished.by,
          ':removed': finished.removedUndecided,
        },
      },
    };
  },
  /**
   * A LOB's settings as `settings` (a schedule puts them in the schedulesDue index), on condition they are
   * still at `expectedVersion` (0: none stored yet).
   */
  saveSettings(
    access: Access,
    settings: ReviewSettings,
    stamp: { at: string; by: string },
    expectedVersion: number,
  ): DirectoryWrite {
    const { lob, dueDays, removeUndecided, version, everyDays, nextAt } = settings;
    const item: Item = {
      ...settingsKey(lob),
      lob,
      dueDays,
      removeUndecided,
      version,
      updatedAt: stamp.at,
      updatedBy: stamp.by,
    };
    if (everyDays !== undefined) Object.assign(item, { everyDays, nextAt, scheduleKind: 'schedule' });
    return {
      Put: {
        TableName: access.tables.reviews,
        Item: item,
        ConditionExpression: expectedVersion ? 'version = :v' : 'attribute_not_exists(pk)',
        ...(expectedVersion ? { ExpressionAttributeValues: { ':v': expectedVersion } } : {}),
      },
    };
  },
};
