/**
 * Access reviews: a LOB's owners (or a platform admin) re-certify who keeps access (docs/admin.md).
 * A review is a snapshot of the LOB's direct members (and, apart, the IdP groups granting access) in the
 * Reviews table; every decision is written with `attribute_not_exists(decision)` on its row and the
 * header's `status = open` + `decided` counter in the same TransactWriteItems as its audit record (and,
 * for Remove or a new end date, the member's Users item): a decision is never lost or written twice, and
 * a finished review takes no more.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, UpdateCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { InputInvalidError, PortalError } from '@/lib/errors';
import { AUDIT_TABLE, REVIEWS_TABLE } from '@/lib/directory/schema';
import { isMembershipActive } from '@/lib/directory/items';
import type { Lob, LobOwners, Membership } from '@/lib/directory/types';
import { formatUtc } from '@/lib/launch/launch-studio';
import { log } from '@/lib/log';
import { buildAdminAuditItem } from './audit';
import { batchGetAll, batchWriteAll, mapConcurrent, queryNewestFirst, type TableWrite } from './batch';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { toDirectoryError } from './errors';
import { listMembers } from './members';
import { commitMembershipWrite, transactWrite, TransactionCancelledError, type TransactItem } from './memberships';
import type { Notification } from './notifications';
import { getLob } from './lobs';
import { decodePageToken, encodePageToken } from './page-token';
import { getUserMapping } from './users';

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_TTL_SECONDS = 400 * 24 * 3600;
export const DEFAULT_DUE_DAYS = 14;
export const UNUSED_DAYS = 90;
/** Members read per page while taking the snapshot, and BatchWriteItem calls in flight writing it. */
const SNAPSHOT_PAGE = 1000;
const SNAPSHOT_WRITERS = 8;
/** The actor recorded for what the schedule job does. */
export const SCHEDULER_ACTOR = 'review-scheduler';

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

export class ReviewNotFoundError extends PortalError {
  constructor() {
    super('review.not_found', 'There is no such access review.');
    this.name = 'ReviewNotFoundError';
  }
}

export class ReviewClosedError extends PortalError {
  constructor(review: Pick<Review, 'finishedBy' | 'finishedAt'>) {
    super('review.closed', `This review was finished${review.finishedBy ? ` by ${review.finishedBy}` : ''}${review.finishedAt ? ` at ${formatUtc(review.finishedAt)}` : ''}; it is read-only. Nothing was changed.`);
    this.name = 'ReviewClosedError';
  }
}

export class ReviewAlreadyDecidedError extends PortalError {
  constructor(row: ReviewRow) {
    super('review.already_decided', `${row.username} was already decided (${row.decision ?? '?'}) by ${row.decidedBy ?? 'someone'} at ${row.decidedAt ? formatUtc(row.decidedAt) : 'an unknown time'}. Nothing was changed.`);
    this.name = 'ReviewAlreadyDecidedError';
  }
}

export const commentSchema = z.string().trim().max(500, 'Comment: use at most 500 characters.');

const reviewPk = (id: string) => `review#${id}`;
const META = 'meta';
const rowSk = (username: string) => `member#${username}`;
const settingsKey = (lob: string) => ({ pk: `settings#${lob}`, sk: 'settings' });
const ttlOf = (deps: AdminDeps, at: Date) => Math.floor(at.getTime() / 1000) + (deps.auditTtlSeconds ?? DEFAULT_TTL_SECONDS);

function reshapeReview(item: Record<string, unknown>): Review {
  const str = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  const owners = (item.reviewers ?? {}) as Partial<LobOwners>;
  return {
    id: String(item.pk).slice('review#'.length),
    lob: String(item.reviewLob),
    status: item.status === 'finished' ? 'finished' : 'open',
    createdAt: str('createdAt') ?? '',
    createdBy: str('createdBy') ?? '',
    dueAt: str('dueAt') ?? '',
    reviewers: { users: (owners.users ?? []).map(String), groups: (owners.groups ?? []).map(String) },
    groups: Array.isArray(item.groups) ? item.groups.map(String) : [],
    total: Number(item.total ?? 0),
    decided: Number(item.decided ?? 0),
    finishedAt: str('finishedAt'),
    finishedBy: str('finishedBy'),
    removedUndecided: item.removedUndecided === undefined ? undefined : Number(item.removedUndecided),
  };
}

