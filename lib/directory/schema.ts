/**
 * The one source of the DynamoDB table shapes (keys, attribute types, GSIs): infra builds its tables
 * from it, the stand-ins create theirs from it (local/dynamodb.ts) and the data layer takes index and
 * key names from it. Plain data, no SDK or Pulumi types; tests check that the three agree.
 */

export type KeyType = 'S' | 'N';

export interface IndexSchema {
  name: string;
  hash: string;
  range?: string;
}

export interface TableSchema {
  /** The key of config.tables (and of the stand-ins' table names). */
  id: 'users' | 'lobs' | 'audit' | 'requests' | 'reviews' | 'usage';
  hash: string;
  range?: string;
  /** Types of every key attribute of the table and its indexes. */
  attributes: Record<string, KeyType>;
  indexes: IndexSchema[];
  /** Attribute holding an epoch-seconds expiry (DynamoDB TTL), if any. */
  ttl?: string;
}

/** A key: hash attribute, then the range attribute if any. */
type Key = readonly [hash: string, range?: string];

/**
 * A table's schema from its key, its GSIs by name (in this order: `{ byUser: ['user', 'sk'] }`) and its TTL
 * attribute. The attribute types follow from the keys (every portal key is a string), so no key of the
 * table or an index can lack its attribute definition.
 */
function defineTable(spec: {
  id: TableSchema['id'];
  key: Key;
  indexes?: Record<string, Key>;
  ttl?: string;
}): TableSchema {
  const [hash, range] = spec.key;
  const indexes = Object.entries(spec.indexes ?? {}).map(([name, [h, r]]): IndexSchema => ({
    name,
    hash: h,
    ...(r ? { range: r } : {}),
  }));
  const keys = [hash, range, ...indexes.flatMap((i) => [i.hash, i.range])].filter((k): k is string => k !== undefined);
  return {
    id: spec.id,
    hash,
    ...(range ? { range } : {}),
    attributes: Object.fromEntries(keys.map((k) => [k, 'S' as const])),
    indexes,
    ...(spec.ttl ? { ttl: spec.ttl } : {}),
  };
}

export const USERS_TABLE = defineTable({
  id: 'users',
  key: ['username'],
  indexes: { byUsername: ['kind', 'username'] },
});

export const LOBS_TABLE = defineTable({ id: 'lobs', key: ['lob'] });

/** How long audit items (and the review items that expire with them) live: contracts say 400 days. */
export const AUDIT_RETENTION_SECONDS = 400 * 24 * 3600;

export const AUDIT_TABLE = defineTable({
  id: 'audit',
  key: ['pk', 'sk'],
  indexes: { byUser: ['user', 'sk'], byLob: ['lob', 'sk'] },
  ttl: 'ttl',
});

/**
 * Access requests. `pendingLob` is set only while a request is pending (a sparse index: the queue holds
 * pending requests only); guard items (`id` = `pending#<lob>#<user>`) carry neither index key. `lapseKind`
 * (= "pending") and `lapsesAt` are set only while a request that can lapse is pending (sparse: the lapse job,
 * lib/admin/request-lapse.ts, reads only what is due).
 */
export const REQUESTS_TABLE = defineTable({
  id: 'requests',
  key: ['id'],
  indexes: {
    pendingByLob: ['pendingLob', 'createdAt'],
    byRequester: ['requester', 'createdAt'],
    lapsesDue: ['lapseKind', 'lapsesAt'],
  },
  // Only the per-person rate items (lib/directory/request-rate.ts) carry `ttl`.
  ttl: 'ttl',
});

/**
 * Access reviews (lib/admin/reviews.ts). One partition per review: `pk` = `review#<id>`, `sk` = `meta`
 * (the header) or `member#<username>` (a snapshot row and its decision). Per-LOB review settings live at
 * `pk` = `settings#<lob>`, `sk` = `settings`. Sparse indexes: `reviewLob` only on headers (reviews of a
 * LOB, newest first), `openKind` only on open headers (the due-date job), `scheduleKind` only on settings
 * with a schedule (the schedule job), `remindKind` only on open headers with a reminder still to send (the
 * reminder job, lib/admin/review-reminders.ts). Items expire with the audit log (`ttl`).
 */
export const REVIEWS_TABLE = defineTable({
  id: 'reviews',
  key: ['pk', 'sk'],
  indexes: {
    byLob: ['reviewLob', 'createdAt'],
    openByDue: ['openKind', 'dueAt'],
    schedulesDue: ['scheduleKind', 'nextAt'],
    remindersDue: ['remindKind', 'remindAt'],
  },
  ttl: 'ttl',
});

/** Usage counters per LOB and day (lib/usage/schema.ts describes the items). */
export const USAGE_TABLE = defineTable({ id: 'usage', key: ['pk', 'sk'], ttl: 'ttl' });

export const TABLE_SCHEMAS: readonly TableSchema[] = [
  USERS_TABLE,
  LOBS_TABLE,
  AUDIT_TABLE,
  REQUESTS_TABLE,
  REVIEWS_TABLE,
  USAGE_TABLE,
];

export type TableId = TableSchema['id'];

/** One value per table, in schema order: what every place that needs all six tables maps over. */
export function perTable<T>(value: (table: TableSchema) => T): Record<TableId, T> {
  return Object.fromEntries(TABLE_SCHEMAS.map((table) => [table.id, value(table)])) as Record<TableId, T>;
}

/** A table's name where configuration names none (studio-portal-users, ...): infra, the portal, the stand-ins. */
export function defaultTableName(id: TableId): string {
  return `studio-portal-${id}`;
}

/** The environment variable that names a table for the portal and the stand-ins (TABLE_USERS, ...). */
export function tableEnvName(id: TableId): string {
  return `TABLE_${id.toUpperCase()}`;
}

/** A table's index by name (never by position: adding an index must not move another one's queries). */
export function indexOf(table: TableSchema, name: string): IndexSchema {
  const index = table.indexes.find((i) => i.name === name);
  if (!index) throw new Error(`The ${table.id} table schema has no index named ${name}.`);
  return index;
}
