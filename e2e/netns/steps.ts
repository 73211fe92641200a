/**
 * What a person (or a script) does in the scenarios: sign in with either mode, open Studio, keep a
 * presigned URL instead of following it, fetch an API token from inside the on-prem network.
 */
import { expect, type Page, type TestInfo } from '@playwright/test';
import path from 'node:path';
import { fetchInNamespace, OUTPUT_DIR, REGION, STUDIO_DOMAIN_SUFFIX } from './network';
import type { NetnsState, PortalInfo } from './stack';

export interface DemoUser {
  username: string;
  password: string;
}

// Demo users (docs/contracts.md, local/demo-data.ts).
export const USER_A: DemoUser = { username: 'user-lob-a', password: 'UserLobA1!' };
export const USER_B: DemoUser = { username: 'user-lob-b', password: 'UserLobB1!' };

export const LOB_A = { lob: 'lob-a', accountId: '111111111111', domainId: 'd-loba1example' };
export const LOB_B = { lob: 'lob-b', accountId: '222222222222', domainId: 'd-lobb1example' };

export const STUDIO_URL_PATTERN = new RegExp(
  `^https?://d-[a-z0-9-]+\\.studio\\.${REGION}\\.${STUDIO_DOMAIN_SUFFIX.replaceAll('.', '\\.')}(:\\d+)?/`,
);

export function studioHost(domainId: string): string {
  return `${domainId}.studio.${REGION}.${STUDIO_DOMAIN_SUFFIX}`;
}

/** All scenario screenshots in one flat folder, test-results/netns/screenshots/, and attached to the report. */
export const SCREENSHOT_DIR = path.join(OUTPUT_DIR, 'screenshots');

export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Signs in through the portal's own sign-in page, in whichever mode the portal runs. */
export async function signIn(page: Page, portal: PortalInfo, user: DemoUser, issuer: string): Promise<void> {
  await page.goto(`${portal.url}/`);
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  if (portal.authMode === 'hosted-ui') {
    await page.getByRole('button', { name: 'Sign in with your company account' }).click();
    // The IdP's hosted login page, reached from the on-prem network; same labels as the portal's form.
    await page.waitForURL((url) => url.href.startsWith(issuer));
  }
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(
    (url) =>
      url.href.startsWith(portal.url) && !url.pathname.startsWith('/signin') && !url.pathname.startsWith('/api/auth'),
  );
  await expect(page.getByTestId('whoami')).toContainText(user.username);
}

/** Clicks "Open Studio" and waits for the Studio landing page (through the VPC endpoint). */
export async function openStudio(page: Page): Promise<void> {
  await page.getByTestId('open-studio').click();
  await page.waitForURL(STUDIO_URL_PATTERN);
}

export async function expectStudioLanding(page: Page, lob: typeof LOB_A, username: string): Promise<void> {
  expect(new URL(page.url()).hostname).toBe(studioHost(lob.domainId));
  await expect(page.getByRole('heading', { name: 'SageMaker Studio' })).toBeVisible();
  await expect(page.getByTestId('studio-domain')).toHaveText(lob.domainId);
  await expect(page.getByTestId('studio-account')).toHaveText(lob.accountId);
  await expect(page.getByTestId('studio-lob')).toHaveText(lob.lob);
  await expect(page.getByTestId('studio-user')).toHaveText(username);
}

/**
 * Clicks "Open Studio" but keeps the presigned URL instead of following it: the browser's request to
 * Studio is intercepted and aborted (the token stays unused).
 */
export async function captureStudioUrl(page: Page): Promise<string> {
  let captured: string | undefined;
  await page.route(STUDIO_URL_PATTERN, async (route) => {
    captured = route.request().url();
    await route.abort('aborted');
  });
  await page.getByTestId('open-studio').click();
  await expect.poll(() => captured, { message: 'the portal never sent the browser to Studio' }).toBeDefined();
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  return captured!;
}

/** A Cognito access token for `user`, from InitiateAuth with the CLI app client, asked from on-prem. */
export async function fetchAccessToken(state: NetnsState, user: DemoUser): Promise<string> {
  const r = await fetchInNamespace('onprem', {
    url: `${state.cognito.apiUrl}/`,
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: state.cognito.cliClientId,
      AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
    }),
  });
  expect(r.status, `InitiateAuth for ${user.username}: ${r.error ?? r.body.slice(0, 200)}`).toBe(200);
  const token = (JSON.parse(r.body) as { AuthenticationResult?: { AccessToken?: string } }).AuthenticationResult
    ?.AccessToken;
  expect(token, 'InitiateAuth returned no access token').toBeTruthy();
  return token!;
}
