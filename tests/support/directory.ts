/** The portal's tables read and changed through the production SDK against the DynamoDB stand-in. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { subForUsername } from '../../local/cognito/user-store';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

export function directoryClient(env: Record<string, string>) {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: env.AWS_REGION,
      endpoint: env.DYNAMODB_ENDPOINT,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    }),
  );
  const tables = { users: env.TABLE_USERS, lobs: env.TABLE_LOBS, audit: env.TABLE_AUDIT };
  /** A query of the items under one key of a table's secondary index. */
  const indexKey = (table: string, index: string, key: string, value: string) => ({
    TableName: table,
    IndexName: index,
    KeyConditionExpression: '#k = :v',
    ExpressionAttributeNames: { '#k': key },
    ExpressionAttributeValues: { ':v': value },
  });
  return {
    doc,
    /** Sets attributes on a LOB row (e.g. { enabled: false }). */
    async updateLob(lob: string, attrs: Record<string, unknown>) {
      const names = Object.keys(attrs);
      await doc.send(
        new UpdateCommand({
          TableName: tables.lobs,
          Key: { lob },
          UpdateExpression: 'SET ' + names.map((_, i) => `#k${i} = :v${i}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#k${i}`, n])),
          ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, attrs[n]])),
        }),
      );
    },
    /** A row bound (issue 23) to the stand-in pool's `sub` of the user's first account (`sub` given: to that one). */
    async putUser(username: string, lobs: string[], sub = subForUsername(username)) {
      const now = new Date().toISOString();
      await doc.send(
        new PutCommand({
          TableName: tables.users,
          Item: { username, sub, lobs, kind: 'user', version: 1, createdAt: now, updatedAt: now, updatedBy: 'test' },
        }),
      );
    },
    async deleteUser(username: string) {
      await doc.send(new DeleteCommand({ TableName: tables.users, Key: { username } }));
    },
    /** Audit records of one request (by request id), newest first. */
    async auditFor(requestId: string): Promise<Record<string, unknown>[]> {
      const out = await doc.send(
        new QueryCommand({
          TableName: tables.audit,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'audit' },
          ScanIndexForward: false,
        }),
      );
      return (out.Items ?? []).filter((i) => i.requestId === requestId);
    },
    /** One item of any of the portal's tables (a consistent read); undefined when there is none. */
    async getItem(table: string, key: Record<string, unknown>) {
      return (await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
    },
    /**
     * Items under one key of a table's index (e.g. TABLE_AUDIT, 'byUser', 'user', 'owner-lob-a'), read from the
     * table itself, not through the portal; `newest-first` for indexes sorted by time.
     */
    async queryIndex(table: string, index: string, key: string, value: string, order: Order = 'oldest-first') {
      const query = { ...indexKey(table, index, key, value), ScanIndexForward: order === 'oldest-first' };
      return (await doc.send(new QueryCommand(query))).Items ?? [];
    },
    /** How many items one key of a table's index holds (Select COUNT). */
    async countIndex(table: string, index: string, key: string, value: string): Promise<number> {
      return (await doc.send(new QueryCommand({ ...indexKey(table, index, key, value), Select: 'COUNT' }))).Count ?? 0;
    },
  };
}

type Order = 'oldest-first' | 'newest-first';

/** Polls until `probe` returns a value (audit writes run after the response is sent). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
