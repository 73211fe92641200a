import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { HostedSignInButton, SignInForm } from '@/components/launch/sign-in-form';
import { Alert } from '@/components/ui/alert';
import { getSessionUser } from '@/lib/auth/session';
import { SESSION_ENDED_MESSAGES } from '@/lib/auth/session-messages';
import { isHydratedActionCall } from '@/lib/auth/sign-in-steps';
import { getConfig } from '@/lib/config';
import { portalPath } from '@/lib/http/safe-redirect';

export const metadata: Metadata = { title: 'Sign in · Studio Portal' };

const HOSTED_ERRORS: Record<string, string> = {
  AccessDenied: 'Your company account could not be used to sign in here.',
  OAuthCallback: 'Sign-in with your company account did not complete. Please try again.',
  OAuthSignin: 'Sign-in with your company account could not start. Please try again.',
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  // Only a path of the portal: never bounce a user to another origin after sign-in.
  const callbackUrl = portalPath(params.callbackUrl, getConfig().nextAuthUrl);
  // A signed-in visitor is sent on, except in the sign-in action's own response (the form does that itself).
  if (!(await isHydratedActionCall()) && (await getSessionUser())) redirect(callbackUrl);
  const { authMode } = getConfig();
  const rawError = typeof params.error === 'string' ? params.error : undefined;
  // A session ended by the portal (account disabled or deleted, lifetime over) is said above the form.
  const ended = rawError ? SESSION_ENDED_MESSAGES[rawError] : undefined;
  const error = ended ? undefined : rawError;

  return (
    <div className="mx-auto max-w-sm space-y-6 sm:pt-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Sign in</h1>
        <p className="mt-2 text-sm text-slate-600">Sign in to open SageMaker Studio for your line of business.</p>
      </div>
      {params.signedOut && (
        <Alert tone="info" testId="signed-out">
          You have signed out.
        </Alert>
      )}
      {ended && (
        <Alert tone="warning" testId="session-ended">
          {ended}
        </Alert>
      )}
      <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm sm:p-6">
        {authMode === 'password' ? (
          <SignInForm callbackUrl={callbackUrl} initialError={error} />
        ) : (
          <div className="space-y-4">
            <p className="text-sm text-slate-600">
              You will sign in on your company&apos;s sign-in page, then return here.
            </p>
            <HostedSignInButton callbackUrl={callbackUrl} />
            {error && (
              <Alert tone="error" testId="signin-error">
                {HOSTED_ERRORS[error] ?? 'Sign-in failed. Please try again.'}
              </Alert>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
