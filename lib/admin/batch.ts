import { BatchGetCommand, BatchWriteCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { translateDirectoryError } from '@/lib/aws/errors';
import { PortalError } from '@/lib/errors';

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };
export interface TableWrite {
  table: string;
  request: WriteRequest;
}

const MAX_ATTEMPTS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `task` over `items` with at most `concurrency` in flight. */
/**
 * The newest `limit` items of one index partition (`key` = `value`, range key descending), reshaped.
 * DynamoDB failures come back as the portal's directory errors.
 */
export async function queryNewestFirst<T>(
  ddb: DynamoDBDocumentClient,
  query: { table: string; index: string; key: string; value: string; limit: number },
  reshape: (item: Record<string, unknown>) => T,
): Promise<T[]> {
  try {
    const out = await ddb.send(
      new QueryCommand({
        TableName: query.table,
        IndexName: query.index,
        KeyConditionExpression: '#k = :v',
        ExpressionAttributeNames: { '#k': query.key },
        ExpressionAttributeValues: { ':v': query.value },
        ScanIndexForward: false,
        Limit: query.limit,
      }),
    );
    return (out.Items ?? []).map(reshape);
  } catch (error) {
    throw translateDirectoryError(error);
  }
}

export async function mapConcurrent<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * BatchWriteItem in chunks of 25 (the API limit), a few chunks in parallel, retrying unprocessed items with
 * backoff. No conditions: only for writes that cannot conflict (bench seeding, new audit items).
 */
export async function batchWriteAll(ddb: DynamoDBDocumentClient, writes: TableWrite[], concurrency = 4): Promise<void> {
  await mapConcurrent(chunk(writes, 25), concurrency, async (part) => {
    let requestItems: Record<string, WriteRequest[]> = {};
    for (const w of part) (requestItems[w.table] ??= []).push(w.request);
    for (let attempt = 1; ; attempt++) {
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: requestItems }));
      const unprocessed = out.UnprocessedItems ?? {};
      if (!Object.values(unprocessed).some((l) => l && l.length)) return;
      if (attempt >= MAX_ATTEMPTS) throw new PortalError('aws.throttled', 'DynamoDB kept items unprocessed after retries.');
      requestItems = unprocessed as Record<string, WriteRequest[]>;
      await sleep(Math.min(50 * 2 ** attempt, 2000) * (0.5 + Math.random()));
    }
  });
}

/** One element of TransactWriteItems (Put / Update / Delete / ConditionCheck), in document-client form. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** TransactWriteItems' own limit on the number of items in one transaction. */
export const MAX_TRANSACT_ITEMS = 100;

/**
 * The per-item reason codes of a cancelled TransactWriteItems (`ConditionalCheckFailed`, `TransactionConflict`,
 * `None` for items that were fine), in TransactItems order; undefined for any other error.
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | null;
  if (e?.name !== 'TransactionCanceledException') return undefined;
  return (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/**
 * TransactWriteItems: every item is written or none is. A cancellation caused only by another transaction
 * on the same items (TransactionConflict) is retried with backoff; failed conditions are not retried (the
 * caller decides: see cancellationCodes and isConditionalCheckFailed).
 */
export async function transactWrite(ddb: DynamoDBDocumentClient, items: TransactItem[], attempts = 4): Promise<void> {
  if (items.length > MAX_TRANSACT_ITEMS) throw new Error(`A transaction holds at most ${MAX_TRANSACT_ITEMS} items, not ${items.length}`);
  for (let attempt = 1; ; attempt++) {
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const codes = cancellationCodes(error);
      const onlyConflicts = codes?.some((c) => c === 'TransactionConflict') && codes.every((c) => c === 'TransactionConflict' || c === 'None');
      if (!onlyConflicts || attempt >= attempts) throw error;
      await sleep(Math.min(25 * 2 ** attempt, 1000) * (0.5 + Math.random()));
    }
  }
}

/** BatchGetItem in chunks of 100 keys, retrying unprocessed keys; returns the items found. */
export async function batchGetAll(
  ddb: DynamoDBDocumentClient,
  table: string,
  keys: Record<string, unknown>[],
  options: { projection?: string; names?: Record<string, string>; concurrency?: number; consistentRead?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await mapConcurrent(chunk(keys, 100), options.concurrency ?? 4, async (part) => {
    let pending: Record<string, unknown>[] = part;
    for (let attempt = 1; pending.length; attempt++) {
      const out = await ddb.send(
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
      );
      found.push(...(out.Responses?.[table] ?? []));
      pending = (out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      if (pending.length && attempt >= MAX_ATTEMPTS) throw new PortalError('aws.throttled', 'DynamoDB kept keys unprocessed after retries.');
      if (pending.length) await sleep(Math.min(50 * 2 ** attempt, 2000) * (0.5 + Math.random()));
    }
  });
  return found;
}
