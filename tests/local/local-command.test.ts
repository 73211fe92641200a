import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../local/stack';
import { isAlive } from '../support/processes';
import { spawnLocalCommand } from '../support/local-command';

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** PIDs whose process group is `pgid` (the children run in their own groups, with their descendants). */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return members;
}

/** True when something accepts TCP connections on the port (IPv4 or IPv6 loopback). */
async function listening(port: number): Promise<boolean> {
  const tryHost = (host: string) =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  const [v4, v6] = await Promise.all([tryHost('127.0.0.1'), tryHost('::1')]);
  return v4 || v6;
}

/** Every descendant of `pid` (depth first), read from /proc. */
function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, stepMs = 100): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return Date.now() - started;
}

describe('npm run local (scripts/local.mjs)', () => {
  // Started by the project's Node, and as on a fresh clone, where npm's `sh -c` finds no project Node yet and
  // runs scripts/local.mjs on an older system Node: it re-runs itself on the project's Node, and that extra
  // process must pass the stop on too (SIGTERM reaches the shell only; dash dies without passing it on).
  const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find(
    (n) =>
      existsSync(n) &&
      spawnSync(n, ['-p', 'process.versions.node.split(".")[0]']).stdout?.toString().trim() !==
        process.versions.node.split('.')[0],
  );
  const starters: Array<[string, string, string[]]> = [
    ["the project's Node through npm", 'npm', ['run', 'local']],
    ...(systemNode
      ? [
          [
            `a system Node (${systemNode}) under sh -c, as npm on a fresh clone`,
            'sh',
            ['-c', `${systemNode} scripts/local.mjs`],
          ] as [string, string, string[]],
        ]
      : []),
  ];
  it.each(starters)(
    'SIGTERM to the npm process (as a process manager sends it) frees all four ports within 5 s, started by %s',
    { timeout: 150_000 },
    async (_name, command, args) => {
      const ports = {
        PORT: await findFreePort(),
        LOCAL_DYNAMODB_PORT: await findFreePort(),
        LOCAL_COGNITO_PORT: await findFreePort(),
        LOCAL_AWS_PORT: await findFreePort(),
      };
      // next dev adds its dist folder's types to tsconfig.json; put the file back afterwards.
      const tsconfig = readFileSync(path.resolve(__dirname, '../../tsconfig.json'), 'utf8');
      const npm = spawn(command, args, {
        cwd: path.resolve(__dirname, '../..'),
        // A shell of its own, as npm's: nothing of the re-exec guard of a process that started this suite.
        env: {
          ...process.env,
          STUDIO_PORTAL_NODE_REEXEC: undefined,
          ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
          NEXT_DIST_DIR: '.next-local-sigterm-test',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      npm.stdout.on('data', (d: Buffer) => (out += d.toString()));
      npm.stderr.on('data', (d: Buffer) => (out += d.toString()));
      let everything: number[] = [];
      try {
        await waitFor(
          'all four ports',
          async () => (await Promise.all(Object.values(ports).map(listening))).every(Boolean),
          120_000,
          250,
        );
        everything = descendantsOf(npm.pid!);
        // npm -> sh -c -> local.mjs -> stand-ins, next dev (and what next dev starts).
        expect(everything.length, out).toBeGreaterThanOrEqual(4);
        process.kill(npm.pid!, 'SIGTERM');
        const tookMs = await waitFor(
          'the ports to be free',
          async () => !(await Promise.all(Object.values(ports).map(listening))).some(Boolean),
          5_000,
        );
        expect(tookMs).toBeLessThan(5_000);
        await waitFor(
          'every process to exit',
          async () => everything.every((pid) => !isAlive(pid)),
          5_000 - tookMs + 500,
        );
      } finally {
        for (const pid of descendantsOf(npm.pid!).concat(everything)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
        rmSync(path.resolve(__dirname, '../../.next-local-sigterm-test'), { recursive: true, force: true });
        writeFileSync(path.resolve(__dirname, '../../tsconfig.json'), tsconfig);
      }
    },
  );

  it('starts the stand-ins and the portal, prints where to go, and Ctrl-C leaves nothing running', async () => {
    const port = await findFreePort();
    const local = spawnLocalCommand(port, '.next-local-command-test');
    let out = '';
    await new Promise<void>((resolve, reject) => {
      local.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl-C (or SIGTERM) stops everything.')) resolve();
      });
      local.once('exit', (code) => reject(new Error(`local exited early (${code}): ${out}`)));
    });
    expect(out).toContain('Local stand-ins (development and tests only)');
    expect(out).toContain('user-lob-a       UserLobA1!');
    expect(out).toContain(`Portal:    http://localhost:${port}  (AUTH_MODE=password`);
    expect(out).not.toContain('READY ');
    const children = childrenOf(local.pid!);
    expect(children).toHaveLength(2);

    // The API hint works when pasted as printed: credentials and region before the command, the token as text.
    const tokenLine = out
      .split('\n')
      .find((l) => l.trim().startsWith('TOKEN=$('))
      ?.trim();
    expect(tokenLine, out).toContain('--query AuthenticationResult.AccessToken --output text');
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `/usr/bin:${process.env.PATH}` };
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_PROFILE',
    ] as const)
      delete (env as Record<string, unknown>)[name];
    const pasted = spawnSync('bash', ['-c', `${tokenLine}\nprintf %s "$TOKEN"`], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(pasted.stderr).toBe('');
    const [, payload] = pasted.stdout.split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toMatchObject({
      username: 'user-lob-a',
      token_use: 'access',
    });
    expect(out).toContain(`curl -i -H "Authorization: Bearer $TOKEN" http://localhost:${port}/api/studio/user-lob-a`);

    const exited = new Promise<number | null>((resolve) => local.once('exit', (code) => resolve(code)));
    local.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const pid of children) {
      expect(isAlive(pid), `child ${pid}`).toBe(false);
      expect(groupMembers(pid), `process group ${pid}`).toEqual([]);
    }
    rmSync(path.resolve(__dirname, '../../.next-local-command-test'), { recursive: true, force: true });
  });
});
