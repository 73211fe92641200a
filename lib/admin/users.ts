import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PortalError, InputInvalidError } from '@/lib/errors';
import { reshapeUserItem } from '@/lib/directory/items';
import type { UserMapping } from '@/lib/directory/types';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { lobsTouched, writeWithAudit } from './audit';
import { batchGetAll, mapConcurrent, type TransactItem } from './batch';
import { VersionConflictError, isConditionalCheckFailed, toDirectoryError } from './errors';
import { listLobs, type AdminLob } from './lobs';
import { decodePageToken, encodePageToken } from './page-token';

export type { UserMapping };

/** How a user reaches a LOB: an explicit Users-table row, an IdP group named on a LOB, or not at all. */
export type MappingSource = 'explicit' | 'group' | 'none' | 'unknown';

export interface PoolUserRow {
  username: string;
  email?: string;
  enabled: boolean;
  status?: string;
  createdAt?: string;
  mapping: UserMapping | null;
  /** The LOBs the user can launch into and why. */
  effectiveLobs: string[];
  source: MappingSource;
}

export interface PoolUsersPage {
  users: PoolUserRow[];
  nextToken?: string;
}

const MAX_PAGE = 60; // Cognito ListUsers' own limit

function escapeFilterValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function cognitoError(error: unknown): PortalError {
  if (error instanceof PortalError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  if (/TooManyRequests|Throttl|LimitExceeded/.test(name)) return new PortalError('aws.throttled', undefined, { cause: error });
  return new PortalError('directory.unavailable', 'The user pool is unavailable right now. Please try again shortly.', { cause: error });
}

function attribute(user: UserType, name: string): string | undefined {
  return user.Attributes?.find((a) => a.Name === name)?.Value;
}

/** LOBs whose IdP groups include one of `groups`. */
export function lobsForGroups(lobs: AdminLob[], groups: string[]): string[] {
  return lobs.filter((l) => l.groups.some((g) => groups.includes(g))).map((l) => l.lob);
}

async function listGroupsOf(deps: AdminDeps, username: string): Promise<string[]> {
  const groups: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await deps.cognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: deps.userPoolId, Username: username, Limit: 60, NextToken: nextToken }),
    );
    for (const g of out.Groups ?? []) if (g.GroupName) groups.push(g.GroupName);
    nextToken = out.NextToken;
  } while (nextToken);
  return groups;
}

/** One ListUsers call; an unusable page token is bad input, other failures are the pool's. */
async function listPoolPage(deps: AdminDeps, prefix: string | undefined, limit: number, paginationToken: string | undefined) {
  try {
    return await deps.cognito.send(
      new ListUsersCommand({
        UserPoolId: deps.userPoolId,
        Filter: prefix ? `username ^= "${escapeFilterValue(prefix)}"` : undefined,
        Limit: limit,
        PaginationToken: paginationToken,
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name === 'InvalidParameterException' && paginationToken) {
      throw new InputInvalidError('The page link has expired; start again from the first page.', { cause: error });
    }
    throw cognitoError(error);
  }
}

/**
 * Pool users joined with the Users table (one BatchGetItem). Only users without a row have their IdP groups
 * looked up, so a page of mapped users costs nothing extra.
 */
async function joinPoolUsers(deps: AdminDeps, poolUsers: UserType[], lobs: AdminLob[]): Promise<PoolUserRow[]> {
  const items = poolUsers.length
    ? await batchGetAll(deps.ddb, deps.tables.users, poolUsers.map((u) => ({ username: u.Username })), { concurrency: 1 }).catch(
        (error) => {
          throw toDirectoryError(error);
        },
      )
    : [];
  const mappings = new Map(items.map((i) => [String(i.username), reshapeUserItem(i)]));
  const users: PoolUserRow[] = poolUsers.map((u) => {
    const mapping = mappings.get(u.Username!) ?? null;
    return {
      username: u.Username!,
      email: attribute(u, 'email'),
      enabled: u.Enabled !== false,
      status: u.UserStatus,
      createdAt: u.UserCreateDate?.toISOString(),
      mapping,
      effectiveLobs: mapping ? mapping.lobs : [],
      source: mapping ? 'explicit' : 'none',
    };
  });
  if (lobs.some((l) => l.groups.length)) {
    await mapConcurrent(users.filter((u) => !u.mapping), 8, async (row) => {
      try {
        row.effectiveLobs = lobsForGroups(lobs, await listGroupsOf(deps, row.username));
        row.source = row.effectiveLobs.length ? 'group' : 'none';
      } catch {
        row.source = 'unknown';
      }
    });
  }
  return users;
}

/**
 * One page of the user pool (prefix search on username, Cognito's own pagination) joined with the Users
 * table, so an admin sees who has no LOB yet. Users without a row are checked for group-based mappings.
 */
export async function listPoolUsers(
  deps: AdminDeps,
  options: { prefix?: string; limit?: number; pageToken?: string; lobs?: AdminLob[] } = {},
): Promise<PoolUsersPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), MAX_PAGE);
  const out = await listPoolPage(deps, options.prefix?.trim(), limit, decodePageToken<string>(options.pageToken));
  const poolUsers = (out.Users ?? []).filter((u) => u.Username);
  const lobs = options.lobs ?? (await listLobs(deps));
  return { users: await joinPoolUsers(deps, poolUsers, lobs), nextToken: encodePageToken(out.PaginationToken) };
}

