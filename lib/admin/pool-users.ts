/**
 * The user pool (Cognito) as the Users page lists it: pages of pool users joined with their Users-table
 * rows (one batch read through the data layer), IdP-group lookups for users without a row, and pool
 * membership checks for imports. Cognito is called here; DynamoDB only through lib/directory.
 */
import {
  AdminGetUserCommand,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { listGroupsOfUser } from '@/lib/auth/identity-check';
import { isInvalidParameter, isUserNotFound, translateCognitoError } from '@/lib/aws/errors';
import { mapConcurrent } from '@/lib/concurrency';
import { getUserMappings } from '@/lib/directory/users';
import type { UserMapping } from '@/lib/directory/types';
import { InputInvalidError } from '@/lib/errors';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { listLobs, type AdminLob } from './lobs';
import { decodePageToken, encodePageToken } from './page-token';
import { activeLobsOf, lobsForGroups } from './user-lobs';

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

/** Cognito ListUsers' own limit. */
export const POOL_PAGE_MAX = 60;

function escapeFilterValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function attribute(user: UserType, name: string): string | undefined {
  return user.Attributes?.find((a) => a.Name === name)?.Value;
}

/** One ListUsers call; an unusable page token is bad input, other failures are the pool's. */
export async function listPoolPage(deps: AdminDeps, prefix: string | undefined, limit: number, paginationToken: string | undefined) {
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
    if (isInvalidParameter(error) && paginationToken) {
      throw new InputInvalidError('The page link has expired; start again from the first page.', { cause: error });
    }
    throw translateCognitoError(error);
  }
}

/**
 * Pool users joined with the Users table (one BatchGetItem). Only users without a row have their IdP groups
 * looked up, so a page of mapped users costs nothing extra.
 */
export async function joinPoolUsers(deps: AdminDeps, poolUsers: UserType[], lobs: AdminLob[]): Promise<PoolUserRow[]> {
  const mappings = await getUserMappings(deps, poolUsers.map((u) => u.Username!), { concurrency: 1 });
  const now = nowOf(deps);
  const users: PoolUserRow[] = poolUsers.map((u) => {
    const mapping = mappings.get(u.Username!) ?? null;
    return {
      username: u.Username!,
      email: attribute(u, 'email'),
      enabled: u.Enabled !== false,
      status: u.UserStatus,
      createdAt: u.UserCreateDate?.toISOString(),
      mapping,
      effectiveLobs: mapping ? activeLobsOf(mapping, now) : [],
      source: mapping ? 'explicit' : 'none',
    };
  });
  if (lobs.some((l) => l.groups.length)) {
    await mapConcurrent(users.filter((u) => !u.mapping), 8, async (row) => {
      try {
        row.effectiveLobs = lobsForGroups(lobs, await listGroupsOfUser(deps, row.username));
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
  const limit = Math.min(Math.max(options.limit ?? 50, 1), POOL_PAGE_MAX);
  const out = await listPoolPage(deps, options.prefix?.trim(), limit, decodePageToken<string>(options.pageToken));
  const poolUsers = (out.Users ?? []).filter((u) => u.Username);
  const lobs = options.lobs ?? (await listLobs(deps));
  return { users: await joinPoolUsers(deps, poolUsers, lobs), nextToken: encodePageToken(out.PaginationToken) };
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
    const groups = await listGroupsOfUser(deps, username);
    return {
      exists: true,
      email: user.UserAttributes?.find((a) => a.Name === 'email')?.Value,
      enabled: user.Enabled !== false,
      status: user.UserStatus,
      groups,
    };
  } catch (error) {
    if (isUserNotFound(error)) return { exists: false, groups: [] };
    throw translateCognitoError(error);
  }
}

/** Up to this many names are looked up one by one (AdminGetUser); more, and the pool is listed once instead. */
export const POOL_LOOKUP_ONE_BY_ONE_MAX = 500;

/** A pool user's `sub` attribute (Cognito answers it with every user). */
export function subAttributeOf(attributes: ReadonlyArray<{ Name?: string; Value?: string }> | undefined): string | undefined {
  return attributes?.find((a) => a.Name === 'sub')?.Value || undefined;
}

/**
 * Which of `usernames` exist in the user pool, with their `sub`. A few are looked up one by one (8 at a
 * time); a large set (imports) lists the pool once (ListUsers, 60 per call), which costs fewer calls than it has users.
 */
export async function findPoolSubs(deps: AdminDeps, usernames: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(usernames)];
  const found = new Map<string, string>();
  if (wanted.length <= POOL_LOOKUP_ONE_BY_ONE_MAX) {
    await mapConcurrent(wanted, 8, async (username) => {
      try {
        const user = await deps.cognito.send(new AdminGetUserCommand({ UserPoolId: deps.userPoolId, Username: username }));
        found.set(username, subAttributeOf(user.UserAttributes) ?? '');
      } catch (error) {
        if (!isUserNotFound(error)) throw translateCognitoError(error);
      }
    });
    return found;
  }
  const want = new Set(wanted);
  let token: string | undefined;
  do {
    const page = await listPoolPage(deps, undefined, POOL_PAGE_MAX, token);
    for (const user of page.Users ?? []) if (user.Username && want.has(user.Username)) found.set(user.Username, subAttributeOf(user.Attributes) ?? '');
    token = page.PaginationToken;
  } while (token);
  return found;
}

/** The pool's current `sub` for `username`, or undefined when there is no such user. */
export async function poolSubOf(deps: AdminDeps, username: string): Promise<string | undefined> {
  return (await findPoolSubs(deps, [username])).get(username) || undefined;
}
