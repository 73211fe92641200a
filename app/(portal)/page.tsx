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
import { REQUEST_ID_HEADER, stampedRequestId } from '@/lib/request-id';
import { getDirectory, type Membership } from '@/lib/directory';
import { getAdminDeps } from '@/lib/admin/deps';
import { listRequestsOf, type AccessRequest } from '@/lib/admin/requests';
import { getClock } from '@/lib/clock';
import { AccessRequests, MembershipEnds } from '@/components/requests/home-access';
import { MyStudioApps } from '@/components/cost/my-apps';
import type { SessionUser } from '@/lib/auth/types';
import { pick } from '@/lib/pick';
import { EmergencyAccess } from '@/components/access/emergency-access';

/** Cost control (issue 25): the user's running apps; ?stop=&lob= is the no-JS confirmation step. */
function MyStudioAppsSection({
  user,
  lobs,
  query,
}: {
  user: SessionUser;
  lobs: Lob[];
  query: { stop?: string; lob?: string; stopped?: string };
}) {
  const confirm = query.stop && query.lob ? { lob: query.lob, app: query.stop } : undefined;
  return <MyStudioApps user={user} lobs={lobs.filter((l) => l.enabled)} confirm={confirm} stopped={query.stopped} />;
}

function toOption(lob: Lob): LaunchOption {
  return pick(lob, ['lob', 'displayName', 'accountId', 'domainId', 'region', 'enabled', 'defaultApp', 'allowedApps']);
}

export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<{ stop?: string; lob?: string; stopped?: string }>;
}) {
  const user = await getSessionUser();
  if (!user) redirect('/signin');
  const requestId = stampedRequestId((await headers()).get(REQUEST_ID_HEADER));
  const { supportContact } = getConfig();

  let lobs: Lob[] = [];
  let memberships: Membership[] = [];
  let expired: Membership[] = [];
  let allLobs: Lob[] = [];
  let requests: AccessRequest[] = [];
  let failure: PortalError | undefined;
  const now = getClock()();
  try {
    [{ lobs, memberships, expired }, allLobs, requests] = await Promise.all([
      resolveLobs(user),
      getDirectory().lobs.listLobs(),
      listRequestsOf(getAdminDeps(), user.username),
    ]);
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
            domain for you yet. Ask for access below, or ask {supportContact} to add you, then reload this page.
          </p>
        </Alert>
      ) : (
        <LaunchForm options={lobs.map(toOption)} />
      )}
      {!failure && lobs.length > 0 ? <MyStudioAppsSection user={user} lobs={lobs} query={await searchParams} /> : null}
      {failure ? null : (
        <>
          <MembershipEnds memberships={memberships} expired={expired} now={now} lobs={allLobs} requests={requests} />
          <EmergencyAccess user={user} lobs={allLobs} memberships={memberships} />
          <AccessRequests lobs={allLobs} requests={requests} memberOf={memberships} now={now} />
        </>
      )}
    </div>
  );
}
