import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { LaunchForm, type LaunchOption } from '@/components/launch/launch-form';
import { SignOutButton } from '@/components/launch/sign-out-button';
import { Alert, RequestIdNote } from '@/components/ui/alert';
import { getSessionUser } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import type { Lob } from '@/lib/directory/types';
import { toPortalError, type PortalError } from '@/lib/errors';
import { resolveLobs } from '@/lib/launch';
import { log } from '@/lib/log';
import { REQUEST_ID_HEADER, resolveRequestId } from '@/lib/request-id';

function toOption(lob: Lob): LaunchOption {
  return {
    lob: lob.lob,
    displayName: lob.displayName,
    accountId: lob.accountId,
    domainId: lob.domainId,
    region: lob.region,
    enabled: lob.enabled,
    defaultApp: lob.defaultApp,
    allowedApps: lob.allowedApps,
  };
}

export default async function HomePage() {
  const user = await getSessionUser();
  if (!user) redirect('/signin');
  const requestId = resolveRequestId((await headers()).get(REQUEST_ID_HEADER));
  const { supportContact } = getConfig();

  let lobs: Lob[] = [];
  let failure: PortalError | undefined;
  try {
    lobs = (await resolveLobs(user)).lobs;
  } catch (error) {
    failure = toPortalError(error);
    log.error('home.resolve_failed', { requestId, user: user.username, code: failure.code, error });
  }

  return (
    <div className="space-y-8">
      <section className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold">Welcome, {user.username}</h1>
          <p className="mt-1 text-sm text-slate-600" data-testid="whoami">
            Signed in as <strong>{user.username}</strong>
            {user.email ? ` (${user.email})` : ''}
          </p>
        </div>
        <SignOutButton />
      </section>

      {failure ? (
        <Alert tone="error" title="Your lines of business could not be loaded" testId="home-error">
          <p>{failure.message}</p>
          <RequestIdNote requestId={requestId} />
        </Alert>
      ) : lobs.length === 0 ? (
        <Alert tone="warning" title="No line of business yet" testId="no-lob">
          <p>
            Your account is not assigned to any line of business, so there is no Studio to open. Ask {supportContact} to add{' '}
            <strong>{user.username}</strong> to your line of business.
          </p>
        </Alert>
      ) : (
        <section className="space-y-4">
          <h2 className="text-lg font-semibold">{lobs.length > 1 ? 'Choose a line of business' : 'Your line of business'}</h2>
          <LaunchForm options={lobs.map(toOption)} />
        </section>
      )}
    </div>
  );
}
