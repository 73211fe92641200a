import { PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { PortalError } from '../errors';
import type { TableAccess } from './access';
import {
  AUDIT_COPY_ATTRIBUTE,
  AUDIT_FOLLOWS_UP_ATTRIBUTE,
  reshapeAuditItem,
  toAdminAuditItems,
  toAuditItem,
} from './items';
import { AUDIT_TABLE, indexOf } from './schema';
import { send } from './send';
import type { AdminAuditRecord, AuditEntry, AuditRecord, AuditType, LaunchAuditRecord, PageKey } from './types';
import { MAX_BATCH_WRITE, batchWriteAll, writeBatch, type DirectoryWrite } from './writes';

/** Appends records to the audit table (launches and admin changes). */
export class AuditWriter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async write(record: AuditRecord): Promise<void> {
    await send('audit.write', () =>
      this.doc.send(new PutCommand({ TableName: this.table, Item: toAuditItem(record) })),
    );
  }

  /**
   * A launch whose outcome changed after its record was written (the write-ahead record said `expected`):
   * records are never rewritten (the portal's role may not UpdateItem the audit table), so this puts a
   * follow-up record (key: the first's + `#outcome#<outcome>`) holding the new outcome and referencing the
   * first through AUDIT_FOLLOWS_UP_ATTRIBUTE; the audit page shows the two as one launch.
   */
  async updateOutcome(record: LaunchAuditRecord, expected: string, outcome: string): Promise<void> {
    const first = toAuditItem(record);
    const followUp = {
      ...first,
      sk: `${String(first.sk)}#outcome#${outcome}`,
      outcome,
      previousOutcome: expected,
      [AUDIT_FOLLOWS_UP_ATTRIBUTE]: first.sk,
      recordedAt: new Date().toISOString(),
    };
    const put = new PutCommand({
      TableName: this.table,
      Item: followUp,
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    await send('audit.update', () => this.doc.send(put));
  }
}

const MAX_BATCH = MAX_BATCH_WRITE;
/** How long a record waits for others to share its BatchWriteItem. */
const DEFAULT_MAX_DELAY_MS = 10;
/** Launch records wait for nobody: unprocessed items are retried only this often (writeBatch) before failing. */
const MAX_UNPROCESSED_ATTEMPTS = 3;

interface PendingAudit {
  item: Record<string, unknown>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Launch audit records written in batches: records that arrive within `maxDelayMs` of each other
 * share one BatchWriteItem (up to 25), so under load a launch costs a fraction of a DynamoDB call
 * instead of a whole PutItem (docs/performance.md); a record alone in its window is one PutItem.
 * Each `write()` settles only when its own record is stored (or has failed), so callers await and
 * log failures as with AuditWriter. For after-response writes: a record waits up to `maxDelayMs`.
 */
export class BatchingAuditWriter {
  private pending: PendingAudit[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly maxDelayMs = DEFAULT_MAX_DELAY_MS,
  ) {}

  write(record: AuditRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item: toAuditItem(record), resolve, reject });
      if (this.pending.length >= MAX_BATCH) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // BatchWriteItem refuses a batch with two items of the same key (same request id in the same
    // millisecond): such a record goes in the next batch, so it overwrites as a PutItem would.
    const batch: PendingAudit[] = [];
    const rest: PendingAudit[] = [];
    const keys = new Set<string>();
    for (const entry of this.pending) {
      const key = `${entry.item.pk}\u0000${entry.item.sk}`;
      if (batch.length < MAX_BATCH && !keys.has(key)) {
        keys.add(key);
        batch.push(entry);
      } else rest.push(entry);
    }
    this.pending = rest;
    if (rest.length) this.timer = setTimeout(() => this.flush(), rest.length >= MAX_BATCH ? 0 : this.maxDelayMs);
    void this.deliver(batch);
  }

  private async deliver(batch: PendingAudit[]): Promise<void> {
    let left: Record<string, unknown>[];
    try {
      left = await send('audit.write', () => this.store(batch.map((e) => e.item)));
    } catch (error) {
      for (const e of batch) e.reject(error);
      return;
    }
    const keysLeft = new Set(left.map((item) => `${item.pk}\u0000${item.sk}`));
    const failure = new PortalError('aws.throttled', 'DynamoDB left audit records unprocessed after retries.');
    for (const e of batch) {
      if (keysLeft.has(`${e.item.pk}\u0000${e.item.sk}`)) e.reject(failure);
      else e.resolve();
    }
  }

  /** Stores the items; returns those DynamoDB left unprocessed. */
  private async store(items: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    // Alone in its window (a quiet portal): a plain PutItem, as AuditWriter does.
    if (items.length === 1) {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: items[0] }));
      return [];
    }
    const unprocessed = await writeBatch(
      this.doc,
      { [this.table]: items.map((Item) => ({ PutRequest: { Item } })) },
      { maxAttempts: MAX_UNPROCESSED_ATTEMPTS, backoffMs: 40 },
    );
    return (unprocessed[this.table] ?? []).flatMap((r) => ('PutRequest' in r ? [r.PutRequest.Item] : []));
  }
}

