// Stopping the children that local/stack.ts and `npm run local` (scripts/local.mjs) spawn. Each child is
// spawned detached, in its own process group, so a signal to the group reaches its own children as well.
// Plain Node ESM with no dependencies (scripts/local.mjs runs before `npm ci`).

/** Sends `signal` to the child's process group (to the child alone if that fails); nothing once it has exited. */
export function signalGroup(child, signal) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** True while any process of the group led by `pid` is alive (signal 0 probes without signalling). */
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return error?.code === 'EPERM';
  }
}

/**
 * SIGTERM to the child's process group, SIGKILL to the group after `graceMs`; resolves once the child and every
 * other process of its group have exited (a grandchild such as DynamoDB Local's JVM may outlive the group
 * leader by a moment: "Ctrl-C leaves nothing running" means the whole group).
 */
export async function stopGroup(child, graceMs) {
  const pid = child.pid;
  if (pid === undefined) return;
  const leaderRunning = child.exitCode === null && child.signalCode === null;
  if (!leaderRunning && !groupAlive(pid)) return;
  const exited = leaderRunning ? new Promise((resolve) => child.once('exit', () => resolve())) : Promise.resolve();
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is gone
    }
  }, graceMs);
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    signalGroup(child, 'SIGTERM');
  }
  await exited;
  // Polls the kernel for the group's last member (bounded: the SIGKILL above ends it after graceMs).
  while (groupAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 25));
  clearTimeout(timer);
}
