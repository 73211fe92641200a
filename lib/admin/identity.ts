/**
 * Access bound to the person, not to the reusable username (issue 23): a Users row records the user pool
 * `sub` it was granted to. A grant binds the row to the pool's current `sub` (a row bound to another
 * `sub` is an earlier account's: refused until archived, ./sub-binding); the launch refuses a session whose
 * `sub` differs (lib/launch/identity-binding.ts). Platform admins see the orphaned rows (user deleted, or
 * re-created with a new `sub`, or never bound) and archive them; rows written before binding existed are
 * bound to the pool's current `sub` by the backfill (`npm run backfill-subs`).
 */
import { PortalError } from '@/lib/errors';
import type { UserMapping } from '@/lib/directory/types';
import { TransactionCancelledError, transactWrite } from '@/lib/directory/writes';
import { auditWritesFor, type AdminChange } from './audit';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { conflictFor } from './errors';
import { membershipSnapshot } from './memberships';
import { listLobs } from './lobs';
import { findPoolSubs } from './pool-lookup';
import { getUserMapping } from '@/lib/directory/users';
import { iterateMappedUsers } from './user-lobs';

/** Why a row is orphaned. */
export type OrphanReason = 'user-deleted' | 'sub-mismatch' | 'unbound';

export interface OrphanedMapping {
  username: string;
  reason: OrphanReason;
  /** The `sub` the row is bound to (absent: unbound). */
  sub?: string;
  /** The pool's current `sub` for the username (absent: no such user). */
  poolSub?: string;
  lobs: string[];
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/** What is wrong with a row given the pool's current `sub` (undefined: no such user), or null when nothing is. */
export function orphanReason(row: Pick<UserMapping, 'sub'>, poolSub: string | undefined): OrphanReason | null {
  if (poolSub === undefined) return 'user-deleted';
  if (!row.sub) return 'unbound';
  return row.sub === poolSub ? null : 'sub-mismatch';
}

/** Every Users row whose `sub` is not the pool's current one for its username (one pool lookup per page of rows). */
export async function listOrphanedMappings(deps: AdminDeps): Promise<OrphanedMapping[]> {
  const orphans: OrphanedMapping[] = [];
  for await (const page of iterateMappedUsers(deps)) {
    const subs = await findPoolSubs(
      deps,
      page.map((u) => u.username),
    );
    for (const row of page) {
      const poolSub = subs.get(row.username) || undefined;
      const reason = orphanReason(row, subs.has(row.username) ? (poolSub ?? '') : undefined);
      if (!reason) continue;
      orphans.push({
        username: row.username,
        reason,
        sub: row.sub,
        poolSub,
        lobs: row.lobs,
        version: row.version,
        updatedAt: row.updatedAt,
        updatedBy: row.updatedBy,
      });
    }
  }
  return orphans;
}

/** Thrown when archiving a row that is not (or no longer) orphaned. */
export class NotOrphanedError extends PortalError {
  constructor(username: string) {
    super(
      'input.invalid',
      `${username}'s memberships are bound to the user's current account: they are not orphaned, nothing was archived.`,
    );
    this.name = 'NotOrphanedError';
  }
}

/**
 * Archives an orphaned row: the Users item goes (conditioned on the version the admin saw) and the audit
 * record keeps everything it held (memberships, end dates, the `sub` it was bound to), in one transaction.
 */
export async function archiveOrphanedMapping(
  deps: AdminDeps,
  actor: string,
  username: string,
  expectedVersion: number,
): Promise<UserMapping> {
  const row = await getUserMapping(deps, username);
  if (!row || row.version !== expectedVersion)
    throw await conflictFor(`The memberships of ${username}`, () => getUserMapping(deps, username));
  const subs = await findPoolSubs(deps, [username]);
  const reason = orphanReason(row, subs.has(username) ? (subs.get(username) ?? '') : undefined);
  if (!reason) throw new NotOrphanedError(username);
  const now = nowOf(deps);
  try {
    await transactWrite(deps.ddb, [
      {
        Delete: {
          TableName: deps.tables.users,
          Key: { username },
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': row.version },
        },
      },
      ...auditWritesFor(
        deps,
        {
          actor,
          action: 'orphan.archive',
          target: username,
          lobs: row.lobs,
          before: { ...membershipSnapshot(row), memberships: row.memberships, sub: row.sub ?? null },
          after: { archived: true, reason, poolSub: subs.get(username) || null },
        },
        now,
      ),
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelledError)
      throw await conflictFor(`The memberships of ${username}`, () => getUserMapping(deps, username));
    throw error;
  }
  deps.metrics?.adminChange('orphan.archive');
  return row;
}

export interface OrphanedOwner {
  lob: string;
  username: string;
  reason: OrphanReason;
}

/** LOB owner usernames not bound to the pool's current `sub` for them (a platform admin edits the LOB's owners). */
export async function listOrphanedOwners(deps: AdminDeps): Promise<OrphanedOwner[]> {
  const lobs = await listLobs(deps);
  const subs = await findPoolSubs(
    deps,
    lobs.flatMap((l) => l.owners.users),
  );
  return lobs.flatMap((lob) =>
    lob.owners.users.flatMap((username) => {
      const reason = orphanReason(
        { sub: lob.ownerSubs?.[username] },
        subs.has(username) ? (subs.get(username) ?? '') : undefined,
      );
      return reason ? [{ lob: lob.lob, username, reason }] : [];
    }),
  );
}

export interface BackfillResult {
  /** Rows bound to the pool's current `sub` now. */
  bound: string[];
  /** LOB owner usernames bound now (`lob:username`). */
  owners: string[];
  /** Rows whose user is not in the pool: left unbound (shown as orphans; the launch refuses them). */
  missing: string[];
  /** Rows changed by someone else meanwhile: left for the next run. */
  skipped: string[];
}

/**
 * Binds every row without a `sub` to the pool's current `sub` for its username (each a conditional
 * update with its audit record). Run once when a stage is migrated (docs/admin.md), before users are
 * deleted or re-created; idempotent (bound rows are left alone).
 */
export async function backfillSubs(deps: AdminDeps, actor: string): Promise<BackfillResult> {
  const result: BackfillResult = { bound: [], owners: [], missing: [], skipped: [] };
  for await (const page of iterateMappedUsers(deps)) {
    const unbound = page.filter((u) => !u.sub);
    if (!unbound.length) continue;
    const subs = await findPoolSubs(
      deps,
      unbound.map((u) => u.username),
    );
    for (const row of unbound) {
      const sub = subs.get(row.username);
      if (!sub) {
        result.missing.push(row.username);
        continue;
      }
      const change = {
        actor,
        action: 'user.sub.backfill',
        target: row.username,
        lobs: row.lobs,
        before: { sub: null },
        after: { sub },
      };
      const bound = await bindWithAudit(
        deps,
        deps.tables.users,
        { username: row.username },
        { attribute: 'sub', value: sub, version: row.version, unset: true },
        change,
      );
      (bound ? result.bound : result.skipped).push(row.username);
    }
  }
  await backfillOwnerSubs(deps, actor, result);
  return result;
}

/** Binds LOB owner usernames that have no `sub` entry yet to the pool's current one (conditioned on the LOB's version). */
async function backfillOwnerSubs(deps: AdminDeps, actor: string, result: BackfillResult): Promise<void> {
  for (const lob of await listLobs(deps)) {
    const unbound = lob.owners.users.filter((u) => !lob.ownerSubs?.[u]);
    if (!unbound.length) continue;
    const subs = await findPoolSubs(deps, unbound);
    const added = Object.fromEntries(unbound.map((u) => [u, subs.get(u) ?? '']).filter(([, sub]) => sub));
    if (!Object.keys(added).length) continue;
    const ownerSubs = { ...lob.ownerSubs, ...added };
    const change = {
      actor,
      action: 'user.sub.backfill',
      target: lob.lob,
      lob: lob.lob,
      before: { ownerSubs: lob.ownerSubs ?? null },
      after: { ownerSubs },
    };
    const bound = await bindWithAudit(
      deps,
      deps.tables.lobs,
      { lob: lob.lob },
      { attribute: 'ownerSubs', value: ownerSubs, version: lob.version },
      change,
    );
    if (bound) result.owners.push(...Object.keys(added).map((u) => `${lob.lob}:${u}`));
    else result.skipped.push(lob.lob);
  }
}

/**
 * Sets one binding attribute with its audit record, on condition that the item is still at `version` (and,
 * with `unset`, that the attribute is still absent); false when the condition failed (changed meanwhile).
 */
async function bindWithAudit(
  deps: AdminDeps,
  table: string,
  key: Record<string, string>,
  binding: { attribute: string; value: unknown; version: number; unset?: boolean },
  change: AdminChange,
): Promise<boolean> {
  const update = {
    TableName: table,
    Key: key,
    UpdateExpression: 'SET #a = :value',
    ConditionExpression: `version = :expected${binding.unset ? ' AND attribute_not_exists(#a)' : ''}`,
    ExpressionAttributeNames: { '#a': binding.attribute },
    ExpressionAttributeValues: { ':value': binding.value, ':expected': binding.version },
  };
  try {
    await transactWrite(deps.ddb, [{ Update: update }, ...auditWritesFor(deps, change, nowOf(deps))]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelledError) return false;
    throw error;
  }
}