// ------------------------------------------------------------------------------------ admin changes

/** The writes of an admin change's audit record, to go into the same transaction as the change itself. */
export function adminAuditWrites(access: TableAccess, record: AdminAuditRecord): DirectoryWrite[] {
  return toAdminAuditItems(record).map((Item): DirectoryWrite => ({ Put: { TableName: access.tables.audit, Item } }));
}

/** Stores an admin change's audit record on its own (changes that write nothing else). */
export async function writeAdminAudit(access: TableAccess, record: AdminAuditRecord): Promise<void> {
  const items = toAdminAuditItems(record);
  if (items.length > 1) {
    await batchWriteAll(
      access.ddb,
      items.map((Item) => ({ table: access.tables.audit, request: { PutRequest: { Item } } })),
      1,
    );
    return;
  }
  await send('audit.write', () => access.ddb.send(new PutCommand({ TableName: access.tables.audit, Item: items[0] })));
}

// ------------------------------------------------------------------------------------------ reading

export interface AuditFilter {
  user?: string;
  lob?: string;
  type?: AuditType;
}

/**
 * The user filter is a prefix ("portal" finds portal-admin), as in the Users search. The byUser index is
 * keyed on the exact name, so a prefix reads the time-ordered partition (or byLob with a LOB filter) with
 * a begins_with filter.
 */
function buildAuditQuery(access: TableAccess, filter: AuditFilter): QueryCommandInput {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  let keyCondition: string;
  let indexName: string | undefined;
  if (filter.lob) {
    indexName = indexOf(AUDIT_TABLE, 'byLob').name;
    keyCondition = '#lob = :lob';
    names['#lob'] = 'lob';
    values[':lob'] = filter.lob;
  } else {
    keyCondition = 'pk = :pk';
    values[':pk'] = 'audit';
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
    TableName: access.tables.audit,
    IndexName: indexName,
    KeyConditionExpression: keyCondition,
    FilterExpression: filters.length ? filters.join(' AND ') : undefined,
    ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
  };
}

/**
 * Up to `limit` entries newest first from `startKey`. Filters may leave pages sparse: at most `maxReads`
 * queries, then `nextKey` says where to go on (undefined: nothing more).
 */
export async function queryAudit(
  access: TableAccess,
  filter: AuditFilter,
  page: { limit: number; startKey?: PageKey; maxReads?: number },
): Promise<{ entries: AuditEntry[]; nextKey?: PageKey }> {
  const base = buildAuditQuery(access, filter);
  let startKey = page.startKey;
  const entries: AuditEntry[] = [];
  for (let reads = 0; reads < (page.maxReads ?? 20) && entries.length < page.limit; reads++) {
    const query = new QueryCommand({ ...base, Limit: page.limit - entries.length, ExclusiveStartKey: startKey });
    const out = await send('audit.query', () => access.ddb.send(query));
    for (const item of out.Items ?? []) entries.push(reshapeAuditItem(item));
    startKey = out.LastEvaluatedKey;
    if (!startKey) break;
  }
  return { entries, nextKey: startKey };
}
