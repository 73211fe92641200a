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

  async record(usage: LaunchUsage): Promise<void> {
    const lob = usage.lob ?? NO_LOB;
    const day = dayOf(usage.at);
    const ttl = Math.floor(usage.at.getTime() / 1000) + USAGE_TTL_DAYS * 86_400;
    const success = usage.outcome === 'success';
    const counters = new UpdateCommand({
      TableName: this.table,
      Key: usageKeys.counters(lob, day),
      UpdateExpression: success ? 'ADD #n :one, #o :one, #h :one SET #ttl = :ttl' : 'ADD #n :one, #o :one SET #ttl = :ttl',
      ExpressionAttributeNames: {
        '#n': 'n',
        '#o': `o:${usage.outcome}`,
        '#ttl': 'ttl',
        ...(success ? { '#h': `h${durationBucket(usage.durationMs)}` } : {}),
      },
      ExpressionAttributeValues: { ':one': 1, ':ttl': ttl },
    });
    const writes = [this.doc.send(counters)];
    if (success && usage.lob) {
      writes.push(
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: usageKeys.users(lob, userShard(usage.user), day),
            UpdateExpression: 'ADD #u :one SET #ttl = :ttl',
            ExpressionAttributeNames: { '#u': `u:${usage.user}`, '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':one': 1, ':ttl': ttl },
          }),
        ),
      );
    }
    const results = await Promise.allSettled(writes);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw translateDirectoryError(failed.reason, 'usage.record');
  }
}
