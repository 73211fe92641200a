/**
 * `npm run local` as a developer starts it (scripts/local.mjs: the stand-ins and `next dev`), here on free
 * ports: the stand-ins on port 0, the portal on `port`, its build output in `distDir` (one per suite).
 * Output is piped: read it from the child's stdout and stderr.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';

const ROOT = path.resolve(__dirname, '../..');

export function spawnLocalCommand(
  port: number,
  distDir: string,
  env: Record<string, string> = {},
): ChildProcessByStdio<null, Readable, Readable> {
  const ports = { LOCAL_DYNAMODB_PORT: '0', LOCAL_COGNITO_PORT: '0', LOCAL_AWS_PORT: '0', PORT: String(port) };
  return spawn(process.execPath, ['scripts/local.mjs'], {
    cwd: ROOT,
    env: { ...process.env, ...ports, NEXT_DIST_DIR: distDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
