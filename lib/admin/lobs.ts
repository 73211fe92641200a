/**
 * The admin rules for LOBs: validation, versions (an edit is refused when someone saved in between),
 * what a delete does to members, and what the audit log keeps. Reads and writes go through the data
 * layer (lib/directory); each change and its audit record are one transaction.
 */
import { lobReaderOf, lobWrites } from '@/lib/directory/lob-writes';
import { reshapeLobItem, toLobItem } from '@/lib/directory/items';
import type { Lob } from '@/lib/directory/types';
import { scanLobMembers, userWrites } from '@/lib/directory/users';
import { TransactionCancelledError } from '@/lib/directory/writes';
import { PortalError } from '@/lib/errors';
import { writeWithAudit } from './audit';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { LobExistsError, LobInUseError, VersionConflictError, conflictFor } from './errors';
import { findPoolSubs } from './pool-lookup';
import { lobInputSchema, type LobInput } from './validation';

/** A LOB as the console shows and edits it (the directory's domain type). */
export type AdminLob = Lob;

/** The LOB an input describes, at a version and stamped with who saved it when (validated like a stored row). */
function lobOf(
  input: LobInput,
  version: number,
  actor: string,
  at: string,
  keep: Pick<Lob, 'idleShutdownMinutes' | 'ownerSubs'> = {},
): AdminLob {
  return reshapeLobItem(toLobItem({ ...input, ...keep, version, updatedAt: at, updatedBy: actor } as Lob));
}

/**
 * The `sub` each owner username is bound to: kept when already bound (a deleted or re-created owner stays
 * bound to the earlier account, so a newcomer under the name is not an owner), else the pool's current one;
 * a username not in the pool gets none. Undefined when the LOB lists no owner usernames.
 */
async function ownerSubsFor(
  deps: AdminDeps,
  users: readonly string[],
  bound: Record<string, string> = {},
): Promise<Record<string, string> | undefined> {
  if (!users.length) return undefined;
  const unbound = users.filter((u) => !bound[u]);
  const found = unbound.length ? await findPoolSubs(deps, unbound) : new Map<string, string>();
  const subs = Object.fromEntries(users.map((u) => [u, bound[u] || found.get(u) || '']).filter(([, sub]) => sub));
  return Object.keys(subs).length ? subs : undefined;
}

/** The audit snapshot of a LOB: its fields without bookkeeping. */
function snapshot(lob: AdminLob | null): Record<string, unknown> | null {
  if (!lob) return null;
  const { updatedAt: _a, updatedBy: _b, ...rest } = lob;
  return rest;
}

export async function listLobs(deps: AdminDeps): Promise<AdminLob[]> {
  return lobReaderOf(deps).listLobs();
}

export async function getLob(deps: AdminDeps, lob: string): Promise<AdminLob | null> {
  return (await lobReaderOf(deps).getLob(lob)) ?? null;
}

export async function requireLob(deps: AdminDeps, lob: string): Promise<AdminLob> {
  const found = await getLob(deps, lob);
  if (!found) throw new PortalError('lob.not_found', `There is no line of business named ${lob}.`);
  return found;
}

const lobConflict = (deps: AdminDeps, lob: string) => conflictFor(`Line of business ${lob}`, () => getLob(deps, lob));

/** Reads the LOB and checks the edit started from its current version. */
async function requireAtVersion(deps: AdminDeps, lob: string, expectedVersion: number): Promise<AdminLob> {
  const before = await requireLob(deps, lob);
  if (before.version !== expectedVersion) throw await lobConflict(deps, lob);
  return before;
}

/** Runs a LOB write; a failed version condition becomes the conflict error naming who changed it. */
async function writeLob(deps: AdminDeps, lob: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof TransactionCancelledError) throw await lobConflict(deps, lob);
    throw error;
  }
}

/**
 * Creates a LOB, always disabled: users are not offered it until an admin enables it (the console runs a
 * connection test first), so a wrong account or role never reaches users.
 */
