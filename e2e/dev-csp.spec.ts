import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, signInWithForm, test } from './fixtures';
import { WALK } from './support/pages';
import { findFreePort } from '../local/free-port';
import { spawnLocalCommand } from '../tests/support/local-command';

/**
 * `npm run local` as a newcomer starts it (scripts/local.mjs: the stand-ins and `next dev`, on free
 * ports here): every page loads without a single CSP report in the browser console. `next dev`'s
 * overlay injects inline styles without the nonce; production's nonce-only policy is checked in
 * first-hour.spec.ts. Slow (each page compiles on its first request), hence the long timeout.
 */
const ROOT = process.cwd();
const DIST = '.next-dev-csp-test';

let local: ChildProcess | undefined;
let output = '';
let portalUrl = '';
// next dev adds its dist folder's types to tsconfig.json; put the file back afterwards.
const tsconfig = readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8');

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const port = await findFreePort();
  local = spawnLocalCommand(port, DIST, { CSP_STYLE_SRC: '' });
  local.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  local.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await expect.poll(() => output, { timeout: 120_000 }).toContain('stops everything.');
  portalUrl = `http://localhost:${port}`;
  // The banner comes before next dev listens; its first answer (a compile) can take a while.
  await expect
    .poll(
      async () =>
        fetch(`${portalUrl}/api/health`).then(
          (r) => r.status,
          () => 0,
        ),
      { timeout: 150_000, intervals: [500] },
    )
    .toBeGreaterThan(0);
});

test.afterAll(async () => {
  if (local?.exitCode === null) {
    const exited = new Promise((resolve) => local!.once('exit', resolve));
    local.kill('SIGINT');
    await exited;
  }
  rmSync(path.join(ROOT, DIST), { recursive: true, force: true });
  writeFileSync(path.join(ROOT, 'tsconfig.json'), tsconfig);
});

test('npm run local (next dev): no CSP violation on any page', async ({ page }) => {
  test.setTimeout(600_000);
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text().slice(0, 200)}`);
  });
  const navigation = { timeout: 180_000 };
  await page.goto(`${portalUrl}/signin`, navigation);
  await signInWithForm(page, 'portal-admin');
  await expect(page.getByTestId('whoami')).toContainText('portal-admin', navigation);
  for (const path of WALK) {
    await page.goto(`${portalUrl}${path}`, navigation);
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible(navigation);
    // The dev overlay and indicator mount (injecting their styles) after load: the walk is not vacuous.
    await expect(page.locator('nextjs-portal')).toBeAttached({ timeout: 30_000 });
  }
  expect(violations).toEqual([]);
});
