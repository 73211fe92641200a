import { PortalError, type PortalErrorOptions } from '@/lib/errors';

/** Who last changed an item, for telling an admin why their save was refused. */
export interface ChangeStamp {
  updatedBy: string | null;
  updatedAt: string | null;
  version: number | null;
}

/** Thrown when a save carries a version that is no longer current (someone else saved first, or deleted it). */
export class VersionConflictError extends PortalError {
  readonly current: ChangeStamp | null;

  constructor(what: string, current: ChangeStamp | null, options?: PortalErrorOptions) {
    const message = current
      ? `${what} was changed by ${current.updatedBy ?? 'someone'} at ${current.updatedAt ?? 'an unknown time'} ` +
        `(now version ${current.version ?? '?'}) after you opened it. Your changes were not saved; ` +
        'review their change, then save again.'
      : `${what} was deleted by someone else after you opened it. Your changes were not saved.`;
    super('conflict.version', message, options);
    this.name = 'VersionConflictError';
    this.current = current;
  }
}

/** Thrown when deleting a LOB that users still reference and the admin did not choose to remove those memberships. */
export class LobInUseError extends PortalError {
  readonly memberCount: number;

  constructor(lob: string, memberCount: number) {
    super(
      'input.invalid',
      `${lob} is still assigned to ${memberCount} user${memberCount === 1 ? '' : 's'}. ` +
        'Remove those memberships too, or reassign the users first.',
    );
    this.name = 'LobInUseError';
    this.memberCount = memberCount;
  }
}

/** Thrown when a LOB that should be new already exists. */
export class LobExistsError extends PortalError {
  constructor(lob: string) {
    super('input.invalid', `A line of business named ${lob} already exists.`);
    this.name = 'LobExistsError';
  }
}

/**
 * A failed ConditionExpression: alone (ConditionalCheckFailedException) or inside a cancelled transaction,
 * where another transaction on the same item (TransactionConflict) counts too (it is a concurrent edit).
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | null;
  if (e?.name === 'TransactionCanceledException') {
    return (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
  }
  return e?.name === 'ConditionalCheckFailedException';
}

/** Translates DynamoDB failures the admin can't act on into the portal's error family. */
export function toDirectoryError(error: unknown): PortalError {
  if (error instanceof PortalError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  if (/Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded/.test(name)) {
    return new PortalError('aws.throttled', undefined, { cause: error });
  }
  return new PortalError('directory.unavailable', undefined, { cause: error });
}