export async function createLob(deps: AdminDeps, actor: string, input: LobInput): Promise<AdminLob> {
  const parsed = { ...lobInputSchema.parse(input), enabled: false };
  const created = lobOf(parsed, 1, actor, nowOf(deps).toISOString(), {
    ownerSubs: await ownerSubsFor(deps, parsed.owners.users),
  });
  try {
    await writeWithAudit(deps, [lobWrites.create(deps, created)], {
      actor,
      action: 'lob.create',
      target: parsed.lob,
      lob: parsed.lob,
      before: null,
      after: snapshot(created),
    });
  } catch (error) {
    if (error instanceof TransactionCancelledError) throw new LobExistsError(parsed.lob);
    throw error;
  }
  return created;
}

/** Saves an edit made from `expectedVersion`; refused with who/when if someone else saved in between. */
export async function updateLob(
  deps: AdminDeps,
  actor: string,
  input: LobInput,
  expectedVersion: number,
): Promise<AdminLob> {
  const parsed = lobInputSchema.parse(input);
  const before = await requireAtVersion(deps, parsed.lob, expectedVersion);
  // Infra owns the idle shutdown (the domain's IdleSettings): an edit in the console keeps it.
  const after = lobOf(parsed, expectedVersion + 1, actor, nowOf(deps).toISOString(), {
    idleShutdownMinutes: before.idleShutdownMinutes,
    ownerSubs: await ownerSubsFor(deps, parsed.owners.users, before.ownerSubs),
  });
  await writeLob(deps, parsed.lob, () =>
    writeWithAudit(deps, [lobWrites.replace(deps, after, expectedVersion)], {
      actor,
      action: 'lob.update',
      target: parsed.lob,
      lob: parsed.lob,
      before: snapshot(before),
      after: snapshot(after),
    }),
  );
  return after;
}

export async function setLobEnabled(
  deps: AdminDeps,
  actor: string,
  lob: string,
  enabled: boolean,
  expectedVersion: number,
): Promise<AdminLob> {
  const before = await requireAtVersion(deps, lob, expectedVersion);
  const after: AdminLob = {
    ...before,
    enabled,
    version: expectedVersion + 1,
    updatedAt: nowOf(deps).toISOString(),
    updatedBy: actor,
  };
  await writeLob(deps, lob, () =>
    writeWithAudit(deps, [lobWrites.setEnabled(deps, after, expectedVersion)], {
      actor,
      action: enabled ? 'lob.enable' : 'lob.disable',
      target: lob,
      lob,
      before: { enabled: before.enabled, version: before.version },
      after: { enabled: after.enabled, version: after.version },
    }),
  );
  return after;
}

export interface DeleteLobResult {
  removedMemberships: number;
}

/**
 * Deletes a LOB. Refused with the member count while users still reference it, unless `removeMemberships`:
 * then each member loses that LOB (a user left with none loses their row) and each change is audited.
 */
export async function deleteLob(
  deps: AdminDeps,
  actor: string,
  lob: string,
  expectedVersion: number,
  options: { removeMemberships: boolean },
): Promise<DeleteLobResult> {
  const before = await requireAtVersion(deps, lob, expectedVersion);
  const members = await scanLobMembers(deps, lob);
  if (members.length && !options.removeMemberships) throw new LobInUseError(lob, members.length);

  const at = nowOf(deps);
  // Members keep their other LOBs: each member's change and its audit record in one transaction, on
  // condition that the user was not edited meanwhile (a user left with no LOB loses their row).
  for (const member of members) {
    const remaining = member.lobs.filter((l) => l !== lob);
    const write = remaining.length
      ? userWrites.setLobs(deps, member, remaining, { at: at.toISOString(), by: actor })
      : userWrites.remove(deps, member.username, member.version);
    try {
      await writeWithAudit(
        deps,
        [write],
        {
          actor,
          action: 'user.lobs.update',
          target: member.username,
          lob,
          before: { lobs: member.lobs },
          after: remaining.length ? { lobs: remaining } : null,
        },
        at,
      );
    } catch (error) {
      if (error instanceof TransactionCancelledError)
        throw new VersionConflictError(`User ${member.username}`, null, { cause: error });
      throw error;
    }
  }
  await writeLob(deps, lob, () =>
    writeWithAudit(deps, [lobWrites.remove(deps, lob, expectedVersion)], {
      actor,
      action: 'lob.delete',
      target: lob,
      lob,
      before: snapshot(before),
      after: { removedMemberships: members.length },
    }),
  );
  return { removedMemberships: members.length };
}
