'use server';

import { z } from 'zod';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { parseUntil, removeMember, setMember } from '@/lib/admin/members';
import { lobNameSchema, usernameSchema } from '@/lib/admin/validation';
import { formatUtcMinute } from '@/lib/time-format';
import type { ActionState } from '@/components/actions/action-state';
import { hiddenFields, textFields } from '@/components/actions/define-action';
import { managersOf, serverAction } from '@/components/actions/server-action';

/** `until`: YYYY-MM-DD or '' (no end). */
const read = textFields('lob', 'username', 'until');
export type MemberValues = ReturnType<typeof read>;
export type MemberState = ActionState<MemberValues>;

/** The LOB named by the form, checked against the caller's rights before anything else (a replayed POST for another LOB is 403). */
const authorize = managersOf((values: MemberValues) => values.lob);

/** Adds a member to a LOB, or changes the end date of their membership (owners and platform admins). */
export const setMemberAction = serverAction({
  name: 'member.set',
  authorize,
  read,
  schema: z.object({ lob: lobNameSchema, username: usernameSchema, until: z.string() }),
  act: async ({ lob, username, until: day }, { user, platformAdmin }, { values }) => {
    const deps = getAdminDeps();
    const until = parseUntil(day, nowOf(deps));
    await setMember(deps, { grantor: { username: user.username, platformAdmin }, lob, username, until });
    return {
      message: `Saved: ${username} is a member of ${lob} ${until ? `until ${formatUtcMinute(until)}` : 'with no end date'}.`,
      values: { ...values, username: '', until: '' },
      revalidate: [`/admin/lobs/${lob}/members`],
    };
  },
});

export const removeMemberAction = serverAction({
  name: 'member.remove',
  authorize,
  read,
  schema: hiddenFields(z.object({ lob: lobNameSchema, username: usernameSchema })),
  act: async ({ lob, username }, { user }, { values }) => {
    await removeMember(getAdminDeps(), { actor: user.username, lob, username });
    return { message: `Removed ${username} from ${lob}.`, values, revalidate: [`/admin/lobs/${lob}/members`] };
  },
});
