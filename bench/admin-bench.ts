/**
 * Admin console benchmarks: the users list at 100,000 users (Cognito ListUsers prefix search + Users-table
 * join, target p50 <= 300 ms against DynamoDB Local) and a 10,000-row CSV import (target <= 15 s).
 *
 *   npx tsx bench/admin-bench.ts [--users 100000] [--rows 10000] [--samples 60] [--http]
 *
 * `--http` also times GET /admin/users?q=... as a signed-in admin against a `next start` portal
 * (needs a build in NEXT_DIST_DIR, default .next). bench/run.ts calls runAdminBench(opts).
 */
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../lib/config';
import { createDynamoDocumentClient } from '../lib/aws/clients';
import { createAdminDeps, type AdminDeps } from '../lib/admin/deps';
import { listPoolUsers } from '../lib/admin/pool-users';
import { listUsersWithoutLob } from '../lib/admin/users-without-lob';
import { importUsersCsv } from '../lib/admin/user-import';
import { seedUserMappings } from '../lib/directory/users';
import type { UserMapping } from '../lib/directory/types';
import { control, startPortal, startStandIns, type StandInsHandle } from '../local/stack';

export interface AdminBenchOptions {
  /** Users in the pool: 88% mapped in the Users table, 10% through an IdP group, 2% without a LOB. Default 100,000. */
  users?: number;
  /** Rows in the import file. Default 10,000. */
  importRows?: number;
  /** Timed users-list requests. Default 60. */
  samples?: number;
  /** Reuse running stand-ins (their portalEnv and control URL); otherwise they are started and stopped here. */
  standIns?: { portalEnv: Record<string, string>; urls: { control: string } };
  /** Also time the users page over HTTP: a running portal's URL, or `true` to start one (`next start`). */
  http?: string | boolean;
  /** NEXT_DIST_DIR of the build to serve when http === true. */
  distDir?: string;
  log?: (message: string) => void;
}

