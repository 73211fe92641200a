/**
 * The Usage table's launch counters (item layout: lib/usage/schema.ts), the data layer's side: the keys,
 * the atomic ADD of one item's counts, and the range queries of the usage report, reshaped into counts.
 * What a launch counts, the shards and buckets and the report's arithmetic stay in lib/usage.
 */
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DirectoryItemError } from './items';
import { send, sendAllPages } from './send';

/** The Usage table through one client (what lib/usage holds and passes on). */
export interface UsageTable {
  doc: DynamoDBDocumentClient;
  table: string;
}

export interface UsageKey {
  pk: string;
  sk: string;
}

/** A LOB's partition: all its counter items. */
const partitionOf = (lob: string) => `lob#${lob}`;

export const usageKeys = {
  counters: (lob: string, day: string): UsageKey => ({ pk: partitionOf(lob), sk: `c#${day}` }),
  users: (lob: string, shard: number, day: string): UsageKey => ({ pk: partitionOf(lob), sk: `u${shard}#${day}` }),
  userMonth: (lob: string, month: string, shard: number): UsageKey => ({
    pk: partitionOf(lob),
    sk: `m#${month}#${shard}`,
  }),
};

/** One item's share of the counting: the ADDs (attribute -> amount) and the TTL (epoch seconds) to set. */
export interface UsageCount {
  key: UsageKey;
  adds: ReadonlyMap<string, number>;
  ttl: number;
}

/** The UpdateItem input that ADDs each attribute's delta of one item (and sets its TTL): alone, or in a transaction. */
export function addUpdateOf(table: string, count: UsageCount) {
  const names: Record<string, string> = { '#ttl': 'ttl' };
  const values: Record<string, number> = { ':ttl': count.ttl };
  const terms = [...count.adds].map(([attribute, delta], i) => {
    names[`#a${i}`] = attribute;
    values[`:v${i}`] = delta;
    return `#a${i} :v${i}`;
  });
  return {
    TableName: table,
    Key: count.key,
    UpdateExpression: `ADD ${terms.join(', ')} SET #ttl = :ttl`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** One UpdateItem that ADDs each attribute's delta (and keeps the item's TTL); failures translated (`usage.record`). */
export async function addUsageCount(usage: UsageTable, count: UsageCount): Promise<void> {
  await send('usage.record', () => usage.doc.send(new UpdateCommand(addUpdateOf(usage.table, count))));
}

/** A LOB-day counter item: launches (`n`), per outcome (`o:<outcome>`), per duration bucket (`h<i>`). */
export interface DayCounters {
  day: string;
  launches: number;
  outcomes: Map<string, number>;
  buckets: Map<number, number>;
}

type Item = Record<string, unknown>;

/** A counter attribute: a number (what ADD leaves), or the item is refused. */
export function countOf(item: Item, attribute: string): number {
  const value = item[attribute];
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n))
    throw new DirectoryItemError('Usage', `${String(item.pk)}/${String(item.sk)}`, `${attribute} is not a number`);
  return n;
}

/** The sort key's part after its prefix (`c#`, `u<shard>#`, `m#`) up to the next `#`. */
const periodOf = (sk: unknown) => String(sk).split('#')[1] ?? '';

function reshapeDayCounters(item: Item): DayCounters {
  const counters: DayCounters = {
    day: periodOf(item.sk),
    launches: item.n === undefined ? 0 : countOf(item, 'n'),
    outcomes: new Map(),
    buckets: new Map(),
  };
  for (const attribute of Object.keys(item)) {
    if (attribute.startsWith('o:')) counters.outcomes.set(attribute.slice(2), countOf(item, attribute));
    else if (/^h\d+$/.test(attribute)) counters.buckets.set(Number(attribute.slice(1)), countOf(item, attribute));
  }
  return counters;
}

/** A per-user item (a LOB-day or LOB-month shard): successful launches per user (`u:<user>`). */
export interface UserCounts {
  /** The UTC day (`YYYY-MM-DD`) or month (`YYYY-MM`) the item counts. */
  period: string;
  launches: Map<string, number>;
}

function reshapeUserCounts(item: Item): UserCounts {
  const launches = new Map<string, number>();
  for (const attribute of Object.keys(item))
    if (attribute.startsWith('u:')) launches.set(attribute.slice(2), countOf(item, attribute));
  return { period: periodOf(item.sk), launches };
}

/** Every item of a LOB's partition with `from <= sk <= to`, paginated; failures translated (`usage.read`). */
export async function queryRange<T>(
  usage: UsageTable,
  lob: string,
  from: string,
  to: string,
  reshape: (item: Item) => T,
): Promise<T[]> {
  return sendAllPages(
    'usage.read',
    async (startKey) => {
      const out = await usage.doc.send(
        new QueryCommand({
          TableName: usage.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': partitionOf(lob), ':from': from, ':to': to },
          ExclusiveStartKey: startKey,
        }),
      );
      return { Items: out.Items as Item[] | undefined, LastEvaluatedKey: out.LastEvaluatedKey };
    },
    reshape,
  );
}

/** A LOB's day counters from day `first` to `last` (UTC days, `YYYY-MM-DD`), one item per day that had a launch. */
export function readDayCounters(usage: UsageTable, lob: string, first: string, last: string): Promise<DayCounters[]> {
  return queryRange(
    usage,
    lob,
    usageKeys.counters(lob, first).sk,
    usageKeys.counters(lob, last).sk,
    reshapeDayCounters,
  );
}

/** A LOB's per-user month shards from month `first` to `last` (`YYYY-MM`), every shard. */
export function readUserMonths(usage: UsageTable, lob: string, first: string, last: string): Promise<UserCounts[]> {
  return queryRange(usage, lob, `m#${first}#`, `m#${last}#~`, reshapeUserCounts);
}

/** One shard of a LOB's per-user day items from day `first` to `last`. */
export function readUserDays(
  usage: UsageTable,
  lob: string,
  shard: number,
  first: string,
  last: string,
): Promise<UserCounts[]> {
  return queryRange(
    usage,
    lob,
    usageKeys.users(lob, shard, first).sk,
    usageKeys.users(lob, shard, last).sk,
    reshapeUserCounts,
  );
}
