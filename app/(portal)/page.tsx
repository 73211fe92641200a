import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { LaunchForm, type LaunchOption } from '@/components/launch/launch-form';
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
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Open SageMaker Studio</h1>
        {!failure && lobs.length > 0 && (
          <p className="mt-2 text-sm text-slate-600">
            Studio opens in your line of business&apos;s AWS account, over the private network. Each click makes a new
            sign-in link that works only briefly.
          </p>
        )}
      </div>

      {failure ? (
        <Alert tone="error" title="Your lines of business could not be loaded" testId="home-error">
          <p>{failure.message}</p>
          <p className="mt-2">
            {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a full reload retries from scratch */}
            <a href="/" className="font-semibold underline underline-offset-2">
              Try again
            </a>
          </p>
          <RequestIdNote requestId={requestId} />
        </Alert>
      ) : lobs.length === 0 ? (
        <Alert tone="warning" title="No Studio to open yet" testId="no-lob">
          <p>
            Your account <strong>{user.username}</strong> is not assigned to any line of business, so there is no Studio
            domain for you yet. Ask {supportContact} to add you to your line of business, then reload this page.
          </p>
        </Alert>
      ) : (
        <LaunchForm options={lobs.map(toOption)} />
      )}
    </div>
  );
}
