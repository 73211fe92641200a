'use server';

import { after } from 'next/server';
import { z } from 'zod';
import { toPortalError } from '@/lib/errors';
import { launch, validateLaunchChoices } from '@/lib/launch';
import type { ActionCall } from '@/components/actions/define-action';
import { serverAction, signedInUsers } from '@/components/actions/server-action';
import type { LaunchState, LaunchValues } from './types';

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
export const openStudio = serverAction({
  name: 'launch',
  authorize: signedInUsers,
  read: (form): LaunchValues => ({ lob: field(form, 'lob'), app: field(form, 'app') }),
  schema: z.object({ lob: z.string().optional(), app: z.string().optional() }),
  act: async (chosen, { user }, { values, requestId }) => {
    const { lob, app } = validateLaunchChoices(chosen);
    const result = await launch(
      { user, channel: 'portal', requestId, lob, app, profileWaitMs: PROFILE_WAIT_PER_ATTEMPT_MS },
      (task) => after(task),
    );
    return { values, redirect: result.url };
  },
  failed: (state: LaunchState, error: unknown, { prev }: ActionCall<LaunchValues, LaunchState>): LaunchState => {
    // A replayed or scripted POST may carry no previous state.
    const attempt = (prev?.pending?.attempt ?? 0) + 1;
    if (state.code === 'profile.not_ready' && attempt < PENDING_ATTEMPTS_MAX)
      return { pending: { attempt }, values: state.values };
    return { ...state, error: toPortalError(error).message };
  },
});
