/**
 * The Usage table's shape, in one place for the data layer (lib/directory/usage.ts, usage-health.ts), the
 * counters (lib/usage), the DynamoDB stand-in (local/dynamodb.ts tableDefinitions, through
 * lib/directory/schema.ts USAGE_TABLE) and infra. No imports: infra and the stand-ins read it as plain data.
 *
 * Items (all under `pk`, `sk` strings):
 * - launch counters per LOB and UTC day: `pk = lob#<lob>`, `sk = c#<YYYY-MM-DD>`:
 *   `n` (launches), `o:<outcome>` (per outcome: "success" or an error code), `h<i>` (successful launches
 *   whose duration fell in DURATION_BUCKETS_MS[i]), `ttl`.
 * - successful launches per user, LOB and day, in USER_SHARDS shards by user:
 *   `pk = lob#<lob>`, `sk = u<shard>#<YYYY-MM-DD>`: `u:<username>` (launches), `ttl` (distinct users per day: the CSV).
 * - successful launches per user, LOB and UTC month, in USER_SHARDS shards by user:
 *   `pk = lob#<lob>`, `sk = m#<YYYY-MM>#<shard>`: `u:<username>` (launches), `ttl` (active and top users on the page:
 *   4 items a month instead of 4 a day). A launch counted ahead and then failed leaves `u:<username>` at 0 (not active).
 * - LOB health checks: `pk = health`, `sk = <lob>`: `checkedAt`, `ok`, `failingSince`, `summary`.
 * Launches that never reached a LOB (e.g. user.not_mapped) count under the LOB id NO_LOB.
 */
export const USAGE_TABLE_DEFAULT_NAME = 'studio-portal-usage';

export const USAGE_KEY = {
  attributes: [
    { name: 'pk', type: 'S' },
    { name: 'sk', type: 'S' },
  ],
  hashKey: 'pk',
  rangeKey: 'sk',
  ttlAttribute: 'ttl',
} as const;

/** Upper bounds (ms, inclusive) of the launch-duration histogram; the last bucket is open-ended. */
export const DURATION_BUCKETS_MS = [
  25, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000,
] as const;

/** Per-user counters of one LOB-day or LOB-month are spread over this many items (keeps each item well under 400 KB). */
export const USER_SHARDS = 4;

/** The LOB id that launches without a LOB (not mapped, unknown LOB) are counted under. */
export const NO_LOB = '-';

/** Usage items live this long (as audit records do). */
export const USAGE_TTL_DAYS = 400;
