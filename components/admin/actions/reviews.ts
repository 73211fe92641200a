'use server';

import { forbidden } from 'next/navigation';
import { z } from 'zod';
import { requireConsoleRequest } from '@/lib/admin/require-admin';
import { canManageLob } from '@/lib/auth/roles';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { requireLob } from '@/lib/admin/lobs';
import { SELF_GRANT_MESSAGE } from '@/lib/admin/grants';
import { parseUntil } from '@/lib/admin/members';
import {
  decideMember,
  finishReview,
  getReview,
  keepAll,
  saveReviewSettings,
  startReview,
  validateReviewSettings,
} from '@/lib/admin/reviews';
import { applyRecommendations } from '@/lib/admin/review-recommendations';
import { lobNameSchema, usernameSchema } from '@/lib/admin/validation';
import { log } from '@/lib/log';
import type { ActionState } from '@/components/actions/action-state';
import { hiddenFields } from '@/components/actions/define-action';
import { managersOf, serverAction } from '@/components/actions/server-action';

type ReviewValues = Record<string, string>;
export type ReviewActionState = ActionState<ReviewValues>;

const reviewPath = (id: string) => `/admin/reviews/${encodeURIComponent(id)}`;
/** A review action's answer: its message, and the review's page shown again. */
const reviewDone = (review: { id: string }, message: string) => ({
  message,
  values: {},
  revalidate: [reviewPath(review.id)],
});

/** The form's text fields, to refill it after a failure. */
function read(form: FormData): ReviewValues {
  const out: ReviewValues = {};
  for (const [k, v] of form.entries()) if (typeof v === 'string' && !k.startsWith('$ACTION')) out[k] = v;
  return out;
}

/** The members a bulk form lists (its `username` fields), well-formed names only. */
function shownUsernames(form: FormData): string[] {
  return form
    .getAll('username')
    .map(String)
    .filter((u) => usernameSchema.safeParse(u).success);
}

/**
 * The review named by the form, read from the table, and the caller's right to it: a platform admin or an
 * owner of the review's LOB (never the LOB the form claims). Anyone else, or a replayed POST, gets 403.
 */
async function reviewManagers(values: ReviewValues, name: string) {
  const access = await requireConsoleRequest(name);
  const review = await getReview(getAdminDeps(), values.review ?? '');
  if (!review || !canManageLob(access, review.lob)) {
    log.warn('admin.forbidden', { username: access.user.username, action: name, review: review?.id ?? null });
    forbidden();
  }
  return { ...access, review };
}

/** "Start review" on a LOB's admin page: the LOB's owners and platform admins. */
export const startReviewAction = serverAction({
  name: 'review.start',
  authorize: managersOf((values: ReviewValues) => values.lob ?? ''),
  read,
  schema: z.object({ lob: z.string().default('') }),
  act: async ({ lob }, { user }, { values }) => {
    const deps = getAdminDeps();
    const review = await startReview(deps, { actor: user.username, lob: await requireLob(deps, lob) });
    return { values, redirect: reviewPath(review.id) };
  },
});

/** "Keep" (optional new end date) or "Remove" for one member, with an optional comment. */
export const decideMemberAction = serverAction({
  name: 'review.decide',
  authorize: reviewManagers,
  read,
  schema: hiddenFields(
    z.object({
      username: usernameSchema,
      decision: z.enum(['keep', 'remove']),
      until: z.string().default(''),
      comment: z.string().optional(),
    }),
  ),
  act: async ({ username, decision, until, comment }, { user, platformAdmin, review }) => {
    const deps = getAdminDeps();
    const end = decision === 'keep' ? parseUntil(until, nowOf(deps)) : undefined;
    const grantor = { username: user.username, platformAdmin };
    await decideMember(deps, { grantor, review, username, decision, comment, until: end });
    return reviewDone(review, decision === 'keep' ? `Kept ${username}.` : `Removed ${username} from ${review.lob}.`);
  },
});

