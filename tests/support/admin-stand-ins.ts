/**
 * lib/admin against the stand-ins running in this process (DynamoDB Local, Cognito, STS, SageMaker, on free
 * loopback ports), through the production SDK clients the portal builds from its own configuration.
 * Used by the suites that call lib/admin directly (tests/admin, tests/requests, tests/reviews).
 */
import { afterAll, beforeAll } from 'vitest';
import type { RunningStandIns } from '@/local/stand-ins';
import type { PortalConfig } from '@/lib/config';
import { inProcessPortalConfig } from '@/local/in-process-portal';
import { createDynamoDocumentClient } from '@/lib/aws/clients';
import { createAdminDeps, type AdminDeps } from '@/lib/admin/deps';
import { control } from './local-stack';
import type { Control } from './portal-stack';
import { startLocalStack } from '../local/helpers';

export interface AdminStandIns {
  standIns: RunningStandIns;
  config: PortalConfig;
  /** lib/admin's dependencies as the portal builds them (DynamoDB document client, tables, SNS notifier). */
  deps: AdminDeps;
  /** The stand-ins' control API (faults, counters, Studio domains). */
  ctl: Control;
}

export interface AdminStandInsOptions {
  /** false: `deps` publish no SNS notifications (the suite does not look at them). Default true. */
  notify?: boolean;
}

export async function startAdminStandIns(options: AdminStandInsOptions = {}): Promise<AdminStandIns> {
  const standIns = await startLocalStack();
  const config = inProcessPortalConfig(standIns);
  const deps = createAdminDeps(config, createDynamoDocumentClient(config));
  return {
    standIns,
    config,
    deps: options.notify === false ? { ...deps, notify: undefined } : deps,
    ctl: control(standIns.urls.control),
  };
}

/**
 * Starts the stand-ins before the file's tests (a `beforeAll` registered where this is called, so hooks
 * registered later see them) and stops them after. `onStarted` receives them once they run, to keep `deps`
 * and the rest in the file's own variables.
 */
export function useAdminStandIns(onStarted: (started: AdminStandIns) => void, options: AdminStandInsOptions = {}) {
  let started: AdminStandIns | undefined;
  beforeAll(async () => {
    started = await startAdminStandIns(options);
    onStarted(started);
  }, 120_000);
  afterAll(async () => {
    await started?.standIns.stop();
  });
}
