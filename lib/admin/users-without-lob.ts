/**
 * Pool users who can't launch (no Users row, no LOB through an IdP group), found by walking the pool in
 * bounded steps: nothing indexes "has no LOB" (the pool is Cognito's, the mappings DynamoDB's).
 */
import { InputInvalidError } from '@/lib/errors';
import type { AdminDeps } from './deps';
import { listLobs, type AdminLob } from './lobs';
import { decodePageToken, encodePageToken } from './page-token';
import { POOL_PAGE_MAX, listPoolPage } from './pool-lookup';
import { joinPoolUsers, type PoolUserRow, type PoolUsersPage } from './pool-users';

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
  options: {
    prefix?: string;
    limit?: number;
    pageToken?: string;
    lobs?: AdminLob[];
    budget?: { poolPages: number; groupLookups: number };
  } = {},
): Promise<UsersWithoutLobPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), POOL_PAGE_MAX);
  const budget = options.budget ?? NO_LOB_SCAN_BUDGET;
  const prefix = options.prefix?.trim();
  const lobs = options.lobs ?? (await listLobs(deps));
  let position: NoLobPosition | undefined = decodePageToken<NoLobPosition>(options.pageToken) ?? { s: 0 };
  if (
    typeof position !== 'object' ||
    !Number.isInteger(position.s) ||
    position.s < 0 ||
    (position.t !== undefined && typeof position.t !== 'string')
  ) {
    throw new InputInvalidError('The page link is damaged; start again from the first page.');
  }
  const found: PoolUserRow[] = [];
  let examined = 0;
  let groupLookups = 0;
  for (let pages = 0; position && found.length < limit; pages++) {
    if (pages >= budget.poolPages || groupLookups >= budget.groupLookups) {
      return { users: found, nextToken: encodePageToken(position), examined, budgetSpent: true };
    }
    const out = await listPoolPage(deps, prefix, POOL_PAGE_MAX, position.t);
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
    position =
      taken < rows.length
        ? { t: position.t, s: position.s + taken }
        : out.PaginationToken
          ? { t: out.PaginationToken, s: 0 }
          : undefined;
  }
  return { users: found, nextToken: encodePageToken(position), examined, budgetSpent: false };
}
