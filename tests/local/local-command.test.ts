import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../local/stack';

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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run local (scripts/local.mjs)', () => {
  it('starts the stand-ins and the portal, prints where to go, and Ctrl-C leaves nothing running', async () => {
    const port = await findFreePort();
    const local = spawn(process.execPath, ['scripts/local.mjs'], {
      cwd: path.resolve(__dirname, '../..'),
      env: {
        ...process.env,
        LOCAL_DYNAMODB_PORT: '0',
        LOCAL_COGNITO_PORT: '0',
        LOCAL_AWS_PORT: '0',
        PORT: String(port),
        NEXT_DIST_DIR: '.next-local-command-test',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      local.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl-C stops everything.')) resolve();
      });
      local.once('exit', (code) => reject(new Error(`local exited early (${code}): ${out}`)));
    });
    expect(out).toContain('Local stand-ins (development and tests only)');
    expect(out).toContain('user-lob-a       UserLobA1!');
    expect(out).toContain(`Portal:    http://localhost:${port}  (AUTH_MODE=password`);
    expect(out).not.toContain('READY ');
    const children = childrenOf(local.pid!);
    expect(children).toHaveLength(2);

    const exited = new Promise<number | null>((resolve) => local.once('exit', (code) => resolve(code)));
    local.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const pid of children) {
      expect(alive(pid), `child ${pid}`).toBe(false);
      expect(groupMembers(pid), `process group ${pid}`).toEqual([]);
    }
    rmSync(path.resolve(__dirname, '../../.next-local-command-test'), { recursive: true, force: true });
  });
});
