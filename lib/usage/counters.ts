import { addUsageCount, usageKeys, type UsageCount, type UsageTable } from '@/lib/directory/usage';
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

type Adds = Map<string, number>;

/** The TTL (epoch seconds) of the counter items an instant writes to. */
const ttlOf = (at: Date) => Math.floor(at.getTime() / 1000) + USAGE_TTL_DAYS * 86_400;

/** One item's share of the counting (what lib/directory/usage.ts addUsageCount writes), its ADDs still open to merging. */
interface ItemCount extends UsageCount {
  adds: Adds;
}

/** What one launch adds: to the LOB-day counter item, and for a success to the user's shard of the LOB-day. */
function countsOf(usage: LaunchUsage): ItemCount[] {
  const counters = new Map([
    ['n', 1],
    [`o:${usage.outcome}`, 1],
  ]);
  if (usage.outcome === 'success' && usage.durationMs !== undefined)
    counters.set(`h${durationBucket(usage.durationMs)}`, 1);
  const items: ItemCount[] = [
    { key: usageKeys.counters(usage.lob ?? NO_LOB, dayOf(usage.at)), adds: counters, ttl: ttlOf(usage.at) },
  ];
  if (usage.outcome === 'success') items.push(...userCounts(usage, 1));
  return items;
}

/** A successful launch's share of the user counters (the LOB-day shard and the LOB-month shard), by `delta`. */
function userCounts(usage: LaunchUsage, delta: number): ItemCount[] {
  if (!usage.lob) return [];
  const day = dayOf(usage.at);
  const shard = userShard(usage.user);
  const adds: Adds = new Map([[`u:${usage.user}`, delta]]);
  const ttl = ttlOf(usage.at);
  return [
    { key: usageKeys.users(usage.lob, shard, day), adds, ttl },
    { key: usageKeys.userMonth(usage.lob, monthOf(day), shard), adds, ttl },
  ];
}

/** Waits for every write, then throws the first failure: nothing is still in flight when the caller hears of it. */
async function settleAll(writes: readonly unknown[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Sends the counts at once; the first failure (translated by the data layer) once all have settled. */
function sendCounts(usage: UsageTable, counts: ItemCount[]): Promise<void> {
  return settleAll(counts.map((count) => addUsageCount(usage, count)));
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
  private pending = new Map<string, ItemCount>();
  private readonly usage: UsageTable;

  constructor(doc: UsageTable['doc'], table: string) {
    this.usage = { doc, table };
  }

  async record(usage: LaunchUsage): Promise<void> {
    const items = new Map<string, ItemCount>();
    for (const count of countsOf(usage)) mergeCount(items, count);
    // Samples noted earlier ride along: merged into this item's ADD, or their own UpdateItem in the same batch.
    for (const sample of this.pending.values()) mergeCount(items, sample);
    this.pending.clear();
    await sendCounts(this.usage, [...items.values()]);
  }

  /**
   * A launch counted ahead as a success (before its duration was known) failed: moves it to its outcome
   * and takes it off the user's counters, in the same atomic ADDs.
   */
  async correct(usage: LaunchUsage, from: string): Promise<void> {
    const key = usageKeys.counters(usage.lob ?? NO_LOB, dayOf(usage.at));
    const adds: Adds = new Map([
      [`o:${from}`, -1],
      [`o:${usage.outcome}`, 1],
    ]);
    const counts: ItemCount[] = [{ key, adds, ttl: ttlOf(usage.at) }];
    if (from === 'success') counts.push(...userCounts(usage, -1));
    await sendCounts(this.usage, counts);
  }

  /**
   * The duration of a launch counted ahead (Lambda: the counters go out beside the presign, before the
   * duration is known). Held in memory and added to the next write of this process, so it costs no
   * round trip; a process that ends first loses its last sample (never a launch count).
   */
  noteDuration(usage: LaunchUsage & { durationMs: number }): void {
    const key = usageKeys.counters(usage.lob ?? NO_LOB, dayOf(usage.at));
    mergeCount(this.pending, {
      key,
      adds: new Map([[`h${durationBucket(usage.durationMs)}`, 1]]),
      ttl: ttlOf(usage.at),
    });
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
  /** Corrections and duration samples (the counting-ahead path) are not batched. */
  private readonly single: UsageRecorder;
  private readonly usage: UsageTable;

  constructor(
    doc: UsageTable['doc'],
    table: string,
    private readonly maxDelayMs = DEFAULT_USAGE_DELAY_MS,
  ) {
    this.usage = { doc, table };
    this.single = new UsageRecorder(doc, table);
  }

  correct(usage: LaunchUsage, from: string): Promise<void> {
    return this.single.correct(usage, from);
  }

  noteDuration(usage: LaunchUsage & { durationMs: number }): void {
    this.single.noteDuration(usage);
  }

  record(usage: LaunchUsage): Promise<void> {
    const round = (this.round ??= this.openRound());
    const ids = countsOf(usage).map((count) => mergeCount(round.items, count));
    round.launches += 1;
    if (round.launches >= MAX_USAGE_BATCH) round.send();
    // Every id is in the map: a round is sent with all it merged, and nothing joins it after.
    return round.writes.then((writes) => settleAll(ids.map((id) => writes.get(id)!)));
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
        start(new Map([...round.items].map(([id, count]) => [id, sendCounts(this.usage, [count])])));
      },
    };
    return round;
  }
}
