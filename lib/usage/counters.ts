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
  /** Undefined while the launch is still running (counted ahead, see UsageRecorder.noteDuration). */
  durationMs?: number;
  at: Date;
}

/** UTC day of an instant, `YYYY-MM-DD`. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** UTC month of a day or instant, `YYYY-MM`. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** Index of the histogram bucket a duration falls in (the last index is "above the largest bound"). */
export function durationBucket(durationMs: number): number {
  const i = DURATION_BUCKETS_MS.findIndex((bound) => durationMs <= bound);
  return i === -1 ? DURATION_BUCKETS_MS.length : i;
}

/** Which of the USER_SHARDS items of a LOB-day or LOB-month holds a user's counter (FNV-1a of the name). */
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
  userMonth: (lob: string, month: string, shard: number) => ({ pk: `lob#${lob}`, sk: `m#${month}#${shard}` }),
};

type Adds = Map<string, number>;

/** One UpdateItem that ADDs each attribute's delta (and keeps the item's TTL). */
function addCommand(table: string, key: Record<string, string>, adds: Adds, ttl: number): UpdateCommand {
  const names: Record<string, string> = { '#ttl': 'ttl' };
  const values: Record<string, number> = { ':ttl': ttl };
  const terms = [...adds].map(([attribute, delta], i) => {
    names[`#a${i}`] = attribute;
    values[`:v${i}`] = delta;
    return `#a${i} :v${i}`;
  });
  return new UpdateCommand({
    TableName: table,
    Key: key,
    UpdateExpression: `ADD ${terms.join(', ')} SET #ttl = :ttl`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/**
 * Counts launches at write time with atomic `ADD`s, never by scanning the audit log: one UpdateItem on
 * the LOB-day counter item (launches, per outcome, duration bucket) and, for a success into a LOB, one on
 * the user's shard of the LOB-day (per-day distinct users, for the CSV) and one on the user's shard of
 * the LOB-month (distinct and top users on the page). All are sent at once; callers send them beside the
 * audit write, so counting adds no sequential round trip to a launch.
 */
export class UsageRecorder {
  /** Duration samples of launches counted ahead, per counter item: they go out with the next write. */
  private pending = new Map<string, { key: { pk: string; sk: string }; ttl: number; buckets: Adds }>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(usage: LaunchUsage): Promise<void> {
    const key = usageKeys.counters(usage.lob ?? NO_LOB, dayOf(usage.at));
    const adds: Adds = new Map([['n', 1], [`o:${usage.outcome}`, 1]]);
    if (usage.outcome === 'success' && usage.durationMs !== undefined) adds.set(`h${durationBucket(usage.durationMs)}`, 1);
    // Samples noted earlier ride along: merged into this item's ADD, or their own UpdateItem in the same batch.
    const pending = [...this.pending.values()];
    this.pending.clear();
    const writes: Promise<unknown>[] = [];
    for (const entry of pending) {
      if (entry.key.pk === key.pk && entry.key.sk === key.sk) {
        for (const [bucket, n] of entry.buckets) adds.set(bucket, (adds.get(bucket) ?? 0) + n);
      } else writes.push(this.doc.send(addCommand(this.table, entry.key, entry.buckets, entry.ttl)));
    }
    writes.push(this.doc.send(addCommand(this.table, key, adds, ttlOf(usage.at))));
    if (usage.outcome === 'success' && usage.lob) writes.push(...this.userWrites(usage, 1));
    await settle(writes);
  }

  /**
   * A launch counted ahead as a success (before its duration was known) failed: moves it to its outcome
   * and takes it off the user's counters, in the same atomic ADDs.
   */
  async correct(usage: LaunchUsage, from: string): Promise<void> {
    const key = usageKeys.counters(usage.lob ?? NO_LOB, dayOf(usage.at));
    const adds: Adds = new Map([[`o:${from}`, -1], [`o:${usage.outcome}`, 1]]);
    const writes: Promise<unknown>[] = [this.doc.send(addCommand(this.table, key, adds, ttlOf(usage.at)))];
    if (from === 'success' && usage.lob) writes.push(...this.userWrites(usage, -1));
    await settle(writes);
  }

  /**
   * The duration of a launch counted ahead (Lambda: the counters go out beside the presign, before the
   * duration is known). Held in memory and added to the next write of this process, so it costs no
   * round trip; a process that ends first loses its last sample (never a launch count).
   */
  noteDuration(usage: LaunchUsage & { durationMs: number }): void {
    const key = usageKeys.counters(usage.lob ?? NO_LOB, dayOf(usage.at));
    const id = `${key.pk}|${key.sk}`;
    const entry = this.pending.get(id) ?? { key, ttl: ttlOf(usage.at), buckets: new Map() };
    const bucket = `h${durationBucket(usage.durationMs)}`;
    entry.buckets.set(bucket, (entry.buckets.get(bucket) ?? 0) + 1);
    this.pending.set(id, entry);
  }

  private userWrites(usage: LaunchUsage, delta: number): Promise<unknown>[] {
    const lob = usage.lob ?? NO_LOB;
    const day = dayOf(usage.at);
    const shard = userShard(usage.user);
    const adds: Adds = new Map([[`u:${usage.user}`, delta]]);
    const ttl = ttlOf(usage.at);
    return [
      this.doc.send(addCommand(this.table, usageKeys.users(lob, shard, day), adds, ttl)),
      this.doc.send(addCommand(this.table, usageKeys.userMonth(lob, monthOf(day), shard), adds, ttl)),
    ];
  }
}

const ttlOf = (at: Date) => Math.floor(at.getTime() / 1000) + USAGE_TTL_DAYS * 86_400;

async function settle(writes: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw translateDirectoryError(failed.reason, 'usage.record');
}
