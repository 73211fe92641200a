/**
 * Access ends when it is taken away (issue 22 items 1-2), over HTTP against the running portal and the
 * stand-ins. The user pool is changed with the production SDK client (admin credentials) as a platform
 * team would; the recheck window (IDENTITY_RECHECK_SECONDS, default 60) and the session lifetime are
 * crossed by moving the portal's clock (CLOCK_OFFSET_FILE), never by sleeping. Users this suite disables,
 * deletes or signs out are its own; demo users it changes (groups) are put back in `finally`.
 */
import { describe, expect, it } from 'vitest';
import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { useClockedStack, type ClockedStack } from '../support/clocked-stack';
import { initiateAuth, loadLaunchForm, signIn, submitLaunchForm, type CookieJar } from '../support/http-session';
import { USER_POOL_ID } from '../../local/demo-data';
import { createPoolUser, poolAdminClient } from '../support/pool-admin';
import { DEFAULT_LATENCY, sequentialDepth } from '../../bench/latency';

const UserPoolId = USER_POOL_ID;
const PASSWORD = 'Access-Ends-1!';
/** Just past the default IDENTITY_RECHECK_SECONDS. */
const RECHECK = 61;

let clocked: ClockedStack;
let offset = 0;
const { setClockOffset } = useClockedStack([], {}, (c) => (clocked = c));
const url = () => clocked.stack.url;

/** Moves the portal's clock `seconds` further ahead. */
function advance(seconds: number) {
  offset += seconds;
  setClockOffset(offset);
}

const pool = () => poolAdminClient(clocked.stack.env.COGNITO_ENDPOINT);

/** A user of this suite's own, in `lob-a-users` (so lob-a is theirs through the IdP group). */
const createUser = (username: string) => createPoolUser(pool(), username, PASSWORD, ['lob-a-users']);

const get = (path: string, jar?: CookieJar) =>
  fetch(`${url()}${path}`, { headers: jar ? { cookie: jar.header() } : {}, redirect: 'manual' });

const api = (username: string, token: string) =>
  fetch(`${url()}/api/studio/${username}?lob=lob-a`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    redirect: 'manual',
  });

/** A new user of this suite, signed in (browser session) and with a script's access token; the API lets them in. */
async function newSignedInUser(username: string): Promise<{ jar: CookieJar; token: string }> {
  await createUser(username);
  const jar = await signIn(url(), username, PASSWORD);
  const token = await tokenOf(username);
  const home = await get('/', jar);
  expect(home.status).toBe(200);
  expect(await home.text()).toContain(username);
  expect((await api(username, token)).status).not.toBe(401);
  return { jar, token };
}

async function codeOf(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { code?: string }).code;
}

const tokenOf = async (username: string, password = PASSWORD) =>
  (
    await initiateAuth(
      { endpoint: clocked.stack.env.COGNITO_ENDPOINT, region: 'us-east-1', clientId: 'portal-cli' },
      username,
      password,
    )
  ).accessToken;

/** Follows the portal's redirects (keeping cookies) to the sign-in page; answers the path taken and the page. */
async function followToSignIn(path: string, jar: CookieJar): Promise<{ hops: string[]; html: string }> {
  const hops: string[] = [];
  let next = path;
  for (let i = 0; i < 5; i++) {
    const res = await get(next, jar);
    jar.store(res);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { hops, html: await res.text() };
    next = new URL(location, url()).pathname + new URL(location, url()).search;
    hops.push(next);
  }
  throw new Error(`too many redirects from ${path}: ${hops.join(' -> ')}`);
}

describe('a disabled or deleted user is signed out within the recheck window', () => {
  it.each([
    {
      change: 'AdminDisableUser',
      code: 'auth.account_disabled',
      error: 'AccountDisabled',
      says: 'You were signed out because your account is disabled in the user pool.',
    },
    {
      change: 'AdminDeleteUser',
      code: 'auth.account_deleted',
      error: 'AccountDeleted',
      says: 'You were signed out because your account no longer exists in the user pool.',
    },
  ])(
    'after $change: the browser session ends saying why, and an earlier access token gets 401 $code',
    async ({ change, code, error, says }) => {
      const username = `ends-${change.toLowerCase()}`;
      const { jar, token } = await newSignedInUser(username);
      const input = { UserPoolId, Username: username };
      await pool().send(
        change === 'AdminDisableUser' ? new AdminDisableUserCommand(input) : new AdminDeleteUserCommand(input),
      );
      advance(RECHECK);

      const res = await api(username, token);
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe(code);

      const { hops, html } = await followToSignIn('/', jar);
      expect(hops).toEqual(['/signin/ended', `/signin?error=${error}`]);
      expect(html).toContain(says);
      // The session cookie is gone: nothing left to present.
      expect(jar.names().some((n) => n.endsWith('next-auth.session-token'))).toBe(false);
    },
  );

  it('a server action of an ended session does not run: "Open Studio" goes to the sign-in page, not to Studio', async () => {
    await createUser('ends-action');
    const jar = await signIn(url(), 'ends-action', PASSWORD);
    const form = await loadLaunchForm(url(), jar);
    await pool().send(new AdminDisableUserCommand({ UserPoolId, Username: 'ends-action' }));
    advance(RECHECK);
    const { response } = await submitLaunchForm(url(), form);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/signin?error=AccountDisabled');
    // The action's own response clears the session cookie.
    jar.store(response);
    expect(jar.names().some((n) => n.endsWith('next-auth.session-token'))).toBe(false);
  });

  it('/signin/ended cannot sign out someone whose account is fine: they go home, the cookie stays', async () => {
    const jar = await signIn(url(), 'user-lob-b', 'UserLobB1!');
    const res = await get('/signin/ended', jar);
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.getSetCookie().join(';')).not.toContain('session-token');
  });
});

