/**
 * Recommendations on access-review rows (issue 27), from the last-launch data the portal already keeps
 * (successful launches into the LOB in the audit log, as the review's "Last launch" column and its
 * "Not used in 90 days" filter read them: findLastLaunches):
 * - "Suggest remove: not used in 90 days": no successful launch into the LOB found, or the last one more
 *   than 90 days before now (the portal clock): exactly the "Not used in 90 days" filter.
 * - "Suggest keep: used this month": the last launch falls in the current calendar month, UTC (from 00:00
 *   UTC on its first day until now).
 * - Otherwise (last launch 90 days ago or less, but before this month) no suggestion: the row shows
 *   "No suggestion" and the reviewer decides.
 * "Apply recommendations" decides the rows a reviewer was shown as suggested, one decideMember call per row
 * (separation of duties, its audit record with the reviewer's name, Remove ending access and Studio apps),
 * and reports every row it could not decide with the reason.
 */
import { isPortalError, InputInvalidError } from '@/lib/errors';
import { log } from '@/lib/log';
import { findLastLaunches, findUndecidedRows } from '@/lib/directory/reviews';
import type { Review, ReviewDecision, ReviewRow } from '@/lib/directory/reviews';
import { DAY_MS } from '@/lib/clock';
import { nowOf, type AdminDeps } from './deps';
import type { Grantor } from './grants';
import { decideMember, UNUSED_DAYS } from './reviews';

/** Rows one "Apply recommendations" decides at most (a page shows 50). */
export const APPLY_MAX = 200;
const UNUSED_MS = UNUSED_DAYS * DAY_MS;

export const RECOMMENDATION_TEXT: Record<ReviewDecision, string> = {
  remove: `Suggest remove: not used in ${UNUSED_DAYS} days`,
  keep: 'Suggest keep: used this month',
};
/** What a row without a recommendation shows. */
export const NO_RECOMMENDATION_TEXT = 'No suggestion';

/** The start of `now`'s calendar month, UTC. */
function monthStart(now: Date): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
}

/** The suggested decision for a member whose last launch into the LOB was `lastUsed` (null: none found). */
export function recommend(lastUsed: string | null | undefined, now: Date): ReviewDecision | undefined {
  if (!lastUsed || Date.parse(lastUsed) < now.getTime() - UNUSED_MS) return 'remove';
  if (Date.parse(lastUsed) >= monthStart(now)) return 'keep';
  return undefined;
}

/** The suggestion shown on an undecided row (decided rows show none). */
export function recommendationOf(row: Pick<ReviewRow, 'decision' | 'lastUsed'>, now: Date): ReviewDecision | undefined {
  return row.decision ? undefined : recommend(row.lastUsed, now);
}

/**
 * What the review page's Recommendation column says of a row (the CSV export and the print view say the
 * same): the suggestion's wording, "No suggestion", or undefined for a decided row (the page shows "—").
 */
export function recommendationTextOf(row: Pick<ReviewRow, 'decision' | 'lastUsed'>, now: Date): string | undefined {
  if (row.decision) return undefined;
  const suggestion = recommend(row.lastUsed, now);
  return suggestion ? RECOMMENDATION_TEXT[suggestion] : NO_RECOMMENDATION_TEXT;
}

/**
 * `rows` with the Last launch of each undecided one (findLastLaunches; decided rows carry no recommendation,
 * so their launches are not read): what the export and the print view work recommendations out from.
 */
export async function withLastLaunches(deps: AdminDeps, lob: string, rows: ReviewRow[]): Promise<ReviewRow[]> {
  const undecided = rows.filter((r) => !r.decision).map((r) => r.username);
  const lastUsed = undecided.length ? await findLastLaunches(deps, lob, undecided) : new Map<string, string>();
  return rows.map((r) => (r.decision ? r : { ...r, lastUsed: lastUsed.get(r.username) ?? null }));
}

export interface AppliedRow {
  username: string;
  decision: ReviewDecision;
  /** Recorded, but something after it is still pending (Studio access not ended yet: the sweep retries). */
  note?: string;
}

export interface ApplyResult {
  applied: AppliedRow[];
  /** Rows left undecided or decided by someone else, with the reason. */
  notApplied: { username: string; reason: string }[];
}

/**
 * "Apply recommendations": for each of `usernames` (the rows the reviewer was shown with a suggestion),
 * the suggestion is worked out again now (the form carries names only, never decisions) and recorded
 * through decideMember, one row after another. A failure of one row does not stop the others.
 */
export async function applyRecommendations(
  deps: AdminDeps,
  grantor: Grantor,
  review: Review,
  usernames: string[],
): Promise<ApplyResult> {
  const listed = [...new Set(usernames)];
  if (!listed.length)
    throw new InputInvalidError('Apply recommendations: no member with a suggestion is shown; nothing was changed.');
  if (listed.length > APPLY_MAX)
    throw new InputInvalidError(`Apply recommendations: at most ${APPLY_MAX} members at once.`);
  const undecided = await findUndecidedRows(deps, review.id, listed);
  const lastUsed = await findLastLaunches(
    deps,
    review.lob,
    listed.filter((u) => undecided.has(u)),
  );
  const now = nowOf(deps);
  const result: ApplyResult = { applied: [], notApplied: [] };
  for (const username of listed) {
    if (!undecided.has(username)) {
      result.notApplied.push({ username, reason: 'already decided, or not in this review' });
      continue;
    }
    const decision = recommend(lastUsed.get(username) ?? null, now);
    if (!decision) {
      result.notApplied.push({ username, reason: 'no suggestion any more' });
      continue;
    }
    try {
      const why = decision === 'remove' ? `not used in ${UNUSED_DAYS} days` : 'used this month';
      await decideMember(deps, { grantor, review, username, decision, comment: `Applied recommendation: ${why}` });
      result.applied.push({ username, decision });
    } catch (error) {
      if (isPortalError(error) && error.code === 'access.stop_pending') {
        result.applied.push({ username, decision, note: error.message });
        continue;
      }
      if (!isPortalError(error))
        log.error('review.apply_failed', {
          review: review.id,
          username,
          error: error instanceof Error ? error.message : String(error),
        });
      result.notApplied.push({
        username,
        reason: isPortalError(error) ? error.message : 'something went wrong on our side',
      });
    }
  }
  return result;
}