function reshapeRow(item: Record<string, unknown>): ReviewRow {
  const str = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  const decision = str('decision');
  return {
    username: String(item.username),
    until: str('until'),
    decision: decision === 'keep' || decision === 'remove' ? decision : undefined,
    decidedBy: str('decidedBy'),
    decidedAt: str('decidedAt'),
    comment: str('comment'),
    newUntil: str('newUntil'),
  };
}

/** True when the review is past its due date and the row is still undecided: shown flagged. */
export function isFlagged(review: Pick<Review, 'dueAt'>, row: Pick<ReviewRow, 'decision'>, now: Date): boolean {
  return !row.decision && Date.parse(review.dueAt) <= now.getTime();
}

async function notifySafely(deps: AdminDeps, notification: Notification): Promise<void> {
  if (!deps.notify) return;
  try {
    await deps.notify(notification);
  } catch (error) {
    log.error('notification.failed', { event: notification.event, lob: notification.lob, error: error instanceof Error ? error.message : String(error) });
  }
}

export async function getReview(deps: AdminDeps, id: string): Promise<Review | null> {
  if (!/^[\w-]{1,64}$/.test(id)) return null;
  try {
    const out = await deps.ddb.send(new GetCommand({ TableName: deps.tables.reviews, Key: { pk: reviewPk(id), sk: META }, ConsistentRead: true }));
    return out.Item ? reshapeReview(out.Item) : null;
  } catch (error) {
    throw toDirectoryError(error);
  }
}

export async function requireReview(deps: AdminDeps, id: string): Promise<Review> {
  return (await getReview(deps, id)) ?? Promise.reject(new ReviewNotFoundError());
}

async function getRow(deps: AdminDeps, id: string, username: string): Promise<ReviewRow | null> {
  const out = await deps.ddb.send(new GetCommand({ TableName: deps.tables.reviews, Key: { pk: reviewPk(id), sk: rowSk(username) }, ConsistentRead: true }));
  return out.Item ? reshapeRow(out.Item) : null;
}

/** Reviews of a LOB, newest first. */
export async function listReviews(deps: AdminDeps, lob: string, limit = 20): Promise<Review[]> {
  return queryNewestFirst(
    deps.ddb,
    { table: deps.tables.reviews, index: REVIEWS_TABLE.indexes[0].name, key: 'reviewLob', value: lob, limit },
    reshapeReview,
  );
}

// ---------------------------------------------------------------------------------------------- settings

export async function getReviewSettings(deps: AdminDeps, lob: string): Promise<ReviewSettings> {
  try {
    const out = await deps.ddb.send(new GetCommand({ TableName: deps.tables.reviews, Key: settingsKey(lob), ConsistentRead: true }));
    const item = out.Item;
    if (!item) return { lob, dueDays: DEFAULT_DUE_DAYS, removeUndecided: false, version: 0 };
    return {
      lob,
      everyDays: item.everyDays === undefined ? undefined : Number(item.everyDays),
      dueDays: Number(item.dueDays ?? DEFAULT_DUE_DAYS),
      removeUndecided: item.removeUndecided === true,
      nextAt: typeof item.nextAt === 'string' ? item.nextAt : undefined,
      version: Number(item.version ?? 0),
    };
  } catch (error) {
    throw toDirectoryError(error);
  }
}

export interface ReviewSettingsInput {
  everyDays?: number;
  dueDays: number;
  removeUndecided: boolean;
}

