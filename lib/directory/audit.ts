import { BatchWriteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateDirectoryError } from '../aws/errors';
import { PortalError } from '../errors';
import { toAuditItem } from './items';
import type { AuditRecord, LaunchAuditRecord } from './types';

/** Appends records to the audit table (launches and admin changes). */
export class AuditWriter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async write(record: AuditRecord): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: toAuditItem(record) }));
    } catch (error) {
      throw translateDirectoryError(error, 'audit.write');
    }
  }

  /** Rewrites a stored launch record's outcome, only while it still says `expected` (never creates one). */
  async updateOutcome(record: LaunchAuditRecord, expected: string, outcome: string): Promise<void> {
    const { pk, sk } = toAuditItem(record);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk, sk },
          UpdateExpression: 'SET outcome = :outcome',
          ConditionExpression: 'attribute_exists(pk) AND outcome = :expected',
          ExpressionAttributeValues: { ':outcome': outcome, ':expected': expected },
        }),
      );
    } catch (error) {
      throw translateDirectoryError(error, 'audit.update');
    }
  }
}

/** BatchWriteItem's limit. */
const MAX_BATCH = 25;
/** How long a record waits for others to share its BatchWriteItem. */
const DEFAULT_MAX_DELAY_MS = 10;
/** Unprocessed items (DynamoDB throttling part of a batch) are retried this often before failing. */
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
    void this.send(batch);
  }

  private async send(batch: PendingAudit[]): Promise<void> {
    if (batch.length === 1) {
      // Alone in its window (a quiet portal): a plain PutItem, as AuditWriter does.
      const [entry] = batch;
      try {
        await this.doc.send(new PutCommand({ TableName: this.table, Item: entry.item }));
        entry.resolve();
      } catch (error) {
        entry.reject(translateDirectoryError(error, 'audit.write'));
      }
      return;
    }
    let entries = batch;
    for (let attempt = 1; entries.length; attempt++) {
      let unprocessed: Record<string, unknown>[];
      try {
        const out = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.table]: entries.map((e) => ({ PutRequest: { Item: e.item } })) } }),
        );
        unprocessed = (out.UnprocessedItems?.[this.table] ?? []).flatMap((r) => (r.PutRequest?.Item ? [r.PutRequest.Item] : []));
      } catch (error) {
        const failure = translateDirectoryError(error, 'audit.write');
        for (const e of entries) e.reject(failure);
        return;
      }
      const left = new Set(unprocessed.map((item) => `${item.pk}\u0000${item.sk}`));
      const done = entries.filter((e) => !left.has(`${e.item.pk}\u0000${e.item.sk}`));
      for (const e of done) e.resolve();
      entries = entries.filter((e) => left.has(`${e.item.pk}\u0000${e.item.sk}`));
      if (!entries.length) return;
      if (attempt >= MAX_UNPROCESSED_ATTEMPTS) {
        const failure = new PortalError('aws.throttled', 'DynamoDB left audit records unprocessed after retries.');
        for (const e of entries) e.reject(failure);
        return;
      }
      await new Promise((r) => setTimeout(r, 40 * 2 ** attempt));
    }
  }
}
