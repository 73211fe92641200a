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

/** SIGTERM to the child's process group, SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopGroup(child, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  signalGroup(child, 'SIGTERM');
  await exited;
  clearTimeout(timer);
}
