/**
 * The data layer's write and batch primitives: TransactWriteItems (all or nothing), BatchWriteItem and
 * BatchGetItem with the one retry of unprocessed items, and newest-first index queries. Every DynamoDB
 * failure leaves here as a portal error (lib/aws/errors.ts is the one translator).
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { cancellationReasons } from '../aws/errors';
import { mapConcurrent } from '../concurrency';
import { PortalError, type PortalErrorOptions } from '../errors';
import type { DirectoryTables } from './access';
import { indexOf, type TableSchema } from './schema';
import { send } from './send';

type Item = Record<string, unknown>;

/** One element of TransactWriteItems (Put / Update / Delete / ConditionCheck). Built by the data layer only. */
export type DirectoryWrite = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** TransactWriteItems' own limit on the number of items in one transaction. */
export const MAX_TRANSACT_ITEMS = 100;
/** BatchWriteItem's limit. */
export const MAX_BATCH_WRITE = 25;
/** BatchGetItem's limit. */
const MAX_BATCH_GET = 100;
/** Unprocessed items (throttling inside a batch) are retried this often by default before failing. */
export const MAX_UNPROCESSED_ATTEMPTS = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Exponential backoff with jitter, capped at 2 s. */
const backoff = (attempt: number, baseMs: number) => Math.min(baseMs * 2 ** attempt, 2000) * (0.5 + Math.random());

/**
 * Thrown when a TransactWriteItems was cancelled by a failed condition or a concurrent transaction;
 * `reasons` holds the per-item code (`ConditionalCheckFailed`, `TransactionConflict`, undefined for items
 * that were fine), in the order of the items written.
 */
export class TransactionCancelledError extends PortalError {
  constructor(
    readonly reasons: (string | undefined)[],
    options?: PortalErrorOptions,
  ) {
    super('conflict.transaction', undefined, { ...options, details: { reasons: reasons.map((r) => r ?? 'None') } });
    this.name = 'TransactionCancelledError';
  }
}

/** Thrown when a write needs more than one transaction can hold (a programming error, not bad input). */
export class TransactionTooLargeError extends PortalError {
  constructor(items: number) {
    super('directory.transaction_too_large', `A transaction holds at most ${MAX_TRANSACT_ITEMS} items, not ${items}.`);
    this.name = 'TransactionTooLargeError';
  }
}

/**
 * TransactWriteItems: every item is written or none is. A cancellation caused only by another transaction
 * on the same items (TransactionConflict) is retried with backoff; any other cancellation becomes
 * TransactionCancelledError (the caller decides what a failed condition means); other failures are
 * translated.
 */
export async function transactWrite(ddb: DynamoDBDocumentClient, items: DirectoryWrite[], attempts = 4): Promise<void> {
  if (items.length > MAX_TRANSACT_ITEMS) throw new TransactionTooLargeError(items.length);
  for (let attempt = 1; ; attempt++) {
    const codes = await send(
      'transact.write',
      () => ddb.send(new TransactWriteCommand({ TransactItems: items })).then(() => null),
      (error) => {
        const codes = cancellationReasons(error);
        if (codes) return { codes, error };
      },
    );
    if (!codes) return;
    const onlyConflicts =
      codes.codes.some((c) => c === 'TransactionConflict') &&
      codes.codes.every((c) => c === 'TransactionConflict' || c === undefined);
    if (!onlyConflicts || attempt >= attempts) throw new TransactionCancelledError(codes.codes, { cause: codes.error });
    await sleep(backoff(attempt, 25));
  }
}

/** One request of BatchWriteItem, in document-client form. */
export type BatchWriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

export interface TableWrite {
  table: string;
  request: BatchWriteRequest;
}

/**
 * The one BatchWriteItem loop: sends `requests` (at most 25), then retries what DynamoDB left unprocessed
 * with backoff, `maxAttempts` sends in all. Returns what is still unprocessed after the last attempt
 * (empty when everything was stored); SDK failures are translated.
 */
