'use server';

import { revalidatePath } from 'next/cache';
import { forbidden, redirect } from 'next/navigation';
import { requireConsoleRequest, requireLobManagerRequest } from '@/lib/admin/require-admin';
import { canManageLob } from '@/lib/auth/roles';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { requireLob } from '@/lib/admin/lobs';
import { parseUntil } from '@/lib/admin/members';
import { decideMember, finishReview, getReview, keepAll, saveReviewSettings, startReview, validateReviewSettings, type Review } from '@/lib/admin/reviews';
import { lobNameSchema, usernameSchema } from '@/lib/admin/validation';
import { log } from '@/lib/log';
import { failureState, type ActionState } from '../action-state';

export type ReviewActionState = ActionState<Record<string, string>>;

const reviewPath = (id: string) => `/admin/reviews/${encodeURIComponent(id)}`;

/**
 * The review named by the form, read from the table, and the caller's right to it: a platform admin or an
 * owner of the review's LOB (never the LOB the form claims). Anyone else, or a replayed POST, gets 403.
 */
async function authorizeReview(form: FormData, what: string): Promise<{ review: Review; actor: string }> {
  const access = await requireConsoleRequest(what);
  const review = await getReview(getAdminDeps(), String(form.get('review') ?? ''));
  if (!review || !canManageLob(access, review.lob)) {
    log.warn('admin.forbidden', { username: access.user.username, action: what, review: review?.id ?? null });
    forbidden();
  }
  return { review, actor: access.user.username };
}

function values(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === 'string' && !k.startsWith('$ACTION')) out[k] = v;
  return out;
}

/** "Start review" on a LOB's admin page: the LOB's owners and platform admins. */
export async function startReviewAction(_prev: ReviewActionState, form: FormData): Promise<ReviewActionState> {
  const lob = lobNameSchema.safeParse(String(form.get('lob') ?? ''));
  const access = await requireLobManagerRequest('review.start', lob.success ? lob.data : '');
  let id: string;
  try {
    const deps = getAdminDeps();
    const review = await startReview(deps, access.user.username, await requireLob(deps, lob.success ? lob.data : ''));
    id = review.id;
  } catch (error) {
    return failureState(error, values(form), 'review.start');
  }
  redirect(reviewPath(id));
}

/** "Keep" (optional new end date) or "Remove" for one member, with an optional comment. */
export async function decideMemberAction(_prev: ReviewActionState, form: FormData): Promise<ReviewActionState> {
  const { review, actor } = await authorizeReview(form, 'review.decide');
  const v = values(form);
  const username = usernameSchema.safeParse(v.username ?? '');
  const decision = v.decision === 'remove' ? 'remove' : v.decision === 'keep' ? 'keep' : null;
  if (!username.success || !decision) return { error: 'The request is incomplete; reload the page.', values: v };
  try {
    const deps = getAdminDeps();
    const until = decision === 'keep' ? parseUntil(v.until ?? '', nowOf(deps)) : undefined;
    await decideMember(deps, actor, review, { username: username.data, decision, comment: v.comment, until });
    revalidatePath(reviewPath(review.id));
    return { ok: true, message: decision === 'keep' ? `Kept ${username.data}.` : `Removed ${username.data} from ${review.lob}.`, values: {} };
  } catch (error) {
    return failureState(error, v, 'review.decide');
  }
}

/** "Keep all shown": Keep for every undecided member listed on the page (their usernames come with the form). */
export async function keepAllAction(_prev: ReviewActionState, form: FormData): Promise<ReviewActionState> {
  const { review, actor } = await authorizeReview(form, 'review.keep_all');
  const usernames = form.getAll('username').map(String).filter((u) => usernameSchema.safeParse(u).success);
  if (!usernames.length) return { error: 'Nobody undecided is shown; nothing was changed.', values: {} };
  try {
    const result = await keepAll(getAdminDeps(), actor, review, usernames, String(form.get('comment') ?? ''));
    revalidatePath(reviewPath(review.id));
    const skipped = result.alreadyDecided.length ? ` ${result.alreadyDecided.length} were decided by someone else first and were left as they were.` : '';
    return { ok: true, message: `Kept ${result.kept.length} members.${skipped}`, values: {} };
  } catch (error) {
    return failureState(error, {}, 'review.keep_all');
  }
}

/** "Finish review": read-only from now on (and, with the LOB's setting, undecided members removed). */
export async function finishReviewAction(_prev: ReviewActionState, form: FormData): Promise<ReviewActionState> {
  const { review, actor } = await authorizeReview(form, 'review.finish');
  try {
    const done = await finishReview(getAdminDeps(), actor, review);
    revalidatePath(reviewPath(review.id));
    return { ok: true, message: `Review finished${done.removedUndecided ? `; ${done.removedUndecided} undecided members were removed` : ''}.`, values: {} };
  } catch (error) {
    return failureState(error, {}, 'review.finish');
  }
}

/** A LOB's review settings: schedule, due period, remove undecided members when a review closes. */
export async function saveReviewSettingsAction(_prev: ReviewActionState, form: FormData): Promise<ReviewActionState> {
  const v = values(form);
  const lob = lobNameSchema.safeParse(v.lob ?? '');
  const access = await requireLobManagerRequest('review.settings', lob.success ? lob.data : '');
  try {
    const input = validateReviewSettings({ everyDays: v.everyDays ?? '', dueDays: v.dueDays ?? '', removeUndecided: v.removeUndecided === 'on' });
    const saved = await saveReviewSettings(getAdminDeps(), access.user.username, lob.success ? lob.data : '', input, Number(v.version ?? 0));
    revalidatePath(`/admin/lobs/${lob.success ? lob.data : ''}`);
    return { ok: true, message: `Saved review settings${saved.nextAt ? `; the next review opens ${saved.nextAt.slice(0, 10)}` : ''}.`, values: { ...v, version: String(saved.version) } };
  } catch (error) {
    const state = failureState(error, v, 'review.settings');
    const field = (error as { details?: { field?: string } }).details?.field;
    if (field && state.error) state.fieldErrors = { [field]: state.error };
    return state;
  }
}
