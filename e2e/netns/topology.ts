/** Brings the simulated network up and down through topology.sh (synchronously, so exit handlers can use it). */
import { execFileSync } from 'node:child_process';
import { TOPOLOGY_SCRIPT } from './network';

function runTopology(action: 'up' | 'down'): void {
  execFileSync(TOPOLOGY_SCRIPT, [action], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NETNS_OWNER_PID: String(process.pid) },
    timeout: 60_000,
  });
}

export function bringUpTopology(): void {
  runTopology('up');
}

/** Idempotent; safe to call from an exit handler. Never throws. */
export function tearDownTopology(): void {
  try {
    runTopology('down');
  } catch (err) {
    console.error(`[netns] teardown failed: ${(err as Error).message}`);
  }
}
