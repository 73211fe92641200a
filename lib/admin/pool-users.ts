/**
 * The user pool (Cognito) as the Users page lists it: pages of pool users joined with their Users-table
 * rows (one batch read through the data layer) and IdP-group lookups for users without a row (pool
 * membership checks: ./pool-lookup). Cognito is called here; DynamoDB only through lib/directory.
 */
import { AdminGetUserCommand, type UserType } from '@aws-sdk/client-cognito-identity-provider';
import { listGroupsOfUser } from '@/lib/auth/identity-check';
import { isUserNotFound, translateCognitoError } from '@/lib/aws/errors';
import { mapConcurrent } from '@/lib/concurrency';
import { getUserMappings } from '@/lib/directory/users';
import type { UserMapping } from '@/lib/directory/types';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { listLobs, type AdminLob } from './lobs';
import { POOL_PAGE_MAX, listPoolPage } from './pool-lookup';
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

function attribute(user: UserType, name: string): string | undefined {
  return user.Attributes?.find((a) => a.Name === name)?.Value;
}

/**
 * Pool users joined with the Users table (one BatchGetItem). Only users without a row have their IdP groups
 * looked up, so a page of mapped users costs nothing extra.
 */
export async function joinPoolUsers(deps: AdminDeps, poolUsers: UserType[], lobs: AdminLob[]): Promise<PoolUserRow[]> {
  const mappings = await getUserMappings(
    deps,
    poolUsers.map((u) => u.Username!),
    { concurrency: 1 },
  );
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
    await mapConcurrent(
      users.filter((u) => !u.mapping),
      8,
      async (row) => {
        try {
          row.effectiveLobs = lobsForGroups(lobs, await listGroupsOfUser(deps, row.username));
          row.source = row.effectiveLobs.length ? 'group' : 'none';
        } catch {
          row.source = 'unknown';
        }
      },
    );
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