describe('changed groups change the session’s rights', () => {
  it('after AdminRemoveUserFromGroup (lob-a-users), user-group-a’s open session no longer opens lob-a', async () => {
    const jar = await signIn(url(), 'user-group-a', 'UserGroupA1!');
    const form = await loadLaunchForm(url(), jar);
    expect(form.lob).toBe('lob-a');
    try {
      await pool().send(
        new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: 'user-group-a', GroupName: 'lob-a-users' }),
      );
      advance(RECHECK);
      const { response, html } = await submitLaunchForm(url(), form);
      expect(response.status).toBe(200);
      // Refused (no redirect to Studio); the page it answers with has no LOB to open any more.
      expect(response.headers.get('location')).toBeNull();
      expect(html).toContain('data-testid="no-lob"');
      expect(html).not.toContain('data-testid="open-studio"');
    } finally {
      await pool().send(
        new AdminAddUserToGroupCommand({ UserPoolId, Username: 'user-group-a', GroupName: 'lob-a-users' }),
      );
      advance(RECHECK);
    }
    // Given back: the same session opens lob-a again.
    const { response } = await submitLaunchForm(url(), await loadLaunchForm(url(), jar));
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).hostname).toBe('d-loba1example.studio.us-east-1.localhost');
  });

  it('after removal from portal-admins, /admin answers 403 to the open session (and 200 again once given back)', async () => {
    const jar = await signIn(url(), 'portal-admin', 'PortalAdmin1!');
    expect((await get('/admin', jar)).status).toBe(200);
    try {
      await pool().send(
        new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: 'portal-admin', GroupName: 'portal-admins' }),
      );
      advance(RECHECK);
      expect((await get('/admin', jar)).status).toBe(403);
      expect((await get('/admin/users', jar)).status).toBe(403);
    } finally {
      await pool().send(
        new AdminAddUserToGroupCommand({ UserPoolId, Username: 'portal-admin', GroupName: 'portal-admins' }),
      );
      advance(RECHECK);
    }
    expect((await get('/admin', jar)).status).toBe(200);
  });

  it('an API token’s groups are the pool’s current ones, not the token’s', async () => {
    const token = await tokenOf('user-group-a', 'UserGroupA1!');
    try {
      await pool().send(
        new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: 'user-group-a', GroupName: 'lob-a-users' }),
      );
      advance(RECHECK);
      const res = await api('user-group-a', token);
      expect(res.status).toBe(403);
      expect(await codeOf(res)).toMatch(/^(user\.not_mapped|lob\.not_member)$/);
    } finally {
      await pool().send(
        new AdminAddUserToGroupCommand({ UserPoolId, Username: 'user-group-a', GroupName: 'lob-a-users' }),
      );
      advance(RECHECK);
    }
  });
});

describe('Cognito’s own revocation is honoured', () => {
  it('a token issued before AdminUserGlobalSignOut gets 401 auth.token_revoked; one issued after works', async () => {
    await createUser('ends-global');
    const before = await tokenOf('ends-global');
    const first = await api('ends-global', before);
    expect(first.status).not.toBe(401);
    await pool().send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: 'ends-global' }));
    advance(RECHECK);
    const refused = await api('ends-global', before);
    expect(refused.status).toBe(401);
    expect(await codeOf(refused)).toBe('auth.token_revoked');
    const after = await api('ends-global', await tokenOf('ends-global'));
    expect(after.status).toBe(first.status);
  });

  it('the portal’s sign-out revokes its sign-in’s tokens at Cognito (RevokeToken with the refresh token)', async () => {
    await createUser('ends-signout');
    const jar = await signIn(url(), 'ends-signout', PASSWORD);
    const csrf = await get('/api/auth/csrf', jar);
    jar.store(csrf);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    await clocked.stack.control.resetCounters();
    const out = await fetch(`${url()}/api/auth/signout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${url()}/signin?signedOut=1`, json: 'true' }),
    });
    expect(out.status).toBe(200);
    expect((await clocked.stack.control.getCounters())['cognito.RevokeToken']).toBe(1);
    const logs = clocked.stack.portal.output();
    expect(logs).not.toMatch(/"(refreshToken|accessToken|token)":"[^"]{20,}/);
  });
});

