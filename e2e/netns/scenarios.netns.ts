/**
 * Issue 7's scenarios in the simulated corporate network: the employee's browser on-prem, the portal,
 * IdP and Studio VPC endpoint in the shared VPC, a laptop on the internet. Each scenario keeps a
 * screenshot under test-results/netns/.
 */
import type { Browser, BrowserContext, Page, TestInfo } from '@playwright/test';
import { test, expect, requireRoot } from './fixtures';
import { ADDR, fetchInNamespace } from './network';
import { PORTS, SHORT_URL_EXPIRES_SECONDS, type PortalInfo } from './stack';
import {
  LOB_A,
  LOB_B,
  USER_A,
  USER_B,
  captureStudioUrl,
  expectStudioLanding,
  fetchAccessToken,
  openStudio,
  screenshot,
  signIn,
  studioHost,
} from './steps';

requireRoot();

/** User A signs in on-prem and clicks Open Studio: the presigned URL the portal sent the browser to (not opened), with A's page. */
async function captureStudioUrlOfUserA(
  onpremBrowser: Browser,
  portal: PortalInfo,
  issuer: string,
): Promise<{ context: BrowserContext; page: Page; url: string }> {
  const context = await onpremBrowser.newContext();
  const page = await context.newPage();
  await signIn(page, portal, USER_A, issuer);
  return { context, page, url: await captureStudioUrl(page) };
}

/** `url` opened in `page` is refused by Studio: 403, its error page says `why`; kept as the screenshot `name`. */
async function expectStudioRefuses(
  page: Page,
  url: string,
  why: string,
  testInfo: TestInfo,
  name: string,
): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId('studio-error')).toHaveText(why);
  await screenshot(page, testInfo, name);
}

