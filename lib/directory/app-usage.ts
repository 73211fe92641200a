/**
 * Studio app hours in the Usage table (the data layer's side of lib/cost): the sweep's window cursor per
 * LOB, the instance-seconds counters it ADDs, the "stops soon" warning claims, and the reads of the usage
 * page and the home page. Items (under the LOB's partition `pk = lob#<lob>`):
 * - `sk = ih-cursor`: `at` (ISO), the end of the last window counted.
 * - `sk = ih#<YYYY-MM-DD>`: `t:<instanceType>` app seconds of the LOB that day, `ttl`.
 * - `sk = ihm#<YYYY-MM>#<shard>`: `u:<username>|<instanceType>` app seconds of the user that month, `ttl`.
 * - `sk = stopwarn#<app id>#<limit hours>`: one "stops soon" warning sent (claimed before it is published), `ttl`.
 */
import { GetCommand, PutCommand, DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { claimPut, send } from './send';
import { addUpdateOf, countOf, queryRange } from './usage';
import { transactWrite, TransactionCancelledError, type DirectoryWrite } from './writes';

/** The Usage table through one client. */
export interface AppUsageTable {
  doc: DynamoDBDocumentClient;
  table: string;
}

const partitionOf = (lob: string) => `lob#${lob}`;
const CURSOR_SK = 'ih-cursor';

export const appUsageKeys = {
  cursor: (lob: string) => ({ pk: partitionOf(lob), sk: CURSOR_SK }),
  day: (lob: string, day: string) => ({ pk: partitionOf(lob), sk: `ih#${day}` }),
  userMonth: (lob: string, month: string, shard: number) => ({ pk: partitionOf(lob), sk: `ihm#${month}#${shard}` }),
  warning: (lob: string, appId: string, limitHours: number) => ({
    pk: partitionOf(lob),
    sk: `stopwarn#${appId}#${limitHours}`,
  }),
};

/** The attribute of one user's seconds on one instance type in a month item. */
export const userTypeAttribute = (username: string, instanceType: string) => `u:${username}|${instanceType}`;

/** The end of the LOB's last counted window (undefined: never counted). */
export async function readSweepCursor(usage: AppUsageTable, lob: string): Promise<string | undefined> {
  return send('usage.read', async () => {
    const out = await usage.doc.send(
      new GetCommand({ TableName: usage.table, Key: appUsageKeys.cursor(lob), ConsistentRead: true }),
    );
    const at = out.Item?.at;
    return typeof at === 'string' ? at : undefined;
  });
}

/** One item's ADDs (attribute -> seconds). */
export interface SecondsAdd {
  key: { pk: string; sk: string };
  adds: ReadonlyMap<string, number>;
  ttl: number;
}

/**
 * Counts one window: moves the cursor from `from` (undefined: none yet) to `to` and ADDs the seconds, in one
 * transaction. Answers false when another sweep moved the cursor first (the window is theirs: nothing added).
 */
export async function countWindow(
  usage: AppUsageTable,
  lob: string,
  from: string | undefined,
  to: string,
  adds: SecondsAdd[],
): Promise<boolean> {
  const cursor: DirectoryWrite = {
    Update: {
      TableName: usage.table,
      Key: appUsageKeys.cursor(lob),
      UpdateExpression: 'SET #at = :to',
      ConditionExpression: from === undefined ? 'attribute_not_exists(#at)' : '#at = :from',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: from === undefined ? { ':to': to } : { ':to': to, ':from': from },
    },
  };
  const writes: DirectoryWrite[] = [cursor];
  for (const add of adds) if (add.adds.size) writes.push({ Update: addUpdateOf(usage.table, add) });
  try {
    await transactWrite(usage.doc, writes);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelledError && error.reasons[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

/** Claims the one "stops soon" warning of an app for a limit; false when it was claimed before. */
export async function claimStopWarning(
  usage: AppUsageTable,
  lob: string,
  appId: string,
  limitHours: number,
  at: Date,
  ttlSeconds: number,
): Promise<boolean> {
  const put = new PutCommand({
    TableName: usage.table,
    Item: {
      ...appUsageKeys.warning(lob, appId, limitHours),
      at: at.toISOString(),
      ttl: Math.floor(at.getTime() / 1000) + ttlSeconds,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  return claimPut('usage.record', usage.doc, put);
}

/** Gives a claim back (the warning could not be published: the next sweep tries again). */
export async function releaseStopWarning(
  usage: AppUsageTable,
  lob: string,
  appId: string,
  limitHours: number,
): Promise<void> {
  return send('usage.record', async () => {
    await usage.doc.send(
      new DeleteCommand({ TableName: usage.table, Key: appUsageKeys.warning(lob, appId, limitHours) }),
    );
  });
}

type Item = Record<string, unknown>;

/** A LOB's app seconds per instance type for one UTC day. */
export interface DayInstanceSeconds {
  day: string;
  seconds: Map<string, number>;
}

/** A LOB's day items from `first` to `last` (`YYYY-MM-DD`), one per day that had running apps. */
export function readInstanceDays(
  usage: AppUsageTable,
  lob: string,
  first: string,
  last: string,
): Promise<DayInstanceSeconds[]> {
  return queryRange(usage, lob, appUsageKeys.day(lob, first).sk, appUsageKeys.day(lob, last).sk, (item) => {
    const seconds = new Map<string, number>();
    for (const attribute of Object.keys(item))
      if (attribute.startsWith('t:')) seconds.set(attribute.slice(2), countOf(item, attribute));
    return { day: String(item.sk).slice(3), seconds };
  });
}

/** One user's app seconds per instance type in a LOB and month (one GetItem on their shard). */
export async function readUserMonthSeconds(
  usage: AppUsageTable,
  lob: string,
  month: string,
  shard: number,
  username: string,
): Promise<Map<string, number>> {
  const get = new GetCommand({ TableName: usage.table, Key: appUsageKeys.userMonth(lob, month, shard) });
  const item = (await send('usage.read', () => usage.doc.send(get))).Item as Item | undefined;
  const prefix = `u:${username}|`;
  const seconds = new Map<string, number>();
  for (const attribute of Object.keys(item ?? {}))
    if (attribute.startsWith(prefix)) seconds.set(attribute.slice(prefix.length), countOf(item!, attribute));
  return seconds;
}
