import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PortalError } from '@/lib/errors';

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };
export interface TableWrite {
  table: string;
  request: WriteRequest;
}

const MAX_ATTEMPTS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `task` over `items` with at most `concurrency` in flight. */
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
 * backoff. (No TransactWriteItems: DynamoDB Local stand-ins lack it, and imports don't need all-or-nothing.)
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

/** BatchGetItem in chunks of 100 keys, retrying unprocessed keys; returns the items found. */
export async function batchGetAll(
  ddb: DynamoDBDocumentClient,
  table: string,
  keys: Record<string, unknown>[],
  options: { projection?: string; names?: Record<string, string>; concurrency?: number } = {},
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
