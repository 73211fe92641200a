import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { PortalConfig } from '@/lib/config';

/** A few quick attempts: throttling is retried briefly, then reported to the user as aws.throttled. */
const MAX_ATTEMPTS = 3;
const retryStrategy = () => new ConfiguredRetryStrategy(MAX_ATTEMPTS, (attempt) => 40 * 2 ** attempt);
/** Fail fast when a service is unreachable instead of hanging the user's click. */
const requestHandler = { connectionTimeout: 1_000, requestTimeout: 5_000 };
/** AssumeRole session length; the SDK refreshes 5 minutes before expiry. */
const GENERATOR_SESSION_SECONDS = 3600;
const ROLE_SESSION_NAME = 'studio-portal';

const common = () => ({ retryStrategy: retryStrategy(), requestHandler });

export function createDynamoDocumentClient(config: PortalConfig): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ ...common(), region: config.region, endpoint: config.endpoints.dynamodb });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function createStsClient(config: PortalConfig): STSClient {
  return new STSClient({ ...common(), region: config.region, endpoint: config.endpoints.sts });
}

export function createCognitoClient(config: PortalConfig): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ ...common(), region: config.region, endpoint: config.cognito.endpoint });
}

export function generatorRoleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** SageMaker client for one LOB account plus the (memoized) assumed-role credentials it signs with. */
export interface LobSageMaker {
  client: SageMakerClient;
  /** Resolves cached credentials, calling STS AssumeRole only when missing or near expiry. */
  credentials: AwsCredentialIdentityProvider;
  roleArn: string;
}

export interface SageMakerTarget {
  accountId: string;
  region: string;
  roleName: string;
}

/**
 * Hands out one SageMaker client per (account, region, role), each with its own assumed-role
 * credential cache, so a warm launch makes no STS call.
 */
export class SageMakerClientPool {
  private readonly clients = new Map<string, LobSageMaker>();

  constructor(private readonly config: PortalConfig) {}

  get(target: SageMakerTarget): LobSageMaker {
    const key = `${target.accountId}|${target.region}|${target.roleName}`;
    let entry = this.clients.get(key);
    if (!entry) {
      entry = this.create(target);
      this.clients.set(key, entry);
    }
    return entry;
  }

  private create({ accountId, region, roleName }: SageMakerTarget): LobSageMaker {
    const roleArn = generatorRoleArn(accountId, roleName);
    const assume = fromTemporaryCredentials({
      params: { RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME, DurationSeconds: GENERATOR_SESSION_SECONDS },
      clientConfig: { ...common(), region: this.config.region, endpoint: this.config.endpoints.sts },
    });
    const credentials = memoizeIdentityProvider(
      assume,
      isIdentityExpired,
      doesIdentityRequireRefresh,
    ) as unknown as (() => Promise<AwsCredentialIdentity>);
    const endpoint = this.config.endpoints.sagemaker?.replaceAll('{region}', region);
    const client = new SageMakerClient({ ...common(), region, endpoint, credentials });
    return { client, credentials, roleArn };
  }
}
