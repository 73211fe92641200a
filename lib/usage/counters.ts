import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateDirectoryError } from '../aws/errors';
import { DURATION_BUCKETS_MS, NO_LOB, USAGE_TTL_DAYS, USER_SHARDS } from './schema';

/** One launch as the usage counters see it. */
export interface LaunchUsage {
  /** The LOB launched into; undefined when the launch never reached one. */
  lob?: string;
  user: string;
  /** "success" or the PortalError code. */
  outcome: string;
  durationMs: number;
  at: Date;
}

/** UTC day of an instant, `YYYY-MM-DD`. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Index of the histogram bucket a duration falls in (the last index is "above the largest bound"). */
export function durationBucket(durationMs: number): number {
  const i = DURATION_BUCKETS_MS.findIndex((bound) => durationMs <= bound);
  return i === -1 ? DURATION_BUCKETS_MS.length : i;
}

/** Which of the USER_SHARDS items of a LOB-day holds a user's counter (FNV-1a of the name). */
export function userShard(username: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < username.length; i++) {
    hash ^= username.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % USER_SHARDS;
}

export const usageKeys = {
  counters: (lob: string, day: string) => ({ pk: `lob#${lob}`, sk: `c#${day}` }),
  users: (lob: string, shard: number, day: string) => ({ pk: `lob#${lob}`, sk: `u${shard}#${day}` }),
};

/** One item's share of the counting: the ADDs (attribute -> amount) and the TTL to set. */
interface ItemCount {
  key: { pk: string; sk: string };
  adds: Map<string, number>;
  ttl: number;
}

/** What one launch adds: to the LOB-day counter item, and for a success to the user's shard of the LOB-day. */
function countsOf(usage: LaunchUsage): ItemCount[] {
  const lob = usage.lob ?? NO_LOB;
  const day = dayOf(usage.at);
  const ttl = Math.floor(usage.at.getTime() / 1000) + USAGE_TTL_DAYS * 86_400;
  const success = usage.outcome === 'success';
  const counters = new Map([['n', 1], [`o:${usage.outcome}`, 1]]);
  if (success) counters.set(`h${durationBucket(usage.durationMs)}`, 1);
  const items: ItemCount[] = [{ key: usageKeys.counters(lob, day), adds: counters, ttl }];
  if (success && usage.lob) items.push({ key: usageKeys.users(lob, userShard(usage.user), day), adds: new Map([[`u:${usage.user}`, 1]]), ttl });
  return items;
}

/** The atomic UpdateItem of one item's count. */
function updateOf(table: string, count: ItemCount): UpdateCommand {
  const adds = [...count.adds];
  return new UpdateCommand({
    TableName: table,
    Key: count.key,
    UpdateExpression: `ADD ${adds.map((_, i) => `#a${i} :a${i}`).join(', ')} SET #ttl = :ttl`,
    ExpressionAttributeNames: { ...Object.fromEntries(adds.map(([name], i) => [`#a${i}`, name])), '#ttl': 'ttl' },
    ExpressionAttributeValues: { ...Object.fromEntries(adds.map(([, n], i) => [`:a${i}`, n])), ':ttl': count.ttl },
  });
}

/** Sends the counts at once; the first failure, translated, once all have settled. */
async function sendCounts(doc: DynamoDBDocumentClient, table: string, counts: ItemCount[]): Promise<void> {
  const results = await Promise.allSettled(counts.map((count) => doc.send(updateOf(table, count))));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw translateDirectoryError(failed.reason, 'usage.record');
}

/**
 * Counts launches at write time with atomic `ADD`s, never by scanning the audit log: one UpdateItem on
 * the LOB-day counter item (launches, per outcome, duration bucket) and, for a success, one on the user's
 * shard of the LOB-day (distinct and top users). Both are sent at once; callers run `record` beside the
 * audit write, so counting adds no sequential round trip to a launch.
 */
export class UsageRecorder {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  record(usage: LaunchUsage): Promise<void> {
    return sendCounts(this.doc, this.table, countsOf(usage));
  }
}

/** How long a launch's counts wait for others to share their UpdateItems (as the audit records' batching window). */
const DEFAULT_USAGE_DELAY_MS = 10;
/** Launches merged into one round of writes at most (keeps each UpdateExpression small). */
const MAX_USAGE_BATCH = 25;

/** The launches gathered in one window: their counts merged per item, written together when it closes. */
interface UsageRound {
  items: Map<string, ItemCount>;
  launches: number;
  timer: NodeJS.Timeout;
  /** Each item's write, once the round is sent. */
  writes: Promise<Map<string, Promise<void>>>;
  send(): void;
}

/** Adds one item's count into a round's merged counts; returns the item's id in the round. */
function mergeCount(items: Map<string, ItemCount>, count: ItemCount): string {
  const id = `${count.key.pk}\u0000${count.key.sk}`;
  const into = items.get(id);
  if (!into) items.set(id, { key: count.key, adds: new Map(count.adds), ttl: count.ttl });
  else {
    for (const [name, n] of count.adds) into.adds.set(name, (into.adds.get(name) ?? 0) + n);
    into.ttl = Math.max(into.ttl, count.ttl);
  }
  return id;
}

/**
 * For counting after the response: launches that end within `maxDelayMs` of each other are merged, one
 * UpdateItem per item they touch with the ADDs summed (launches of one LOB-day share the counter item), so
 * under load a launch costs a fraction of two UpdateItems, and the writes start clear of the response.
 * Each `record()` settles when its own items are written (or one failed), as with UsageRecorder.
 */
export class BatchingUsageRecorder {
  private round?: UsageRound;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly maxDelayMs = DEFAULT_USAGE_DELAY_MS,
  ) {}

  record(usage: LaunchUsage): Promise<void> {
    const round = (this.round ??= this.openRound());
    const ids = countsOf(usage).map((count) => mergeCount(round.items, count));
    round.launches += 1;
    if (round.launches >= MAX_USAGE_BATCH) round.send();
    return round.writes.then((writes) => Promise.all(ids.map((id) => writes.get(id)))).then(() => undefined);
  }

  private openRound(): UsageRound {
    let start!: (writes: Map<string, Promise<void>>) => void;
    const round: UsageRound = {
      items: new Map(),
      launches: 0,
      timer: setTimeout(() => round.send(), this.maxDelayMs),
      writes: new Promise((resolve) => (start = resolve)),
      send: () => {
        clearTimeout(round.timer);
        if (this.round === round) this.round = undefined;
        start(new Map([...round.items].map(([id, count]) => [id, sendCounts(this.doc, this.table, [count])])));
      },
    };
    return round;
  }
}