/** Validates settings typed in a form; throws InputInvalidError naming the field. */
export function validateReviewSettings(input: { everyDays: string; dueDays: string; removeUndecided: boolean }): ReviewSettingsInput {
  const every = input.everyDays.trim();
  const everyDays = every ? Number(every) : undefined;
  if (everyDays !== undefined && (!Number.isInteger(everyDays) || everyDays < 7 || everyDays > 730)) {
    throw new InputInvalidError('Review every: a whole number of days from 7 to 730, or empty for no schedule.', { details: { field: 'everyDays' } });
  }
  const dueDays = Number(input.dueDays.trim() || DEFAULT_DUE_DAYS);
  if (!Number.isInteger(dueDays) || dueDays < 1 || dueDays > 90) {
    throw new InputInvalidError('Due after: a whole number of days from 1 to 90.', { details: { field: 'dueDays' } });
  }
  if (everyDays !== undefined && dueDays >= everyDays) throw new InputInvalidError('Due after: must be shorter than the schedule.', { details: { field: 'dueDays' } });
  return { everyDays, dueDays, removeUndecided: input.removeUndecided };
}

/** Saves a LOB's review settings (conditioned on the version read) with its audit record; a new schedule starts counting now. */
export async function saveReviewSettings(deps: AdminDeps, actor: string, lob: string, input: ReviewSettingsInput, expectedVersion: number): Promise<ReviewSettings> {
  const before = await getReviewSettings(deps, lob);
  if (before.version !== expectedVersion) throw new PortalError('conflict.version', 'The review settings were changed meanwhile; reload and try again.');
  const now = nowOf(deps);
  const nextAt = input.everyDays === undefined ? undefined : before.everyDays === input.everyDays && before.nextAt ? before.nextAt : new Date(now.getTime() + input.everyDays * DAY_MS).toISOString();
  const after: ReviewSettings = { lob, ...input, nextAt, version: before.version + 1 };
  const item: Record<string, unknown> = { ...settingsKey(lob), lob, dueDays: input.dueDays, removeUndecided: input.removeUndecided, version: after.version, updatedAt: now.toISOString(), updatedBy: actor };
  if (input.everyDays !== undefined) Object.assign(item, { everyDays: input.everyDays, nextAt, scheduleKind: 'schedule' });
  const audit = buildAdminAuditItem(deps, { actor, action: 'review.settings', target: lob, lob, before, after }, now);
  try {
    await transactWrite(deps, [
      {
        Put: {
          TableName: deps.tables.reviews,
          Item: item,
          ConditionExpression: before.version ? 'version = :v' : 'attribute_not_exists(pk)',
          ...(before.version ? { ExpressionAttributeValues: { ':v': before.version } } : {}),
        },
      },
      { Put: { TableName: deps.tables.audit, Item: audit } },
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelledError) throw new PortalError('conflict.version', 'The review settings were changed meanwhile; reload and try again.');
    throw error;
  }
  return after;
}

// ---------------------------------------------------------------------------------------------- start

/** Starts a review of `lob`: snapshot of its direct members and granting groups, due in `dueDays`. */
export async function startReview(deps: AdminDeps, actor: string, lob: Lob, options: { dueDays?: number } = {}): Promise<Review> {
  const dueDays = options.dueDays ?? (await getReviewSettings(deps, lob.lob)).dueDays;
  if (!Number.isInteger(dueDays) || dueDays < 1 || dueDays > 90) throw new InputInvalidError('Due after: a whole number of days from 1 to 90.', { details: { field: 'dueDays' } });
  const now = nowOf(deps);
  const id = randomUUID();
  const pk = reviewPk(id);
  const ttl = ttlOf(deps, now);
  // The snapshot streams: each page of members (up to SNAPSHOT_PAGE) is written while the next one is read,
  // in parallel BatchWriteItem calls (batchWriteAll: SNAPSHOT_WRITERS at a time, unprocessed items retried).
  const seen = new Set<string>();
  let writing: Promise<void> = Promise.resolve();
  let pageToken: string | undefined;
  try {
    do {
      const page = await listMembers(deps, lob.lob, { limit: SNAPSHOT_PAGE, pageToken });
      const writes: TableWrite[] = [];
      for (const m of page.members) {
        if (seen.has(m.username)) continue;
        seen.add(m.username);
        writes.push({ table: deps.tables.reviews, request: { PutRequest: { Item: { pk, sk: rowSk(m.username), username: m.username, ...(m.until ? { until: m.until } : {}), ttl } } } });
      }
      await writing;
      writing = batchWriteAll(deps.ddb, writes, SNAPSHOT_WRITERS);
      // Awaited on the next turn (or below); a failure meanwhile must not count as unhandled.
      writing.catch(() => undefined);
      pageToken = page.nextToken;
    } while (pageToken);
    await writing;
  } catch (error) {
    // No header was written: a snapshot left half-written is not a review (its rows expire with their ttl).
    log.error('review.start_failed', { lob: lob.lob, review: id, rowsRead: seen.size, error: error instanceof Error ? error.message : String(error) });
    throw error instanceof PortalError ? error : toDirectoryError(error);
  }
  const review: Review = {
    id,
    lob: lob.lob,
    status: 'open',
    createdAt: now.toISOString(),
    createdBy: actor,
    dueAt: new Date(now.getTime() + dueDays * DAY_MS).toISOString(),
    reviewers: { users: [...lob.owners.users], groups: [...lob.owners.groups] },
    groups: [...lob.groups],
    total: seen.size,
    decided: 0,
  };
  // The header last: the review shows up only once its snapshot is complete.
  const audit = buildAdminAuditItem(deps, { actor, action: 'review.start', target: lob.lob, lob: lob.lob, review: id, before: null, after: { review: id, members: review.total, groups: review.groups, dueAt: review.dueAt } }, now);
  await transactWrite(deps, [
    {
      Put: {
        TableName: deps.tables.reviews,
        Item: { pk, sk: META, reviewLob: lob.lob, openKind: 'open', status: 'open', createdAt: review.createdAt, createdBy: actor, dueAt: review.dueAt, reviewers: review.reviewers, groups: review.groups, total: review.total, decided: 0, ttl },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: { TableName: deps.tables.audit, Item: audit } },
  ]);
  await notifySafely(deps, {
    event: 'review.opened',
    lob: lob.lob,
    subject: `Access review of ${lob.lob}: ${review.total} members to decide`,
    text: `${actor} opened an access review of ${lob.lob} (${review.total} members${review.groups.length ? `, groups ${review.groups.join(', ')}` : ''}), due ${formatUtc(review.dueAt)}. Decide at /admin/reviews/${id}.`,
    details: { review: id, members: review.total, groups: review.groups, dueAt: review.dueAt, reviewers: review.reviewers },
  });
  return review;
}

// ---------------------------------------------------------------------------------------------- rows

export type RowFilter = 'all' | 'undecided' | 'unused';

export interface RowsPage {
  rows: ReviewRow[];
  nextToken?: string;
}

/** Rows read per page view at most (the "not used" filter checks last-used for each): keeps a view bounded. */
const ROW_BUDGET = 400;
/** Launch audit entries read per member to find the last launch into the LOB. */
const LAST_USED_READS = 50;

/**
 * The review's rows in username order: all, undecided only, or (unused) those without a successful
 * launch into the LOB in the last 90 days. Last-used is filled for each row returned.
 */
export async function listReviewRows(
  deps: AdminDeps,
  review: Pick<Review, 'id' | 'lob'>,
  options: { limit?: number; pageToken?: string; filter?: RowFilter; prefix?: string } = {},
): Promise<RowsPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
  const filter = options.filter ?? 'all';
  const now = nowOf(deps);
  const cutoff = new Date(now.getTime() - UNUSED_DAYS * DAY_MS).toISOString();
  const prefix = options.prefix?.trim() ?? '';
  let startKey = decodePageToken<Record<string, unknown>>(options.pageToken);
  const rows: ReviewRow[] = [];
  let read = 0;
  try {
    while (rows.length < limit && read < ROW_BUDGET + limit) {
      const out: QueryCommandOutput = await deps.ddb.send(
        new QueryCommand({
          TableName: deps.tables.reviews,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ...(filter === 'undecided' ? { FilterExpression: 'attribute_not_exists(decision)' } : {}),
          ExpressionAttributeValues: { ':pk': reviewPk(review.id), ':prefix': rowSk(prefix) },
          Limit: filter === 'unused' ? Math.min(limit - rows.length, 100) : limit - rows.length,
          ExclusiveStartKey: startKey,
        }),
      );
      let batch = (out.Items ?? []).map(reshapeRow);
      read += out.ScannedCount ?? batch.length;
      const lastUsed = await lastUsedOf(deps, review.lob, batch.map((r) => r.username), filter === 'unused' ? cutoff : undefined);
      batch = batch.map((r) => ({ ...r, lastUsed: lastUsed.get(r.username) ?? null }));
      if (filter === 'unused') batch = batch.filter((r) => !r.lastUsed || r.lastUsed < cutoff);
      rows.push(...batch);
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
  } catch (error) {
    throw toDirectoryError(error);
  }
  return { rows, nextToken: encodePageToken(startKey) };
}

/**
 * Latest successful launch into `lob` per user, from the audit index byUser (newest first, at most
 * LAST_USED_READS entries each; with `since`, only entries after it are read).
 */
export async function lastUsedOf(deps: AdminDeps, lob: string, usernames: string[], since?: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  await mapConcurrent(usernames, 16, async (user) => {
    const out = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.tables.audit,
        IndexName: AUDIT_TABLE.indexes[0].name,
        KeyConditionExpression: since ? '#user = :user AND sk >= :since' : '#user = :user',
        FilterExpression: '#type = :launch AND #lob = :lob AND outcome = :ok',
        ExpressionAttributeNames: { '#user': 'user', '#type': 'type', '#lob': 'lob' },
        ExpressionAttributeValues: { ':user': user, ':launch': 'launch', ':lob': lob, ':ok': 'success', ...(since ? { ':since': since } : {}) },
        ScanIndexForward: false,
        Limit: LAST_USED_READS,
      }),
    );
    const at = out.Items?.[0]?.at;
    if (typeof at === 'string') found.set(user, at);
  });
  return found;
}

