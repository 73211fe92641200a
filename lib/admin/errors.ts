import { PortalError, type PortalErrorOptions } from '@/lib/errors';
import { formatUtc } from '@/lib/time-format';

export { isConditionalCheckFailed } from '@/lib/aws/errors';

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
      ? `${what} was changed by ${current.updatedBy ?? 'someone'} at ${current.updatedAt ? formatUtc(current.updatedAt) : 'an unknown time'} ` +
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
      'lob.in_use',
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
    super('lob.exists', `A line of business named ${lob} already exists.`);
    this.name = 'LobExistsError';
  }
}

/** What a stored item says about its last change. */
interface Stamped {
  updatedBy?: string;
  updatedAt?: string;
  version: number;
}

/** Re-reads an item after a failed condition (or a stale version) so the admin is told who changed it and when. */
export async function conflictFor(
  what: string,
  reread: () => Promise<Stamped | null | undefined>,
): Promise<VersionConflictError> {
  const current = await reread();
  const stamp: ChangeStamp | null = current
    ? { updatedBy: current.updatedBy ?? null, updatedAt: current.updatedAt ?? null, version: current.version }
    : null;
  return new VersionConflictError(what, stamp);
}