/** Where a search for users without a LOB goes on: a Cognito page token and how many of its users were already looked at. */
interface NoLobPosition {
  t?: string;
  s: number;
}

export interface UsersWithoutLobPage extends PoolUsersPage {
  /** Pool users looked at for this page. */
  examined: number;
  /** True when the page stopped at its budget before filling up (more users remain to check). */
  budgetSpent: boolean;
}

/** Per page view: at most this many ListUsers calls (60 users each) and about this many group lookups. */
export const NO_LOB_SCAN_BUDGET = { poolPages: 10, groupLookups: 120 } as const;

/**
 * Pool users who can't launch: no Users-table row and no LOB through an IdP group (users whose groups
 * could not be read are included, marked `unknown`). Nothing indexes "has no LOB" (the pool is Cognito's,
 * the mappings DynamoDB's), so each page walks the pool in username order from where the last page
 * stopped, within a fixed budget, and hands out a token to continue: a page view never scans the whole pool.
 */
export async function listUsersWithoutLob(
  deps: AdminDeps,
  options: { prefix?: string; limit?: number; pageToken?: string; lobs?: AdminLob[]; budget?: { poolPages: number; groupLookups: number } } = {},
): Promise<UsersWithoutLobPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), MAX_PAGE);
  const budget = options.budget ?? NO_LOB_SCAN_BUDGET;
  const prefix = options.prefix?.trim();
  const lobs = options.lobs ?? (await listLobs(deps));
  let position: NoLobPosition | undefined = decodePageToken<NoLobPosition>(options.pageToken) ?? { s: 0 };
  if (typeof position !== 'object' || !Number.isInteger(position.s) || position.s < 0 || (position.t !== undefined && typeof position.t !== 'string')) {
    throw new InputInvalidError('The page link is damaged; start again from the first page.');
  }
  const found: PoolUserRow[] = [];
  let examined = 0;
  let groupLookups = 0;
  for (let pages = 0; position && found.length < limit; pages++) {
    if (pages >= budget.poolPages || groupLookups >= budget.groupLookups) {
      return { users: found, nextToken: encodePageToken(position), examined, budgetSpent: true };
    }
    const out = await listPoolPage(deps, prefix, MAX_PAGE, position.t);
    const poolUsers = (out.Users ?? []).filter((u) => u.Username).slice(position.s);
    const rows = await joinPoolUsers(deps, poolUsers, lobs);
    groupLookups += rows.filter((r) => !r.mapping).length;
    let taken = 0;
    for (const row of rows) {
      taken++;
      if (row.source === 'none' || row.source === 'unknown') found.push(row);
      if (found.length === limit) break;
    }
    examined += taken;
    position = taken < rows.length ? { t: position.t, s: position.s + taken } : out.PaginationToken ? { t: out.PaginationToken, s: 0 } : undefined;
  }
  return { users: found, nextToken: encodePageToken(position), examined, budgetSpent: false };
}

export interface MappedUsersPage {
  users: UserMapping[];
  nextToken?: string;
}

/** Users-table rows in username order (GSI byUsername), with an optional username prefix. */
export async function listMappedUsers(
  deps: AdminDeps,
  options: { prefix?: string; limit?: number; pageToken?: string } = {},
): Promise<MappedUsersPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
  const prefix = options.prefix?.trim();
  try {
    const out = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.tables.users,
        IndexName: 'byUsername',
        KeyConditionExpression: prefix ? 'kind = :kind AND begins_with(username, :prefix)' : 'kind = :kind',
        ExpressionAttributeValues: prefix ? { ':kind': 'user', ':prefix': prefix } : { ':kind': 'user' },
        Limit: limit,
        ExclusiveStartKey: decodePageToken<Record<string, unknown>>(options.pageToken),
      }),
    );
    return { users: (out.Items ?? []).map(reshapeUserItem), nextToken: encodePageToken(out.LastEvaluatedKey) };
  } catch (error) {
    throw toDirectoryError(error);
  }
}

