/**
 * Who may use a LOB's Studio now, decided as the launch decides it (lib/launch/resolve-lobs.ts): the user's
 * explicit memberships that have not ended (Users row, the portal's clock), else the LOBs of their IdP
 * groups; and in either case only while the user exists and is enabled in the user pool. One instance per
 * decision or sweep run: the user pool is asked once per user (AdminGetUser, and AdminListGroupsForUser only
 * for users without an explicit membership), so the cost grows with the users looked at, not the pool.
 */
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { isUserNotFound, translateCognitoError } from '@/lib/aws/errors';
import type { TableAccess } from '@/lib/directory/access';
import { isMembershipActive } from '@/lib/directory/items';
import type { Lob, UserMapping } from '@/lib/directory/types';
import { getUserMapping, getUserMappings } from '@/lib/directory/users';

/** Why a person's access to a LOB ended (SNS `access.ended`, the audit entry). */
export type EndReason =
  | 'removed'
  | 'review.removed'
  | 'membership.ended'
  | 'idp.not_in_group'
  | 'user.disabled'
  | 'user.deleted'
  | 'not_member';

export type Verdict = { may: true } | { may: false; reason: EndReason };

export interface AccessCheckDeps extends TableAccess {
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  now?: () => Date;
}

interface PoolState {
  exists: boolean;
  enabled: boolean;
}

export class AccessNow {
  private readonly pool = new Map<string, Promise<PoolState>>();
  private readonly groups = new Map<string, Promise<string[]>>();
  private readonly rows = new Map<string, Promise<UserMapping | null>>();
  /** Cognito calls made (the sweep bench counts them). */
  cognitoCalls = 0;

  constructor(private readonly deps: AccessCheckDeps) {}

  /** Reads the Users rows of these users in BatchGetItems (instead of one GetItem each later). */
  async preload(usernames: readonly string[]): Promise<void> {
    const missing = [...new Set(usernames)].filter((u) => !this.rows.has(u));
    if (!missing.length) return;
    const loading = getUserMappings(this.deps, missing, { consistent: true });
    for (const u of missing)
      this.rows.set(
        u,
        loading.then((rows) => rows.get(u) ?? null),
      );
    await loading;
  }

  /** Whether `username` may use `lob`'s Studio now, and if not, why. */
  async verdict(username: string, lob: Pick<Lob, 'lob' | 'groups'>): Promise<Verdict> {
    const now = this.deps.now?.() ?? new Date();
    const [state, row] = await Promise.all([this.poolState(username), this.row(username)]);
    if (!state.exists) return { may: false, reason: 'user.deleted' };
    if (!state.enabled) return { may: false, reason: 'user.disabled' };
    const memberships = row?.memberships ?? [];
    const active = memberships.filter((m) => isMembershipActive(m, now));
    const ended = memberships.some((m) => m.lob === lob.lob && !isMembershipActive(m, now));
    if (active.length) {
      return active.some((m) => m.lob === lob.lob)
        ? { may: true }
        : { may: false, reason: ended ? 'membership.ended' : 'not_member' };
    }
    const groups = await this.groupsOf(username);
    if (lob.groups.some((g) => groups.includes(g))) return { may: true };
    return { may: false, reason: ended ? 'membership.ended' : lob.groups.length ? 'idp.not_in_group' : 'not_member' };
  }

  private row(username: string): Promise<UserMapping | null> {
    let row = this.rows.get(username);
    if (!row) {
      row = getUserMapping(this.deps, username);
      this.rows.set(username, row);
    }
    return row;
  }

  private poolState(username: string): Promise<PoolState> {
    let state = this.pool.get(username);
    if (!state) {
      this.cognitoCalls++;
      state = this.deps.cognito
        .send(new AdminGetUserCommand({ UserPoolId: this.deps.userPoolId, Username: username }))
        .then(
          (out) => ({ exists: true, enabled: out.Enabled !== false }),
          (error: unknown) => {
            if (isUserNotFound(error)) return { exists: false, enabled: false };
            throw translateCognitoError(error, 'AdminGetUser');
          },
        );
      this.pool.set(username, state);
    }
    return state;
  }

  private groupsOf(username: string): Promise<string[]> {
    let groups = this.groups.get(username);
    if (!groups) {
      groups = (async () => {
        const names: string[] = [];
        let nextToken: string | undefined;
        do {
          this.cognitoCalls++;
          const out = await this.deps.cognito
            .send(
              new AdminListGroupsForUserCommand({
                UserPoolId: this.deps.userPoolId,
                Username: username,
                Limit: 60,
                NextToken: nextToken,
              }),
            )
            .catch((error: unknown) => {
              throw translateCognitoError(error, 'AdminListGroupsForUser');
            });
          for (const g of out.Groups ?? []) if (g.GroupName) names.push(g.GroupName);
          nextToken = out.NextToken;
        } while (nextToken);
        return names;
      })();
      this.groups.set(username, groups);
    }
    return groups;
  }
}