export interface LatencyStats {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface AdminBenchResult {
  users: number;
  seedSeconds: number;
  usersList: LatencyStats & { targetP50Ms: number; pass: boolean };
  usersPageHttp?: LatencyStats & { targetP50Ms: number; pass: boolean };
  /** "Only users without a LOB": consecutive pages from the start (bounded walk of the pool). */
  usersWithoutLob: LatencyStats & { pages: number; found: number; examined: number; budgetStops: number };
  import: { rows: number; applied: number; rejected: number; seconds: number; targetSeconds: number; pass: boolean };
}

const USERS_TARGET_P50_MS = 300;
const IMPORT_TARGET_SECONDS = 15;
const BULK_CHUNK = 5000; // keeps each control-API body well under its 1 MB limit

const pad = (n: number, width = 6) => String(n).padStart(width, '0');

function stats(values: number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    samples: sorted.length,
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

/** Search prefixes of different selectivity over `bench-u-NNNNNN` names, plus continuing pages. */
function prefixFor(i: number, users: number): string {
  const n = pad(Math.floor((i * 7919) % users));
  switch (i % 4) {
    case 0:
      return 'bench-u-'; // everyone: the first page of 100,000
    case 1:
      return `bench-u-${n.slice(0, 3)}`; // ~1,000 matches
    case 2:
      return `bench-u-${n.slice(0, 4)}`; // ~100 matches
    default:
      return `bench-u-${n.slice(0, 2)}`; // ~10,000 matches
  }
}

async function seed(deps: AdminDeps, controlUrl: string, users: number, log: (m: string) => void): Promise<number> {
  const started = performance.now();
  const ctl = control(controlUrl);
  for (let from = 0; from < users; from += BULK_CHUNK) {
    const batch = [];
    for (let i = from; i < Math.min(users, from + BULK_CHUNK); i++) {
      batch.push({
        username: `bench-u-${pad(i)}`,
        password: 'BenchUser1!',
        groups: i % 10 === 0 ? ['lob-b-users'] : [],
      });
    }
    await ctl.bulkUsers(batch);
  }
  log(`admin-bench: ${users} users in the Cognito stand-in (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const now = new Date().toISOString();
  const rows: UserMapping[] = [];
  for (let i = 0; i < users; i++) {
    if (i % 10 === 0) continue; // every 10th user has no row: mapped by group, so the list checks its groups
    if (i % 50 === 25) continue; // every 50th has neither row nor group: what "only users without a LOB" finds
    const lob = i % 3 ? 'lob-a' : 'lob-b';
    rows.push({
      username: `bench-u-${pad(i)}`,
      lobs: [lob],
      memberships: [{ lob, via: 'admin' }],
      version: 1,
      createdAt: now,
      updatedAt: now,
      updatedBy: 'bench',
    });
  }
  await seedUserMappings(deps, rows, 8);
  const seconds = (performance.now() - started) / 1000;
  log(`admin-bench: ${rows.length} Users rows written (${seconds.toFixed(1)} s total seeding)`);
  return seconds;
}

export async function adminCookie(portalUrl: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = await fetch(`${portalUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${portalUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() },
    body: new URLSearchParams({
      csrfToken,
      username: 'portal-admin',
      password: 'PortalAdmin1!',
      callbackUrl: `${portalUrl}/`,
      json: 'true',
    }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes('session-token'))) throw new Error('admin-bench: admin sign-in failed');
  return header();
}

export async function runAdminBench(opts: AdminBenchOptions = {}): Promise<AdminBenchResult> {
  const users = opts.users ?? 100_000;
  const importRows = opts.importRows ?? 10_000;
  const samples = opts.samples ?? 60;
  const log = opts.log ?? ((m: string) => console.error(m));
  let owned: StandInsHandle | undefined;
  const standIns = opts.standIns ?? (owned = await startStandIns({}));
  let stopPortal: (() => Promise<void>) | undefined;
  try {
    const env: Record<string, string> = {
      ...standIns.portalEnv,
      NEXTAUTH_URL: 'http://localhost:3000',
      NEXTAUTH_SECRET: standIns.portalEnv.NEXTAUTH_SECRET ?? 'b'.repeat(32),
    };
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED']) {
      if (env[key] && !process.env[key]) process.env[key] = env[key];
    }
    const config = parseConfig(env);
    const deps = createAdminDeps(config, createDynamoDocumentClient(config));
    const seedSeconds = await seed(deps, standIns.urls.control, users, log);

    // Users list through the same lib call the page makes (ListUsers + BatchGetItem + LOBs).
    await listPoolUsers(deps, { prefix: 'bench-u-', limit: 50 }); // warm connections
    const timings: number[] = [];
    let token: string | undefined;
    for (let i = 0; i < samples; i++) {
      // Every 5th sample continues the previous search to its next page (the opaque token path).
      const continuing = i % 5 === 4 && token;
      const started = performance.now();
      const page = continuing
        ? await listPoolUsers(deps, { prefix: 'bench-u-', limit: 50, pageToken: token })
        : await listPoolUsers(deps, { prefix: prefixFor(i, users), limit: 50 });
      timings.push(performance.now() - started);
      if (page.users.length === 0) throw new Error(`admin-bench: no users for sample ${i}`);
      token = continuing ? page.nextToken : (await listPoolUsers(deps, { prefix: 'bench-u-', limit: 50 })).nextToken;
    }
    const list = stats(timings);
    log(
      `admin-bench: users list at ${users} users: p50 ${list.p50Ms} ms, p95 ${list.p95Ms} ms (${list.samples} samples)`,
    );

    // "Only users without a LOB": walk consecutive pages the way the page's "Next page" does.
    const noLobTimings: number[] = [];
    let noLobToken: string | undefined;
    let found = 0;
    let examined = 0;
    let budgetStops = 0;
    for (let i = 0; i < Math.min(samples, 20); i++) {
      const started = performance.now();
      const page = await listUsersWithoutLob(deps, { prefix: 'bench-u-', limit: 50, pageToken: noLobToken });
      noLobTimings.push(performance.now() - started);
      found += page.users.length;
      examined += page.examined;
      if (page.budgetSpent) budgetStops++;
      noLobToken = page.nextToken;
      if (!noLobToken) break;
    }
    const noLob = { ...stats(noLobTimings), pages: noLobTimings.length, found, examined, budgetStops };
    log(
      `admin-bench: users without a LOB: p50 ${noLob.p50Ms} ms, p95 ${noLob.p95Ms} ms per page (${noLob.pages} pages, ${found} found in ${examined} users checked, ${budgetStops} budget stops)`,
    );

    let usersPageHttp: AdminBenchResult['usersPageHttp'];
    if (opts.http) {
      let portalUrl = typeof opts.http === 'string' ? opts.http : undefined;
      if (!portalUrl) {
        const portal = await startPortal({
          env: { ...standIns.portalEnv, LOG_LEVEL: 'warn' },
          distDir: opts.distDir ?? process.env.NEXT_DIST_DIR,
        });
        portalUrl = portal.url;
        stopPortal = portal.stop;
      }
      const cookie = await adminCookie(portalUrl);
      const httpTimings: number[] = [];
      await fetch(`${portalUrl}/admin/users?q=bench-u-`, { headers: { cookie } }).then((r) => r.text());
      for (let i = 0; i < samples; i++) {
        const started = performance.now();
        const res = await fetch(`${portalUrl}/admin/users?q=${encodeURIComponent(prefixFor(i, users))}`, {
          headers: { cookie },
        });
        const html = await res.text();
        httpTimings.push(performance.now() - started);
        if (res.status !== 200 || !html.includes('bench-u-'))
          throw new Error(`admin-bench: users page answered ${res.status}`);
      }
      const s = stats(httpTimings);
      usersPageHttp = { ...s, targetP50Ms: USERS_TARGET_P50_MS, pass: s.p50Ms <= USERS_TARGET_P50_MS };
      log(`admin-bench: GET /admin/users at ${users} users: p50 ${s.p50Ms} ms, p95 ${s.p95Ms} ms`);
    }

    // Import: half updates of existing users, half new users (already in the pool), a few bad rows.
    const lines = ['username,lobs'];
    const bad = Math.min(10, Math.floor(importRows / 100));
    for (let i = 0; i < importRows; i++) {
      if (i % Math.floor(importRows / bad) === 7) lines.push(`bad user ${i},lob-a`);
      else if (i % 2) lines.push(`bench-u-${pad(i * 3)},lob-a;lob-b`);
      else lines.push(`bench-imp-${pad(i)},${i % 4 ? 'lob-a' : 'lob-b'}`);
    }
    // Import refuses users who are not in the pool: the new ones are created there first (not timed).
    const newUsers = [];
    for (let i = 0; i < importRows; i += 2) newUsers.push({ username: `bench-imp-${pad(i)}`, password: 'BenchUser1!' });
    for (let from = 0; from < newUsers.length; from += BULK_CHUNK)
      await control(standIns.urls.control).bulkUsers(newUsers.slice(from, from + BULK_CHUNK));
    const started = performance.now();
    const result = await importUsersCsv(deps, 'bench-admin', lines.join('\n') + '\n');
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    log(
      `admin-bench: import of ${importRows} rows: ${seconds} s (${result.applied} applied, ${result.errors.length} rejected)`,
    );

    return {
      users,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      usersList: { ...list, targetP50Ms: USERS_TARGET_P50_MS, pass: list.p50Ms <= USERS_TARGET_P50_MS },
      usersPageHttp,
      usersWithoutLob: noLob,
      import: {
        rows: importRows,
        applied: result.applied,
        rejected: result.errors.length,
        seconds,
        targetSeconds: IMPORT_TARGET_SECONDS,
        pass: seconds <= IMPORT_TARGET_SECONDS,
      },
    };
  } finally {
    await stopPortal?.();
    await owned?.stop();
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && /admin-bench\.ts$/.test(process.argv[1])) {
  runAdminBench({
    users: argValue('--users') ? Number(argValue('--users')) : undefined,
    importRows: argValue('--rows') ? Number(argValue('--rows')) : undefined,
    samples: argValue('--samples') ? Number(argValue('--samples')) : undefined,
    http: process.argv.includes('--http'),
  })
    .then((result) => {
      console.log(JSON.stringify(result, null, 2));
      process.exit(result.usersList.pass && result.import.pass && (result.usersPageHttp?.pass ?? true) ? 0 : 1);
    })
    .catch((error) => {
      console.error(error);
      process.exit(2);
    });
}
