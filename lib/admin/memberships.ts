/**
 * Writes a user's explicit memberships (Users item: `lobs` + `memberships` details) together with their
 * audit record, and optionally other items (an access request's decision), in ONE TransactWriteItems:
 * either all of it happens or none. The Users item is conditioned on the version that was read.
 */
import {
  TransactionCancelledError,
  transactWrite as transactWriteItems,
  type DirectoryWrite,
} from '@/lib/directory/writes';
import { toMembershipsAttribute } from '@/lib/directory/items';
import type { Membership, UserMapping } from '@/lib/directory/types';
import { buildAdminAuditItems, lobsTouched } from './audit';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';

export type TransactItem = DirectoryWrite;
export { TransactionCancelledError };

/** What the audit log keeps of a user's memberships. */
export function membershipSnapshot(user: Pick<UserMapping, 'memberships' | 'version'> | null) {
  if (!user) return null;
  const until = Object.fromEntries(user.memberships.filter((m) => m.until).map((m) => [m.lob, m.until]));
  return {
    lobs: user.memberships.map((m) => m.lob),
    ...(Object.keys(until).length ? { until } : {}),
    version: user.version,
  };
}

/** Sends one TransactWriteItems; a cancellation becomes TransactionCancelledError with the reason per item. */
export async function transactWrite(deps: AdminDeps, items: TransactItem[]): Promise<void> {
  await transactWriteItems(deps.ddb, items);
}

export interface MembershipWrite {
  actor: string;
  username: string;
  /** The row as read (null: the user had none); its version is the condition. */
  before: UserMapping | null;
  /** The complete new list (empty: the row goes). */
  memberships: Membership[];
  /** Audit action, e.g. user.lobs.update, member.add, request.approve. */
  action: string;
  /** The LOB the change is about, so the LOB's owners find it in their audit log. */
  lob?: string;
  /** Extra audit fields beside before/after (e.g. the request and its justification). */
  context?: Record<string, unknown>;
  requestId?: string;
  /** The access review the change was decided in (linked from the audit log). */
  review?: string;
  /** The user pool `sub` the row is bound to (lib/admin/identity.ts boundSub); default: the row's own. */
  sub?: string;
}

/** The Users-table write of a membership change (Put / Update / Delete conditioned on the version read) and the row after it. */
export function buildMembershipWrite(
  deps: AdminDeps,
  change: MembershipWrite,
  at: Date,
): { items: TransactItem[]; after: UserMapping | null } {
  const { before, username, memberships, actor } = change;
  const iso = at.toISOString();
  const table = deps.tables.users;
  let userItem: TransactItem;
  let after: UserMapping | null = null;
  if (!memberships.length) {
    userItem = {
      Delete: {
        TableName: table,
        Key: { username },
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': before?.version ?? 0 },
      },
    };
  } else {
    after = {
      username,
      lobs: memberships.map((m) => m.lob),
      memberships,
      ...((change.sub ?? before?.sub) ? { sub: change.sub ?? before?.sub } : {}),
      version: (before?.version ?? 0) + 1,
      createdAt: before?.createdAt ?? iso,
      updatedAt: iso,
      updatedBy: actor,
    };
    userItem = {
      Put: {
        TableName: table,
        Item: { ...after, memberships: toMembershipsAttribute(memberships), kind: 'user' },
        ConditionExpression: before ? 'version = :expected' : 'attribute_not_exists(username)',
        ...(before ? { ExpressionAttributeValues: { ':expected': before.version } } : {}),
      },
    };
  }
  const audit = buildAdminAuditItems(
    deps,
    {
      actor,
      action: change.action,
      target: username,
      requestId: change.requestId,
      review: change.review,
      before: membershipSnapshot(before),
      after: after ? { ...membershipSnapshot(after), ...change.context } : (change.context ?? null),
      lob: change.lob,
      lobs: change.lob ? undefined : lobsTouched(before?.lobs, after?.lobs),
    },
    at,
  ).map((Item): TransactItem => ({ Put: { TableName: deps.tables.audit, Item } }));
  return { items: [userItem, ...audit], after };
}

/**
 * Writes a membership change (and `extra` items, after the user item) in one transaction.
 * Throws TransactionCancelledError when a condition failed (index 0 = the Users item was changed meanwhile).
 */
export async function commitMembershipWrite(
  deps: AdminDeps,
  change: MembershipWrite,
  extra: TransactItem[] = [],
): Promise<UserMapping | null> {
  const { items, after } = buildMembershipWrite(deps, change, nowOf(deps));
  const [user, ...audit] = items;
  await transactWrite(deps, [user, ...extra, ...audit]);
  return after;
}
