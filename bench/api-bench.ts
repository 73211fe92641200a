/**
 * /api/v1 at scale (issue 26): a LOB's member list and the audit query through the API, with 100,000 users
 * in the Users table and 20,000 audit entries, in the same run as the console pages they mirror
 * (/admin/lobs/lob-a/members and /admin/audit?lob=lob-a) for comparison. Target: API p50 <= 100 ms.
 * The API is called by a machine client (client credentials from the Cognito stand-in's /oauth2/token).
 *
 *   npx tsx bench/api-bench.ts [--users 100000] [--audit 20000] [--samples 40]
 *
 * Needs a build in NEXT_DIST_DIR (default .next).
 */
import { performance } from 'node:perf_hooks';
import { buildAdminAuditItems } from '../lib/admin/audit';
import { registerApiClient } from '../lib/admin/api-clients';
import { batchWriteAll, type TableWrite } from '../lib/directory/writes';
import { startPortal } from '../local/stack';
import { adminCookie } from './admin-bench';
import { summarize, timeSamples } from './lib/stats';
import { memberWrites, numberArg, withBenchStandIns } from './lib/seed-members';

const TARGET_P50_MS = 100;

async function timed(samples: number, url: (i: number) => string, headers: Record<string, string>) {
  for (let i = 0; i < 3; i++) await fetch(url(i), { headers }).then((r) => r.text()); // warm up
  return summarize(
    await timeSamples(samples, async (i) => {
      const res = await fetch(url(i), { headers });
      await res.text();
      if (res.status !== 200) throw new Error(`${url(i)} answered ${res.status}`);
    }),
  );
}

async function main() {
  const users = numberArg('users', 100_000);
  const auditEntries = numberArg('audit', 20_000);
  const samples = numberArg('samples', 40);
  await withBenchStandIns(async ({ env, config, deps, standIns }) => {
    const now = Date.now();
    const seedStart = performance.now();
    const writes: TableWrite[] = memberWrites(config.tables.users, users, now);
    // Admin changes, half of them in lob-a, newest last.
    for (let i = 0; i < auditEntries; i++) {
      const lob = i % 2 === 0 ? 'lob-a' : 'lob-b';
      const at = new Date(now - (auditEntries - i) * 1000);
      const change = {
        actor: 'portal-admin',
        action: 'member.set',
        target: `bench-u-${String(i % users).padStart(6, '0')}`,
        lob,
        before: null,
        after: { lob },
      };
      for (const Item of buildAdminAuditItems(deps, change, at))
        writes.push({ table: config.tables.audit, request: { PutRequest: { Item } } });
    }
    await batchWriteAll(deps.ddb, writes, 8);
    const seedSeconds = Math.round((performance.now() - seedStart) / 1000);

    const portal = await startPortal({
      env: { ...standIns.portalEnv, LOG_LEVEL: 'warn' },
      distDir: process.env.NEXT_DIST_DIR,
    });
    try {
      const { client, secret } = await registerApiClient(deps, 'bench', {
        name: 'bench',
        scopes: ['members.read', 'audit.read'],
        lobs: ['lob-a'],
        allLobs: false,
      });
      const tokenUrl = `${new URL(env.COGNITO_ISSUER).origin}/oauth2/token`;
      const tokenRes = await fetch(tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      });
      const token = ((await tokenRes.json()) as { access_token: string }).access_token;
      const api = { authorization: `Bearer ${token}` };
      const cookie = { cookie: await adminCookie(portal.url) };
      const prefix = (i: number) => `bench-u-${String((i * 30) % users).padStart(6, '0')}`;
      const apiMembers = await timed(samples, () => `${portal.url}/api/v1/lobs/lob-a/members?limit=50`, api);
      const apiSearch = await timed(samples, (i) => `${portal.url}/api/v1/lobs/lob-a/members?search=${prefix(i)}`, api);
      const apiAudit = await timed(samples, () => `${portal.url}/api/v1/audit?lob=lob-a&limit=50`, api);
      const pageMembers = await timed(samples, () => `${portal.url}/admin/lobs/lob-a/members`, cookie);
      const pageAudit = await timed(samples, () => `${portal.url}/admin/audit?lob=lob-a`, cookie);
      const pass = (p50: number) => ({ targetP50Ms: TARGET_P50_MS, pass: p50 <= TARGET_P50_MS });
      console.log(
        JSON.stringify(
          {
            users,
            auditEntries,
            seedSeconds,
            api: {
              memberList: { ...apiMembers, ...pass(apiMembers.p50Ms) },
              memberSearch: { ...apiSearch, ...pass(apiSearch.p50Ms) },
              auditQuery: { ...apiAudit, ...pass(apiAudit.p50Ms) },
            },
            consolePages: { members: pageMembers, audit: pageAudit },
          },
          null,
          2,
        ),
      );
    } finally {
      await portal.stop();
    }
  });
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
