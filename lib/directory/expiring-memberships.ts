/**
 * The "membership ends in 7 days" notice, data side: find memberships whose end date falls in a window,
 * and claim / release the notice on the membership itself (`memberships.<lob>.expiringNotifiedFor` = the
 * end date it was sent for), so two runs or two instances never send it twice and a membership extended
 * later (a new end date) is noticed again.
 */
import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { send } from './send';
import { reshapeUserItem } from './items';

export interface ExpiringMembership {
  username: string;
  lob: string;
  until: string;
}

/**
 * Memberships ending in (`from`, `to`] that were not noticed for that end date yet. One paged Scan of the
 * Users table (only rows with membership details; the job runs a few times a day, not per page view).
 */
export async function findExpiringMemberships(
  doc: DynamoDBDocumentClient,
  table: string,
  from: Date,
  to: Date,
): Promise<ExpiringMembership[]> {
  const found: ExpiringMembership[] = [];
  let startKey: Record<string, unknown> | undefined;
  await send('users.scan_expiring', async () => {
    do {
      const out = await doc.send(
        new ScanCommand({
          TableName: table,
          ProjectionExpression: '#u, #l, #m',
          FilterExpression: 'attribute_exists(#m)',
          ExpressionAttributeNames: { '#u': 'username', '#l': 'lobs', '#m': 'memberships' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        for (const m of reshapeUserItem(item).memberships) {
          if (!m.until || m.expiringNotifiedFor === m.until) continue;
          const end = Date.parse(m.until);
          if (end > from.getTime() && end <= to.getTime())
            found.push({ username: String(item.username), lob: m.lob, until: m.until });
        }
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  });
  return found;
}

/**
 * One conditional update of the notice fields of a membership (and `version`): true when it was made,
 * false when the condition failed.
 */
async function updateNotice(
  doc: DynamoDBDocumentClient,
  table: string,
  m: ExpiringMembership,
  at: Date,
  update: string,
  condition: string,
  operation: string,
): Promise<boolean> {
  const names: Record<string, string> = {
    '#m': 'memberships',
    '#lob': m.lob,
    '#nf': 'expiringNotifiedFor',
    '#na': 'expiringNotifiedAt',
  };
  if (condition.includes('#until')) names['#until'] = 'until';
  const command = new UpdateCommand({
    TableName: table,
    Key: { username: m.username },
    UpdateExpression: `${update} ADD version :one`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':until': m.until, ':at': at.toISOString(), ':one': 1 },
  });
  const conditionFailed = (error: unknown) =>
    (error as { name?: string }).name === 'ConditionalCheckFailedException' ? false : undefined;
  return send(operation, () => doc.send(command).then(() => true), conditionFailed);
}

/**
 * Marks the notice as sent for this end date, if nobody did: false when another run took it or the
 * membership changed meanwhile. Bumps `version`, so a membership edit that read the row before is retried
 * from a fresh read and keeps the mark.
 */
export function claimExpiringNotice(
  doc: DynamoDBDocumentClient,
  table: string,
  m: ExpiringMembership,
  at: Date,
): Promise<boolean> {
  return updateNotice(
    doc,
    table,
    m,
    at,
    'SET #m.#lob.#nf = :until, #m.#lob.#na = :at',
    '#m.#lob.#until = :until AND (attribute_not_exists(#m.#lob.#nf) OR #m.#lob.#nf <> :until)',
    'users.claim_expiring',
  );
}

/** Takes a claim back (the message could not be published), so the next run tries again. */
export async function releaseExpiringNotice(
  doc: DynamoDBDocumentClient,
  table: string,
  m: ExpiringMembership,
  at: Date,
): Promise<void> {
  await updateNotice(
    doc,
    table,
    m,
    at,
    'REMOVE #m.#lob.#nf, #m.#lob.#na',
    '#m.#lob.#nf = :until AND #m.#lob.#na = :at',
    'users.release_expiring',
  );
}
