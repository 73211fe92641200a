/**
 * Access reviews: a LOB's owners (or a platform admin) re-certify who keeps access (docs/admin.md).
 * A review is a snapshot of the LOB's direct members (and, apart, the IdP groups granting access) in the
 * Reviews table; every decision is written with `attribute_not_exists(decision)` on its row and the
 * header's `status = open` + `decided` counter in the same TransactWriteItems as its audit record (and,
 * for Remove or a new end date, the member's Users item): a decision is never lost or written twice, and
 * a finished review takes no more.
 */
import { randomUUID } from 'node:crypto';
import { freeText } from '@/lib/free-text';
import { InputInvalidError, PortalError } from '@/lib/errors';
import { isMembershipActive } from '@/lib/directory/items';
import {
  DEFAULT_DUE_DAYS,
  claimScheduleSlot,
  findLastLaunches,
  findUndecidedRows,
  getReviewHeader,
  getReviewRow,
  getStoredReviewSettings,
  iterateReviewRowPages,
  queryDueSchedules,
  queryLobReviews,
  queryOverdueReviews,
  queryReviewRows,
  reviewWrites,
  writeReviewRows,
  type Review,
  type ReviewDecision,
  type ReviewRow,
  type ReviewSettings,
} from '@/lib/directory/reviews';
import { AUDIT_RETENTION_SECONDS } from '@/lib/directory/schema';
import type { Lob, Membership, UserMapping } from '@/lib/directory/types';
import { TransactionCancelledError, transactWrite, type DirectoryWrite } from '@/lib/directory/writes';
import { formatUtcMinute } from '@/lib/time-format';
import { log } from '@/lib/log';
import { auditWritesFor, writeWithAudit } from './audit';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { listMembers } from './members';
import { commitMembershipWrite } from './memberships';
import { studioFollows } from './studio-follows';
import { notifySafely } from './notifications';
import { getLob } from './lobs';
import { checkGrantLength, refuseSelfGrant, SelfGrantError, type Grantor } from './grants';
import { decodePageToken, encodePageToken } from './page-token';
import { getUserMapping } from '@/lib/directory/users';
import { firstReminderAt } from './review-reminders';
import { DAY_MS } from '@/lib/clock';

export const UNUSED_DAYS = 90;
/** Members read per page while taking the snapshot, and BatchWriteItem calls in flight writing it. */
const SNAPSHOT_PAGE = 1000;
const SNAPSHOT_WRITERS = 8;
/** The actor recorded for what the schedule job does. */
export const SCHEDULER_ACTOR = 'review-scheduler';

export class ReviewNotFoundError extends PortalError {
  constructor() {
    super('review.not_found', 'There is no such access review.');
    this.name = 'ReviewNotFoundError';
  }
}

export class ReviewClosedError extends PortalError {
  constructor(review: Pick<Review, 'finishedBy' | 'finishedAt'>) {
    super(
      'review.closed',
      `This review was finished${review.finishedBy ? ` by ${review.finishedBy}` : ''}${review.finishedAt ? ` at ${formatUtcMinute(review.finishedAt)}` : ''}; it is read-only. Nothing was changed.`,
    );
    this.name = 'ReviewClosedError';
  }
}

export class ReviewAlreadyDecidedError extends PortalError {
  constructor(row: ReviewRow) {
    super(
      'review.already_decided',
      `${row.username} was already decided (${row.decision ?? '?'}) by ${row.decidedBy ?? 'someone'} at ${row.decidedAt ? formatUtcMinute(row.decidedAt) : 'an unknown time'}. Nothing was changed.`,
    );
    this.name = 'ReviewAlreadyDecidedError';
  }
}

export const commentSchema = freeText('Comment').max(500, 'Comment: use at most 500 characters.');

/** Review items expire with the audit log (deps.auditTtlSeconds overrides it). */
const ttlOf = (deps: AdminDeps, at: Date) =>
  Math.floor(at.getTime() / 1000) + (deps.auditTtlSeconds ?? AUDIT_RETENTION_SECONDS);

/** True when the review is past its due date and the row is still undecided: shown flagged. */
export function isFlagged(review: Pick<Review, 'dueAt'>, row: Pick<ReviewRow, 'decision'>, now: Date): boolean {
  return !row.decision && Date.parse(review.dueAt) <= now.getTime();
}

