/**
 * Writes of LOBs rows (reads: lobs.ts). Each is conditioned so that a concurrent admin edit is refused,
 * never overwritten, and goes into the caller's transaction beside its audit record.
 */
import type { TableAccess } from './access';
import { toLobItem } from './items';
import { LobsRepository } from './lobs';
import type { Lob } from './types';
import type { DirectoryWrite } from './writes';

const atVersion = (expected: number) => ({
  ConditionExpression: 'version = :expected',
  ExpressionAttributeValues: { ':expected': expected },
});

export const lobWrites = {
  /** A new LOB; refused (condition) when one of that name exists. */
  create(access: TableAccess, lob: Lob): DirectoryWrite {
    return {
      Put: { TableName: access.tables.lobs, Item: toLobItem(lob), ConditionExpression: 'attribute_not_exists(lob)' },
    };
  },
  /** The whole row as `lob`, on condition it is still at `expectedVersion`. */
  replace(access: TableAccess, lob: Lob, expectedVersion: number): DirectoryWrite {
    return { Put: { TableName: access.tables.lobs, Item: toLobItem(lob), ...atVersion(expectedVersion) } };
  },
  /** Only `enabled` and the change stamp, on condition of the version read. */
  setEnabled(
    access: TableAccess,
    lob: Pick<Lob, 'lob' | 'enabled' | 'version' | 'updatedAt' | 'updatedBy'>,
    expectedVersion: number,
  ): DirectoryWrite {
    const { ExpressionAttributeValues, ...condition } = atVersion(expectedVersion);
    return {
      Update: {
        TableName: access.tables.lobs,
        Key: { lob: lob.lob },
        UpdateExpression: 'SET enabled = :enabled, version = :next, updatedAt = :at, updatedBy = :by',
        ...condition,
        ExpressionAttributeValues: {
          ...ExpressionAttributeValues,
          ':enabled': lob.enabled,
          ':next': lob.version,
          ':at': lob.updatedAt,
          ':by': lob.updatedBy,
        },
      },
    };
  },
  /** Removes the row, on condition of the version read. */
  remove(access: TableAccess, lob: string, expectedVersion: number): DirectoryWrite {
    return { Delete: { TableName: access.tables.lobs, Key: { lob }, ...atVersion(expectedVersion) } };
  },
};

/** Uncached, consistent LOB reads for the admin console (the launch path reads through CachedLobReader). */
export function lobReaderOf(access: TableAccess): LobsRepository {
  return new LobsRepository(access.ddb, access.tables.lobs);
}
