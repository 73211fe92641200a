import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { STSClient } from '@aws-sdk/client-sts';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerClient as SageMaker } from '@aws-sdk/client-sagemaker';
import { createCognitoClient, createStsClient } from '@/lib/aws/clients';
import { getConfig, type PortalConfig } from '@/lib/config';
import { getDirectory, type DocumentClient, type TableAccess } from '@/lib/directory';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { createClock } from '@/lib/clock';
import type { Notifier } from './notifications';
import { createSnsNotifier } from '@/lib/aws/sns-notifier';
import { getMetrics, type PortalMetrics } from '@/lib/metrics';
import { createAccessControlClients, type StudioAccessClients } from '@/lib/access/clients';

/**
 * Everything the admin domain functions talk to. Passed in (never created deep inside logic) so tests and
 * the bench run the same functions against the local stand-ins. The tables (`ddb`, `tables`) are only
 * handed on to the data layer (lib/directory), which alone sends DynamoDB commands.
 */
export interface AdminDeps extends TableAccess {
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  /** An STS client with the portal's own credentials: every call is a fresh AssumeRole, no cache. */
  createStsClient(region: string): STSClient;
  /** A SageMaker client for one LOB region with the given (assumed-role) credentials. */
  createSageMakerClient(region: string, credentials: AwsCredentialIdentity): SageMakerClient;
  /** Operational metrics (admin changes, health checks); absent in tests that don't read them. */
  metrics?: PortalMetrics;
  /** Seconds audit items live (contracts: 400 days). */
  auditTtlSeconds?: number;
  now?: () => Date;
  /** Where request and expiry notifications go (lib/admin/notifications.ts); unset: none. */
  notify?: Notifier;
  /** Access-control sessions in the LOB accounts (lib/access): decisions end Studio access with them; unset: they don't. */
  studio?: StudioAccessClients;
}

export function nowOf(deps: AdminDeps): Date {
  return deps.now ? deps.now() : new Date();
}

/** Admin dependencies from the portal configuration (shares the directory's DynamoDB client). */
export function createAdminDeps(config: PortalConfig, ddb: DocumentClient): AdminDeps {
  const cognito = createCognitoClient(config);
  return {
    ddb,
    cognito,
    userPoolId: config.cognito.userPoolId,
    tables: config.tables,
    now: createClock(config),
    notify: createSnsNotifier(config),
    metrics: getMetrics(),
    studio: createAccessControlClients(config),
    createStsClient: () => createStsClient(config),
    createSageMakerClient: (region, credentials) =>
      new SageMaker({
        region,
        endpoint: config.endpoints.sagemaker?.replaceAll('{region}', region),
        credentials,
        maxAttempts: 1,
      }),
  };
}

let deps: AdminDeps | undefined;

/** The process-wide admin dependencies. */
export function getAdminDeps(): AdminDeps {
  deps ??= createAdminDeps(getConfig(), getDirectory().doc);
  return deps;
}

/** Admin LOB writes must reach launches in this process now, not after the LOB cache expires. */
export function invalidateLobCache(): void {
  getDirectory().lobs.invalidate();
}