export async function writeBatch(
  ddb: DynamoDBDocumentClient,
  requests: Record<string, BatchWriteRequest[]>,
  options: { maxAttempts?: number; backoffMs?: number } = {},
): Promise<Record<string, BatchWriteRequest[]>> {
  const maxAttempts = options.maxAttempts ?? MAX_UNPROCESSED_ATTEMPTS;
  let pending = requests;
  for (let attempt = 1; ; attempt++) {
    const out = await send('batch.write', () => ddb.send(new BatchWriteCommand({ RequestItems: pending })));
    const left = Object.fromEntries(
      Object.entries(out.UnprocessedItems ?? {}).filter(([, l]) => l && l.length),
    ) as Record<string, BatchWriteRequest[]>;
    if (!Object.keys(left).length || attempt >= maxAttempts) return left;
    pending = left;
    await sleep(backoff(attempt, options.backoffMs ?? 50));
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * BatchWriteItem in chunks of 25, a few chunks in parallel (writeBatch retries each). No conditions: only
 * for writes that cannot conflict (seeding, new audit items). Throws aws.throttled when items stay unprocessed.
 */
export async function batchWriteAll(ddb: DynamoDBDocumentClient, writes: TableWrite[], concurrency = 4): Promise<void> {
  await mapConcurrent(chunk(writes, MAX_BATCH_WRITE), concurrency, async (part) => {
    const requests: Record<string, BatchWriteRequest[]> = {};
    for (const w of part) (requests[w.table] ??= []).push(w.request);
    const left = await writeBatch(ddb, requests);
    if (Object.keys(left).length)
      throw new PortalError('aws.throttled', 'DynamoDB kept items unprocessed after retries.');
  });
}

/** BatchGetItem in chunks of 100 keys, retrying unprocessed keys; returns the items found (any order). */
export async function batchGetAll(
  ddb: DynamoDBDocumentClient,
  table: string,
  keys: Item[],
  options: { projection?: string; names?: Record<string, string>; concurrency?: number; consistentRead?: boolean } = {},
): Promise<Item[]> {
  const found: Item[] = [];
  await mapConcurrent(chunk(keys, MAX_BATCH_GET), options.concurrency ?? 4, async (part) => {
    let pending: Item[] = part;
    for (let attempt = 1; pending.length; attempt++) {
      const out = await send('batch.get', () =>
        ddb.send(
          new BatchGetCommand({
            RequestItems: {
              [table]: {
                Keys: pending,
                ProjectionExpression: options.projection,
                ExpressionAttributeNames: options.names,
                ConsistentRead: options.consistentRead,
              },
            },
          }),
        ),
      );
      found.push(...(out.Responses?.[table] ?? []));
      pending = (out.UnprocessedKeys?.[table]?.Keys as Item[] | undefined) ?? [];
      if (pending.length && attempt >= MAX_UNPROCESSED_ATTEMPTS)
        throw new PortalError('aws.throttled', 'DynamoDB kept keys unprocessed after retries.');
      if (pending.length) await sleep(backoff(attempt, 50));
    }
  });
  return found;
}

/**
 * The newest `limit` items of one partition of a table's index (named as in lib/directory/schema.ts: its hash
 * key = `value`, range key descending), reshaped.
 */
export async function queryNewestFirst<T>(
  access: { ddb: DynamoDBDocumentClient; tables: Partial<DirectoryTables> },
  table: TableSchema,
  indexName: string,
  partition: { value: string; limit: number },
  reshape: (item: Item) => T,
): Promise<T[]> {
  const index = indexOf(table, indexName);
  const tableName = access.tables[table.id];
  if (!tableName) throw new Error(`This table access has no ${table.id} table.`);
  const out = await send('query', () =>
    access.ddb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#k = :v',
        ExpressionAttributeNames: { '#k': index.hash },
        ExpressionAttributeValues: { ':v': partition.value },
        ScanIndexForward: false,
        Limit: partition.limit,
      }),
    ),
  );
  return (out.Items ?? []).map(reshape);
}
