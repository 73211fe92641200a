/**
 * The network itself, proven with a trivial probe server in `shared` before any portal is involved:
 * who reaches what, and that the root namespace is cut off from the range.
 */
import { execFileSync } from 'node:child_process';
import { test, expect, requireRoot } from './fixtures';
import { ADDR, fetchInNamespace } from './network';
import { PORTS } from './stack';
import { screenshot } from './steps';

requireRoot();

test.describe('topology', () => {
  test('on-prem reaches the shared VPC through the Transit Gateway', async ({ state }) => {
    const viaPortal = await fetchInNamespace('onprem', { url: `${state.probeUrl}/` });
    expect(viaPortal.status).toBe(200);
    expect(JSON.parse(viaPortal.body)).toEqual({ localAddress: ADDR.shared, remoteAddress: ADDR.onprem });

    const viaVpce = await fetchInNamespace('onprem', { url: `http://${ADDR.studioVpce}:${PORTS.probe}/` });
    expect(JSON.parse(viaVpce.body)).toMatchObject({ localAddress: ADDR.studioVpce });
  });

  test('the internet reaches only the public Studio address', async () => {
    const pub = await fetchInNamespace('internet', { url: `http://${ADDR.studioPublic}:${PORTS.probe}/` });
    expect(JSON.parse(pub.body)).toEqual({ localAddress: ADDR.studioPublic, remoteAddress: ADDR.internet });

    for (const address of [ADDR.shared, ADDR.studioVpce]) {
      const r = await fetchInNamespace('internet', { url: `http://${address}:${PORTS.probe}/`, timeoutMs: 2_000 });
      expect(r.status, `internet must not reach ${address}`).toBe(0);
      expect(r.error).toMatch(/ENETUNREACH|EHOSTUNREACH|ECONNREFUSED|Timeout|abort/i);
    }
  });

  test('on-prem does not reach the public Studio address', async () => {
    const r = await fetchInNamespace('onprem', {
      url: `http://${ADDR.studioPublic}:${PORTS.probe}/`,
      timeoutMs: 2_000,
    });
    expect(r.status).toBe(0);
  });

  test('the root namespace has no address in the range and blackholes it', () => {
    const routes = execFileSync('ip', ['-4', 'route', 'show', 'type', 'blackhole'], { encoding: 'utf8' });
    expect(routes).toContain('blackhole 10.213.0.0/16');
    const addresses = execFileSync('ip', ['-4', '-br', 'addr'], { encoding: 'utf8' });
    expect(addresses).not.toContain('10.213.');
  });

  test('a browser in each namespace sees the network of its namespace', async ({
    state,
    onpremBrowser,
    internetBrowser,
  }, testInfo) => {
    const onprem = await onpremBrowser.newPage();
    const r1 = await onprem.goto(`${state.probeUrl}/`);
    expect(r1?.status()).toBe(200);
    await expect(onprem.locator('body')).toContainText(`"remoteAddress":"${ADDR.onprem}"`);
    await screenshot(onprem, testInfo, 'topology-onprem-probe');
    await onprem.close();

    const cutOff = await internetBrowser.newPage();
    await expect(cutOff.goto(`${state.probeUrl}/`)).rejects.toThrow(/ERR_ADDRESS_UNREACHABLE/);
    await cutOff.close();
    // A fresh page: a failed navigation's error page would interrupt the next goto on the same page.
    const laptop = await internetBrowser.newPage();
    const r2 = await laptop.goto(`http://${ADDR.studioPublic}:${PORTS.probe}/`);
    expect(r2?.status()).toBe(200);
    await expect(laptop.locator('body')).toContainText(`"remoteAddress":"${ADDR.internet}"`);
    await screenshot(laptop, testInfo, 'topology-internet-probe');
    await laptop.close();
  });
});
