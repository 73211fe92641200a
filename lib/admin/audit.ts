import { randomUUID } from 'node:crypto';
import {
  adminAuditWrites,
  queryAudit,
  writeAdminAudit as storeAdminAudit,
  type AuditFilter,
} from '@/lib/directory/audit';
import { toAdminAuditItems } from '@/lib/directory/items';
import type { AdminAuditRecord, AuditEntry, AuditType } from '@/lib/directory/types';
import { transactWrite, type DirectoryWrite } from '@/lib/directory/writes';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { decodePageToken, encodePageToken } from './page-token';

export type { AuditEntry, AuditFilter, AuditType };
export { AUDIT_COPY_ATTRIBUTE } from '@/lib/directory/items';

export interface AdminChange {
  /** Who made the change (the admin's username). */
  actor: string;
  /** What kind of change, e.g. `lob.update`, `user.lobs.update`. */
  action: string;
  /** What was changed: a username or a LOB name. */
  target: string;
  before: unknown;
  after: unknown;
  /** Set for LOB changes so the byLob index finds them too. */
  lob?: string;
  /**
   * The LOBs a user change touched (memberships added or removed). One LOB: written as `lob`. Several: the
   * change is written once without `lob` plus one copy per LOB (see buildAdminAuditItems).
   */
  lobs?: string[];
  requestId?: string;
  /** The access review this change was decided in: the audit page links to it. */
  review?: string;
}

/** The LOBs whose membership differs between two lists (added or removed), sorted. */
export function lobsTouched(before: readonly string[] | undefined, after: readonly string[] | undefined): string[] {
  const a = new Set(before ?? []);
  const b = new Set(after ?? []);
  return [...new Set([...a, ...b])].filter((l) => a.has(l) !== b.has(l)).sort();
}

const snapshotText = (value: unknown) => (value === undefined || value === null ? 'null' : JSON.stringify(value));

/** What the audit log keeps of an admin change: who, what, when, and the before/after snapshots as JSON. */
export function toAuditRecord(change: AdminChange, at: Date): AdminAuditRecord {
  return {
    type: 'admin',
    user: change.actor,
    at: at.toISOString(),
    requestId: change.requestId ?? randomUUID(),
    action: change.action,
    target: change.target,
    before: snapshotText(change.before),
    after: snapshotText(change.after),
    lob: change.lob,
    lobs: change.lobs,
    review: change.review,
  };
}

/** The audit writes of an admin change, to go into the same transaction as the change. */
export function auditWritesFor(deps: AdminDeps, change: AdminChange, at = nowOf(deps)): DirectoryWrite[] {
  return adminAuditWrites(deps, toAuditRecord(change, at));
}

/** The stored items of an admin change (one, or one per LOB it touched); see toAdminAuditItems. */
export function buildAdminAuditItems(
  deps: AdminDeps,
  change: AdminChange,
  at = nowOf(deps),
): Record<string, unknown>[] {
  return toAdminAuditItems(toAuditRecord(change, at));
}

/** The main stored item of an admin change. */
export function buildAdminAuditItem(deps: AdminDeps, change: AdminChange, at = nowOf(deps)): Record<string, unknown> {
  return buildAdminAuditItems(deps, change, at)[0];
}

/** Records an admin change that writes nothing else. */
export async function writeAdminAudit(deps: AdminDeps, change: AdminChange): Promise<void> {
  await storeAdminAudit(deps, toAuditRecord(change, nowOf(deps)));
  deps.metrics?.adminChange(change.action);
}

/**
 * Writes an admin change and its audit record together, in one TransactWriteItems: both or neither, so
 * no change goes unaudited and no audit record describes a change that did not happen. `writes` carry
 * the change's own conditions (version checks); when one fails, TransactionCancelledError says which.
 * `metric: false` leaves out the admin-change metric (a request's denial, a review's finish: never counted there).
 */
export async function writeWithAudit(
  deps: AdminDeps,
  writes: DirectoryWrite[],
  change: AdminChange,
  at = nowOf(deps),
  { metric = true }: { metric?: boolean } = {},
): Promise<void> {
  await transactWrite(deps.ddb, [...writes, ...auditWritesFor(deps, change, at)]);
  if (metric) deps.metrics?.adminChange(change.action);
}

export interface AuditPage {
  entries: AuditEntry[];
  nextToken?: string;
}

/** Newest first, filtered by user (a prefix) / LOB / type; a page holds at most `limit` entries. */
export async function listAudit(
  deps: AdminDeps,
  filter: AuditFilter,
  options: { limit?: number; pageToken?: string } = {},
): Promise<AuditPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const page = await queryAudit(deps, filter, {
    limit,
    startKey: decodePageToken<Record<string, unknown>>(options.pageToken),
  });
  return { entries: asLaunches(page.entries), nextToken: encodePageToken(page.nextKey) };
}

/**
 * One entry per launch: a follow-up record (the launch's outcome changed after its first record was
 * written) is folded into the first record it names, which then shows the final outcome and keeps the
 * first one in `previousOutcome`. A follow-up whose first record is not on the page stays as it is.
 */
export function asLaunches(entries: readonly AuditEntry[]): AuditEntry[] {
  const firstKey = (e: AuditEntry) => `${e.at}#${e.requestId}`;
  const followUps = new Map<string, AuditEntry>();
  for (const e of entries) if (e.followsUp) followUps.set(e.followsUp, e);
  const firsts = new Set(entries.filter((e) => !e.followsUp && followUps.has(firstKey(e))).map(firstKey));
  return entries
    .filter((e) => !(e.followsUp && firsts.has(e.followsUp)))
    .map((e) => {
      const followUp = e.followsUp ? undefined : followUps.get(firstKey(e));
      return followUp ? { ...e, outcome: followUp.outcome, previousOutcome: e.outcome, followsUp: undefined } : e;
    });
}

/** Every matching entry, newest first, page by page (CSV export). Stops after `max` entries. */
export async function* iterateAudit(deps: AdminDeps, filter: AuditFilter, max = 100_000): AsyncGenerator<AuditEntry[]> {
  let pageToken: string | undefined;
  let seen = 0;
  do {
    const page = await listAudit(deps, filter, { limit: 500, pageToken });
    seen += page.entries.length;
    if (page.entries.length) yield page.entries;
    pageToken = page.nextToken;
  } while (pageToken && seen < max);
}

export const AUDIT_CSV_COLUMNS = [
  'at',
  'type',
  'user',
  'lob',
  'accountId',
  'domainId',
  'channel',
  'app',
  'outcome',
  'action',
  'target',
  'before',
  'after',
  'requestId',
  'roleSession',
  'sourceIdentity',
  'review',
] as const;