export async function getReview(deps: AdminDeps, id: string): Promise<Review | null> {
  if (!/^[\w-]{1,64}$/.test(id)) return null;
  return getReviewHeader(deps, id);
}

export async function requireReview(deps: AdminDeps, id: string): Promise<Review> {
  return (await getReview(deps, id)) ?? Promise.reject(new ReviewNotFoundError());
}

// ---------------------------------------------------------------------------------------------- settings

export async function getReviewSettings(deps: AdminDeps, lob: string): Promise<ReviewSettings> {
  return (
    (await getStoredReviewSettings(deps, lob)) ?? { lob, dueDays: DEFAULT_DUE_DAYS, removeUndecided: false, version: 0 }
  );
}

export interface ReviewSettingsInput {
  everyDays?: number;
  dueDays: number;
  removeUndecided: boolean;
}

/** Validates settings typed in a form; throws InputInvalidError naming the field. */
export function validateReviewSettings(input: {
  everyDays: string;
  dueDays: string;
  removeUndecided: boolean;
}): ReviewSettingsInput {
  const every = input.everyDays.trim();
  const everyDays = every ? Number(every) : undefined;
  if (everyDays !== undefined && (!Number.isInteger(everyDays) || everyDays < 7 || everyDays > 730)) {
    throw new InputInvalidError('Review every: a whole number of days from 7 to 730, or empty for no schedule.', {
      details: { field: 'everyDays' },
    });
  }
  const dueDays = Number(input.dueDays.trim() || DEFAULT_DUE_DAYS);
  if (!Number.isInteger(dueDays) || dueDays < 1 || dueDays > 90) {
    throw new InputInvalidError('Due after: a whole number of days from 1 to 90.', { details: { field: 'dueDays' } });
  }
  if (everyDays !== undefined && dueDays >= everyDays)
    throw new InputInvalidError('Due after: must be shorter than the schedule.', { details: { field: 'dueDays' } });
  return { everyDays, dueDays, removeUndecided: input.removeUndecided };
}

