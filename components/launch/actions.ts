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

/**
 * How long one press waits for a just-created profile before the form shows "Creating your Studio
 * profile" and asks again; the form gives up after PENDING_ATTEMPTS_MAX rounds.
 */
const PROFILE_WAIT_PER_ATTEMPT_MS = 2_500;
const PENDING_ATTEMPTS_MAX = 40;

/** "Open Studio": identity from the session only -> launch -> redirect to the presigned URL (303). */
export async function openStudio(previous: LaunchState | undefined, form: FormData): Promise<LaunchState> {
  const requestId = resolveRequestId((await headers()).get(REQUEST_ID_HEADER));
  const chosen = { lob: field(form, 'lob'), app: field(form, 'app') };
  let url: string;
  try {
    const user = await getSessionUser();
    if (!user) throw new PortalError('auth.unauthenticated', 'Your session has ended. Sign in again.');
    const choices = validateLaunchChoices(chosen);
    const result = await launch(
      { user, channel: 'portal', requestId, lob: choices.lob, app: choices.app, profileWaitMs: PROFILE_WAIT_PER_ATTEMPT_MS },
      (task) => after(task),
    );
    url = result.url;
  } catch (thrown) {
    const error = toPortalError(thrown);
    // A replayed or scripted POST may carry no previous state.
    const attempt = (previous?.pending?.attempt ?? 0) + 1;
    if (error.code === 'profile.not_ready' && attempt < PENDING_ATTEMPTS_MAX) return { pending: { attempt }, ...chosen };
    if (error.code === 'internal') log.error('launch.action_failed', { requestId, error: thrown });
    return { error: { code: error.code, message: error.message, requestId }, ...chosen };
  }
  // Outside try: redirect() works by throwing.
  redirect(url);
}
