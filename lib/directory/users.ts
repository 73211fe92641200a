/**
 * The Users table: explicit user -> LOB memberships. Reads reshape items into UserMapping at this border;
 * writes are built here (conditioned on the version read) and committed by the caller's transaction.
 */
import { GetCommand, PutCommand, QueryCommand, ScanCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../aws/errors';
import { DAY_MS } from '../clock';
import type { TableAccessTo } from './access';
import { isMembershipActive, reshapeUserItem, toUserItem } from './items';
import { USERS_TABLE, indexOf } from './schema';
import type { Membership, PageKey, UserMapping } from './types';
import { TransactionCancelledError, batchGetAll, batchWriteAll, type DirectoryWrite } from './writes';
import { send, sendAllPages } from './send';

/** The user's row (consistent read by default: admin edits start from it), or null when there is none. */
export async function getUserMapping(
  access: TableAccessTo<'users'>,
  username: string,
  options: { consistent?: boolean } = {},
): Promise<UserMapping | null> {
  const out = await send('users.get', () =>
    access.ddb.send(
      new GetCommand({ TableName: access.tables.users, Key: { username }, ConsistentRead: options.consistent ?? true }),
    ),
  );
  return out.Item ? reshapeUserItem(out.Item) : null;
}

/** The rows of these users (those without one are missing from the map). */
export async function getUserMappings(
  access: TableAccessTo<'users'>,
  usernames: readonly string[],
  options: { consistent?: boolean; concurrency?: number } = {},
): Promise<Map<string, UserMapping>> {
  if (!usernames.length) return new Map();
  const items = await batchGetAll(
    access.ddb,
    access.tables.users,
    usernames.map((username) => ({ username })),
    {
      consistentRead: options.consistent,
      concurrency: options.concurrency,
    },
  );
  return new Map(items.map((item) => [String(item.username), reshapeUserItem(item)]));
}

const byUsernameKey = (prefix: string | undefined) => ({
  IndexName: indexOf(USERS_TABLE, 'byUsername').name,
  KeyConditionExpression: prefix ? 'kind = :kind AND begins_with(username, :prefix)' : 'kind = :kind',
});

/** Rows in username order (the byUsername index), with an optional username prefix. */
export async function queryUserMappings(
  access: TableAccessTo<'users'>,
  page: { prefix?: string; limit: number; startKey?: PageKey },
): Promise<{ users: UserMapping[]; nextKey?: PageKey }> {
  const out = await send('users.query', () =>
    access.ddb.send(
      new QueryCommand({
        TableName: access.tables.users,
        ...byUsernameKey(page.prefix),
        ExpressionAttributeValues: page.prefix ? { ':kind': 'user', ':prefix': page.prefix } : { ':kind': 'user' },
        Limit: page.limit,
        ExclusiveStartKey: page.startKey,
      }),
    ),
  );
  return { users: (out.Items ?? []).map(reshapeUserItem), nextKey: out.LastEvaluatedKey };
}

export interface LobMembership extends Membership {
  username: string;
  version: number;
}

/**
 * Active explicit members of `lob` in username order (optionally only those whose membership ends within
 * `expiringWithinDays`), filtered in DynamoDB from the byUsername index: at most `maxReads` queries, then
 * `nextKey` says where to go on; `budgetSpent` when the reads ran out before `limit` members were found.
 */
export async function queryLobMembers(
  access: TableAccessTo<'users'>,
  lob: string,
  page: {
    limit: number;
    now: Date;
    prefix?: string;
    expiringWithinDays?: number;
    startKey?: PageKey;
    maxReads: number;
  },
): Promise<{ members: LobMembership[]; nextKey?: PageKey; budgetSpent: boolean }> {
  const { now, prefix } = page;
  const names: Record<string, string> = { '#m': 'memberships', '#lob': lob, '#until': 'until', '#lobs': 'lobs' };
  const values: Record<string, unknown> = { ':kind': 'user', ':lob': lob, ':now': now.toISOString() };
  let filter = 'contains(#lobs, :lob) AND (attribute_not_exists(#m.#lob.#until) OR #m.#lob.#until > :now)';
  if (page.expiringWithinDays) {
    values[':soon'] = new Date(now.getTime() + page.expiringWithinDays * DAY_MS).toISOString();
    filter = 'contains(#lobs, :lob) AND #m.#lob.#until > :now AND #m.#lob.#until <= :soon';
  }
  if (prefix) values[':prefix'] = prefix;
  let startKey = page.startKey;
  const members: LobMembership[] = [];
  for (let reads = 0; reads < page.maxReads; reads++) {
    const out = await send('users.members', () =>
      access.ddb.send(
        new QueryCommand({
          TableName: access.tables.users,
          ...byUsernameKey(prefix),
          FilterExpression: filter,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          Limit: 1000,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    for (const item of out.Items ?? []) {
      const user = reshapeUserItem(item);
      const m = user.memberships.find((x) => x.lob === lob);
      if (m && isMembershipActive(m, now)) members.push({ ...m, username: user.username, version: user.version });
      // Continue after this user next time.
      if (members.length === page.limit)
        return { members, nextKey: { kind: 'user', username: user.username }, budgetSpent: false };
    }
    startKey = out.LastEvaluatedKey;
    if (!startKey) return { members, budgetSpent: false };
  }
  return { members, nextKey: startKey, budgetSpent: true };
}

/** Every row naming `lob` in its list, ended memberships included (a scan: LOB deletes are rare, and it must be exact). */
export async function scanLobMembers(
  access: TableAccessTo<'users'>,
  lob: string,
): Promise<Pick<UserMapping, 'username' | 'lobs' | 'version'>[]> {
  return sendAllPages(
    'users.scan',
    (startKey) =>
      access.ddb.send(
        new ScanCommand({
          TableName: access.tables.users,
          FilterExpression: 'contains(lobs, :lob)',
          ProjectionExpression: 'username, lobs, version',
          ExpressionAttributeValues: { ':lob': lob },
          ExclusiveStartKey: startKey,
        }),
      ),
    (item) => {
      const { username, lobs, version } = reshapeUserItem(item);
      return { username, lobs, version };
    },
  );
}

const atVersion = (expected: number | null) =>
  expected === null
    ? { ConditionExpression: 'attribute_not_exists(username)' }
    : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expected } };

/** The whole row as `user`, on condition it is still at `expectedVersion` (null: still absent). */
const putOf = (access: TableAccessTo<'users'>, user: UserMapping, expectedVersion: number | null): PutCommandInput => ({
  TableName: access.tables.users,
  Item: toUserItem(user),
  ...atVersion(expectedVersion),
});

/** Writes of Users rows, each conditioned on the version that was read (null: the user had no row). */
export const userWrites = {
  /** The whole row as `user`, on condition it is still at `expectedVersion` (null: still absent). */
  put(access: TableAccessTo<'users'>, user: UserMapping, expectedVersion: number | null): DirectoryWrite {
    return { Put: putOf(access, user, expectedVersion) as NonNullable<DirectoryWrite['Put']> };
  },
  /** Only the row's LOB list (a LOB deleted under its members), on condition of the version read. */
  setLobs(
    access: TableAccessTo<'users'>,
    user: Pick<UserMapping, 'username' | 'version'>,
    lobs: string[],
    stamp: { at: string; by: string },
  ): DirectoryWrite {
    return {
      Update: {
        TableName: access.tables.users,
        Key: { username: user.username },
        UpdateExpression: 'SET lobs = :lobs, version = :next, updatedAt = :at, updatedBy = :by',
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: {
          ':lobs': lobs,
          ':next': user.version + 1,
          ':expected': user.version,
          ':at': stamp.at,
          ':by': stamp.by,
        },
      },
    };
  },
  /** Removes the row, on condition it is still at `expectedVersion` (null: still absent, so nothing to remove). */
  remove(access: TableAccessTo<'users'>, username: string, expectedVersion: number | null): DirectoryWrite {
    return { Delete: { TableName: access.tables.users, Key: { username }, ...atVersion(expectedVersion) } };
  },
};

/**
 * Stores `user` as one conditional PutItem, without an audit record: for tools that are not the console
 * (scripts/populate.ts). A row changed since it was read fails with TransactionCancelledError.
 */
export async function putUserMapping(
  access: TableAccessTo<'users'>,
  user: UserMapping,
  expectedVersion: number | null,
): Promise<void> {
  const changed = (error: unknown) => {
    if (isConditionalCheckFailed(error))
      throw new TransactionCancelledError(['ConditionalCheckFailed'], { cause: error });
  };
  await send(
    'users.put',
    () => access.ddb.send(new PutCommand(putOf(access, user, expectedVersion))).then(() => undefined),
    changed,
  );
}

/** Writes many rows unconditionally and unaudited, in batches: for seeding a table (bench, fresh stacks), never for edits. */
export async function seedUserMappings(
  access: TableAccessTo<'users'>,
  users: UserMapping[],
  concurrency = 4,
): Promise<void> {
  await batchWriteAll(
    access.ddb,
    users.map((user) => ({ table: access.tables.users, request: { PutRequest: { Item: toUserItem(user) } } })),
    concurrency,
  );
}
