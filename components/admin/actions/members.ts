'use server';

import { revalidatePath } from 'next/cache';
import { requireLobManagerRequest } from '@/lib/admin/require-admin';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { parseUntil, removeMember, setMember } from '@/lib/admin/members';
import { lobNameSchema, usernameSchema } from '@/lib/admin/validation';
import { formatUtc } from '@/lib/launch';
import { failureState, type ActionState } from '../action-state';

export interface MemberValues {
  lob: string;
  username: string;
  /** YYYY-MM-DD or '' (no end). */
  until: string;
}
export type MemberState = ActionState<MemberValues>;

function read(form: FormData): MemberValues {
  return { lob: String(form.get('lob') ?? ''), username: String(form.get('username') ?? ''), until: String(form.get('until') ?? '') };
}

/** The LOB named by the form, checked against the caller's rights before anything else (a replayed POST for another LOB is 403). */
async function authorize(values: MemberValues, what: string) {
  const lob = lobNameSchema.safeParse(values.lob);
  const access = await requireLobManagerRequest(what, lob.success ? lob.data : '');
  return { access, lob: lob.success ? lob.data : '' };
}

/** Adds a member to a LOB, or changes the end date of their membership (owners and platform admins). */
export async function setMemberAction(_prev: MemberState, form: FormData): Promise<MemberState> {
  const values = read(form);
  const { access, lob } = await authorize(values, 'member.set');
  const username = usernameSchema.safeParse(values.username);
  if (!username.success) return { error: `Username: ${username.error.issues[0].message}`, fieldErrors: { username: username.error.issues[0].message }, values };
  try {
    const deps = getAdminDeps();
    const until = parseUntil(values.until, nowOf(deps));
    await setMember(deps, access.user.username, lob, username.data, until);
    revalidatePath(`/admin/lobs/${lob}/members`);
    return { ok: true, message: `Saved: ${username.data} is a member of ${lob} ${until ? `until ${formatUtc(until)}` : 'with no end date'}.`, values: { ...values, username: '', until: '' } };
  } catch (error) {
    const state = failureState(error, values, 'member.set');
    if (state.error?.startsWith('End date')) state.fieldErrors = { until: state.error };
    return state;
  }
}

export async function removeMemberAction(_prev: MemberState, form: FormData): Promise<MemberState> {
  const values = read(form);
  const { access, lob } = await authorize(values, 'member.remove');
  const username = usernameSchema.safeParse(values.username);
  if (!username.success) return { error: 'The request is incomplete; reload the page.', values };
  try {
    await removeMember(getAdminDeps(), access.user.username, lob, username.data);
    revalidatePath(`/admin/lobs/${lob}/members`);
    return { ok: true, message: `Removed ${username.data} from ${lob}.`, values };
  } catch (error) {
    return failureState(error, values, 'member.remove');
  }
}
