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

export const USERS_TABLE = {
  id: 'users',
  hash: 'username',
  attributes: { username: 'S', kind: 'S' },
  indexes: [{ name: 'byUsername', hash: 'kind', range: 'username' }],
} as const satisfies TableSchema;

export const LOBS_TABLE = {
  id: 'lobs',
  hash: 'lob',
  attributes: { lob: 'S' },
  indexes: [],
} as const satisfies TableSchema;

/** How long audit items (and the review items that expire with them) live: contracts say 400 days. */
export const AUDIT_RETENTION_SECONDS = 400 * 24 * 3600;

export const AUDIT_TABLE = {
  id: 'audit',
  hash: 'pk',
  range: 'sk',
  attributes: { pk: 'S', sk: 'S', user: 'S', lob: 'S' },
  indexes: [
    { name: 'byUser', hash: 'user', range: 'sk' },
    { name: 'byLob', hash: 'lob', range: 'sk' },
  ],
  ttl: 'ttl',
} as const satisfies TableSchema;

/**
 * Access requests. `pendingLob` is set only while a request is pending (a sparse index: the queue holds
 * pending requests only); guard items (`id` = `pending#<lob>#<user>`) carry neither index key.
 */
export const REQUESTS_TABLE = {
  id: 'requests',
  hash: 'id',
  attributes: { id: 'S', pendingLob: 'S', requester: 'S', createdAt: 'S' },
  indexes: [
    { name: 'pendingByLob', hash: 'pendingLob', range: 'createdAt' },
    { name: 'byRequester', hash: 'requester', range: 'createdAt' },
  ],
} as const satisfies TableSchema;

/**
 * Access reviews (lib/admin/reviews.ts). One partition per review: `pk` = `review#<id>`, `sk` = `meta`
 * (the header) or `member#<username>` (a snapshot row and its decision). Per-LOB review settings live at
 * `pk` = `settings#<lob>`, `sk` = `settings`. Sparse indexes: `reviewLob` only on headers (reviews of a
 * LOB, newest first), `openKind` only on open headers (the due-date job), `scheduleKind` only on settings
 * with a schedule (the schedule job). Items expire with the audit log (`ttl`).
 */
export const REVIEWS_TABLE = {
  id: 'reviews',
  hash: 'pk',
  range: 'sk',
  attributes: { pk: 'S', sk: 'S', reviewLob: 'S', createdAt: 'S', openKind: 'S', dueAt: 'S', scheduleKind: 'S', nextAt: 'S' },
  indexes: [
    { name: 'byLob', hash: 'reviewLob', range: 'createdAt' },
    { name: 'openByDue', hash: 'openKind', range: 'dueAt' },
    { name: 'schedulesDue', hash: 'scheduleKind', range: 'nextAt' },
  ],
  ttl: 'ttl',
} as const satisfies TableSchema;

/** Usage counters per LOB and day (lib/usage/schema.ts describes the items). */
export const USAGE_TABLE = {
  id: 'usage',
  hash: 'pk',
  range: 'sk',
  attributes: { pk: 'S', sk: 'S' },
  indexes: [],
  ttl: 'ttl',
} as const satisfies TableSchema;

export const TABLE_SCHEMAS: readonly TableSchema[] = [USERS_TABLE, LOBS_TABLE, AUDIT_TABLE, REQUESTS_TABLE, REVIEWS_TABLE, USAGE_TABLE];