/** Saves a LOB's review settings (conditioned on the version read) with its audit record; a new schedule starts counting now. */
export async function saveReviewSettings(
  deps: AdminDeps,
  actor: string,
  lob: string,
  input: ReviewSettingsInput,
  expectedVersion: number,
): Promise<ReviewSettings> {
  const before = await getReviewSettings(deps, lob);
  if (before.version !== expectedVersion)
    throw new PortalError('conflict.version', 'The review settings were changed meanwhile; reload and try again.');
  const now = nowOf(deps);
  const nextAt =
    input.everyDays === undefined
      ? undefined
      : before.everyDays === input.everyDays && before.nextAt
        ? before.nextAt
        : new Date(now.getTime() + input.everyDays * DAY_MS).toISOString();
  const after: ReviewSettings = { lob, ...input, nextAt, version: before.version + 1 };
  const audit = auditWritesFor(deps, { actor, action: 'review.settings', target: lob, lob, before, after }, now);
  try {
    await transactWrite(deps.ddb, [
      reviewWrites.saveSettings(deps, after, { at: now.toISOString(), by: actor }, before.version),
      ...audit,
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelledError)
      throw new PortalError('conflict.version', 'The review settings were changed meanwhile; reload and try again.');
    throw error;
  }
  return after;
}

// ---------------------------------------------------------------------------------------------- start

/** Starts a review of `lob`: snapshot of its direct members and granting groups, due in `dueDays`. */
export async function startReview(
  deps: AdminDeps,
  { actor, lob, ...options }: { actor: string; lob: Lob; dueDays?: number },
): Promise<Review> {
  const dueDays = options.dueDays ?? (await getReviewSettings(deps, lob.lob)).dueDays;
  if (!Number.isInteger(dueDays) || dueDays < 1 || dueDays > 90)
    throw new InputInvalidError('Due after: a whole number of days from 1 to 90.', { details: { field: 'dueDays' } });
  const now = nowOf(deps);
  const id = randomUUID();
  const ttl = ttlOf(deps, now);
  // The snapshot streams: each page of members (up to SNAPSHOT_PAGE) is written while the next one is read,
  // in parallel BatchWriteItem calls (batchWriteAll: SNAPSHOT_WRITERS at a time, unprocessed items retried).
  const seen = new Set<string>();
  let writing: Promise<void> = Promise.resolve();
  let pageToken: string | undefined;
  try {
    do {
      const page = await listMembers(deps, lob.lob, { limit: SNAPSHOT_PAGE, pageToken });
      const rows: typeof page.members = [];
      for (const m of page.members) {
        if (seen.has(m.username)) continue;
        seen.add(m.username);
        rows.push(m);
      }
      await writing;
      writing = writeReviewRows(deps, id, rows, ttl, SNAPSHOT_WRITERS);
      // Awaited on the next turn (or below); a failure meanwhile must not count as unhandled.
      writing.catch(() => undefined);
      pageToken = page.nextToken;
    } while (pageToken);
    await writing;
  } catch (error) {
    // No header was written: a snapshot left half-written is not a review (its rows expire with their ttl).
    log.error('review.start_failed', {
      lob: lob.lob,
      review: id,
      rowsRead: seen.size,
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
  const dueAt = new Date(now.getTime() + dueDays * DAY_MS).toISOString();
  const review: Review = {
    id,
    lob: lob.lob,
    status: 'open',
    createdAt: now.toISOString(),
    createdBy: actor,
    dueAt,
    reviewers: { users: [...lob.owners.users], groups: [...lob.owners.groups] },
    groups: [...lob.groups],
    total: seen.size,
    decided: 0,
  };
  // The header last: the review shows up only once its snapshot is complete.
  const audit = auditWritesFor(
    deps,
    {
      actor,
      action: 'review.start',
      target: lob.lob,
      lob: lob.lob,
      review: id,
      before: null,
      after: { review: id, members: review.total, groups: review.groups, dueAt: review.dueAt },
    },
    now,
  );
  await transactWrite(deps.ddb, [reviewWrites.open(deps, review, ttl, firstReminderAt(dueAt, now)), ...audit]);
  await notifySafely(deps, {
    event: 'review.opened',
    lob: lob.lob,
    subject: `Access review of ${lob.lob}: ${review.total} members to decide`,
    text: `${actor} opened an access review of ${lob.lob} (${review.total} members${review.groups.length ? `, groups ${review.groups.join(', ')}` : ''}), due ${formatUtcMinute(review.dueAt)}. Decide at /admin/reviews/${id}.`,
    details: {
      review: id,
      members: review.total,
      groups: review.groups,
      dueAt: review.dueAt,
      reviewers: review.reviewers,
    },
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
  while (rows.length < limit && read < ROW_BUDGET + limit) {
    const page = await queryReviewRows(deps, review.id, {
      prefix,
      undecidedOnly: filter === 'undecided',
      limit: filter === 'unused' ? Math.min(limit - rows.length, 100) : limit - rows.length,
      startKey,
    });
    read += page.scanned;
    const lastUsed = await findLastLaunches(
      deps,
      review.lob,
      page.rows.map((r) => r.username),
      filter === 'unused' ? cutoff : undefined,
    );
    let batch = page.rows.map((r) => ({ ...r, lastUsed: lastUsed.get(r.username) ?? null }));
    if (filter === 'unused') batch = batch.filter((r) => !r.lastUsed || r.lastUsed < cutoff);
    rows.push(...batch);
    startKey = page.nextKey;
    if (!startKey) break;
  }
  return { rows, nextToken: encodePageToken(startKey) };
}

/**
 * For the member list: the LOB's newest open review when it is past its due date, and which of `usernames`
 * are still undecided in it (one BatchGetItem for the page's members).
 */
export async function overdueUndecided(
  deps: AdminDeps,
  lob: string,
  usernames: string[],
): Promise<{ review: Review; undecided: Set<string> } | null> {
  const now = nowOf(deps);
  const review = (await queryLobReviews(deps, lob, 5)).find(
    (r) => r.status === 'open' && Date.parse(r.dueAt) <= now.getTime(),
  );
  if (!review || !usernames.length) return review ? { review, undecided: new Set() } : null;
  return { review, undecided: await findUndecidedRows(deps, review.id, usernames) };
}

// ---------------------------------------------------------------------------------------------- decisions

/** After a cancelled decision: the reason as the error the caller sees. */
async function explainCancel(deps: AdminDeps, id: string, username: string): Promise<PortalError | null> {
  const review = await requireReview(deps, id);
  if (review.status !== 'open') return new ReviewClosedError(review);
  const row = await getReviewRow(deps, id, username);
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
  /** Set when finishing the review removes undecided members: a pending stop is logged, not thrown (the sweep retries it). */
  whileFinishing?: boolean;
}

/**
 * Records one decision. Remove takes the membership away at once; Keep with a new end date sets it; both
 * in the same transaction as the row's decision, the review's counter and the audit record.
 */
export async function decideMember(
  deps: AdminDeps,
  { grantor, review, ...input }: DecisionInput & { grantor: Grantor; review: Review },
): Promise<ReviewRow> {
  const actor = grantor.username;
  if (review.status !== 'open') throw new ReviewClosedError(review);
  const comment = commentSchema.safeParse(input.comment ?? '');
  if (!comment.success) throw new InputInvalidError(comment.error.issues[0].message, { details: { field: 'comment' } });
  const { username, decision } = input;
  if (decision === 'keep') {
    await refuseSelfGrant(deps, actor, username, {
      action: 'review.keep',
      what: 'you cannot keep yourself in an access review',
      lob: review.lob,
      detail: { review: review.id, until: input.until ?? null },
    });
    if (input.until)
      checkGrantLength(
        grantor,
        (await getLob(deps, review.lob)) ?? { lob: review.lob, maxRequestDays: 0 },
        input.until,
        nowOf(deps),
      );
  }
  for (let attempt = 1; ; attempt++) {
    const now = nowOf(deps);
    const at = now.toISOString();
    const row: ReviewRow = {
      username,
      decision,
      decidedBy: actor,
      decidedAt: at,
      comment: comment.data || undefined,
      newUntil: decision === 'keep' ? input.until : undefined,
    };
    const rowItem = reviewWrites.decide(deps, review.id, username, {
      decision,
      decidedBy: actor,
      decidedAt: at,
      comment: row.comment,
      newUntil: row.newUntil,
    });
    const extra = [rowItem, reviewWrites.countDecided(deps, review.id, 1)];
    const context = { review: review.id, decision, comment: row.comment };
    const before = await getUserMapping(deps, username);
    const current = before?.memberships.find((m) => m.lob === review.lob && isMembershipActive(m, now));
    let memberships: Membership[] | undefined;
    let after: UserMapping | null = null;
    if (decision === 'remove' && current) memberships = (before?.memberships ?? []).filter((m) => m.lob !== review.lob);
    if (decision === 'keep' && input.until && current) {
      memberships = (before?.memberships ?? []).map((m) =>
        m.lob === review.lob
          ? { ...m, until: input.until, grantedBy: actor, grantedAt: at, via: 'review' as const }
          : m,
      );
    }
    try {
      if (memberships) {
        after = await commitMembershipWrite(
          deps,
          {
            actor,
            username,
            before,
            memberships,
            action: `review.${decision}`,
            lob: review.lob,
            review: review.id,
            context,
          },
          extra,
        );
      } else {
        const audit = auditWritesFor(
          deps,
          {
            actor,
            action: `review.${decision}`,
            target: username,
            lob: review.lob,
            review: review.id,
            before: null,
            after: { ...context, membership: current ? 'unchanged' : 'none' },
          },
          now,
        );
        await transactWrite(deps.ddb, [...extra, ...audit]);
      }
    } catch (error) {
      if (!(error instanceof TransactionCancelledError)) throw error;
      const why = await explainCancel(deps, review.id, username);
      if (why) throw why;
      if (attempt >= MAX_ATTEMPTS)
        throw new PortalError('conflict.version', `${username} changed several times meanwhile; try again.`, {
          cause: error,
        });
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
    if (memberships) {
      await studioFollows(
        deps,
        { actor, username, before, after, reason: 'review.removed' },
        `Recorded: ${decision} ${username}.`,
        { assert: !input.whileFinishing },
      );
    }
    return row;
  }
}

export interface KeepAllResult {
  kept: string[];
  /** The reviewer was among the listed members: left undecided (nobody keeps themselves), the refusal audited. */
  selfRefused?: boolean;
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
export async function keepAll(
  deps: AdminDeps,
  { actor, review, usernames, comment }: { actor: string; review: Review; usernames: string[]; comment?: string },
): Promise<KeepAllResult> {
  if (review.status !== 'open') throw new ReviewClosedError(review);
  const parsed = commentSchema.safeParse(comment ?? '');
  if (!parsed.success) throw new InputInvalidError(parsed.error.issues[0].message, { details: { field: 'comment' } });
  const listed = [...new Set(usernames)];
  if (listed.length > 1000) throw new InputInvalidError('Keep all shown: at most 1,000 members at once.');
  const result: KeepAllResult = { kept: [], alreadyDecided: [] };
  const unique = listed.filter((u) => u !== actor);
  if (unique.length < listed.length) {
    result.selfRefused = true;
    await refuseSelfGrant(deps, actor, actor, {
      action: 'review.keep',
      what: 'you cannot keep yourself in an access review',
      lob: review.lob,
      detail: { review: review.id, bulk: true },
    }).catch((error) => {
      if (!(error instanceof SelfGrantError)) throw error;
    });
  }
  for (let i = 0; i < unique.length; i += KEEP_CHUNK) {
    let part = unique.slice(i, i + KEEP_CHUNK);
    for (let attempt = 1; part.length; attempt++) {
      const now = nowOf(deps);
      const at = now.toISOString();
      const items: DirectoryWrite[] = [reviewWrites.countDecided(deps, review.id, part.length)];
      for (const username of part)
        items.push(
          reviewWrites.decide(deps, review.id, username, {
            decision: 'keep',
            decidedBy: actor,
            decidedAt: at,
            comment: parsed.data || undefined,
          }),
        );
      for (const username of part) {
        // One audit item each (the change names its LOB): row k is item 1 + k of the transaction.
        items.push(
          ...auditWritesFor(
            deps,
            {
              actor,
              action: 'review.keep',
              target: username,
              lob: review.lob,
              review: review.id,
              before: null,
              after: { review: review.id, decision: 'keep', bulk: true, comment: parsed.data || undefined },
            },
            now,
          ),
        );
      }
      try {
        await transactWrite(deps.ddb, items);
        result.kept.push(...part);
        break;
      } catch (error) {
        if (!(error instanceof TransactionCancelledError)) throw error;
        if (error.reasons[0] === 'ConditionalCheckFailed')
          throw new ReviewClosedError(await requireReview(deps, review.id));
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
    for await (const page of iterateReviewRowPages(deps, review.id)) {
      for (const row of page.filter((r) => !r.decision)) {
        try {
          await decideMember(deps, {
            grantor: { username: actor, platformAdmin: false },
            review,
            username: row.username,
            decision: 'remove',
            comment: 'Undecided when the review closed',
            whileFinishing: true,
          });
          removed++;
        } catch (error) {
          if (!(error instanceof ReviewAlreadyDecidedError)) throw error;
        }
      }
    }
  }
  const now = nowOf(deps);
  const at = now.toISOString();
  try {
    await writeWithAudit(
      deps,
      [reviewWrites.finish(deps, review.id, { at, by: actor, removedUndecided: removed })],
      {
        actor,
        action: 'review.finish',
        target: review.lob,
        lob: review.lob,
        review: review.id,
        before: { status: 'open' },
        after: { status: 'finished', removedUndecided: removed },
      },
      now,
      { metric: false },
    );
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
  for (const schedule of await queryDueSchedules(deps, iso, 100)) {
    if (schedule.everyDays === undefined || !schedule.nextAt) continue; // not scheduled (the index holds schedules only)
    const next = new Date(
      Math.max(Date.parse(schedule.nextAt) + schedule.everyDays * DAY_MS, now.getTime() + DAY_MS),
    ).toISOString();
    if (!(await claimScheduleSlot(deps, schedule.lob, schedule.nextAt, next))) continue; // another run took it
    const lob = await getLob(deps, schedule.lob);
    if (!lob) continue;
    result.opened.push(await startReview(deps, { actor: SCHEDULER_ACTOR, lob, dueDays: schedule.dueDays }));
  }
  for (const review of await queryOverdueReviews(deps, iso, 100)) {
    if (!(await getReviewSettings(deps, review.lob)).removeUndecided) continue; // flagged, stays open
    try {
      result.closed.push(await finishReview(deps, SCHEDULER_ACTOR, review));
    } catch (error) {
      if (!(error instanceof ReviewClosedError)) throw error;
    }
  }
  return result;
}

/** CSV columns of the evidence export. */
export const REVIEW_CSV_COLUMNS = [
  'member',
  'decision',
  'reviewer',
  'time',
  'comment',
  'newUntil',
  'untilAtSnapshot',
  'review',
  'lob',
  'recommendation',
] as const;
