/**
 * lib/admin against the stand-ins running in this process (DynamoDB Local, Cognito, STS, SageMaker, on free
 * loopback ports), through the production SDK clients the portal builds from its own configuration.
 * Used by the suites that call lib/admin directly (tests/admin, tests/requests, tests/reviews).
 */
import { afterAll, beforeAll } from 'vitest';
import type { RunningStandIns } from '@/local/stand-ins';
import { parseConfig, type PortalConfig } from '@/lib/config';
import { createDynamoDocumentClient } from '@/lib/aws/clients';
import { createAdminDeps, type AdminDeps } from '@/lib/admin/deps';
import { control } from './local-stack';
import type { Control } from './portal-stack';
import { startLocalStack } from '../local/helpers';

/**
 * The portal's configuration against running stand-ins. The portal's AWS credentials (the portal principal's
 * keys) go where the default provider chain reads them, as in production.
 */
export function portalConfigFor(standIns: RunningStandIns, env: Record<string, string> = {}): PortalConfig {
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED'])
    process.env[key] = standIns.portalEnv[key];
  return parseConfig({
    ...standIns.portalEnv,
    NEXTAUTH_URL: 'http://localhost:3000',
    NEXTAUTH_SECRET: 'x'.repeat(32),
    ...env,
  });
}

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
  const config = portalConfigFor(standIns);
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
