import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { writeWithAudit } from './audit';
import type { TransactItem } from './batch';
import {
  LobExistsError,
  LobInUseError,
  VersionConflictError,
  isConditionalCheckFailed,
  toDirectoryError,
  type ChangeStamp,
} from './errors';
import { PortalError } from '@/lib/errors';
import { lobInputSchema, type LobInput } from './validation';
import { reshapeLobItem } from '@/lib/directory/items';
import type { Lob } from '@/lib/directory/types';

/** A LOB as the console shows and edits it (the directory's domain type). */
export type AdminLob = Lob;

const reshapeLob = (item: Record<string, unknown>): AdminLob => reshapeLobItem(item);

function toLobItem(input: LobInput, version: number, actor: string, at: string): Record<string, unknown> {
  const item: Record<string, unknown> = { ...input, version, updatedAt: at, updatedBy: actor };
  if (input.urlExpiresSeconds === undefined) delete item.urlExpiresSeconds;
  if (input.requestDescription === undefined) delete item.requestDescription;
  return item;
}

/** The audit snapshot of a LOB: its fields without bookkeeping. */
function snapshot(lob: AdminLob | null): Record<string, unknown> | null {
  if (!lob) return null;
  const { updatedAt: _a, updatedBy: _b, ...rest } = lob;
  return rest;
}

