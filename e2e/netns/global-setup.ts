/**
 * Playwright global setup for the simulated corporate network: topology up, servers up in the shared
 * namespace, their URLs handed to the tests through NETNS_E2E_STATE. Teardown (returned here, also in
 * global-teardown.ts, and on exit/signals) is idempotent.
 */
import type { FullConfig } from '@playwright/test';
import { isRoot, NEEDS_ROOT_MESSAGE } from './network';
import { bringUpTopology, tearDownTopology } from './topology';
import { startNetnsStack, STATE_ENV, type NetnsStack } from './stack';

let stack: NetnsStack | undefined;
let tornDown = false;

async function tearDown(): Promise<void> {
  if (tornDown) return;
  tornDown = true;
  await stack?.stop().catch((err: Error) => console.error(`[netns] stopping servers: ${err.message}`));
  tearDownTopology();
}

function tearDownSync(): void {
  if (tornDown) return;
  tornDown = true;
  // topology.sh down also kills whatever still runs in the namespaces (our servers, our browsers).
  tearDownTopology();
}

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  if (!isRoot()) {
    if (process.env.CI) throw new Error(`${NEEDS_ROOT_MESSAGE} (CI=true: these tests must run, not skip)`);
    // The specs skip themselves (fixtures.ts requireRoot); say why once, up front.
    console.warn(`[netns] skipping: ${NEEDS_ROOT_MESSAGE}`);
    return async () => {};
  }

  // A crash or a kill must not leave namespaces and the blackhole route behind.
  process.once('exit', tearDownSync);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      tearDownSync();
      process.exit(128 + (signal === 'SIGTERM' ? 15 : 1));
    });
  }

  const started = Date.now();
  try {
    bringUpTopology();
    stack = await startNetnsStack();
  } catch (err) {
    await tearDown();
    throw err;
  }
  process.env[STATE_ENV] = JSON.stringify(stack.state);
  console.log(`[netns] topology and servers up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return tearDown;
}