/** "Keep all shown": Keep for every undecided member listed on the page (their usernames come with the form). */
export const keepAllAction = serverAction({
  name: 'review.keep_all',
  authorize: reviewManagers,
  read,
  input: (form) => ({ usernames: shownUsernames(form), comment: String(form.get('comment') ?? '') }),
  schema: hiddenFields(
    z.object({ usernames: z.array(z.string()).min(1), comment: z.string() }),
    'Nobody undecided is shown; nothing was changed.',
  ),
  act: async ({ usernames, comment }, { user, review }) => {
    const result = await keepAll(getAdminDeps(), { actor: user.username, review, usernames, comment });
    const skipped = result.alreadyDecided.length
      ? ` ${result.alreadyDecided.length} were decided by someone else first and were left as they were.`
      : '';
    const self = result.selfRefused ? ` ${SELF_GRANT_MESSAGE}: you were left undecided.` : '';
    return reviewDone(review, `Kept ${result.kept.length} members.${skipped}${self}`);
  },
});

/** One line per row of "Apply recommendations": what was decided, or why not. */
export type ApplyActionState = ReviewActionState & { report?: { username: string; ok: boolean; text: string }[] };

/** "Apply recommendations": each shown row with a suggestion decided as suggested (usernames come with the form). */
export const applyRecommendationsAction = serverAction({
  name: 'review.apply_recommendations',
  authorize: reviewManagers,
  read,
  input: (form) => ({ usernames: shownUsernames(form) }),
  schema: hiddenFields(
    z.object({ usernames: z.array(z.string()).min(1) }),
    'No member with a suggestion is shown; nothing was changed.',
  ),
  act: async ({ usernames }, { user, platformAdmin, review }) => {
    const result = await applyRecommendations(
      getAdminDeps(),
      { username: user.username, platformAdmin },
      review,
      usernames,
    );
    const report = [
      ...result.applied.map((a) => ({
        username: a.username,
        ok: true,
        text: `${a.decision === 'keep' ? 'kept' : 'removed'}${a.note ? ` (${a.note})` : ''}`,
      })),
      ...result.notApplied.map((n) => ({ username: n.username, ok: false, text: `not decided: ${n.reason}` })),
    ];
    const failed = result.notApplied.length ? ` ${result.notApplied.length} not decided (listed below).` : '';
    return {
      ok: !result.notApplied.length,
      message: `Applied ${result.applied.length} recommendation${result.applied.length === 1 ? '' : 's'}.${failed}`,
      report,
      values: {},
      revalidate: [reviewPath(review.id)],
    };
  },
  failed: (state: ApplyActionState): ApplyActionState => state,
});

/** "Finish review": read-only from now on (and, with the LOB's setting, undecided members removed). */
export const finishReviewAction = serverAction({
  name: 'review.finish',
  authorize: reviewManagers,
  read,
  schema: z.object({}),
  act: async (_input, { user, review }) => {
    const done = await finishReview(getAdminDeps(), user.username, review);
    const removed = done.removedUndecided ? `; ${done.removedUndecided} undecided members were removed` : '';
    return reviewDone(review, `Review finished${removed}.`);
  },
});

/** A LOB's review settings: schedule, due period, remove undecided members when a review closes. */
export const saveReviewSettingsAction = serverAction({
  name: 'review.settings',
  authorize: managersOf((values: ReviewValues) => values.lob ?? ''),
  read,
  schema: z.object({
    lob: lobNameSchema,
    everyDays: z.string().default(''),
    dueDays: z.string().default(''),
    removeUndecided: z.string().optional(),
    version: z.string().default('0'),
  }),
  act: async ({ lob, everyDays, dueDays, removeUndecided, version }, { user }, { values }) => {
    const input = validateReviewSettings({ everyDays, dueDays, removeUndecided: removeUndecided === 'on' });
    const saved = await saveReviewSettings(getAdminDeps(), user.username, lob, input, Number(version));
    return {
      message: `Saved review settings${saved.nextAt ? `; the next review opens ${saved.nextAt.slice(0, 10)}` : ''}.`,
      values: { ...values, version: String(saved.version) },
      revalidate: [`/admin/lobs/${lob}`],
    };
  },
});
