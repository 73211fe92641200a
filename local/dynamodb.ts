/**
 * DynamoDB stand-in: dynalite (in memory) behind our own HTTP server, so that requests are counted
 * per X-Amz-Target operation and latency / faults can be injected like for the other stand-ins.
 */
import { createServer, type Server } from 'node:http';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Knobs } from './knobs';
import { sendAwsJsonError, statusForFault } from './http-util';
import { DEMO_LOBS, DEMO_USERS } from './demo-data';

export interface TableNames {
  users: string;
  lobs: string;
  audit: string;
}

/** A server that answers the DynamoDB JSON 1.0 API from an in-memory dynalite store. */
export function createDynamoDbServer(knobs: Knobs): Server {
  const inner = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const handle = inner.listeners('request')[0] as (req: unknown, res: unknown) => void;
  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.includes('.') ? target.slice(target.indexOf('.') + 1) : 'unknown';
    knobs.count('dynamodb', operation);
    const fault = knobs.takeFault('dynamodb', operation);
    void knobs.delay('dynamodb').then(() => {
      if (fault) {
        // DynamoDB's JSON 1.0 errors carry a namespaced __type; the SDK keeps the part after '#'.
        req.resume();
        sendAwsJsonError(
          res,
          statusForFault(fault),
          `com.amazonaws.dynamodb.v20120810#${fault}`,
          `Injected fault: ${fault}`,
          'application/x-amz-json-1.0',
        );
        return;
      }
      handle(req, res);
    });
  });
  const close = server.close.bind(server);
  // Close dynalite's store with the outer server.
  server.close = ((cb?: (err?: Error) => void) => {
    close((err) => {
      inner.close(() => cb?.(err));
    });
    return server;
  }) as Server['close'];
  return server;
}

export function tableDefinitions(tables: TableNames): CreateTableCommandInput[] {
  return [
    {
      TableName: tables.users,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'username', AttributeType: 'S' },
        { AttributeName: 'kind', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'username', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byUsername',
          KeySchema: [
            { AttributeName: 'kind', KeyType: 'HASH' },
            { AttributeName: 'username', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
    {
      TableName: tables.lobs,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'lob', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'lob', KeyType: 'HASH' }],
    },
    {
      TableName: tables.audit,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'user', AttributeType: 'S' },
        { AttributeName: 'lob', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byUser',
          KeySchema: [
            { AttributeName: 'user', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'byLob',
          KeySchema: [
            { AttributeName: 'lob', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  ];
}

/** Creates the tables and writes the demo LOB and Users rows through the real SDK client. */
export async function seedDynamoDb(endpoint: string, tables: TableNames, region: string, demoRows = true): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' },
  });
  const doc = DynamoDBDocumentClient.from(client);
  try {
    for (const definition of tableDefinitions(tables)) {
      await client.send(new CreateTableCommand(definition));
    }
    if (!demoRows) return;
    const now = new Date().toISOString();
    for (const lob of DEMO_LOBS) {
      await doc.send(new PutCommand({ TableName: tables.lobs, Item: { ...lob, updatedAt: now, updatedBy: 'demo-data' } }));
    }
    for (const user of DEMO_USERS.filter((u) => u.lobs.length > 0)) {
      await doc.send(
        new PutCommand({
          TableName: tables.users,
          Item: {
            username: user.username,
            lobs: user.lobs,
            kind: 'user',
            version: 1,
            createdAt: now,
            updatedAt: now,
            updatedBy: 'demo-data',
          },
        }),
      );
    }
  } finally {
    client.destroy();
  }
}
