import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { decodePageToken, encodePageToken } from './page-token';
import { toDirectoryError } from './errors';
import { batchWriteAll, transactWrite, type TransactItem } from './batch';

const AUDIT_PK = 'audit';
const DEFAULT_TTL_SECONDS = 400 * 24 * 3600;

export type AuditType = 'launch' | 'admin';

/** One audit log entry as the console shows it (the wire item reshaped). */
export interface AuditEntry {
  type: AuditType;
  at: string;
  user: string;
  requestId: string;
  lob?: string;
  /** Every LOB an admin change touched (user changes may touch several); [lob] or [] otherwise. */
  lobs: string[];
  accountId?: string;
  domainId?: string;
  channel?: string;
  app?: string;
  outcome?: string;
  /** Launches: the generator-role session that presigned, as the LOB account's CloudTrail names it. */
  roleSession?: string;
  sourceIdentity?: string;
  action?: string;
  target?: string;
  before?: string;
  after?: string;
  /** The access review a decision belongs to (lib/admin/reviews.ts). */
  review?: string;
}

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

/**
 * Marks an item that exists only so the byLob index finds a change under each LOB it touched; holds the
 * `sk` of the change's main item. Views without a LOB filter skip these so every change shows once.
 */
export const AUDIT_COPY_ATTRIBUTE = 'copyOf';

/** The LOBs whose membership differs between two lists (added or removed), sorted. */
export function lobsTouched(before: readonly string[] | undefined, after: readonly string[] | undefined): string[] {
  const a = new Set(before ?? []);
  const b = new Set(after ?? []);
  return [...new Set([...a, ...b])].filter((l) => a.has(l) !== b.has(l)).sort();
}

/** Builds the audit item for an admin change (used alone, or inside batch writes). */
export function buildAdminAuditItem(deps: AdminDeps, change: AdminChange, at = nowOf(deps)): Record<string, unknown> {
  const requestId = change.requestId ?? randomUUID();
  const iso = at.toISOString();
  const item: Record<string, unknown> = {
    pk: AUDIT_PK,
    // A random suffix keeps several changes in one request (imports) from colliding on the key.
    sk: `${iso}#${requestId}#${randomUUID().slice(0, 8)}`,
    type: 'admin',
    user: change.actor,
    at: iso,
    requestId,
    ttl: Math.floor(at.getTime() / 1000) + (deps.auditTtlSeconds ?? DEFAULT_TTL_SECONDS),
    action: change.action,
    target: change.target,
    before: change.before === undefined || change.before === null ? 'null' : JSON.stringify(change.before),
    after: change.after === undefined || change.after === null ? 'null' : JSON.stringify(change.after),
  };
  const lobs = [...new Set(change.lobs ?? [])].sort();
  if (change.review) item.review = change.review;
  if (change.lob) item.lob = change.lob;
  else if (lobs.length === 1) item.lob = lobs[0];
  if (lobs.length) item.lobs = lobs;
  return item;
}

/**
 * Every item an admin change needs: the main item, and for a change touching several LOBs one copy per LOB
 * (same content, `lob` set, `sk` suffixed with the LOB, marked with AUDIT_COPY_ATTRIBUTE) so the byLob
 * index (hash `lob`) finds it under each of them.
 */
export function buildAdminAuditItems(deps: AdminDeps, change: AdminChange, at = nowOf(deps)): Record<string, unknown>[] {
  const main = buildAdminAuditItem(deps, change, at);
  const lobs = (main.lobs as string[] | undefined) ?? [];
  if (main.lob || lobs.length < 2) return [main];
  return [main, ...lobs.map((lob) => ({ ...main, sk: `${main.sk}#${lob}`, lob, [AUDIT_COPY_ATTRIBUTE]: main.sk }))];
}

export async function writeAdminAudit(deps: AdminDeps, change: AdminChange): Promise<void> {
  const items = buildAdminAuditItems(deps, change);
  try {
    if (items.length === 1) {
      await deps.ddb.send(new PutCommand({ TableName: deps.tables.audit, Item: items[0] }));
    } else {
      await batchWriteAll(deps.ddb, items.map((Item) => ({ table: deps.tables.audit, request: { PutRequest: { Item } } })), 1);
    }
  } catch (error) {
    throw toDirectoryError(error);
  }
  deps.metrics?.adminChange(change.action);
}