test.describe('simulated corporate network', () => {
  test('a. without a session the portal shows sign-in and the API answers 401', async ({
    state,
    onpremPage: page,
  }, testInfo) => {
    const portal = state.portals.hostedUi;

    await test.step('portal', async () => {
      await page.goto(`${portal.url}/`);
      await expect(page).toHaveURL(`${portal.url}/signin`);
      await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Sign in with your company account' })).toBeVisible();
      await screenshot(page, testInfo, 'a-portal-sign-in');
    });

    await test.step('API without a token', async () => {
      const response = await page.goto(`${portal.url}/api/studio/${USER_A.username}`);
      expect(response?.status()).toBe(401);
      // Either 401 code of docs/contracts.md: the portal names a missing token as it sees fit.
      const body = (await response?.json()) as { code: string; message: string; requestId: string };
      expect(['auth.unauthenticated', 'auth.invalid_token']).toContain(body.code);
      expect(body.requestId).toBeTruthy();
      expect(response?.headers()['www-authenticate']).toMatch(/^Bearer/);
      await screenshot(page, testInfo, 'a-api-401');
    });

    await test.step('API with a token that is not one', async () => {
      const r = await fetchInNamespace('onprem', {
        url: `http://${ADDR.shared}:${PORTS.portalHostedUi}/api/studio/${USER_A.username}`,
        headers: { Authorization: 'Bearer not-a-jwt' },
      });
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body)).toMatchObject({ code: 'auth.invalid_token' });
    });
  });

  test("b. user A opens Studio and lands in lob-a's domain", async ({ state, onpremPage: page }, testInfo) => {
    await signIn(page, state.portals.hostedUi, USER_A, state.cognito.issuer);
    await expect(page.getByTestId(`lob-${LOB_A.lob}`)).toContainText(LOB_A.domainId);
    await screenshot(page, testInfo, 'b-portal-user-a');

    await openStudio(page);
    await expectStudioLanding(page, LOB_A, USER_A.username);
    await screenshot(page, testInfo, 'b-studio-lob-a');
  });

  test("c. user B lands in lob-b's domain while A stays signed in", async ({ state, onpremBrowser }, testInfo) => {
    const portal = state.portals.hostedUi;
    const contextA = await onpremBrowser.newContext();
    const contextB = await onpremBrowser.newContext();
    const pageA = await contextA.newPage();
    const pageB = await contextB.newPage();

    await signIn(pageA, portal, USER_A, state.cognito.issuer);
    await signIn(pageB, portal, USER_B, state.cognito.issuer);

    await openStudio(pageB);
    await expectStudioLanding(pageB, LOB_B, USER_B.username);
    await screenshot(pageB, testInfo, 'c-studio-lob-b');

    await test.step('both sessions live side by side', async () => {
      await pageA.reload();
      await expect(pageA.getByTestId('whoami')).toContainText(USER_A.username);
      await openStudio(pageA);
      await expectStudioLanding(pageA, LOB_A, USER_A.username);

      const pageB2 = await contextB.newPage();
      await pageB2.goto(`${portal.url}/`);
      await expect(pageB2.getByTestId('whoami')).toContainText(USER_B.username);
      await expect(pageB2.getByTestId(`lob-${LOB_B.lob}`)).toBeVisible();
      await expect(pageB2.getByTestId(`lob-${LOB_A.lob}`)).toHaveCount(0);
      await screenshot(pageB2, testInfo, 'c-portal-user-b-still-signed-in');
      await screenshot(pageA, testInfo, 'c-studio-lob-a-same-time');
    });
    await contextA.close();
    await contextB.close();
  });

  test("d. the API with A's token on B's path answers 403", async ({ state, onpremBrowser }, testInfo) => {
    const portal = state.portals.hostedUi;
    const token = await fetchAccessToken(state, USER_A);

    const context = await onpremBrowser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
    const page = await context.newPage();
    const response = await page.goto(`${portal.url}/api/studio/${USER_B.username}`);
    expect(response?.status()).toBe(403);
    expect(await response?.json()).toMatchObject({ code: 'auth.forbidden' });
    await screenshot(page, testInfo, 'd-api-403');
    await context.close();

    await test.step("the same token on A's own path redirects to lob-a's Studio", async () => {
      const own = await fetchInNamespace('onprem', {
        url: `http://${ADDR.shared}:${PORTS.portalHostedUi}/api/studio/${USER_A.username}`,
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(own.status).toBe(302);
      expect(new URL(own.headers.location).hostname).toBe(studioHost(LOB_A.domainId));
      expect(own.headers['cache-control']).toContain('no-store');
    });
  });

  test("e. A's presigned URL opened from the laptop is refused", async ({
    state,
    onpremBrowser,
    internetBrowser,
  }, testInfo) => {
    const { context, url } = await captureStudioUrlOfUserA(onpremBrowser, state.portals.hostedUi, state.cognito.issuer);
    expect(new URL(url).hostname).toBe(studioHost(LOB_A.domainId));

    const laptop = await internetBrowser.newContext();
    const outside = await laptop.newPage();
    await expectStudioRefuses(
      outside,
      url,
      'Auth token containing insufficient permissions',
      testInfo,
      'e-laptop-insufficient-permissions',
    );
    await laptop.close();

    await test.step('the very same URL works through the VPC endpoint', async () => {
      const inside = await context.newPage();
      await inside.goto(url);
      await expectStudioLanding(inside, LOB_A, USER_A.username);
      await screenshot(inside, testInfo, 'e-onprem-same-url-works');
    });
    await context.close();
  });

  test("f. A's presigned URL opened after it expired is refused", async ({ state, onpremBrowser }, testInfo) => {
    const portal = state.portals.password;
    expect(portal.urlExpiresSeconds).toBe(SHORT_URL_EXPIRES_SECONDS);
    const { context, url } = await captureStudioUrlOfUserA(onpremBrowser, portal, state.cognito.issuer);

    // Studio judges the expiry on its own (AWS's) clock: move the stand-in's one second past the URL's lifetime.
    const studioClock = async (offsetSeconds: number) => {
      const res = await fetchInNamespace('onprem', {
        url: `${state.controlUrl}/studio/clock`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ offsetSeconds }),
      });
      expect(res.status, res.error ?? res.body).toBe(200);
    };
    await studioClock(portal.urlExpiresSeconds + 1);
    try {
      const late = await context.newPage();
      await expectStudioRefuses(late, url, 'Invalid or Expired Auth Token', testInfo, 'f-expired');
    } finally {
      await studioClock(0);
    }
    await context.close();
  });

  test('g. the portal cannot be reached from the internet at all', async ({ state, internetBrowser }, testInfo) => {
    const context = await internetBrowser.newContext();
    for (const portal of [state.portals.hostedUi, state.portals.password]) {
      const page = await context.newPage();
      await expect(page.goto(`${portal.url}/`)).rejects.toThrow(/ERR_ADDRESS_UNREACHABLE/); // no route at all
      await screenshot(page, testInfo, `g-internet-${portal.authMode}-unreachable`);
      await page.close();
    }
    // Not even on the one address the laptop does reach.
    const viaPublic = await fetchInNamespace('internet', {
      url: `http://${ADDR.studioPublic}:${PORTS.portalHostedUi}/`,
      timeoutMs: 2_000,
    });
    expect(viaPublic.status).toBe(0);
    const direct = await fetchInNamespace('internet', {
      url: `http://${ADDR.shared}:${PORTS.portalHostedUi}/`,
      timeoutMs: 2_000,
    });
    expect(direct.status).toBe(0);
    expect(direct.error).toMatch(/ENETUNREACH|EHOSTUNREACH/);
    await context.close();
  });

  test.describe('h. both sign-in modes', () => {
    test("hosted-ui: through the IdP's login page, back to the portal", async ({ state, onpremBrowser }, testInfo) => {
      const context = await onpremBrowser.newContext();
      const page = await context.newPage();
      const idpPages: string[] = [];
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame() && frame.url().startsWith(state.cognito.issuer)) idpPages.push(frame.url());
      });
      await signIn(page, state.portals.hostedUi, USER_B, state.cognito.issuer);
      expect(idpPages.length, 'the browser visited the IdP').toBeGreaterThan(0);
      await screenshot(page, testInfo, 'h-hosted-ui-signed-in');
      await openStudio(page);
      await expectStudioLanding(page, LOB_B, USER_B.username);
      await context.close();
    });

    test("password: the portal's own form, the browser never talks to the IdP", async ({
      state,
      onpremPage: page,
    }, testInfo) => {
      const idpRequests: string[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).port === String(PORTS.cognito)) idpRequests.push(request.url());
      });
      await signIn(page, state.portals.password, USER_B, state.cognito.issuer);
      await screenshot(page, testInfo, 'h-password-signed-in');
      await openStudio(page);
      await expectStudioLanding(page, LOB_B, USER_B.username);
      expect(idpRequests).toEqual([]);
      await screenshot(page, testInfo, 'h-password-studio-lob-b');
    });

    test('password: a wrong password is refused on the form', async ({ state, onpremPage: page }, testInfo) => {
      await page.goto(`${state.portals.password.url}/signin`);
      await page.getByLabel('Username').fill(USER_A.username);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByTestId('signin-error')).toContainText('Incorrect username or password');
      await screenshot(page, testInfo, 'h-password-wrong');
    });
  });
});
