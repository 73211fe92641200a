/**
 * The usage page's "Studio apps running now" through the running portal (`next start`) against the
 * stand-ins: it lists each domain's apps in an access-control session (tag portal-task=access-control,
 * SourceIdentity = the admin or owner viewing), which the generator role's trust accepts; an AssumeRole
 * without a source identity (what it sent before) is refused by the STS stand-in as by AWS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortalStack, type PortalStack } from '../support/portal-stack';
import { signIn } from '../support/http-session';
import { DEMO_LOBS } from '@/local/demo-data';

let stack: PortalStack;

beforeAll(async () => {
  stack = await startPortalStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

function domainOf(lob: string): string {
  return DEMO_LOBS.find((l) => l.lob === lob)!.domainId;
}

/** What the stand-in holds: InService apps of the domain by type (the page's JupyterLab, Code Editor, All). */
function expectedCounts(lob: string): string[] {
  const apps = [...stack.standIns.aws.domains.get(domainOf(lob))!.apps.values()].filter(
    (a) => a.status === 'InService',
  );
  const of = (type: string) => apps.filter((a) => a.appType === type).length;
  return [of('JupyterLab'), of('CodeEditor'), apps.length].map(String);
}

/** The page as a browser gets it, the streamed table included; the cells of the LOB's row. */
async function runningAppsRow(
  username: string,
  password: string,
  lob: string,
): Promise<{ html: string; cells: string[] }> {
  const jar = await signIn(stack.url, username, password);
  const res = await fetch(`${stack.url}/admin/usage`, { headers: { cookie: jar.header() } });
  expect(res.status).toBe(200);
  const html = await res.text();
  const table = /data-testid="running-apps-table"(.*?)<\/table>/s.exec(html)?.[1] ?? '';
  const row = new RegExp(`<tr[^>]*data-lob="${lob}"[^>]*>(.*?)</tr>`, 's').exec(table)?.[1];
  expect(row, `no running-apps row for ${lob}`).toBeDefined();
  const cells = [...row!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((m) => m[1].replace(/<[^>]+>/g, '').trim());
  return { html, cells };
}

describe('Studio apps running now', () => {
  it("counts an owner's LOB's apps in an access-control session that names the owner", async () => {
    await stack.control.createApps(domainOf('lob-a'), [
      { userProfile: 'user-lob-a', appType: 'JupyterLab' },
      { userProfile: 'user-multi', appType: 'CodeEditor' },
      { userProfile: 'user-multi', appType: 'JupyterLab', spaceName: 'multi-ds' },
    ]);
    const { html, cells } = await runningAppsRow('owner-lob-a', 'OwnerLobA1!', 'lob-a');
    expect(html).not.toContain('Could not list apps');
    expect(cells).toEqual(['lob-a', ...expectedCounts('lob-a')]);
    expect(Number(cells[3])).toBeGreaterThanOrEqual(3);
    // The LOB account's CloudTrail: an access-control AssumeRole and a ListApps, both naming the owner.
    const account = DEMO_LOBS.find((l) => l.lob === 'lob-a')!.accountId;
    const trail = await stack.control.cloudTrail({ account, sourceIdentity: 'owner-lob-a' });
    const assumed = trail.filter((e) => e.eventName === 'AssumeRole' && !e.errorCode);
    expect(assumed.length).toBeGreaterThan(0);
    expect(assumed[0].requestParameters?.tags).toEqual(
      expect.arrayContaining([
        { key: 'portal-task', value: 'access-control' },
        { key: 'lob', value: 'lob-a' },
      ]),
    );
    expect(trail.some((e) => e.eventName === 'ListApps' && !e.errorCode)).toBe(true);
  });

  it('names the platform admin for the LOBs they view, and no AssumeRole of the portal lacks a source identity', async () => {
    const { cells } = await runningAppsRow('portal-admin', 'PortalAdmin1!', 'lob-b');
    expect(cells).toEqual(['lob-b', ...expectedCounts('lob-b')]);
    const account = DEMO_LOBS.find((l) => l.lob === 'lob-b')!.accountId;
    const trail = await stack.control.cloudTrail({ account, eventName: 'ListApps', sourceIdentity: 'portal-admin' });
    expect(trail.some((e) => !e.errorCode)).toBe(true);
    const refused = (await stack.control.cloudTrail({ eventName: 'AssumeRole' })).filter((e) => e.errorCode);
    expect(refused.map((e) => e.requestParameters)).toEqual([]);
  });
});
