/**
 * Test fixtures for the simulated network: one Chromium per namespace (worker-scoped; each runs inside
 * its namespace through a wrapper executable), the stack's URLs, and the root/skip rule.
 */
import { test as base, chromium, type Browser, type Page, type WorkerFixture } from '@playwright/test';
import path from 'node:path';
import { hostResolverRules, NETNS_DIR, NEEDS_ROOT_MESSAGE, isRoot } from './network';
import { STATE_ENV, type NetnsState } from './stack';
import { CHROMIUM_ARGS } from '../support/chromium';

function launchInNamespace(ns: 'onprem' | 'internet'): Promise<Browser> {
  return chromium.launch({
    executablePath: path.join(NETNS_DIR, `chromium-${ns}.sh`),
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=${hostResolverRules(ns)}`],
  });
}

/** A worker-scoped fixture: one Chromium inside namespace `ns`, closed when the worker ends. */
function browserIn(ns: 'onprem' | 'internet'): [WorkerFixture<Browser, object>, { scope: 'worker' }] {
  return [
    async ({}, use) => {
      const browser = await launchInNamespace(ns);
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ];
}

export interface NetnsWorkerFixtures {
  state: NetnsState;
  onpremBrowser: Browser;
  internetBrowser: Browser;
}

export interface NetnsTestFixtures {
  /** A page in a new context of the on-prem browser (no cookies yet), closed when the test ends. */
  onpremPage: Page;
}

export const test = base.extend<NetnsTestFixtures, NetnsWorkerFixtures>({
  state: [
    async ({}, use) => {
      const raw = process.env[STATE_ENV];
      if (!raw) throw new Error(`${STATE_ENV} is not set: global setup did not start the stack`);
      await use(JSON.parse(raw) as NetnsState);
    },
    { scope: 'worker' },
  ],
  onpremBrowser: browserIn('onprem'),
  internetBrowser: browserIn('internet'),
  onpremPage: async ({ onpremBrowser }, use) => {
    const context = await onpremBrowser.newContext();
    await use(await context.newPage());
    await context.close();
  },
});

/** Call at the top of every describe: skips everything off root (a developer's laptop), never in CI. */
export function requireRoot(): void {
  test.skip(!isRoot() && !process.env.CI, NEEDS_ROOT_MESSAGE);
}

export { expect } from '@playwright/test';
