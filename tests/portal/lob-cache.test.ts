/**
 * The LOB row cache (LOB_CACHE_SECONDS) over HTTP against running portals and the stand-ins' call
 * timeline, time moved with CLOCK_OFFSET_FILE (no sleeping): after the cache window a returning user's
 * launch reads the LOB row again beside the presign instead of before it (stale-while-revalidate), so it
 * still waits for at most 2 AWS calls in a row, in both AUDIT_WRITE configurations; and a LOB disabled or
 * re-pointed in DynamoDB is refused or followed on the very next launch after the window, the URL made on
 * the cached row never leaving the server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sequentialDepth } from '../../bench/latency';
import { directoryClient } from '../support/directory';
import { initiateAuth } from '../support/http-session';
import { startPortal, type PortalHandle } from '../support/local-stack';
import { distDir, startPortalStack, type PortalStack } from '../support/portal-stack';

const LOB_CACHE_SECONDS = 30;
/** Injected per-call latency: long enough that calls running side by side are told from calls in a row. */
const LATENCY = { dynamodb: 40, sts: 40, sagemaker: 80, cognito: 0 };
/** Launches compared on each side of the cache window. */
const ROUNDS = 3;

let stack: PortalStack;
let lambda: PortalHandle;
let dir: ReturnType<typeof directoryClient>;
let clockDir: string;
let clockFile: string;
let offsetSeconds = 0;
const tokens = new Map<string, string>();

const PASSWORDS: Record<string, string> = {
  'user-lob-a': 'UserLobA1!',
  'user-lob-b': 'UserLobB1!',
  'user-group-a': 'UserGroupA1!',
};

/** Moves both portals' clock past the LOB cache window. */
function passCacheWindow() {
  offsetSeconds += LOB_CACHE_SECONDS + 1;
  writeFileSync(clockFile, String(offsetSeconds));
}

