import { GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { reshapeLobItem } from './items';
import { send } from './send';
import type { Lob } from './types';

/** Reads LOB rows (LOBs table). */
export class LobsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getLob(lob: string): Promise<Lob | undefined> {
    const out = await send('lobs.get', () =>
      this.doc.send(new GetCommand({ TableName: this.table, Key: { lob }, ConsistentRead: true })),
    );
    return out.Item ? reshapeLobItem(out.Item) : undefined;
  }

  /** Every LOB (a few dozen at most: a full scan, paginated). */
  async listLobs(): Promise<Lob[]> {
    return send('lobs.list', async () => {
      const lobs: Lob[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await this.doc.send(
          new ScanCommand({ TableName: this.table, ExclusiveStartKey: startKey, ConsistentRead: true }),
        );
        lobs.push(...(out.Items ?? []).map(reshapeLobItem));
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return lobs.sort((a, b) => a.lob.localeCompare(b.lob));
    });
  }
}

export interface LobReader {
  getLob(lob: string): Promise<Lob | undefined>;
  listLobs(): Promise<Lob[]>;
  /**
   * For a row this reader handed out from an expired cache entry: the re-read of that row (undefined
   * once the LOB is gone). Undefined for a row that was fresh when handed out (nothing to confirm).
   */
  revalidate?(row: Lob): Promise<Lob | undefined> | undefined;
}

interface Cached<T> {
  value: T;
  expiresAt: number;
}

/**
 * LOB rows change rarely and every launch needs one: keep them in memory for `ttlSeconds`
 * (0 disables caching). `invalidate()` lets the admin console drop stale rows after a write.
 *
 * Stale-while-revalidate: a row (or the list) whose entry has expired is still handed out at once while
 * it is read again in the background (one read per row at a time), and `revalidate(row)` gives that
 * re-read to whoever must decide on the current row (the launch: lib/launch/resolve-lobs.ts
 * `revalidateLobs`). A LOB known to be missing is read again before answering, as is everything on a
 * miss; with `ttlSeconds` 0 nothing is cached or served stale.
 */
export class CachedLobReader implements LobReader {
  private readonly rows = new Map<string, Cached<Lob | undefined>>();
  private list?: Cached<Lob[]>;
  /** Re-reads in flight, by LOB id and for the list. */
  private readonly refreshing = new Map<string, Promise<Lob | undefined>>();
  private refreshingList?: Promise<Lob[]>;
  /** Rows handed out stale -> their re-read (keyed by the very object handed out, so no launch confuses its row with a newer one). */
  private readonly staleServed = new WeakMap<Lob, Promise<Lob | undefined>>();
  /** Bumped by invalidate(): a read that started before it does not fill the cache after it. */
  private generation = 0;

  constructor(
    private readonly source: LobReader,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async getLob(lob: string): Promise<Lob | undefined> {
    const hit = this.rows.get(lob);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    if (hit?.value && this.ttlSeconds > 0) {
      this.staleServed.set(hit.value, this.refreshRow(lob));
      return hit.value;
    }
    return this.refreshRow(lob);
  }

  async listLobs(): Promise<Lob[]> {
    if (this.list && this.list.expiresAt > this.now()) return this.list.value;
    if (this.list && this.ttlSeconds > 0) {
      const refresh = this.refreshList();
      for (const row of this.list.value)
        this.staleServed.set(
          row,
          refresh.then((all) => all.find((l) => l.lob === row.lob)),
        );
      return this.list.value;
    }
    return this.refreshList();
  }

  revalidate(row: Lob): Promise<Lob | undefined> | undefined {
    return this.staleServed.get(row);
  }

  invalidate(lob?: string): void {
    this.generation += 1;
    if (lob) this.rows.delete(lob);
    else this.rows.clear();
    this.list = undefined;
  }

  private refreshRow(lob: string): Promise<Lob | undefined> {
    if (this.ttlSeconds <= 0) return this.source.getLob(lob);
    let refresh = this.refreshing.get(lob);
    if (refresh) return refresh;
    const generation = this.generation;
    refresh = this.source.getLob(lob).then(
      (value) => {
        this.refreshing.delete(lob);
        if (generation === this.generation)
          this.rows.set(lob, { value, expiresAt: this.now() + this.ttlSeconds * 1000 });
        return value;
      },
      (error: unknown) => {
        this.refreshing.delete(lob);
        throw error;
      },
    );
    this.refreshing.set(lob, refresh);
    // Served stale, nobody may await it (the home page): a failed re-read must not be an unhandled rejection.
    refresh.catch(() => undefined);
    return refresh;
  }

  private refreshList(): Promise<Lob[]> {
    if (this.ttlSeconds <= 0) return this.source.listLobs();
    if (this.refreshingList) return this.refreshingList;
    const generation = this.generation;
    const refresh = this.source.listLobs().then(
      (value) => {
        this.refreshingList = undefined;
        if (generation === this.generation) {
          const expiresAt = this.now() + this.ttlSeconds * 1000;
          this.list = { value, expiresAt };
          for (const lob of value) this.rows.set(lob.lob, { value: lob, expiresAt });
        }
        return value;
      },
      (error: unknown) => {
        this.refreshingList = undefined;
        throw error;
      },
    );
    this.refreshingList = refresh;
    refresh.catch(() => undefined);
    return refresh;
  }
}
