/**
 * The DynamoDB stand-in is AWS's own DynamoDB Local (behind our counting wrapper): what dynalite could not
 * do works, with AWS's errors and limits, through the production SDK client. And `npm run local` on a
 * machine without Java says in one line what to install.
 */
import { spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
  UpdateTimeToLiveCommand,
  type TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { createDynamoDbServer, startDynamoDbLocal } from '@/local/dynamodb';
import { Knobs } from '@/local/knobs';
import { closeServer, listen } from '@/local/http-util';

const knobs = new Knobs();
let server: Server;
let client: DynamoDBClient;
const TABLE = 'real-ddb';

beforeAll(async () => {
  server = createDynamoDbServer(knobs, await startDynamoDbLocal());
  const port = await listen(server, 0, '127.0.0.1');
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
});

afterAll(async () => {
  client?.destroy();
  if (server) await closeServer(server);
});

describe('AWS DynamoDB Local behind the stand-in wrapper', () => {
  it('cancels a TransactWriteItems whose condition fails, with a reason per item, and writes none of it', async () => {
    const put = (id: string, extra: object = {}) => ({
      Put: { TableName: TABLE, Item: { id: { S: id }, v: { N: '1' } }, ...extra },
    });
    await client.send(new TransactWriteItemsCommand({ TransactItems: [put('tx-existing')] }));

    const error = (await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [put('tx-new'), put('tx-existing', { ConditionExpression: 'attribute_not_exists(id)' })],
        }),
      )
      .catch((e) => e)) as TransactionCanceledException;

    expect(error.name).toBe('TransactionCanceledException');
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(error.message).toMatch(/ConditionalCheckFailed/);
    // All or nothing: the first Put did not happen either.
    expect(
      (await client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'tx-new' } }, ConsistentRead: true })))
        .Item,
    ).toBeUndefined();
    expect(knobs.getCounters()['dynamodb.TransactWriteItems']).toBe(2);
  });

  it("applies AWS's own limit of 100 items per transaction", async () => {
    const items = Array.from({ length: 101 }, (_, i) => ({
      Put: { TableName: TABLE, Item: { id: { S: `limit-${i}` } } },
    }));
    const error = await client.send(new TransactWriteItemsCommand({ TransactItems: items })).catch((e) => e);
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/100/);
  });

  it('turns on time to live (UpdateTimeToLive / DescribeTimeToLive)', async () => {
    const out = await client.send(
      new UpdateTimeToLiveCommand({
        TableName: TABLE,
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      }),
    );
    expect(out.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    const described = await client.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
    expect(described.TimeToLiveDescription).toMatchObject({ AttributeName: 'ttl', TimeToLiveStatus: 'ENABLED' });
  });
});

describe('npm run local without Java', () => {
  it('says in one line what to install and starts nothing', () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: '/nonexistent',
      LOCAL_DYNAMODB_PORT: '0',
      LOCAL_COGNITO_PORT: '0',
      LOCAL_AWS_PORT: '0',
    };
    delete env.JAVA_HOME;
    const r = spawnSync(process.execPath, ['scripts/local.mjs'], {
      cwd: path.resolve(__dirname, '../..'),
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/DynamoDB Local needs Java 17\+.*apt-get install -y default-jre-headless/),
    ]);
    expect(r.stdout).not.toMatch(/Portal:/);
  });
});
