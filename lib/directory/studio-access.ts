/**
 * What the portal remembers about access it ended in Studio (lib/access): one item per user and LOB in the
 * Usage table, `pk = studio-access#<username>`, `sk = <lob>`, written when the portal disabled the user's
 * profile there (StudioWebPortal DISABLED) or could not stop an app (`pendingStop`), and beside them the
 * user's summary item (`sk = #lobs`, string set `lobs`), written in the same transaction. The summary is
 * how the launch knows, with one GetItem alongside the Users-row read and without a SageMaker call, that
 * the profile must be enabled again first; a grant removes both.
 * Also the sweep's read of recent launches (the Audit table's byLob index), the profiles that may hold a
 * live Studio session.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { send } from './send';
import type { TableAccessTo } from './access';
import { AUDIT_TABLE, indexOf } from './schema';
import { batchGetAll, transactWrite } from './writes';

export interface EndedAccess {
  username: string;
  lob: string;
  /** When the profile was disabled (or the stop was first tried). */
  at: string;
  by: string;
  reason: string;
  /** The profile is disabled in SageMaker (false: disabling failed, or the user has no profile). */
  profileDisabled: boolean;
  /** Apps whose DeleteApp failed: the access sweep stops them on its next run. */
  pendingStop?: string[];
}

type UsageAccess = TableAccessTo<'usage'>;
const keyOf = (username: string, lob: string) => ({ pk: `studio-access#${username}`, sk: lob });
/** The user's summary item: the LOBs with a record (never a LOB name: those start with a letter or digit). */
const SUMMARY = '#lobs';

function reshape(item: Record<string, unknown>): EndedAccess {
  return {
    username: String(item.pk).slice('studio-access#'.length),
    lob: String(item.sk),
    at: String(item.at ?? ''),
    by: String(item.by ?? ''),
    reason: String(item.reason ?? ''),
    profileDisabled: item.profileDisabled === true,
    ...(Array.isArray(item.pendingStop) && item.pendingStop.length
      ? { pendingStop: item.pendingStop.map(String) }
      : {}),
  };
}

/** Stores (replaces) the record of ended access for one user in one LOB, and names the LOB in the user's summary. */
export async function saveEndedAccess(access: UsageAccess, ended: EndedAccess): Promise<void> {
  const item = {
    ...keyOf(ended.username, ended.lob),
    at: ended.at,
    by: ended.by,
    reason: ended.reason,
    profileDisabled: ended.profileDisabled,
    ...(ended.pendingStop?.length ? { pendingStop: ended.pendingStop } : {}),
  };
  await transactWrite(access.ddb, [
    { Put: { TableName: access.tables.usage, Item: item } },
    {
      Update: {
        TableName: access.tables.usage,
        Key: keyOf(ended.username, SUMMARY),
        UpdateExpression: 'ADD lobs :lob',
        ExpressionAttributeValues: { ':lob': new Set([ended.lob]) },
      },
    },
  ]);
}

/** Forgets it (the profile was enabled again). */
export async function clearEndedAccess(access: UsageAccess, username: string, lob: string): Promise<void> {
  await transactWrite(access.ddb, [
    { Delete: { TableName: access.tables.usage, Key: keyOf(username, lob) } },
    {
      Update: {
        TableName: access.tables.usage,
        Key: keyOf(username, SUMMARY),
        UpdateExpression: 'DELETE lobs :lob',
        ExpressionAttributeValues: { ':lob': new Set([lob]) },
      },
    },
  ]);
}

/** The LOBs where the user's access was ended and not restored (one GetItem of the summary; usually none). */
export async function endedLobsOf(access: UsageAccess, username: string): Promise<string[]> {
  return send('studio_access.get', async () => {
    const out = await access.ddb.send(
      new GetCommand({ TableName: access.tables.usage, Key: keyOf(username, SUMMARY), ProjectionExpression: 'lobs' }),
    );
    const lobs = out.Item?.lobs as Set<string> | undefined;
    return lobs ? [...lobs].sort() : [];
  });
}

/** Every record of the user (one Query; the admin's view and tests). */
export async function endedAccessOf(access: UsageAccess, username: string): Promise<EndedAccess[]> {
  return send('studio_access.query', async () => {
    const out = await access.ddb.send(
      new QueryCommand({
        TableName: access.tables.usage,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keyOf(username, '').pk },
      }),
    );
    return (out.Items ?? []).filter((item) => item.sk !== SUMMARY).map(reshape);
  });
}

/** The records of these users in one LOB (BatchGetItem; those without one are missing). */
export async function endedAccessIn(
  access: UsageAccess,
  lob: string,
  usernames: readonly string[],
): Promise<Map<string, EndedAccess>> {
  if (!usernames.length) return new Map();
  const items = await batchGetAll(
    access.ddb,
    access.tables.usage,
    usernames.map((u) => keyOf(u, lob)),
  );
  return new Map(items.map((item) => reshape(item)).map((e) => [e.username, e]));
}

/**
 * Users with a successful launch in `lob` since `since` (ISO): their Studio sessions may still be live. One
 * Query of the Audit table's byLob index (its range key starts with the time), filtered to launches.
 */
export async function recentLaunchers(
  access: TableAccessTo<'audit'>,
  lob: string,
  since: string,
): Promise<Set<string>> {
  const users = new Set<string>();
  const query = {
    TableName: access.tables.audit,
    IndexName: indexOf(AUDIT_TABLE, 'byLob').name,
    KeyConditionExpression: '#lob = :lob AND sk >= :since',
    FilterExpression: '#type = :launch AND outcome = :success',
    ProjectionExpression: '#user',
    ExpressionAttributeNames: { '#lob': 'lob', '#type': 'type', '#user': 'user' },
    ExpressionAttributeValues: { ':lob': lob, ':since': since, ':launch': 'launch', ':success': 'success' },
  };
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await send('audit.query', () =>
      access.ddb.send(new QueryCommand({ ...query, ExclusiveStartKey: startKey })),
    );
    for (const item of out.Items ?? []) users.add(String(item.user));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return users;
}