/**
 * Writes an admin change and its audit record together, in one TransactWriteItems: both or neither, so
 * no change goes unaudited and no audit record describes a change that did not happen. `writes` carry
 * the change's own conditions (version checks); when one fails, the error satisfies
 * isConditionalCheckFailed and nothing was written. Other failures are translated by toDirectoryError
 * at the caller.
 */
export async function writeWithAudit(deps: AdminDeps, writes: TransactItem[], change: AdminChange, at = nowOf(deps)): Promise<void> {
  const audit = buildAdminAuditItems(deps, change, at).map((Item): TransactItem => ({ Put: { TableName: deps.tables.audit, Item } }));
  await transactWrite(deps.ddb, [...writes, ...audit]);
  deps.metrics?.adminChange(change.action);
}

export interface AuditFilter {
  user?: string;
  lob?: string;
  type?: AuditType;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextToken?: string;
}

function reshapeAuditItem(item: Record<string, unknown>): AuditEntry {
  const str = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  return {
    type: item.type === 'launch' ? 'launch' : 'admin',
    at: str('at') ?? String(item.sk ?? '').split('#')[0],
    user: str('user') ?? '',
    requestId: str('requestId') ?? '',
    lob: str('lob'),
    lobs: Array.isArray(item.lobs) ? item.lobs.map(String) : str('lob') ? [str('lob')!] : [],
    accountId: str('accountId'),
    domainId: str('domainId'),
    channel: str('channel'),
    app: str('app'),
    outcome: str('outcome'),
    roleSession: str('roleSession'),
    sourceIdentity: str('sourceIdentity'),
    action: str('action'),
    target: str('target'),
    before: str('before'),
    after: str('after'),
    review: str('review'),
  };
}

/**
 * The user filter is a prefix ("portal" finds portal-admin), as in the Users search. The byUser index is
 * keyed on the exact name, so a prefix reads the time-ordered partition (or byLob with a LOB filter) with
 * a begins_with filter; listAudit bounds the reads per page and hands out a token for the rest.
 */
function buildAuditQuery(deps: AdminDeps, filter: AuditFilter): QueryCommandInput {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  let keyCondition: string;
  let indexName: string | undefined;
  if (filter.lob) {
    indexName = 'byLob';
    keyCondition = '#lob = :lob';
    names['#lob'] = 'lob';
    values[':lob'] = filter.lob;
  } else {
    keyCondition = 'pk = :pk';
    values[':pk'] = AUDIT_PK;
  }
  if (filter.user) {
    filters.push('begins_with(#user, :user)');
    names['#user'] = 'user';
    values[':user'] = filter.user;
  }
  // With a LOB filter the per-LOB copies are what finds a multi-LOB change; without one they'd be duplicates.
  if (!filter.lob) {
    filters.push('attribute_not_exists(#copy)');
    names['#copy'] = AUDIT_COPY_ATTRIBUTE;
  }
  if (filter.type) {
    filters.push('#type = :type');
    names['#type'] = 'type';
    values[':type'] = filter.type;
  }
  return {
    TableName: deps.tables.audit,
    IndexName: indexName,
    KeyConditionExpression: keyCondition,
    FilterExpression: filters.length ? filters.join(' AND ') : undefined,
    ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
  };
}

/** Newest first, filtered by user / LOB / type; a page holds at most `limit` entries. */
export async function listAudit(
  deps: AdminDeps,
  filter: AuditFilter,
  options: { limit?: number; pageToken?: string } = {},
): Promise<AuditPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const base = buildAuditQuery(deps, filter);
  let startKey = decodePageToken<Record<string, unknown>>(options.pageToken);
  const entries: AuditEntry[] = [];
  // Filters may leave pages sparse; stop after a bounded number of reads and hand out a token for the rest.
  for (let reads = 0; reads < 20 && entries.length < limit; reads++) {
    let out;
    try {
      out = await deps.ddb.send(
        new QueryCommand({ ...base, Limit: limit - entries.length, ExclusiveStartKey: startKey }),
      );
    } catch (error) {
      throw toDirectoryError(error);
    }
    for (const item of out.Items ?? []) entries.push(reshapeAuditItem(item));
    startKey = out.LastEvaluatedKey;
    if (!startKey) break;
  }
  return { entries, nextToken: encodePageToken(startKey) };
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
  'at', 'type', 'user', 'lob', 'accountId', 'domainId', 'channel', 'app', 'outcome',
  'action', 'target', 'before', 'after', 'requestId', 'roleSession', 'sourceIdentity', 'review',
] as const;