/** Every mapping, page by page (CSV export). */
export async function* iterateMappedUsers(deps: AdminDeps): AsyncGenerator<UserMapping[]> {
  let pageToken: string | undefined;
  do {
    const page = await listMappedUsers(deps, { limit: 1000, pageToken });
    if (page.users.length) yield page.users;
    pageToken = page.nextToken;
  } while (pageToken);
}

export async function getUserMapping(deps: AdminDeps, username: string): Promise<UserMapping | null> {
  try {
    const out = await deps.ddb.send(new GetCommand({ TableName: deps.tables.users, Key: { username }, ConsistentRead: true }));
    return out.Item ? reshapeUserItem(out.Item) : null;
  } catch (error) {
    throw toDirectoryError(error);
  }
}

export interface PoolUserDetail {
  exists: boolean;
  email?: string;
  enabled?: boolean;
  status?: string;
  groups: string[];
}

/** The user as the user pool knows them (missing users are allowed: admins may map ahead of provisioning). */
export async function getPoolUser(deps: AdminDeps, username: string): Promise<PoolUserDetail> {
  try {
    const user = await deps.cognito.send(new AdminGetUserCommand({ UserPoolId: deps.userPoolId, Username: username }));
    const groups = await listGroupsOf(deps, username);
    return {
      exists: true,
      email: user.UserAttributes?.find((a) => a.Name === 'email')?.Value,
      enabled: user.Enabled !== false,
      status: user.UserStatus,
      groups,
    };
  } catch (error) {
    if ((error as { name?: string }).name === 'UserNotFoundException') return { exists: false, groups: [] };
    throw cognitoError(error);
  }
}

async function conflictFor(deps: AdminDeps, username: string): Promise<VersionConflictError> {
  const current = await getUserMapping(deps, username);
  return new VersionConflictError(
    `The LOB memberships of ${username}`,
    current ? { updatedBy: current.updatedBy ?? null, updatedAt: current.updatedAt ?? null, version: current.version } : null,
  );
}

/**
 * Sets a user's LOB memberships from an edit that started at `expectedVersion` (null: the user had no row).
 * An empty list removes the row. Unknown LOBs are refused; a concurrent change is refused with who and when.
 */
export async function saveUserLobs(
  deps: AdminDeps,
  actor: string,
  username: string,
  lobs: string[],
  expectedVersion: number | null,
): Promise<UserMapping | null> {
  const wanted = [...new Set(lobs.map((l) => l.trim()).filter(Boolean))];
  const known = new Set((await listLobs(deps)).map((l) => l.lob));
  const unknown = wanted.filter((l) => !known.has(l));
  if (unknown.length) throw new InputInvalidError(`Unknown line of business: ${unknown.join(', ')}.`);

  const before = await getUserMapping(deps, username);
  const beforeVersion = before?.version ?? null;
  if (beforeVersion !== expectedVersion) {
    if (before || expectedVersion !== null) throw await conflictFor(deps, username);
  }
  const at = nowOf(deps).toISOString();
  if (!wanted.length && !before) return null;
  const after: UserMapping | null = wanted.length
    ? { username, lobs: wanted, version: (expectedVersion ?? 0) + 1, createdAt: before?.createdAt ?? at, updatedAt: at, updatedBy: actor }
    : null;
  // The row changes only if it is still at the version the edit started from; the audit record is
  // written in the same transaction (both or neither).
  const write: TransactItem = !after
    ? {
        Delete: {
          TableName: deps.tables.users,
          Key: { username },
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      }
    : expectedVersion === null
      ? {
          Put: {
            TableName: deps.tables.users,
            Item: { ...after, kind: 'user' },
            ConditionExpression: 'attribute_not_exists(username)',
          },
        }
      : {
          Update: {
            TableName: deps.tables.users,
            Key: { username },
            UpdateExpression: 'SET lobs = :lobs, version = :next, updatedAt = :at, updatedBy = :by, kind = :kind',
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: {
              ':lobs': wanted, ':next': expectedVersion + 1, ':expected': expectedVersion, ':at': at, ':by': actor, ':kind': 'user',
            },
          },
        };
  try {
    await writeWithAudit(deps, [write], {
      actor,
      action: !before ? 'user.lobs.create' : after ? 'user.lobs.update' : 'user.lobs.delete',
      target: username,
      before: before ? { lobs: before.lobs, version: before.version } : null,
      after: after ? { lobs: after.lobs, version: after.version } : null,
      lobs: lobsTouched(before?.lobs, after?.lobs),
    });
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw await conflictFor(deps, username);
    throw toDirectoryError(error);
  }
  return after;
}
