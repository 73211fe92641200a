'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { after } from 'next/server';
import { getSessionUser } from '@/lib/auth/session';
import { PortalError, toPortalError } from '@/lib/errors';
import { launch, validateLaunchChoices } from '@/lib/launch';
import { log } from '@/lib/log';
import { REQUEST_ID_HEADER, resolveRequestId } from '@/lib/request-id';
import type { LaunchState } from './types';

const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : undefined;
};

/** "Open Studio": identity from the session only -> launch -> redirect to the presigned URL (303). */
export async function openStudio(_previous: LaunchState, form: FormData): Promise<LaunchState> {
  const requestId = resolveRequestId((await headers()).get(REQUEST_ID_HEADER));
  const chosen = { lob: field(form, 'lob'), app: field(form, 'app') };
  let url: string;
  try {
    const user = await getSessionUser();
    if (!user) throw new PortalError('auth.unauthenticated', 'Your session has ended. Sign in again.');
    const choices = validateLaunchChoices(chosen);
    const result = await launch({ user, channel: 'portal', requestId, lob: choices.lob, app: choices.app }, (task) => after(task));
    url = result.url;
  } catch (thrown) {
    const error = toPortalError(thrown);
    if (error.code === 'internal') log.error('launch.action_failed', { requestId, error: thrown });
    return { error: { code: error.code, message: error.message, requestId }, ...chosen };
  }
  // Outside try: redirect() works by throwing.
  redirect(url);
}
