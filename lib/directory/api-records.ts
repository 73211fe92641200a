/**
 * The /api/v1 items of the Usage table (a pk/sk table with TTL that already holds more than counters, e.g.
 * `pk = health`): machine-client registrations (`pk = api-client`, `sk = <Cognito client id>`) and
 * Idempotency-Key records (`pk = idem#<caller>`, `sk = <key>`, `ttl` one day ahead). Reads reshape and
 * validate at this border; the rules (who registers, what a replay answers) are in lib/admin/api-clients.ts
 * and lib/api/idempotency.ts.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { claimPut, send, sendAllPages } from './send';
import type { TableAccessTo } from './access';
import { DirectoryItemError, issuesOf } from './items';

type Access = TableAccessTo<'usage'>;

/** A machine client the portal knows: its Cognito app client, what it may do and on which LOBs. */
export interface ApiClientRecord {
  clientId: string;
  name: string;
  /** Full scope names (`studio-portal/members.write`). */
  scopes: string[];
  /** The LOBs it may act on; `allLobs`: every LOB, present and future, with a platform admin's reach. */
  lobs: string[];
  allLobs: boolean;
  createdBy: string;
  createdAt: string;
}

const CLIENT_PK = 'api-client';

const clientItemSchema = z.object({
  sk: z.string().min(1),
  name: z.string().min(1),
  scopes: z.array(z.string()),
  lobs: z.array(z.string()),
  allLobs: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
});

function reshapeClient(item: Record<string, unknown>): ApiClientRecord {
  const parsed = clientItemSchema.safeParse(item);
  if (!parsed.success) throw new DirectoryItemError('Usage', `${CLIENT_PK}/${String(item.sk)}`, issuesOf(parsed.error));
  const { sk, ...rest } = parsed.data;
  return { clientId: sk, ...rest };
}

export async function putApiClient(access: Access, record: ApiClientRecord): Promise<void> {
  const { clientId, ...rest } = record;
  return send('api_clients.put', async () => {
    await access.ddb.send(
      new PutCommand({
        TableName: access.tables.usage,
        Item: { pk: CLIENT_PK, sk: clientId, ...rest },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  });
}

export async function getApiClient(access: Access, clientId: string): Promise<ApiClientRecord | null> {
  return send('api_clients.get', async () => {
    const out = await access.ddb.send(
      new GetCommand({ TableName: access.tables.usage, Key: { pk: CLIENT_PK, sk: clientId } }),
    );
    return out.Item ? reshapeClient(out.Item) : null;
  });
}

/** Every registered client, by client id (a few dozen at most: one query, paged through). */
export async function listApiClients(access: Access): Promise<ApiClientRecord[]> {
  return sendAllPages(
    'api_clients.list',
    (startKey) =>
      access.ddb.send(
        new QueryCommand({
          TableName: access.tables.usage,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': CLIENT_PK },
          ExclusiveStartKey: startKey,
        }),
      ),
    reshapeClient,
  );
}

export async function deleteApiClient(access: Access, clientId: string): Promise<void> {
  return send('api_clients.delete', async () => {
    await access.ddb.send(new DeleteCommand({ TableName: access.tables.usage, Key: { pk: CLIENT_PK, sk: clientId } }));
  });
}

/** An Idempotency-Key record: `pending` while the first request runs, then its stored answer. */
export interface IdempotencyRecord {
  fingerprint: string;
  state: 'pending' | 'done';
  status?: number;
  body?: string;
  /** The answer's headers worth replaying (Content-Type, ETag, Location), as JSON. */
  headers?: string;
}

const idemKey = (caller: string, key: string) => ({ pk: `idem#${caller}`, sk: key });

/** Claims `key` for `caller` (conditional put): true when this request is the first, false when a record exists. */
export async function claimIdempotencyKey(
  access: Access,
  caller: string,
  key: string,
  fingerprint: string,
  ttl: number,
): Promise<boolean> {
  const put = new PutCommand({
    TableName: access.tables.usage,
    Item: { ...idemKey(caller, key), fingerprint, state: 'pending', ttl },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  return claimPut('idempotency.claim', access.ddb, put);
}

export async function getIdempotencyRecord(
  access: Access,
  caller: string,
  key: string,
): Promise<IdempotencyRecord | null> {
  return send('idempotency.get', async () => {
    const out = await access.ddb.send(
      new GetCommand({ TableName: access.tables.usage, Key: idemKey(caller, key), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item) return null;
    return {
      fingerprint: String(item.fingerprint ?? ''),
      state: item.state === 'done' ? 'done' : 'pending',
      status: typeof item.status === 'number' ? item.status : undefined,
      body: typeof item.body === 'string' ? item.body : undefined,
      headers: typeof item.headers === 'string' ? item.headers : undefined,
    };
  });
}

/** Stores the first request's answer for the replays. */
export async function completeIdempotencyKey(
  access: Access,
  caller: string,
  key: string,
  answer: { status: number; body: string; headers: string },
): Promise<void> {
  return send('idempotency.complete', async () => {
    await access.ddb.send(
      new UpdateCommand({
        TableName: access.tables.usage,
        Key: idemKey(caller, key),
        UpdateExpression: 'SET #s = :done, #st = :status, #b = :body, #h = :headers',
        ExpressionAttributeNames: { '#s': 'state', '#st': 'status', '#b': 'body', '#h': 'headers' },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':status': answer.status,
          ':body': answer.body,
          ':headers': answer.headers,
        },
      }),
    );
  });
}

/** Releases a claim whose request failed, so a retry runs again. */
export async function releaseIdempotencyKey(access: Access, caller: string, key: string): Promise<void> {
  return send('idempotency.release', async () => {
    await access.ddb.send(new DeleteCommand({ TableName: access.tables.usage, Key: idemKey(caller, key) }));
  });
}