describe('the portal fails closed when the user pool cannot be asked', () => {
  it('an expired copy and Cognito down: the page is the 503 "could not be checked" page; the API answers 503 idp.unavailable', async () => {
    const jar = await signIn(url(), 'user-lob-a', 'UserLobA1!');
    const token = await tokenOf('user-lob-a', 'UserLobA1!');
    advance(RECHECK);
    await clocked.stack.control.setFault({
      service: 'cognito',
      operation: 'AdminGetUser',
      error: 'ServiceUnavailable',
    });
    try {
      const page = await get('/', jar);
      expect(page.status).toBe(307);
      expect(page.headers.get('location')).toBe('/signin/unavailable');
      const unavailable = await get('/signin/unavailable', jar);
      expect(unavailable.status).toBe(503);
      expect(await unavailable.text()).toContain('Your account could not be checked');
      const res = await api('user-lob-a', token);
      expect(res.status).toBe(503);
      expect(await codeOf(res)).toBe('idp.unavailable');
    } finally {
      await clocked.stack.control.clearFaults();
    }
    // A failed look-up is not cached: the next request asks again and gets in.
    expect((await get('/', jar)).status).toBe(200);
  });
});

describe('what the re-check costs a launch (the bench’s call counting, with its injected latencies)', () => {
  /** AWS calls the response waited for; the audit and usage writes run after it (AUDIT_WRITE=after-response). */
  const awaited = (op: string) =>
    !/^(cognito\.[a-z]|studio\.)/.test(op) && !/^dynamodb\.(PutItem|UpdateItem|BatchWriteItem)$/.test(op);

  /** One API launch traced like bench/latency.ts: the calls before the response and how many in a row. */
  async function tracedLaunch(token: string) {
    await clocked.stack.control.resetCounters();
    const res = await api('user-lob-a', token);
    const respondedAt = performance.timeOrigin + performance.now();
    expect(res.status).toBe(200);
    const calls = (await clocked.stack.control.getCalls()).filter((c) => c.at < respondedAt && awaited(c.op));
    const cognito = calls.filter((c) => c.op.startsWith('cognito.'));
    return {
      cognito: cognito.map((c) => c.op).sort(),
      cognitoInARow: sequentialDepth(cognito),
      inARow: sequentialDepth(calls),
    };
  }

  it('a returning user’s warm launch makes no Cognito call and at most 2 AWS calls in a row; an expired copy adds one round trip', async () => {
    const token = await tokenOf('user-lob-a', 'UserLobA1!');
    await clocked.stack.control.setLatency({ ...DEFAULT_LATENCY, cognito: 20 });
    try {
      await tracedLaunch(token); // cold: JWKS, AssumeRole, LOB row, identity and token copies
      // A busy machine can only add depth (a call recorded late), never take it: the shallowest of three launches.
      const warm = [await tracedLaunch(token), await tracedLaunch(token), await tracedLaunch(token)];
      for (const launch of warm) expect(launch.cognito).toEqual([]);
      expect(Math.min(...warm.map((l) => l.inARow))).toBeLessThanOrEqual(2);
      const rechecked = [];
      for (let i = 0; i < 3; i++) {
        advance(RECHECK);
        rechecked.push(await tracedLaunch(token));
      }
      for (const launch of rechecked)
        expect(launch.cognito).toEqual(['cognito.AdminGetUser', 'cognito.AdminListGroupsForUser', 'cognito.GetUser']);
      // The three run side by side: one round trip before the launch's own calls.
      expect(Math.min(...rechecked.map((l) => l.cognitoInARow))).toBe(1);
      expect(Math.min(...rechecked.map((l) => l.inARow))).toBeLessThanOrEqual(3);
    } finally {
      await clocked.stack.control.setLatency({ dynamodb: 0, sts: 0, sagemaker: 0, cognito: 0, studio: 0 });
    }
  });
});

describe('absolute session lifetime', () => {
  it('a session past 8 hours from sign-in is refused although /api/auth/session was polled all along', async () => {
    const jar = await signIn(url(), 'user-lob-b', 'UserLobB1!');
    const signedInAt = offset;
    for (let hour = 1; hour <= 7; hour++) {
      setClockOffset((offset = signedInAt + hour * 3600));
      const res = await get('/api/auth/session', jar);
      jar.store(res);
      expect(((await res.json()) as { user?: { username: string } }).user?.username).toBe('user-lob-b');
    }
    setClockOffset((offset = signedInAt + 8 * 3600 + 1));
    const ended = await get('/api/auth/session', jar);
    expect(await ended.json()).toEqual({});
    jar.store(ended);
    expect(jar.names().some((n) => n.endsWith('next-auth.session-token'))).toBe(false);
  });

  it('a stolen copy of the cookie from before the end is refused too (the lifetime is in the token, not the cookie)', async () => {
    const jar = await signIn(url(), 'user-lob-b', 'UserLobB1!');
    const copy = jar.header();
    setClockOffset((offset += 8 * 3600 + 1));
    const page = await fetch(`${url()}/`, { headers: { cookie: copy }, redirect: 'manual' });
    expect(page.status).toBe(307);
    expect(page.headers.get('location')).toMatch(/^\/signin/);
    const admin = await fetch(`${url()}/admin`, { headers: { cookie: copy }, redirect: 'manual' });
    expect(admin.status).toBe(307);
  });
});