export async function listLobs(deps: AdminDeps): Promise<AdminLob[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  try {
    do {
      const out = await deps.ddb.send(new ScanCommand({ TableName: deps.tables.lobs, ExclusiveStartKey: startKey }));
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  } catch (error) {
    throw toDirectoryError(error);
  }
  return items.map(reshapeLob).sort((a, b) => a.lob.localeCompare(b.lob));
}

export async function getLob(deps: AdminDeps, lob: string): Promise<AdminLob | null> {
  try {
    const out = await deps.ddb.send(new GetCommand({ TableName: deps.tables.lobs, Key: { lob }, ConsistentRead: true }));
    return out.Item ? reshapeLob(out.Item) : null;
  } catch (error) {
    throw toDirectoryError(error);
  }
}

export async function requireLob(deps: AdminDeps, lob: string): Promise<AdminLob> {
  const found = await getLob(deps, lob);
  if (!found) throw new PortalError('lob.not_found', `There is no line of business named ${lob}.`);
  return found;
}

/** Re-reads an item after a failed condition so the admin is told who changed it and when. */
async function conflictFor(deps: AdminDeps, lob: string): Promise<VersionConflictError> {
  const current = await getLob(deps, lob);
  const stamp: ChangeStamp | null = current
    ? { updatedBy: current.updatedBy ?? null, updatedAt: current.updatedAt ?? null, version: current.version }
    : null;
  return new VersionConflictError(`Line of business ${lob}`, stamp);
}

/**
 * Creates a LOB, always disabled: users are not offered it until an admin enables it (the console runs a
 * connection test first), so a wrong account or role never reaches users.
 */
export async function createLob(deps: AdminDeps, actor: string, input: LobInput): Promise<AdminLob> {
  const parsed = { ...lobInputSchema.parse(input), enabled: false };
  const at = nowOf(deps).toISOString();
  const item = toLobItem(parsed, 1, actor, at);
  const created = reshapeLob(item);
  try {
    await writeWithAudit(
      deps,
      [{ Put: { TableName: deps.tables.lobs, Item: item, ConditionExpression: 'attribute_not_exists(lob)' } }],
      { actor, action: 'lob.create', target: parsed.lob, lob: parsed.lob, before: null, after: snapshot(created) },
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw new LobExistsError(parsed.lob);
    throw toDirectoryError(error);
  }
  return created;
}

/** Saves an edit made from `expectedVersion`; refused with who/when if someone else saved in between. */
export async function updateLob(deps: AdminDeps, actor: string, input: LobInput, expectedVersion: number): Promise<AdminLob> {
  const parsed = lobInputSchema.parse(input);
  const before = await requireLob(deps, parsed.lob);
  if (before.version !== expectedVersion) throw await conflictFor(deps, parsed.lob);
  const at = nowOf(deps).toISOString();
  const item = toLobItem(parsed, expectedVersion + 1, actor, at);
  // Infra owns the idle shutdown (the domain's IdleSettings): an edit in the console keeps it.
  if (before.idleShutdownMinutes !== undefined) item.idleShutdownMinutes = before.idleShutdownMinutes;
  const after = reshapeLob(item);
  try {
    await writeWithAudit(
      deps,
      [{
        Put: {
          TableName: deps.tables.lobs,
          Item: item,
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      }],
      { actor, action: 'lob.update', target: parsed.lob, lob: parsed.lob, before: snapshot(before), after: snapshot(after) },
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw await conflictFor(deps, parsed.lob);
    throw toDirectoryError(error);
  }
  return after;
}

export async function setLobEnabled(
  deps: AdminDeps,
  actor: string,
  lob: string,
  enabled: boolean,
  expectedVersion: number,
): Promise<AdminLob> {
  const before = await requireLob(deps, lob);
  if (before.version !== expectedVersion) throw await conflictFor(deps, lob);
  const at = nowOf(deps).toISOString();
  const after: AdminLob = { ...before, enabled, version: expectedVersion + 1, updatedAt: at, updatedBy: actor };
  try {
    await writeWithAudit(
      deps,
      [{
        Update: {
          TableName: deps.tables.lobs,
          Key: { lob },
          UpdateExpression: 'SET enabled = :enabled, version = :next, updatedAt = :at, updatedBy = :by',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':enabled': enabled, ':next': expectedVersion + 1, ':expected': expectedVersion, ':at': at, ':by': actor },
        },
      }],
      {
        actor,
        action: enabled ? 'lob.enable' : 'lob.disable',
        target: lob,
        lob,
        before: { enabled: before.enabled, version: before.version },
        after: { enabled: after.enabled, version: after.version },
      },
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw await conflictFor(deps, lob);
    throw toDirectoryError(error);
  }
  return after;
}

export interface LobMember {
  username: string;
  lobs: string[];
  version: number;
}

/** Users whose explicit mapping names `lob` (a scan: deletes are rare, and it must be exact). */
export async function listLobMembers(deps: AdminDeps, lob: string): Promise<LobMember[]> {
  const members: LobMember[] = [];
  let startKey: Record<string, unknown> | undefined;
  try {
    do {
      const out = await deps.ddb.send(
        new ScanCommand({
          TableName: deps.tables.users,
          FilterExpression: 'contains(lobs, :lob)',
          ProjectionExpression: 'username, lobs, version',
          ExpressionAttributeValues: { ':lob': lob },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        members.push({ username: String(item.username), lobs: (item.lobs as string[]) ?? [], version: Number(item.version ?? 0) });
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  } catch (error) {
    throw toDirectoryError(error);
  }
  return members;
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
  const before = await requireLob(deps, lob);
  if (before.version !== expectedVersion) throw await conflictFor(deps, lob);
  const members = await listLobMembers(deps, lob);
  if (members.length && !options.removeMemberships) throw new LobInUseError(lob, members.length);

  const at = nowOf(deps);
  // Members keep their other LOBs: each member's change and its audit record in one transaction, on
  // condition that the user was not edited meanwhile (a user left with no LOB loses their row).
  for (const member of members) {
    const remaining = member.lobs.filter((l) => l !== lob);
    const write: TransactItem = remaining.length
      ? {
          Update: {
            TableName: deps.tables.users,
            Key: { username: member.username },
            UpdateExpression: 'SET lobs = :lobs, version = :next, updatedAt = :at, updatedBy = :by',
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: {
              ':lobs': remaining, ':next': member.version + 1, ':expected': member.version, ':at': at.toISOString(), ':by': actor,
            },
          },
        }
      : {
          Delete: {
            TableName: deps.tables.users,
            Key: { username: member.username },
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': member.version },
          },
        };
    try {
      await writeWithAudit(deps, [write], {
        actor, action: 'user.lobs.update', target: member.username, lob,
        before: { lobs: member.lobs }, after: remaining.length ? { lobs: remaining } : null,
      }, at);
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new VersionConflictError(`User ${member.username}`, null, { cause: error });
      }
      throw toDirectoryError(error);
    }
  }
  try {
    await writeWithAudit(
      deps,
      [{
        Delete: {
          TableName: deps.tables.lobs,
          Key: { lob },
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      }],
      { actor, action: 'lob.delete', target: lob, lob, before: snapshot(before), after: { removedMemberships: members.length } },
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw await conflictFor(deps, lob);
    throw toDirectoryError(error);
  }
  return { removedMemberships: members.length };
}
