import { GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateDirectoryError } from '../aws/errors';
import { reshapeLobItem } from './items';
import type { Lob } from './types';

/** Reads LOB rows (LOBs table). */
export class LobsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getLob(lob: string): Promise<Lob | undefined> {
    try {
      const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { lob }, ConsistentRead: true }));
      return out.Item ? reshapeLobItem(out.Item) : undefined;
    } catch (error) {
      throw translateDirectoryError(error, 'lobs.get');
    }
  }

  /** Every LOB (a few dozen at most: a full scan, paginated). */
  async listLobs(): Promise<Lob[]> {
    try {
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
    } catch (error) {
      throw translateDirectoryError(error, 'lobs.list');
    }
  }
}

export interface LobReader {
  getLob(lob: string): Promise<Lob | undefined>;
  listLobs(): Promise<Lob[]>;
}

interface Cached<T> {
  value: T;
  expiresAt: number;
}

/**
 * LOB rows change rarely and every launch needs one: keep them in memory for `ttlSeconds`
 * (0 disables caching). `invalidate()` lets the admin console drop stale rows after a write.
 */
export class CachedLobReader implements LobReader {
  private readonly rows = new Map<string, Cached<Lob | undefined>>();
  private list?: Cached<Lob[]>;

  constructor(
    private readonly source: LobReader,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async getLob(lob: string): Promise<Lob | undefined> {
    const hit = this.rows.get(lob);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    const value = await this.source.getLob(lob);
    this.rows.set(lob, { value, expiresAt: this.now() + this.ttlSeconds * 1000 });
    return value;
  }

  async listLobs(): Promise<Lob[]> {
    if (this.list && this.list.expiresAt > this.now()) return this.list.value;
    const value = await this.source.listLobs();
    const expiresAt = this.now() + this.ttlSeconds * 1000;
    this.list = { value, expiresAt };
    for (const lob of value) this.rows.set(lob.lob, { value: lob, expiresAt });
    return value;
  }

  invalidate(lob?: string): void {
    if (lob) this.rows.delete(lob);
    else this.rows.clear();
    this.list = undefined;
  }
}
