/**
 * A grant binds a Users row to the person's user pool `sub` (issue 23, lib/admin/identity.ts): the rule every
 * writer of memberships applies. A leaf module, so that membership writers and the orphan tools share it.
 */
import { PortalError } from '@/lib/errors';
import type { UserMapping } from '@/lib/directory/types';

/** Thrown when a grant would add to memberships that belong to an earlier account of the same username. */
export class OrphanedAccessError extends PortalError {
  constructor(username: string) {
    super(
      'identity.mismatch',
      `The memberships of ${username} belong to an earlier account with the same username (its user pool id differs). ` +
        'A platform admin archives them on the Orphaned access page first; nothing was changed.',
      { details: { username } },
    );
    this.name = 'OrphanedAccessError';
  }
}

/**
 * The `sub` a row written now is bound to: the pool's current one (`poolSub`, undefined when the user is
 * not in the pool yet), else the row's own. A row bound to another `sub` than the pool's is refused.
 */
export function boundSub(
  username: string,
  before: Pick<UserMapping, 'sub'> | null | undefined,
  poolSub: string | undefined,
): string | undefined {
  if (before?.sub && poolSub && before.sub !== poolSub) throw new OrphanedAccessError(username);
  return poolSub ?? before?.sub;
}
