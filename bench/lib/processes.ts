/**
 * Child processes the bench starts itself (the baseline server, a portal for start-up timing):
 * spawned detached with an IPC channel (they exit when the bench dies) and stopped by their PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.resolve(__dirname, '..', '..');
const EXIT_WITH_PARENT = pathToFileURL(path.join(ROOT, 'local', 'exit-with-parent.mjs')).href;

export interface BenchChild {
  child: ChildProcess;
  pid: number;
  /** Everything the process printed (bounded to the last 2 MB). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `logFile`: send the child's stdout and stderr to a file instead of a pipe, so a busy bench process
 * (running the load generator) never applies back-pressure to the server's logging.
 */
export function spawnNode(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { logFile?: string; nodeOptions?: string[] } = {},
): BenchChild {
  const fd = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
  const child = spawn(process.execPath, [...(opts.nodeOptions ?? []), '--import', EXIT_WITH_PARENT, ...args], {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe', 'ipc'],
    detached: true,
  });
  if (fd !== undefined) closeSync(fd);
  child.channel?.unref();
  child.unref();
  let text = '';
  const keep = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    if (text.length > 2_000_000) text = text.slice(-1_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, s);
      } catch {
        try {
          child.kill(s);
        } catch {
          // gone
        }
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  process.once('exit', () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });
  const output = () => (opts.logFile ? readFileSync(opts.logFile, 'utf8') : text);
  return { child, pid: child.pid!, output, stop };
}

/** Thrown by a probe to stop waiting at once (the server answered, but wrongly). */
export class ProbeFailedError extends Error {}

/** Polls `probe` every `intervalMs` until it returns true; fails when the process exits or time runs out. */
export async function waitFor(
  proc: BenchChild,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 10,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(
        `process ${proc.pid} exited (code ${proc.child.exitCode}) before it was ready:\n${proc.output().slice(-3000)}`,
      );
    }
    try {
      if (await probe()) return;
    } catch (error) {
      if (error instanceof ProbeFailedError) throw error;
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`process ${proc.pid} not ready within ${timeoutMs} ms:\n${proc.output().slice(-3000)}`);
}
