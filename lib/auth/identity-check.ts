/**
 * The user's state in the user pool (exists, enabled, current groups), re-checked for every page, route,
 * server action and launch from a per-user copy at most IDENTITY_RECHECK_SECONDS old (docs/admin.md
 * "When access ends"). One place: getSessionUser (lib/auth/session.ts) and the API's caller check
 * (lib/auth/api-caller.ts) both ask here, so groups in a session are the pool's, not the sign-in's.
 */
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { LRUCache } from 'lru-cache';
import { isThrottled, isUserNotFound } from '@/lib/aws/errors';
import { getClock } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { PortalError } from '@/lib/errors';
import { getCognitoClient } from './services';

/** What the user pool says about a user now. */
export type IdentityState =
  | { status: 'active'; username: string; groups: string[] }
  | { status: 'disabled'; username: string }
  | { status: 'deleted'; username: string };

/** The user pool the portal signs users in to. */
export interface UserPool {
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
}

/** Every IdP group of a user (AdminListGroupsForUser, all pages). */
export async function listGroupsOfUser(pool: UserPool, username: string): Promise<string[]> {
  const groups: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await pool.cognito.send(
      new AdminListGroupsForUserCommand({
        UserPoolId: pool.userPoolId,
        Username: username,
        Limit: 60,
        NextToken: nextToken,
      }),
    );
    for (const g of out.Groups ?? []) if (g.GroupName) groups.push(g.GroupName);
    nextToken = out.NextToken;
  } while (nextToken);
  return groups;
}

/** Cognito could not answer: the caller fails closed (503), nothing is cached. */
function unavailable(error: unknown): PortalError {
  return new PortalError(
    isThrottled(error) ? 'aws.throttled' : 'idp.unavailable',
    'The user pool could not be reached to confirm your account, so the portal cannot let you in right now. ' +
      'Please try again in a minute.',
    { cause: error, details: { service: 'cognito', operation: 'AdminGetUser' } },
  );
}

/** AdminGetUser and AdminListGroupsForUser side by side: one round trip for the whole state. */
export async function lookUpIdentity(pool: UserPool, username: string): Promise<IdentityState> {
  const [user, groups] = await Promise.allSettled([
    pool.cognito.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: username })),
    listGroupsOfUser(pool, username),
  ]);
  if (user.status === 'rejected') {
    if (isUserNotFound(user.reason)) return { status: 'deleted', username };
    throw unavailable(user.reason);
  }
  if (user.value.Enabled === false) return { status: 'disabled', username };
  if (groups.status === 'rejected') {
    // Deleted between the two calls: the next check sees it; now say so rather than fail.
    if (isUserNotFound(groups.reason)) return { status: 'deleted', username };
    throw unavailable(groups.reason);
  }
  return { status: 'active', username, groups: groups.value.sort() };
}

export interface IdentityCheckerOptions {
  pool: UserPool;
  /** The longest a copy is used; 0 asks Cognito every time. */
  recheckSeconds: number;
  /** Milliseconds since the epoch: the portal's clock (tests move it with CLOCK_OFFSET_FILE). */
  now: () => number;
  /** Users whose copy is kept (least recently used dropped first). */
  maxUsers?: number;
}

/**
 * Per-user copies of the user pool's state (lru-cache: a TTL measured on the portal's clock, and
 * concurrent requests of one user share one look-up). A failed look-up is never cached.
 */
export class IdentityChecker {
  private readonly cache: LRUCache<string, IdentityState> | undefined;

  constructor(private readonly options: IdentityCheckerOptions) {
    if (options.recheckSeconds <= 0) return;
    const clock = options.now;
    this.cache = new LRUCache<string, IdentityState>({
      max: options.maxUsers ?? 10_000,
      ttl: options.recheckSeconds * 1000,
      // Read the portal's clock on every look-up (the default caches it for a timer tick).
      ttlResolution: 0,
      perf: { now: () => clock() },
      fetchMethod: (username) => lookUpIdentity(options.pool, username),
    });
  }

  /** The user's state, at most recheckSeconds old; throws (503) when Cognito cannot be asked. */
  async check(username: string): Promise<IdentityState> {
    if (!this.cache) return lookUpIdentity(this.options.pool, username);
    const state = await this.cache.fetch(username);
    if (!state) throw new PortalError('idp.unavailable');
    return state;
  }

  /** Forgets a user's copy (the next check asks Cognito). */
  forget(username: string): void {
    this.cache?.delete(username);
  }
}

let checker: IdentityChecker | undefined;

/** The process-wide checker from getConfig(). */
export function getIdentityChecker(): IdentityChecker {
  if (!checker) {
    const config = getConfig();
    const clock = getClock();
    checker = new IdentityChecker({
      pool: { cognito: getCognitoClient(), userPoolId: config.cognito.userPoolId },
      recheckSeconds: config.identityRecheckSeconds,
      now: () => clock().getTime(),
    });
  }
  return checker;
}

/** The PortalError for a user the pool no longer lets in (API callers: 401 with its own code). */
export function identityEndedError(state: Exclude<IdentityState, { status: 'active' }>): PortalError {
  return new PortalError(state.status === 'disabled' ? 'auth.account_disabled' : 'auth.account_deleted');
}
