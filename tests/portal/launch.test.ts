import { AdminCreateUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { directoryClient, eventually } from '../support/directory';
import {
  CookieJar,
  expectStudioRedirect,
  initiateAuth,
  launchErrorIn,
  loadLaunchForm,
  openStudioUrl,
  signIn,
  submitLaunchForm,
} from '../support/http-session';
import { type PortalStack } from '../support/portal-stack';
import { startClockedStack, type ClockedStack } from '../support/clocked-stack';

/**
 * The portal over HTTP: password sign-in through next-auth, the home page, and "Open Studio" posted
 * as the form a browser sends (the server action's no-JavaScript path; the browser path is in e2e/).
 */
let clocked: ClockedStack;
let stack: PortalStack;
let dir: ReturnType<typeof directoryClient>;

/** The home page's HTML as `username` sees it. */
async function homePageOf(username: string): Promise<string> {
  return (await fetch(`${stack.url}/`, { headers: { cookie: (await session(username)).header() } })).text();
}

/** Once written, the audit record of `requestId` is a portal-channel one with `fields`. */
async function expectAudit(requestId: string, fields: Record<string, unknown>): Promise<void> {
  const audit = await eventually(async () => (await dir.auditFor(requestId))[0]);
  expect(audit).toMatchObject({ ...fields, channel: 'portal' });
}
const LOB_CACHE_SECONDS = 30;
let clockOffset = 0;
/** Moves the portal's clock (CLOCK_OFFSET_FILE) past the LOB row cache's window: cached rows are stale from here. */
const passLobCache = () => clocked.setClockOffset((clockOffset += LOB_CACHE_SECONDS + 1));

const PASSWORDS: Record<string, string> = {
  'user-lob-a': 'UserLobA1!',
  'user-lob-b': 'UserLobB1!',
  'user-multi': 'UserMulti1!',
  'user-group-a': 'UserGroupA1!',
  'user-no-lob': 'UserNoLob1!',
  'user-no-profile': 'UserNoProfile1!',
  'new-user': 'NewUser1!',
};

/** The credentials callback as a browser posts it: which error the sign-in page is sent, and whether a session began. */
async function postCredentials(
  username: string,
  password: string,
): Promise<{ error: string | null; signedIn: boolean }> {
  const jar = new CookieJar();
  const csrfRes = await fetch(`${stack.url}/api/auth/csrf`);
  jar.store(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${stack.url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, username, password, callbackUrl: `${stack.url}/`, json: 'true' }),
  });
  jar.store(res);
  const target = res.headers.get('location') ?? ((await res.json()) as { url: string }).url;
  return {
    error: new URL(target, stack.url).searchParams.get('error'),
    signedIn: jar.names().some((n) => n.endsWith('next-auth.session-token')),
  };
}

const sessions = new Map<string, CookieJar>();
async function session(username: string): Promise<CookieJar> {
  if (!sessions.has(username)) sessions.set(username, await signIn(stack.url, username, PASSWORDS[username]));
  return sessions.get(username)!;
}

