import type { TableAccessTo } from './access';
import type { DirectoryWrite } from './writes';

/**
 * How many access requests one person may file or withdraw per clock hour (UTC). Each filing notifies
 * the LOB's owners through SNS, so a create/withdraw loop would otherwise flood them.
 */
export const REQUEST_CHANGES_PER_HOUR = 10;

/** The hour a change counts in, `YYYY-MM-DDTHH` (UTC). */
export const rateWindowOf = (now: Date) => now.toISOString().slice(0, 13);

/**
 * The counter write that goes into the same transaction as a filing or withdrawal: +1 on the person's
 * item for the hour, refused (ConditionalCheckFailed, so the whole change is refused) once the hour holds
 * REQUEST_CHANGES_PER_HOUR. One item per person and hour (`id` = `rate#<user>#<hour>`), gone by TTL.
 */
export function requestRateWrite(access: TableAccessTo<'requests'>, requester: string, now: Date): DirectoryWrite {
  return {
    Update: {
      TableName: access.tables.requests,
      Key: { id: `rate#${requester}#${rateWindowOf(now)}` },
      UpdateExpression: 'ADD changes :one SET #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(changes) OR changes < :max',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':max': REQUEST_CHANGES_PER_HOUR,
        ':ttl': Math.floor(now.getTime() / 1000) + 2 * 3600,
      },
    },
  };
}
