import { chromium } from 'playwright-core';
import { startPortal, startStandIns } from '../../local/stack';
const s = await startStandIns();
const p = await startPortal({ env: s.portalEnv, dev: true, distDir: '.next-portal-dev', timeoutMs: 240_000 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(p.url, { timeout: 180_000 });
  await page.getByLabel('Username').fill('user-lob-a');
  await page.getByLabel('Password').fill('UserLobA1!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('open-studio').click({ timeout: 120_000 });
  await page.waitForURL(/d-loba1example\.studio/, { timeout: 60_000 });
  console.log('DEV OK', page.url().slice(0, 60), await page.textContent('body'));
  console.log('console errors', errors);
} finally {
  await browser.close(); await p.stop(); await s.stop();
}
