/**
 * lib/admin against AWS's DynamoDB Local (behind local/dynamodb.ts, the test's own tables seeded with the demo
 * data) and a Cognito stand-in (the demo pool, no users unless the test adds them), both in this process on free
 * loopback ports, through the production SDK clients. No STS or SageMaker: their clients point at a closed
 * port (suites that need them use admin-stand-ins.ts).
 */
import { afterAll, beforeAll } from 'vitest';
import type { Server } from 'node:http';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { STSClient } from '@aws-sdk/client-sts';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createDynamoDbServer, seedDynamoDb, startDynamoDbLocal } from '@/local/dynamodb';
import { Knobs } from '@/local/knobs';
import { closeServer, listen } from '@/local/http-util';
import { DEMO_APP_CLIENTS, DEMO_REGION, PORTAL_PRINCIPAL, USER_POOL_ID } from '@/local/demo-data';
import { createCognitoServer, type CognitoStandIn } from '@/local/cognito/server';
import type { AdminDeps } from '@/lib/admin/deps';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
/** A closed port: STS and SageMaker calls fail at once. */
const nowhere = 'http://127.0.0.1:9';

export interface DirectoryStandIns {
  /** The Cognito stand-in (add users with `cognito.users.create`). */
  cognito: CognitoStandIn;
  /** A client of DynamoDB Local, e.g. `{ maxAttempts: 1 }` so no SDK retry hides a failure. */
  dynamoClient(config?: Omit<DynamoDBClientConfig, 'endpoint' | 'region' | 'credentials'>): DynamoDBClient;
  /** lib/admin's dependencies over `client` (default: a fresh `dynamoClient()`). */
  adminDeps(client?: DynamoDBClient): AdminDeps;
  stop(): Promise<void>;
}

/** `knobs`: the DynamoDB stand-in's faults and counters, when the test sets or reads them. */
export async function startDirectoryStandIns(
  tables: AdminDeps['tables'],
  knobs = new Knobs(),
): Promise<DirectoryStandIns> {
  const cognito = await createCognitoServer(new Knobs(), {
    userPoolId: USER_POOL_ID,
    clients: DEMO_APP_CLIENTS,
    adminKeys: [PORTAL_PRINCIPAL],
    publicHost: '127.0.0.1',
  });
  let server: Server | undefined;
  try {
    const cognitoUrl = (await cognito.listen(0, '127.0.0.1')).url;
    server = createDynamoDbServer(knobs, await startDynamoDbLocal());
    const endpoint = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    await seedDynamoDb(endpoint, tables, DEMO_REGION);
    const dynamoClient: DirectoryStandIns['dynamoClient'] = (config = {}) =>
      new DynamoDBClient({ ...config, endpoint, region: DEMO_REGION, credentials });
    const dynamo = server;
    return {
      cognito,
      dynamoClient,
      adminDeps: (client = dynamoClient()) => ({
        ddb: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
        cognito: new CognitoIdentityProviderClient({
          endpoint: cognitoUrl,
          region: DEMO_REGION,
          credentials: PORTAL_PRINCIPAL,
        }),
        userPoolId: USER_POOL_ID,
        tables,
        createStsClient: () => new STSClient({ endpoint: nowhere, region: DEMO_REGION, credentials }),
        createSageMakerClient: (region, creds) =>
          new SageMakerClient({ endpoint: nowhere, region, credentials: creds }),
      }),
      stop: async () => {
        await closeServer(dynamo);
        await closeServer(cognito.server);
      },
    };
  } catch (error) {
    if (server) await closeServer(server).catch(() => undefined);
    await closeServer(cognito.server).catch(() => undefined);
    throw error;
  }
}

/**
 * Starts them before the file's tests and stops them after; `onStarted` receives them once they run (to keep
 * them, or deps built on them, in the file's own variables).
 */
export function useDirectoryStandIns(
  tables: AdminDeps['tables'],
  onStarted: (started: DirectoryStandIns) => void,
  knobs?: Knobs,
) {
  let started: DirectoryStandIns | undefined;
  beforeAll(async () => {
    started = await startDirectoryStandIns(tables, knobs);
    onStarted(started);
  });
  afterAll(async () => {
    await started?.stop();
  });
}
