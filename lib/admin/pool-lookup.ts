/**
 * Cognito reads with no Users-table side: ListUsers pages and which usernames exist in the pool (with their
 * `sub`). A leaf module: LOB, membership and identity code import it without importing the Users page's joins.
 */
import { AdminGetUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { isInvalidParameter, isUserNotFound, translateCognitoError } from '@/lib/aws/errors';
import { mapConcurrent } from '@/lib/concurrency';
import { InputInvalidError } from '@/lib/errors';
import type { AdminDeps } from './deps';

/** Cognito ListUsers' own limit. */
export const POOL_PAGE_MAX = 60;

function escapeFilterValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** One ListUsers call; an unusable page token is bad input, other failures are the pool's. */
export async function listPoolPage(
  deps: AdminDeps,
  prefix: string | undefined,
  limit: number,
  paginationToken: string | undefined,
) {
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

/** Up to this many names are looked up one by one (AdminGetUser); more, and the pool is listed once instead. */
export const POOL_LOOKUP_ONE_BY_ONE_MAX = 500;

/** A pool user's `sub` attribute (Cognito answers it with every user). */
export function subAttributeOf(
  attributes: ReadonlyArray<{ Name?: string; Value?: string }> | undefined,
): string | undefined {
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
        const user = await deps.cognito.send(
          new AdminGetUserCommand({ UserPoolId: deps.userPoolId, Username: username }),
        );
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
    for (const user of page.Users ?? [])
      if (user.Username && want.has(user.Username)) found.set(user.Username, subAttributeOf(user.Attributes) ?? '');
    token = page.PaginationToken;
  } while (token);
  return found;
}

/** The pool's current `sub` for `username`, or undefined when there is no such user. */
export async function poolSubOf(deps: AdminDeps, username: string): Promise<string | undefined> {
  return (await findPoolSubs(deps, [username])).get(username) || undefined;
}