async function apiStatus(username: string, query = ''): Promise<{ status: number; code?: string }> {
  const { accessToken } = await initiateAuth(
    { endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' },
    username,
    PASSWORDS[username],
  );
  const res = await fetch(`${stack.url}/api/studio/${username}${query}`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code };
}

beforeAll(async () => {
  clocked = await startClockedStack([], {
    LOB_CACHE_SECONDS: String(LOB_CACHE_SECONDS),
    SUPPORT_CONTACT: 'the ML platform team',
  });
  stack = clocked.stack;
  dir = directoryClient(stack.env);
});

afterAll(async () => {
  await clocked?.stop();
});

beforeEach(async () => {
  await stack.control.clearFaults();
});

describe('sign-in and home page', () => {
  it('sends a signed-out visitor to the sign-in page', async () => {
    const res = await fetch(`${stack.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(307);
    expect(new URL(res.headers.get('location')!, stack.url).pathname).toBe('/signin');
    const signin = await (await fetch(`${stack.url}/signin`)).text();
    expect(signin).toContain('Username');
    expect(signin).toContain('Password');
  });

  it('refuses a wrong password', async () => {
    await expect(signIn(stack.url, 'user-lob-a', 'wrong-password')).rejects.toThrow(/sign-in as user-lob-a failed/);
  });

  it('tells a user with a temporary password (NEW_PASSWORD_REQUIRED) what to do, not "wrong password"', async () => {
    // An admin created the user with a temporary password, as AdminCreateUser does by default.
    const cognito = new CognitoIdentityProviderClient({
      region: stack.env.AWS_REGION,
      endpoint: stack.env.COGNITO_ENDPOINT,
      credentials: { accessKeyId: stack.env.AWS_ACCESS_KEY_ID, secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY },
    });
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.env.COGNITO_USER_POOL_ID,
        Username: 'user-temp-password',
        TemporaryPassword: 'TempPass1!',
        MessageAction: 'SUPPRESS',
      }),
    );
    cognito.destroy();

    const right = await postCredentials('user-temp-password', 'TempPass1!');
    expect(right.error).toBe('PasswordChangeRequired');
    expect(right.signedIn).toBe(false);
    // A wrong password for the same user is still just "wrong password".
    const wrong = await postCredentials('user-temp-password', 'WrongPass1!');
    expect(wrong.error).toBe('CredentialsSignin');
    expect(wrong.signedIn).toBe(false);
  });

  it('shows who you are and your LOB with display name, account and domain', async () => {
    const html = await homePageOf('user-lob-a');
    expect(html).toContain('user-lob-a');
    expect(html).toContain('Line of Business A');
    expect(html).toContain('111111111111');
    expect(html).toContain('d-loba1example');
    expect(html).toContain('Open Studio');
  });

  it('tells a user in no LOB whom to ask, with no button', async () => {
    const html = await homePageOf('user-no-lob');
    expect(html).toContain('not assigned to any line of business');
    expect(html).toContain('the ML platform team');
    expect(html).not.toContain('data-testid="open-studio"');
  });

  it('lets a user in several LOBs choose one', async () => {
    const html = await homePageOf('user-multi');
    expect(html).toContain('Line of Business A');
    expect(html).toContain('Line of Business B');
    expect(html.match(/<input type="radio"[^>]*name="lob"/g)).toHaveLength(2);
  });

  it('sends the security headers', async () => {
    const res = await fetch(`${stack.url}/signin`);
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-/);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    // same-origin site-wide: no Referer leaves the origin, and every page's form posts (before hydration too)
    // carry their Origin; the launch redirect itself says no-referrer (expectStudioRedirect). docs/security.md.
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${stack.url}/api/health`)).headers.get('referrer-policy')).toBe('same-origin');
    const home = await fetch(`${stack.url}/`, { redirect: 'manual' });
    expect(home.headers.get('referrer-policy')).toBe('same-origin');
  });
});