/** Every row (for the CSV), page by page. */
export async function* iterateReviewRows(deps: AdminDeps, id: string): AsyncGenerator<ReviewRow[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out: QueryCommandOutput = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.tables.reviews,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': reviewPk(id), ':prefix': 'member#' },
        ExclusiveStartKey: startKey,
      }),
    );
    yield (out.Items ?? []).map(reshapeRow);
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

/**
 * For the member list: the LOB's newest open review when it is past its due date, and which of `usernames`
 * are still undecided in it (one BatchGetItem for the page's members).
 */
export async function overdueUndecided(deps: AdminDeps, lob: string, usernames: string[]): Promise<{ review: Review; undecided: Set<string> } | null> {
  const now = nowOf(deps);
  const review = (await listReviews(deps, lob, 5)).find((r) => r.status === 'open' && Date.parse(r.dueAt) <= now.getTime());
  if (!review || !usernames.length) return review ? { review, undecided: new Set() } : null;
  try {
    const items = await batchGetAll(deps.ddb, deps.tables.reviews, usernames.map((u) => ({ pk: reviewPk(review.id), sk: rowSk(u) })));
    return { review, undecided: new Set(items.filter((i) => i.decision === undefined).map((i) => String(i.username))) };
  } catch (error) {
    throw toDirectoryError(error);
  }
}

