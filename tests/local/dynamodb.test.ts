import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from './helpers';
import type { RunningStandIns } from '../../local/stand-ins';
import { DEMO_LOBS, TABLES } from '../../local/demo-data';

let stack: RunningStandIns;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  stack = await startLocalStack();
  client = new DynamoDBClient({
    endpoint: stack.urls.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAPORTALLOCAL00001', secretAccessKey: 'portal-local-secret-key' },
    maxAttempts: 1,
  });
  doc = DynamoDBDocumentClient.from(client);
});
afterAll(async () => {
  client?.destroy();
  await stack?.stop();
});

describe('DynamoDB stand-in', () => {
  it('creates the Users, LOBs, Audit, Requests, Reviews and Usage tables with their indexes', async () => {
    const tables = await client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual([
      TABLES.audit,
      TABLES.lobs,
      TABLES.requests,
      TABLES.reviews,
      TABLES.usage,
      TABLES.users,
    ]);
    const requests = await client.send(new DescribeTableCommand({ TableName: TABLES.requests }));
    expect(requests.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
      'byRequester',
      'lapsesDue',
      'pendingByLob',
    ]);
    const users = await client.send(new DescribeTableCommand({ TableName: TABLES.users }));
    expect(users.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byUsername']);
    const audit = await client.send(new DescribeTableCommand({ TableName: TABLES.audit }));
    expect(audit.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byLob', 'byUser']);
  });

  it('holds the demo LOB rows and user mappings', async () => {
    const lob = await doc.send(new GetCommand({ TableName: TABLES.lobs, Key: { lob: 'lob-b' } }));
    expect(lob.Item).toMatchObject({ ...DEMO_LOBS[1], updatedBy: 'demo-data' });
    const multi = await doc.send(new GetCommand({ TableName: TABLES.users, Key: { username: 'user-multi' } }));
    expect(multi.Item).toMatchObject({ username: 'user-multi', lobs: ['lob-a', 'lob-b'], version: 1, kind: 'user' });
    const none = await doc.send(new GetCommand({ TableName: TABLES.users, Key: { username: 'user-no-lob' } }));
    expect(none.Item).toBeUndefined();
    const prefix = await doc.send(
      new QueryCommand({
        TableName: TABLES.users,
        IndexName: 'byUsername',
        KeyConditionExpression: 'kind = :k and begins_with(username, :p)',
        ExpressionAttributeValues: { ':k': 'user', ':p': 'user-' },
      }),
    );
    expect(prefix.Items?.map((i) => i.username)).toEqual([
      'user-expiring',
      'user-lob-a',
      'user-lob-b',
      'user-multi',
      'user-no-profile',
    ]);
  });

  it('counts operations, injects faults and latency', async () => {
    stack.knobs.resetCounters();
    await doc.send(
      new PutCommand({
        TableName: TABLES.audit,
        Item: { pk: 'audit', sk: `${new Date().toISOString()}#t1`, type: 'launch', user: 'u', lob: 'lob-a' },
      }),
    );
    await doc.send(new GetCommand({ TableName: TABLES.users, Key: { username: 'user-lob-a' } }));
    stack.knobs.addFault({
      service: 'dynamodb',
      operation: 'GetItem',
      error: 'ProvisionedThroughputExceededException',
      count: 1,
    });
    const error = await doc
      .send(new GetCommand({ TableName: TABLES.users, Key: { username: 'user-lob-a' } }))
      .catch((e: Error) => e);
    expect((error as Error).name).toBe('ProvisionedThroughputExceededException');
    stack.knobs.setLatency({ dynamodb: 100 });
    const started = Date.now();
    await doc.send(new GetCommand({ TableName: TABLES.users, Key: { username: 'user-lob-a' } }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    stack.knobs.setLatency({ dynamodb: 0 });
    expect(stack.knobs.getCounters()).toMatchObject({ 'dynamodb.PutItem': 1, 'dynamodb.GetItem': 3 });
  });
});