describe('Open Studio', () => {
  it('takes user-lob-a to lob-a’s domain (303, no-store, no-referrer) and the Studio page names domain and user', async () => {
    const form = await loadLaunchForm(stack.url, await session('user-lob-a'));
    const { response } = await submitLaunchForm(stack.url, form, { 'x-request-id': 'portal-test-lob-a-0001' });
    await expectStudioRedirect(response, 303, 'd-loba1example', 'user-lob-a');
    expect(response.headers.get('cache-control')).toMatch(/no-store/);

    // The audit record carries the portal's own request id (answered in x-request-id), never the client's.
    const requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expectAudit(requestId, {
      type: 'launch',
      user: 'user-lob-a',
      lob: 'lob-a',
      outcome: 'success',
      app: 'studio',
    });
    expect(await dir.auditFor('portal-test-lob-a-0001')).toEqual([]);
  });

  it('takes user-lob-b to lob-b’s domain', async () => {
    const form = await loadLaunchForm(stack.url, await session('user-lob-b'));
    const { response } = await submitLaunchForm(stack.url, form);
    expect(response.status).toBe(303);
    const studio = await openStudioUrl(response.headers.get('location')!);
    expect(studio.body).toContain('d-lobb1example');
    expect(studio.body).toContain('user-lob-b');
  });

  it('maps a user without a Users row through their IdP group', async () => {
    const form = await loadLaunchForm(stack.url, await session('user-group-a'));
    const { response } = await submitLaunchForm(stack.url, form);
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).hostname).toBe('d-loba1example.studio.us-east-1.localhost');
  });

  it('opens the LOB a multi-LOB user chose, in the chosen app', async () => {
    const form = await loadLaunchForm(stack.url, await session('user-multi'));
    const { response } = await submitLaunchForm(stack.url, form, {}, { lob: 'lob-b', app: 'codeeditor' });
    expect(response.status).toBe(303);
    const studio = await openStudioUrl(response.headers.get('location')!);
    expect(studio.body).toContain('d-lobb1example');
    expect(studio.body).toMatch(/CodeEditor/i);
  });

  /** One launch's writes after the response (since the last counter reset): its audit record and 3 counter UpdateItems. */
  const afterResponseWritesLanded = () =>
    eventually(async () => {
      const after = await stack.control.getCounters();
      // After the response the audit record may share a BatchWriteItem with concurrent launches' (here: alone).
      const audit = (after['dynamodb.PutItem'] ?? 0) + (after['dynamodb.BatchWriteItem'] ?? 0);
      return audit >= 1 && (after['dynamodb.UpdateItem'] ?? 0) >= 3 ? true : undefined;
    });

  it('a warm launch makes exactly 2 AWS calls before the redirect: Users GetItem + CreatePresignedDomainUrl', async () => {
    const jar = await session('user-lob-a');
    const form = await loadLaunchForm(stack.url, jar);
    // Warm: lob-a's assumed-role credentials and a LOB row fetched just now. The old entry lapses first (the
    // clock moved past its window), so the warm-up refetches it and the measured launch right after runs inside
    // the new window.
    passLobCache();
    await stack.control.resetCounters();
    await submitLaunchForm(stack.url, form);
    // The warm-up's own writes after its response must land before the count starts, or they are counted.
    await afterResponseWritesLanded();
    await stack.control.resetCounters();
    const { response } = await submitLaunchForm(stack.url, form);
    expect(response.status).toBe(303);
    const counters = await stack.control.getCounters();
    // The Users row; the user's ended-access summary was read by the warm-up and is kept for
    // IDENTITY_RECHECK_SECONDS (lib/access/launch-restore.ts).
    expect(counters['dynamodb.GetItem']).toBe(1);
    expect(counters['sagemaker.CreatePresignedDomainUrl']).toBe(1);
    expect(counters['sts.AssumeRole'] ?? 0).toBe(0);
    // (The audit record and the usage counters' UpdateItems go out after the response: they may land by now.)
    const afterResponse = new Set(['dynamodb.PutItem', 'dynamodb.BatchWriteItem', 'dynamodb.UpdateItem']);
    const onPath = Object.entries(counters).filter(([k]) => !k.startsWith('cognito.') && !afterResponse.has(k));
    expect(Object.fromEntries(onPath)).toEqual({ 'dynamodb.GetItem': 1, 'sagemaker.CreatePresignedDomainUrl': 1 });
    // The audit record and the counters (LOB-day, user-day, user-month) are written after the response, off the user's path.
    await afterResponseWritesLanded();
    const settled = await stack.control.getCounters();
    expect((settled['dynamodb.PutItem'] ?? 0) + (settled['dynamodb.BatchWriteItem'] ?? 0)).toBe(1);
    expect(settled['dynamodb.UpdateItem']).toBe(3);
  });
});