// ---------------------------------------------------------------------------------------------- decisions

function rowDecisionItem(deps: AdminDeps, id: string, username: string, set: Record<string, unknown>): TransactItem {
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
      TableName: deps.tables.reviews,
      Key: { pk: reviewPk(id), sk: rowSk(username) },
      UpdateExpression: `SET ${assignments.join(', ')}`,
      // The row must exist (the member was in the snapshot) and be undecided.
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#decision)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

function headerCountItem(deps: AdminDeps, id: string, count: number): TransactItem {
  return {
    Update: {
      TableName: deps.tables.reviews,
      Key: { pk: reviewPk(id), sk: META },
      UpdateExpression: 'ADD decided :n',
      ConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':n': count, ':open': 'open' },
    },
  };
}

/** After a cancelled decision: the reason as the error the caller sees. */
async function explainCancel(deps: AdminDeps, id: string, username: string): Promise<PortalError | null> {
  const review = await requireReview(deps, id);
  if (review.status !== 'open') return new ReviewClosedError(review);
  const row = await getRow(deps, id, username);
  if (!row) return new InputInvalidError(`${username} is not in this review's snapshot.`);
  if (row.decision) return new ReviewAlreadyDecidedError(row);
  return null;
}

const MAX_ATTEMPTS = 4;

