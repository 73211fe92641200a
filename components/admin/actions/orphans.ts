'use server';

import { z } from 'zod';
import { getAdminDeps, invalidateLobCache } from '@/lib/admin/deps';
import { archiveOrphanedMapping, backfillSubs } from '@/lib/admin/identity';
import { usernameSchema, versionSchema } from '@/lib/admin/validation';
import type { ActionState } from '@/components/actions/action-state';
import { hiddenFields, textFields } from '@/components/actions/define-action';
import { platformAdmins, serverAction } from '@/components/actions/server-action';

const read = textFields('username', 'version');
export type OrphanValues = ReturnType<typeof read>;
export type OrphanState = ActionState<OrphanValues>;

const PAGE = '/admin/users/orphans';

/** Archives one orphaned Users row (platform admins; the audit record keeps what it held). */
export const archiveOrphanAction = serverAction({
  name: 'orphan.archive',
  authorize: platformAdmins,
  read,
  schema: hiddenFields(z.object({ username: usernameSchema, version: versionSchema })),
  act: async ({ username, version }, { user }, { values }) => {
    const row = await archiveOrphanedMapping(getAdminDeps(), user.username, username, version);
    return {
      message: `Archived the memberships of ${username} (${row.lobs.join(', ')}); the audit log keeps them.`,
      values,
      revalidate: [PAGE, '/admin/users'],
    };
  },
});

/** Binds every row written before identity binding to its user's current pool `sub` (the one-off migration, also `npm run backfill-subs`). */
export const backfillSubsAction = serverAction({
  name: 'user.sub.backfill',
  authorize: platformAdmins,
  read,
  schema: z.object({}),
  act: async (_input, { user }, { values }) => {
    const result = await backfillSubs(getAdminDeps(), user.username);
    if (result.owners.length) invalidateLobCache();
    const missing = result.missing.length
      ? ` ${result.missing.length} belong to users not in the pool and stay listed.`
      : '';
    const skipped = result.skipped.length ? ` ${result.skipped.length} changed meanwhile; run it again.` : '';
    const owners = result.owners.length
      ? ` Bound ${result.owners.length} LOB owner${result.owners.length === 1 ? '' : 's'} too.`
      : '';
    return {
      message: `Bound ${result.bound.length} row${result.bound.length === 1 ? '' : 's'} to their user's account.${owners}${missing}${skipped}`,
      values,
      revalidate: [PAGE],
    };
  },
});