describe('Open Studio: errors a user can act on', () => {
  async function launchError(
    username: string,
    extraHeaders: Record<string, string> = {},
    arrange?: () => Promise<void>,
  ) {
    const form = await loadLaunchForm(stack.url, await session(username));
    await arrange?.();
    const { response, html } = await submitLaunchForm(stack.url, form, extraHeaders);
    expect(response.status).toBe(200);
    const error = launchErrorIn(html);
    expect(error, 'the page shows the launch error').toBeDefined();
    expect(error!.requestId).toMatch(/^[\w.-]{8,}$/);
    expect(html).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/); // never a stack trace
    return error!;
  }

  it('user.not_mapped: the action refuses a user in no LOB even when posted directly', async () => {
    const form = await loadLaunchForm(stack.url, await session('user-lob-a'));
    // user-no-lob has no form; post user-lob-a's form (lob=lob-a) with user-no-lob's session.
    const { response, html } = await submitLaunchForm(
      stack.url,
      { ...form, jar: await session('user-no-lob') },
      { 'x-request-id': 'portal-test-nolob-0001' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    // The re-rendered page has no form for this user: it shows the "whom to ask" message instead.
    expect(html).toContain('not assigned to any line of business');
    await expectAudit(response.headers.get('x-request-id')!, { user: 'user-no-lob', outcome: 'user.not_mapped' });
    expect(await dir.auditFor('portal-test-nolob-0001')).toEqual([]);
    expect(await apiStatus('user-no-lob')).toEqual({ status: 403, code: 'user.not_mapped' });
  });

  it('lob.disabled', async () => {
    await dir.updateLob('lob-b', { enabled: false });
    passLobCache();
    try {
      const form = await loadLaunchForm(stack.url, await session('user-multi'));
      const { html } = await submitLaunchForm(stack.url, form, {}, { lob: 'lob-b' });
      const error = launchErrorIn(html)!;
      expect(error.code).toBe('lob.disabled');
      expect(error.message).toMatch(/Line of Business B is currently disabled/);
      expect(await apiStatus('user-lob-b')).toEqual({ status: 403, code: 'lob.disabled' });
    } finally {
      await dir.updateLob('lob-b', { enabled: true });
      passLobCache();
    }
  });

  it('lob.role_denied when the LOB’s role cannot be assumed', async () => {
    await dir.updateLob('lob-b', { roleName: 'NotTheGeneratorRole' });
    passLobCache();
    try {
      const error = await launchError('user-lob-b');
      expect(error.code).toBe('lob.role_denied');
      expect(error.message).toMatch(/could not assume.*platform team can fix/);
      expect(await apiStatus('user-lob-b')).toEqual({ status: 502, code: 'lob.role_denied' });
    } finally {
      await dir.updateLob('lob-b', { roleName: 'PresignedUrlGenerator' });
      passLobCache();
    }
  });

  it('profile.not_found where the LOB does not auto-create profiles', async () => {
    const error = await launchError('user-no-profile');
    expect(error.code).toBe('profile.not_found');
    expect(error.message).toMatch(/no SageMaker Studio user profile in Line of Business A/);
    expect(error.message).toContain('the ML platform team');
    expect(await apiStatus('user-no-profile')).toEqual({ status: 404, code: 'profile.not_found' });
  });

  it('creates the profile just in time where the LOB allows autoCreateProfile, waiting while it is Pending', async () => {
    await dir.putUser('new-user', ['lob-b']);
    // Shorter than one press's wait: the action itself sees InService and redirects.
    await stack.control.setProfileCreationDelay(500);
    expect(await stack.control.listProfiles('d-lobb1example')).not.toContain('new-user');
    const form = await loadLaunchForm(stack.url, await session('new-user'));
    const { response } = await submitLaunchForm(stack.url, form);
    expect(response.status).toBe(303);
    expect(await stack.control.listProfiles('d-lobb1example')).toContain('new-user');
    const studio = await openStudioUrl(response.headers.get('location')!);
    expect(studio.body).toContain('new-user');
    await stack.control.setProfileCreationDelay(3000);
  });

  it('aws.throttled after the SDK’s retries', async () => {
    const error = await launchError('user-lob-a', {}, () =>
      stack.control
        .setFault({
          service: 'sagemaker',
          operation: 'CreatePresignedDomainUrl',
          error: 'ThrottlingException',
          rate: 1,
        })
        .then(() => undefined),
    );
    expect(error.code).toBe('aws.throttled');
    const counters = await stack.control.getCounters();
    expect(counters['sagemaker.CreatePresignedDomainUrl']).toBeGreaterThanOrEqual(3);
    expect(await apiStatus('user-lob-a')).toEqual({ status: 503, code: 'aws.throttled' });
  });

  it('directory.unavailable when DynamoDB fails', async () => {
    // Exactly the action's 3 attempts fail, so the page re-rendered after the action can show its result. A
    // launch just before keeps the user's ended-access summary (lib/access/launch-restore.ts): only the Users
    // GetItem is read, and the 3 faults are all its own.
    const error = await launchError('user-lob-a', {}, async () => {
      const warm = await submitLaunchForm(stack.url, await loadLaunchForm(stack.url, await session('user-lob-a')));
      expect(warm.response.status).toBe(303);
      await stack.control.setFault({
        service: 'dynamodb',
        operation: 'GetItem',
        error: 'ServiceUnavailable',
        rate: 1,
        count: 3,
      });
    });
    expect(error.code).toBe('directory.unavailable');
    expect(error.message).toMatch(/directory is unavailable/);
    await stack.control.setFault({ service: 'dynamodb', operation: 'GetItem', error: 'ServiceUnavailable', rate: 1 });
    expect(await apiStatus('user-lob-a')).toEqual({ status: 503, code: 'directory.unavailable' });
  });

  it('records failed launches in the audit log with the error code', async () => {
    const { requestId } = await launchError('user-no-profile', { 'x-request-id': 'portal-test-fail-0001' });
    expect(requestId).not.toBe('portal-test-fail-0001');
    await expectAudit(requestId, { user: 'user-no-profile', outcome: 'profile.not_found', lob: 'lob-a' });
  });

  it('refuses the action without a session', async () => {
    const form = await loadLaunchForm(stack.url, await session('user-lob-a'));
    const { response } = await submitLaunchForm(stack.url, { ...form, jar: new CookieJar() });
    // No Studio URL; the page itself then sends the visitor to sign in.
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get('location')!, stack.url).pathname).toBe('/signin');
  });
});