export interface DecisionInput {
  username: string;
  decision: ReviewDecision;
  comment?: string;
  /** Keep only: a new end of the membership (ISO; parseUntil). */
  until?: string;
}

/**
 * Records one decision. Remove takes the membership away at once; Keep with a new end date sets it; both
 * in the same transaction as the row's decision, the review's counter and the audit record.
 */
export async function decideMember(deps: AdminDeps, actor: string, review: Review, input: DecisionInput): Promise<ReviewRow> {
  if (review.status !== 'open') throw new ReviewClosedError(review);
  const comment = commentSchema.safeParse(input.comment ?? '');
  if (!comment.success) throw new InputInvalidError(comment.error.issues[0].message, { details: { field: 'comment' } });
  const { username, decision } = input;
  for (let attempt = 1; ; attempt++) {
    const now = nowOf(deps);
    const at = now.toISOString();
    const row: ReviewRow = { username, decision, decidedBy: actor, decidedAt: at, comment: comment.data || undefined, newUntil: decision === 'keep' ? input.until : undefined };
    const rowItem = rowDecisionItem(deps, review.id, username, { decision, decidedBy: actor, decidedAt: at, comment: row.comment, newUntil: row.newUntil });
    const extra = [rowItem, headerCountItem(deps, review.id, 1)];
    const context = { review: review.id, decision, comment: row.comment };
    const before = await getUserMapping(deps, username);
    const current = before?.memberships.find((m) => m.lob === review.lob && isMembershipActive(m, now));
    let memberships: Membership[] | undefined;
    if (decision === 'remove' && current) memberships = (before?.memberships ?? []).filter((m) => m.lob !== review.lob);
    if (decision === 'keep' && input.until && current) {
      memberships = (before?.memberships ?? []).map((m) => (m.lob === review.lob ? { ...m, until: input.until, grantedBy: actor, grantedAt: at, via: 'review' as const } : m));
    }
    try {
      if (memberships) {
        await commitMembershipWrite(deps, { actor, username, before, memberships, action: `review.${decision}`, lob: review.lob, review: review.id, context }, extra);
      } else {
        const audit = buildAdminAuditItem(deps, { actor, action: `review.${decision}`, target: username, lob: review.lob, review: review.id, before: null, after: { ...context, membership: current ? 'unchanged' : 'none' } }, now);
        await transactWrite(deps, [...extra, { Put: { TableName: deps.tables.audit, Item: audit } }]);
      }
    } catch (error) {
      if (!(error instanceof TransactionCancelledError)) throw error;
      const why = await explainCancel(deps, review.id, username);
      if (why) throw why;
      if (attempt >= MAX_ATTEMPTS) throw new PortalError('conflict.version', `${username} changed several times meanwhile; try again.`, { cause: error });
      continue;
    }
    if (decision === 'remove') {
      await notifySafely(deps, {
        event: 'review.member_removed',
        lob: review.lob,
        subject: `Access review: ${username} removed from ${review.lob}`,
        text: `${actor} removed ${username} from ${review.lob} in access review ${review.id}${row.comment ? `: "${row.comment}"` : ''}.`,
        details: { review: review.id, username, decidedBy: actor, decidedAt: at, comment: row.comment },
      });
    }
    return row;
  }
}

