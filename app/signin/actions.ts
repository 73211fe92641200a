'use server';

import { redirect } from 'next/navigation';
import type { SignInFormState } from '@/lib/auth/sign-in-state';
import { isHydratedActionCall, runSignInStep } from '@/lib/auth/sign-in-steps';
import { getConfig } from '@/lib/config';
import { portalPath } from '@/lib/http/safe-redirect';

/**
 * The password sign-in form's action (lib/auth/sign-in-steps.ts): one step per submit, with or without
 * JavaScript. Anyone may call it (it is the sign-in); Cognito decides, and nothing is granted before it has.
 */
export async function signInStep(current: SignInFormState, form: FormData): Promise<SignInFormState> {
  const outcome = await runSignInStep(form, portalPath(form.get('callbackUrl'), getConfig().nextAuthUrl), current);
  if (!('redirectTo' in outcome)) return outcome.state;
  // Called by the hydrated form (Next-Action header): it loads the next page itself, as a full page (a new
  // session, a new shell, focus at the top). A plain HTML post gets the redirect.
  if (await isHydratedActionCall()) return { step: 'done', redirectTo: outcome.redirectTo };
  redirect(outcome.redirectTo);
}