async function tokenOf(username: string) {
  if (!tokens.has(username)) {
    const { accessToken } = await initiateAuth(
      { endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' },
      username,
      PASSWORDS[username],
    );
    tokens.set(username, accessToken);
  }
  return tokens.get(username)!;
}

/** One API launch with the AWS calls the stand-ins saw start before the response, and how many ran one after another. */
async function tracedLaunch(baseUrl: string, username: string) {
  const token = await tokenOf(username);
  await stack.control.resetCounters();
  const res = await fetch(`${baseUrl}/api/studio/${username}`, {
    redirect: 'manual',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  const respondedAt = Date.now();
  const body = (await res.json()) as { url?: string; code?: string; message?: string };
  const calls = (await stack.control.getCalls()).filter(
    (c) => !c.op.startsWith('cognito.') && !c.op.startsWith('studio.'),
  );
  const before = calls.filter((c) => c.at < respondedAt);
  return {
    status: res.status,
    requestId: res.headers.get('x-request-id')!,
    body,
    before,
    ops: before.map((c) => c.op).sort(),
    inARow: sequentialDepth(before),
  };
}

beforeAll(async () => {
  clockDir = mkdtempSync(path.join(tmpdir(), 'lob-cache-clock-'));
  clockFile = path.join(clockDir, 'offset');
  writeFileSync(clockFile, '0');
  // The per-user identity summary (IDENTITY_RECHECK_SECONDS, default 60) is kept past every window this file moves
  // through, so the only cache that runs out is the LOB row's.
  const portalEnv = {
    LOB_CACHE_SECONDS: String(LOB_CACHE_SECONDS),
    IDENTITY_RECHECK_SECONDS: '3600',
    CLOCK_OFFSET_FILE: clockFile,
  };
  stack = await startPortalStack({ portalEnv });
  // The deployed (Lambda) configuration beside it, on the same stand-ins: the audit record is written before the response.
  lambda = await startPortal({
    env: { ...stack.env, AUDIT_WRITE: 'before-response' },
    mode: 'password',
    distDir: distDir(),
  });
  dir = directoryClient(stack.env);
}, 180_000);

afterAll(async () => {
  await stack?.control.setLatency({ dynamodb: 0, sts: 0, sagemaker: 0, cognito: 0 });
  await lambda?.stop();
  await stack?.stop();
  if (clockDir) rmSync(clockDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await stack.control.setLatency({ dynamodb: 0, sts: 0, sagemaker: 0, cognito: 0 });
});

describe('LOB rows after the cache window (stale-while-revalidate)', () => {
  for (const [config, url] of [
    ['long-running server (AUDIT_WRITE=after-response)', () => stack.url],
    ['Lambda configuration (AUDIT_WRITE=before-response)', () => lambda.url],
  ] as const) {
    it(`${config}: a returning user's launch reads the LOB row again beside the presign, adding no call in a row`, async () => {
      for (const username of ['user-lob-a', 'user-group-a']) {
        // Warm: the user's generator session and the LOB row (and LOB list, for the group-mapped user) cached.
        expect((await tracedLaunch(url(), username)).status).toBe(200);
        await stack.control.setLatency(LATENCY);
        // A busy machine can only add to a launch's depth (a call recorded late, or a write after the response
        // starting before the client saw it), never take from it: compare the shallowest of a few launches.
        const inside: Awaited<ReturnType<typeof tracedLaunch>>[] = [];
        for (let i = 0; i < ROUNDS; i++) inside.push(await tracedLaunch(url(), username));
        for (const launch of inside) expect(launch.status).toBe(200);
        const after: Awaited<ReturnType<typeof tracedLaunch>>[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          passCacheWindow();
          after.push(await tracedLaunch(url(), username));
        }
        await stack.control.setLatency({ dynamodb: 0, sts: 0, sagemaker: 0, cognito: 0 });

        // The LOB row (GetItem, or the LOB list's Scan for a group-mapped user) was read again, before the response...
        const reread = username === 'user-group-a' ? 'dynamodb.Scan' : 'dynamodb.GetItem';
        const rereads = (launch: (typeof inside)[number]) => launch.ops.filter((op) => op === reread).length;
        for (const launch of after) {
          expect(launch.status, JSON.stringify(launch.body)).toBe(200);
          expect(new URL(launch.body.url!).hostname).toBe('d-loba1example.studio.us-east-1.localhost');
          expect(rereads(launch), launch.ops.join(', ')).toBe(Math.min(...inside.map(rereads)) + 1);
          expect(launch.ops).toContain('sagemaker.CreatePresignedDomainUrl');
          expect(launch.ops).not.toContain('sts.AssumeRole');
        }
        // ...beside the presign: no more calls in a row than inside the window.
        const shallowest = (launches: typeof inside) => Math.min(...launches.map((l) => l.inARow));
        expect(shallowest(after), after.map((l) => l.ops.join(', ')).join(' / ')).toBe(shallowest(inside));
        if (config.startsWith('long-running')) expect(shallowest(after)).toBeLessThanOrEqual(2);
      }
    });
  }

  it('a LOB disabled in DynamoDB is refused on the very next launch after the window; the URL made on the cached row never leaves', async () => {
    expect((await tracedLaunch(stack.url, 'user-lob-b')).status).toBe(200);
    expect((await tracedLaunch(lambda.url, 'user-lob-b')).status).toBe(200);
    await dir.updateLob('lob-b', { enabled: false });
    try {
      // What remains: inside the window a portal process that did not make the change still uses its cached row.
      expect((await tracedLaunch(stack.url, 'user-lob-b')).status).toBe(200);
      passCacheWindow();
      for (const portal of [stack.url, lambda.url]) {
        const refused = await tracedLaunch(portal, 'user-lob-b');
        const { requestId } = refused;
        expect(refused.status).toBe(403);
        expect(refused.body.code).toBe('lob.disabled');
        expect(refused.body.message).toMatch(/Line of Business B is currently disabled/);
        expect(refused.body.url).toBeUndefined();
        expect(JSON.stringify(refused.body)).not.toMatch(/studio\.|token=/);
        // One launch in the audit log, saying what the user got: records are never rewritten, so where the
        // Lambda configuration's write-ahead record said otherwise, a follow-up record naming it holds the outcome.
        let records: Record<string, unknown>[] = [];
        for (let i = 0; i < 50 && records.length === 0; i++) {
          records = await dir.auditFor(requestId);
          if (records.length === 0) await new Promise((r) => setTimeout(r, 100));
        }
        const [first, ...followUps] = records.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
        expect(followUps.length).toBeLessThanOrEqual(1);
        for (const f of followUps) expect(f.followsUp).toBe(first.sk);
        expect({ ...first, ...followUps[0] }).toMatchObject({
          user: 'user-lob-b',
          lob: 'lob-b',
          outcome: 'lob.disabled',
        });
      }
    } finally {
      await dir.updateLob('lob-b', { enabled: true });
    }
    // Re-enabled: the first launch after the window is not refused on the cached disabled row either.
    passCacheWindow();
    const back = await tracedLaunch(stack.url, 'user-lob-b');
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(new URL(back.body.url!).hostname).toBe('d-lobb1example.studio.us-east-1.localhost');
  });

  it('a LOB re-pointed to another role is followed on the next launch after the window (the launch is made again on the new row)', async () => {
    expect((await tracedLaunch(stack.url, 'user-lob-b')).status).toBe(200);
    await dir.updateLob('lob-b', { roleName: 'NotTheGeneratorRole' });
    try {
      passCacheWindow();
      const denied = await tracedLaunch(stack.url, 'user-lob-b');
      expect(denied.status).toBe(502);
      expect(denied.body.code).toBe('lob.role_denied');
      expect(denied.ops).toContain('sts.AssumeRole');
    } finally {
      await dir.updateLob('lob-b', { roleName: 'PresignedUrlGenerator' });
    }
    passCacheWindow();
    expect((await tracedLaunch(stack.url, 'user-lob-b')).status).toBe(200);
  });
});