export interface KeepAllResult {
  kept: string[];
  /** Decided by someone else first: left as they were. */
  alreadyDecided: string[];
}

/** Rows per transaction: each is a row update and an audit put, plus the header counter (100 items max). */
const KEEP_CHUNK = 49;

/**
 * "Keep all shown": Keep for every listed member still undecided, in transactions of KEEP_CHUNK rows.
 * A row decided meanwhile makes its transaction cancel; it is dropped (reported in alreadyDecided) and
 * the rest is retried, so no decision is overwritten and none is counted twice.
 */
export async function keepAll(deps: AdminDeps, actor: string, review: Review, usernames: string[], comment?: string): Promise<KeepAllResult> {
  if (review.status !== 'open') throw new ReviewClosedError(review);
  const parsed = commentSchema.safeParse(comment ?? '');
  if (!parsed.success) throw new InputInvalidError(parsed.error.issues[0].message, { details: { field: 'comment' } });
  const unique = [...new Set(usernames)];
  if (unique.length > 1000) throw new InputInvalidError('Keep all shown: at most 1,000 members at once.');
  const result: KeepAllResult = { kept: [], alreadyDecided: [] };
  for (let i = 0; i < unique.length; i += KEEP_CHUNK) {
    let part = unique.slice(i, i + KEEP_CHUNK);
    for (let attempt = 1; part.length; attempt++) {
      const now = nowOf(deps);
      const at = now.toISOString();
      const items: TransactItem[] = [headerCountItem(deps, review.id, part.length)];
      for (const username of part) items.push(rowDecisionItem(deps, review.id, username, { decision: 'keep', decidedBy: actor, decidedAt: at, comment: parsed.data || undefined }));
      for (const username of part) {
        const audit = buildAdminAuditItem(deps, { actor, action: 'review.keep', target: username, lob: review.lob, review: review.id, before: null, after: { review: review.id, decision: 'keep', bulk: true, comment: parsed.data || undefined } }, now);
        items.push({ Put: { TableName: deps.tables.audit, Item: audit } });
      }
      try {
        await transactWrite(deps, items);
        result.kept.push(...part);
        break;
      } catch (error) {
        if (!(error instanceof TransactionCancelledError)) throw error;
        if (error.reasons[0] === 'ConditionalCheckFailed') throw new ReviewClosedError(await requireReview(deps, review.id));
        const failed = new Set(part.filter((_, k) => error.reasons[1 + k] === 'ConditionalCheckFailed'));
        if (failed.size) {
          result.alreadyDecided.push(...part.filter((u) => failed.has(u)));
          part = part.filter((u) => !failed.has(u));
        } else if (attempt >= MAX_ATTEMPTS * 2) {
          throw new PortalError('conflict.version', 'The review was busy; try again.', { cause: error });
        } else {
          // TransactionConflict with a concurrent decision on the header: back off and retry.
          await new Promise((r) => setTimeout(r, 20 * attempt * (0.5 + Math.random())));
        }
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------- finish

/**
 * Makes the review read-only. With the LOB's "remove undecided members when a review closes" setting,
 * every member still undecided is removed first (each a Remove decision by `actor`).
 */
export async function finishReview(deps: AdminDeps, actor: string, review: Review): Promise<Review> {
  if (review.status !== 'open') throw new ReviewClosedError(review);
  const settings = await getReviewSettings(deps, review.lob);
  let removed = 0;
  if (settings.removeUndecided) {
    for await (const page of iterateReviewRows(deps, review.id)) {
      for (const row of page.filter((r) => !r.decision)) {
        try {
          await decideMember(deps, actor, review, { username: row.username, decision: 'remove', comment: 'Undecided when the review closed' });
          removed++;
        } catch (error) {
          if (!(error instanceof ReviewAlreadyDecidedError)) throw error;
        }
      }
    }
  }
  const now = nowOf(deps);
  const at = now.toISOString();
  const audit = buildAdminAuditItem(deps, { actor, action: 'review.finish', target: review.lob, lob: review.lob, review: review.id, before: { status: 'open' }, after: { status: 'finished', removedUndecided: removed } }, now);
  try {
    await transactWrite(deps, [
      {
        Update: {
          TableName: deps.tables.reviews,
          Key: { pk: reviewPk(review.id), sk: META },
          UpdateExpression: 'SET #status = :finished, finishedAt = :at, finishedBy = :by, removedUndecided = :removed REMOVE openKind',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':finished': 'finished', ':open': 'open', ':at': at, ':by': actor, ':removed': removed },
        },
      },
      { Put: { TableName: deps.tables.audit, Item: audit } },
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelledError) throw new ReviewClosedError(await requireReview(deps, review.id));
    throw error;
  }
  return requireReview(deps, review.id);
}

// ---------------------------------------------------------------------------------------------- job

export interface ReviewJobResult {
  opened: Review[];
  closed: Review[];
}

/**
 * The review job (run on a timer and by POST /api/internal/jobs): opens a review for every LOB
 * whose schedule is due and notifies its owners; closes overdue reviews of LOBs that remove undecided
 * members. Each schedule slot is claimed with a conditional update first, so two runs never open twice.
 */
export async function runReviewJobs(deps: AdminDeps): Promise<ReviewJobResult> {
  const now = nowOf(deps);
  const iso = now.toISOString();
  const result: ReviewJobResult = { opened: [], closed: [] };
  try {
    const due = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.tables.reviews,
        IndexName: REVIEWS_TABLE.indexes[2].name,
        KeyConditionExpression: 'scheduleKind = :s AND nextAt <= :now',
        ExpressionAttributeValues: { ':s': 'schedule', ':now': iso },
        Limit: 100,
      }),
    );
    for (const item of due.Items ?? []) {
      const lobName = String(item.lob);
      const everyDays = Number(item.everyDays);
      const next = new Date(Math.max(Date.parse(String(item.nextAt)) + everyDays * DAY_MS, now.getTime() + DAY_MS)).toISOString();
      try {
        await deps.ddb.send(
          new UpdateCommand({
            TableName: deps.tables.reviews,
            Key: settingsKey(lobName),
            UpdateExpression: 'SET nextAt = :next',
            ConditionExpression: 'nextAt = :seen',
            ExpressionAttributeValues: { ':next': next, ':seen': item.nextAt },
          }),
        );
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') continue; // another run took it
        throw error;
      }
      const lob = await getLob(deps, lobName);
      if (!lob) continue;
      result.opened.push(await startReview(deps, SCHEDULER_ACTOR, lob, { dueDays: Number(item.dueDays ?? DEFAULT_DUE_DAYS) }));
    }
    const overdue = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.tables.reviews,
        IndexName: REVIEWS_TABLE.indexes[1].name,
        KeyConditionExpression: 'openKind = :o AND dueAt <= :now',
        ExpressionAttributeValues: { ':o': 'open', ':now': iso },
        Limit: 100,
      }),
    );
    for (const item of overdue.Items ?? []) {
      const review = reshapeReview(item);
      if (!(await getReviewSettings(deps, review.lob)).removeUndecided) continue; // flagged, stays open
      try {
        result.closed.push(await finishReview(deps, SCHEDULER_ACTOR, review));
      } catch (error) {
        if (!(error instanceof ReviewClosedError)) throw error;
      }
    }
  } catch (error) {
    if (error instanceof PortalError) throw error;
    throw toDirectoryError(error);
  }
  return result;
}

/** CSV columns of the evidence export. */
export const REVIEW_CSV_COLUMNS = ['member', 'decision', 'reviewer', 'time', 'comment', 'newUntil', 'untilAtSnapshot', 'review', 'lob'] as const;
