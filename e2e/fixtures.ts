/**
 * Fixtures for the browser specs (e2e/*.spec.ts), built with `test.extend`:
 * - `portal`: the URLs global setup started (password-mode portal, hosted-ui portal, control API);
 * - `pageAs(username)`: a page already signed in as that demo user. Each user signs in once per worker
 *   through next-auth's credentials endpoint (the API the sign-in form calls), and every later page
 *   starts from that session's `storageState`; contexts close after the test;
 * - `expectAccessible(page, { maxWidth })`: axe-core with the WCAG 2.x A/AA rules; serious or critical
 *   violations fail, and so does a page wider than `maxWidth` (390 px specs).
 * Specs about the sign-in itself use `signInWithForm`, the real UI.
 */
import {
  test as base,
  expect,
  type APIRequestContext,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { DEMO_USERS } from '../local/demo-data';
import { E2E_ENV } from './support/global-setup';

export { expect };

/** a username from local/demo-data.ts */
export type DemoUsername = string;
type StorageState = Awaited<ReturnType<APIRequestContext['storageState']>>;

export interface PortalUrls {
  /** the portal in password sign-in mode (the one most specs use) */
  password: string;
  /** the portal in hosted-ui (OIDC) sign-in mode */
  hostedUi: string;
  /** the stand-ins' control API, ending in /_local */
  control: string;
}

export interface AccessibilityOptions {
  /** fail on every violation, not only serious and critical ones */
  anyImpact?: boolean;
  /** also fail when the page is wider than this many CSS pixels (e.g. 390 on a phone) */
  maxWidth?: number;
}

type PageAsOptions = BrowserContextOptions & { password?: string; path?: string };

interface PortalFixtures {
  /**
   * `password` signs in a user the test created (not in local/demo-data.ts); `path` is the portal page the
   * page opens (default: the home page).
   */
  pageAs: (username: DemoUsername, options?: PageAsOptions) => Promise<Page>;
  expectAccessible: (page: Page, options?: AccessibilityOptions) => Promise<void>;
}

interface PortalWorkerFixtures {
  portal: PortalUrls;
  sessionOf: (username: DemoUsername, password?: string) => Promise<StorageState>;
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export function passwordOf(username: DemoUsername): string {
  const user = DEMO_USERS.find((u) => u.username === username);
  if (!user) throw new Error(`${username} is not a demo user (local/demo-data.ts)`);
  return user.password;
}

/** Fills and submits the sign-in form on the current page (the portal's form or the IdP's login page). */
export async function signInWithForm(page: Page, username: DemoUsername, password = passwordOf(username)) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: e2e/support/global-setup.ts did not start the portals`);
  return value;
}

/** The sign-in form's own call: next-auth's CSRF token, then the credentials callback. */
async function signInThroughApi(
  request: APIRequestContext,
  portal: string,
  username: DemoUsername,
  password: string,
): Promise<void> {
  const csrf = await request.get(`${portal}/api/auth/csrf`);
  expect(csrf.ok(), `GET /api/auth/csrf answered ${csrf.status()}`).toBe(true);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await request.post(`${portal}/api/auth/callback/credentials`, {
    form: { csrfToken, username, password, callbackUrl: portal, json: 'true' },
  });
  const { url } = (await callback.json()) as { url: string };
  expect(new URL(url).searchParams.get('error'), `sign-in of ${username} failed`).toBeNull();
  const session = await request.get(`${portal}/api/auth/session`);
  expect(JSON.stringify(await session.json())).toContain(username);
}

export const test = base.extend<PortalFixtures, PortalWorkerFixtures>({
  portal: [
    async ({}, use) => {
      await use({
        password: requiredEnv(E2E_ENV.password),
        hostedUi: requiredEnv(E2E_ENV.hostedUi),
        control: requiredEnv(E2E_ENV.control),
      });
    },
    { scope: 'worker' },
  ],

  sessionOf: [
    async ({ playwright, portal }, use) => {
      const sessions = new Map<DemoUsername, Promise<StorageState>>();
      await use((username, password = passwordOf(username)) => {
        let session = sessions.get(username);
        if (!session) {
          session = (async () => {
            const request = await playwright.request.newContext();
            try {
              await signInThroughApi(request, portal.password, username, password);
              return await request.storageState();
            } finally {
              await request.dispose();
            }
          })();
          sessions.set(username, session);
        }
        return session;
      });
    },
    { scope: 'worker' },
  ],

  pageAs: async ({ browser, portal, sessionOf }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (username, { password, path = '', ...options } = {}) => {
      const context = await browser.newContext({ ...options, storageState: await sessionOf(username, password) });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${portal.password}${path}`);
      await expect(page.getByTestId('whoami')).toContainText(username);
      return page;
    });
    for (const context of contexts) await context.close();
  },

  expectAccessible: async ({}, use, testInfo) => {
    await use(async (page, { anyImpact = false, maxWidth } = {}) => {
      const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
      const failing = results.violations.filter((v) => anyImpact || v.impact === 'serious' || v.impact === 'critical');
      if (failing.length) {
        await testInfo.attach('axe-violations.json', {
          body: JSON.stringify(failing, null, 2),
          contentType: 'application/json',
        });
      }
      expect(failing.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
        [],
      );
      // Something was checked: the page has its main landmark and one h1.
      await expect(page.locator('main#main')).toHaveCount(1);
      await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
      if (maxWidth !== undefined)
        expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width').toBeLessThanOrEqual(
          maxWidth,
        );
    });
  },
});
