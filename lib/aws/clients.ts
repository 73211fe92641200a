import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { PortalConfig } from '@/lib/config';
import { GeneratorSessions, sessionCredentials } from './generator-sessions';

/** A few quick attempts: throttling is retried briefly, then reported to the user as aws.throttled. */
const MAX_ATTEMPTS = 3;
const retryStrategy = () => new ConfiguredRetryStrategy(MAX_ATTEMPTS, (attempt) => 40 * 2 ** attempt);
/** Fail fast when a service is unreachable instead of hanging the user's click. */
const requestHandler = { connectionTimeout: 1_000, requestTimeout: 5_000 };

const common = () => ({ retryStrategy: retryStrategy(), requestHandler });

export function createDynamoDocumentClient(config: PortalConfig): DynamoDBDocumentClient {
  return createDocumentClient({ region: config.region, endpoint: config.endpoints.dynamodb });
}

/** The document client the data layer (lib/directory) works with, for one region and optional endpoint. */
export function createDocumentClient(options: {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity;
}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ ...common(), ...options });
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

export { generatorRoleArn } from './generator-sessions';

/**
 * One SageMaker client per region for every LOB account and user: each call is signed with the
 * generator session bound by withGeneratorSession (per account and user, lib/aws/generator-sessions.ts).
 */
export class SageMakerClientPool {
  private readonly clients = new Map<string, SageMakerClient>();

  constructor(private readonly config: PortalConfig) {}

  get(region: string): SageMakerClient {
    let client = this.clients.get(region);
    if (!client) {
      const endpoint = this.config.endpoints.sagemaker?.replaceAll('{region}', region);
      client = new SageMakerClient({ ...common(), region, endpoint, credentials: sessionCredentials() });
      this.clients.set(region, client);
    }
    return client;
  }
}

/** The portal's generator-session cache, bounded by GENERATOR_SESSION_CACHE_SIZE. */
export function createGeneratorSessions(config: PortalConfig): GeneratorSessions {
  return new GeneratorSessions({ sts: createStsClient(config), maxSessions: config.generatorSessionCacheSize });
}
