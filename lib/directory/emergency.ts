/**
 * Emergency (break-glass) grants (lib/access/emergency.ts), kept in the Reviews table beside the reviews
 * they are a follow-up review of, one partition per LOB (`pk` = `emergency#<lob>`, so the /admin banner
 * reads a LOB's grants with one Query and no index):
 * - the grant: `sk` = `grant#<takenAt>#<user>` with the reason, the fixed end (`until`), and the follow-up
 *   `status` (`open` until an owner decides, then `confirmed` or `rejected`, with who and when);
 * - the guard: `sk` = `active#<user>` with `until` and the grant's `sk`, written in the same transaction as
 *   the grant on condition that there is none or it has ended, so two takes at once make one grant and a
 *   second take while one lasts is refused (it extends nothing).
 * Items expire with the audit log (`ttl`).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableAccessTo } from './access';
import { AUDIT_RETENTION_SECONDS, AUDIT_TABLE, indexOf } from './schema';
import { send, sendAllPages } from './send';
import type { DirectoryWrite } from './writes';

type Access = TableAccessTo<'reviews'>;
type Item = Record<string, unknown>;

export type EmergencyStatus = 'open' | 'confirmed' | 'rejected';

export interface EmergencyGrant {
  /** The grant's sort key (`grant#<takenAt>#<user>`): its id within the LOB. */
  id: string;
  lob: string;
  user: string;
  reason: string;
  takenAt: string;
  /** The fixed end of the access (takenAt + the LOB's emergency hours). */
  until: string;
  status: EmergencyStatus;
  decidedBy?: string;
  decidedAt?: string;
}

const partition = (lob: string) => `emergency#${lob}`;
const guardKey = (lob: string, user: string) => ({ pk: partition(lob), sk: `active#${user}` });
export const emergencyGrantId = (takenAt: string, user: string) => `grant#${takenAt}#${user}`;
const ttlOf = (at: string) => Math.floor(Date.parse(at) / 1000) + AUDIT_RETENTION_SECONDS;

function reshape(item: Item): EmergencyGrant {
  const status = item.status === 'confirmed' || item.status === 'rejected' ? item.status : 'open';
  return {
    id: String(item.sk),
    lob: String(item.lob),
    user: String(item.user),
    reason: String(item.reason ?? ''),
    takenAt: String(item.takenAt),
    until: String(item.until),
    status,
    ...(typeof item.decidedBy === 'string'
      ? { decidedBy: item.decidedBy, decidedAt: String(item.decidedAt ?? '') }
      : {}),
  };
}

/** The end of the user's emergency grant for the LOB that is still recorded as active (the guard), or undefined. */
export async function activeEmergencyUntil(access: Access, lob: string, user: string): Promise<string | undefined> {
  const out = await send('emergency.guard', () =>
    access.ddb.send(
      new GetCommand({ TableName: access.tables.reviews, Key: guardKey(lob, user), ConsistentRead: true }),
    ),
  );
  return typeof out.Item?.until === 'string' ? out.Item.until : undefined;
}

export async function getEmergencyGrant(access: Access, lob: string, id: string): Promise<EmergencyGrant | null> {
  if (!id.startsWith('grant#')) return null;
  const out = await send('emergency.get', () =>
    access.ddb.send(
      new GetCommand({ TableName: access.tables.reviews, Key: { pk: partition(lob), sk: id }, ConsistentRead: true }),
    ),
  );
  return out.Item ? reshape(out.Item) : null;
}

/** A LOB's grants taken from `from` on (ISO; '' = all), newest first; `openOnly` keeps those awaiting a decision. */
export function queryEmergencyGrants(
  access: Access,
  lob: string,
  options: { from?: string; openOnly?: boolean } = {},
): Promise<EmergencyGrant[]> {
  const values: Item = { ':pk': partition(lob), ':from': `grant#${options.from ?? ''}`, ':end': 'grant$' };
  if (options.openOnly) values[':open'] = 'open';
  return sendAllPages(
    'emergency.query',
    (startKey) =>
      access.ddb.send(
        new QueryCommand({
          TableName: access.tables.reviews,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :end',
          ...(options.openOnly
            ? { FilterExpression: '#status = :open', ExpressionAttributeNames: { '#status': 'status' } }
            : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }),
      ),
    reshape,
  );
}

/**
 * Successful launches of the grant's user into its LOB within the grant's window (takenAt to until): the
 * audit log's `byUser` index, bounded by the window (launches under emergency access, for the usage report).
 */
export async function countLaunchesUnder(
  access: TableAccessTo<'audit'>,
  grant: Pick<EmergencyGrant, 'user' | 'lob' | 'takenAt' | 'until'>,
): Promise<number> {
  const query = {
    TableName: access.tables.audit,
    IndexName: indexOf(AUDIT_TABLE, 'byUser').name,
    KeyConditionExpression: '#user = :user AND sk BETWEEN :from AND :to',
    FilterExpression: '#type = :launch AND #lob = :lob AND outcome = :success',
    ExpressionAttributeNames: { '#user': 'user', '#type': 'type', '#lob': 'lob' },
    ExpressionAttributeValues: {
      ':user': grant.user,
      ':from': grant.takenAt,
      ':to': `${grant.until}~`,
      ':launch': 'launch',
      ':lob': grant.lob,
      ':success': 'success',
    },
    Select: 'COUNT' as const,
  };
  return send('emergency.launches', async () => {
    let count = 0;
    let startKey: Item | undefined;
    do {
      const out = await access.ddb.send(new QueryCommand({ ...query, ExclusiveStartKey: startKey }));
      count += out.Count ?? 0;
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return count;
  });
}

/** Writes of emergency grants, for the caller's TransactWriteItems. */
export const emergencyWrites = {
  /**
   * A new grant: its guard (item 0, refused with ConditionalCheckFailed while the user holds an emergency
   * grant for the LOB that has not ended at `now`) and the grant itself.
   */
  take(access: Access, grant: EmergencyGrant, now: string): DirectoryWrite[] {
    const ttl = ttlOf(grant.takenAt);
    return [
      {
        Put: {
          TableName: access.tables.reviews,
          Item: { ...guardKey(grant.lob, grant.user), until: grant.until, grant: grant.id, ttl },
          ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        },
      },
      {
        Put: {
          TableName: access.tables.reviews,
          Item: {
            pk: partition(grant.lob),
            sk: grant.id,
            kind: 'emergency',
            lob: grant.lob,
            user: grant.user,
            reason: grant.reason,
            takenAt: grant.takenAt,
            until: grant.until,
            status: 'open',
            ttl,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  },
  /** The follow-up decision, only while the grant is still open (a second decider is refused). */
  decide(
    access: Access,
    grant: Pick<EmergencyGrant, 'lob' | 'id'>,
    status: Exclude<EmergencyStatus, 'open'>,
    by: string,
    at: string,
  ): DirectoryWrite {
    return {
      Update: {
        TableName: access.tables.reviews,
        Key: { pk: partition(grant.lob), sk: grant.id },
        UpdateExpression: 'SET #status = :status, decidedBy = :by, decidedAt = :at',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':by': by, ':at': at, ':open': 'open' },
      },
    };
  },
};
