'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import {
  applyRecommendationsAction,
  decideMemberAction,
  finishReviewAction,
  keepAllAction,
  saveReviewSettingsAction,
  startReviewAction,
  type ApplyActionState,
  type ReviewActionState,
} from './actions/reviews';
import { checkboxClass, dangerButtonClass, inputClass, StatusMessage, TextField } from './form-parts';

const initial: ReviewActionState = { values: {} };

/** "Start review" on a LOB's admin page. */
export function StartReviewForm({ lob }: { lob: string }) {
  const [state, action, pending] = useActionState(startReviewAction, initial);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="lob" value={lob} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Starting…' : 'Start review'}
      </Button>
      <StatusMessage error={state.error} />
    </form>
  );
}

/** Per member: Keep (optionally with a new end date) or Remove, with an optional comment. */
export function DecideForm({ review, username }: { review: string; username: string }) {
  const [state, action, pending] = useActionState(decideMemberAction, initial);
  const key = username.replace(/[^\w-]/g, '_');
  return (
    <form action={action} className="flex flex-col gap-2" aria-label={`Decide ${username}`}>
      <input type="hidden" name="review" value={review} />
      <input type="hidden" name="username" value={username} />
      <div className="flex flex-wrap gap-2">
        <div>
          <label htmlFor={`until-${key}`} className="sr-only">
            New end date for {username} (optional)
          </label>
          <input
            id={`until-${key}`}
            name="until"
            type="date"
            defaultValue={state.values.until ?? ''}
            className={`${inputClass} mt-0 w-40`}
          />
        </div>
        <div className="min-w-0 flex-1">
          <label htmlFor={`comment-${key}`} className="sr-only">
            Comment on {username} (optional)
          </label>
          <input
            id={`comment-${key}`}
            name="comment"
            placeholder="Comment (optional)"
            maxLength={500}
            defaultValue={state.values.comment ?? ''}
            className={`${inputClass} mt-0 w-full min-w-32`}
          />
        </div>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" name="decision" value="keep" variant="secondary" disabled={pending}>
          Keep
        </Button>
        <button type="submit" name="decision" value="remove" className={dangerButtonClass} disabled={pending}>
          Remove
        </button>
      </div>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
    </form>
  );
}

/** "Keep all shown": Keep for every undecided member on this page. */
export function KeepAllForm({ review, usernames }: { review: string; usernames: string[] }) {
  const [state, action, pending] = useActionState(keepAllAction, initial);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="review" value={review} />
      {usernames.map((u) => (
        <input key={u} type="hidden" name="username" value={u} />
      ))}
      <Button type="submit" variant="secondary" disabled={pending || usernames.length === 0}>
        Keep all shown
      </Button>
      <p className="text-sm text-slate-600">{usernames.length} undecided on this page.</p>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
    </form>
  );
}

/**
 * "Apply recommendations": decides every row shown with a suggestion as suggested (the server works each
 * suggestion out again). The form says beforehand how many rows it decides; afterwards, one line per row.
 */
export function ApplyRecommendationsForm({
  review,
  remove,
  keep,
}: {
  review: string;
  remove: string[];
  keep: string[];
}) {
  const [state, action, pending] = useActionState(applyRecommendationsAction, initial as ApplyActionState);
  const count = remove.length + keep.length;
  const parts = [remove.length ? `remove ${remove.length}` : '', keep.length ? `keep ${keep.length}` : '']
    .filter(Boolean)
    .join(', ');
  const members = `${count} member${count === 1 ? '' : 's'}`;
  const summary = `Decides ${members} shown with a suggestion: ${parts}. One audited decision each, in your name.`;
  return (
    <form action={action} className="space-y-2" aria-label="Apply recommendations">
      <input type="hidden" name="review" value={review} />
      {[...remove, ...keep].map((u) => (
        <input key={u} type="hidden" name="username" value={u} />
      ))}
      <p id="apply-count" className="text-sm text-slate-700" data-testid="apply-count">
        {count ? summary : 'No undecided member shown has a suggestion.'}
      </p>
      <Button type="submit" variant="secondary" disabled={pending || count === 0} aria-describedby="apply-count">
        Apply recommendations
      </Button>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
      {state.report?.length ? (
        <ul className="space-y-1 text-sm" aria-label="Recommendations applied" data-testid="apply-report">
          {state.report.map((r) => (
            <li key={r.username} className={r.ok ? 'text-slate-700' : 'text-red-800'}>{`${r.username}: ${r.text}`}</li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}

export function FinishReviewForm({
  review,
  undecided,
  removesUndecided,
}: {
  review: string;
  undecided: number;
  removesUndecided: boolean;
}) {
  const [state, action, pending] = useActionState(finishReviewAction, initial);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="review" value={review} />
      <p className="text-sm text-slate-600">
        {undecided
          ? `${undecided} members are undecided; ${removesUndecided ? 'they will be removed (setting of this LOB).' : 'they keep their access and are flagged.'}`
          : 'Everyone is decided.'}
      </p>
      <Button type="submit" disabled={pending}>
        Finish review
      </Button>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
    </form>
  );
}

export interface ReviewSettingsValues {
  lob: string;
  everyDays: string;
  dueDays: string;
  removeUndecided: boolean;
  version: string;
}

export function ReviewSettingsForm({ initial: start }: { initial: ReviewSettingsValues }) {
  const [state, action, pending] = useActionState(saveReviewSettingsAction, {
    values: {
      lob: start.lob,
      everyDays: start.everyDays,
      dueDays: start.dueDays,
      version: start.version,
      ...(start.removeUndecided ? { removeUndecided: 'on' } : {}),
    },
  });
  const v = state.values;
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} noValidate className="space-y-4" aria-label="Review settings">
      <input type="hidden" name="lob" value={start.lob} />
      <input type="hidden" name="version" value={v.version ?? start.version} />
      <div key={JSON.stringify(v)} className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="everyDays"
          label="Review every (days)"
          hint="Empty: no schedule."
          inputMode="numeric"
          defaultValue={v.everyDays ?? ''}
          error={e.everyDays}
        />
        <TextField
          name="dueDays"
          label="Due after (days)"
          inputMode="numeric"
          defaultValue={v.dueDays ?? ''}
          error={e.dueDays}
        />
        <div className="flex items-center gap-2 sm:col-span-2">
          <input
            id="removeUndecided"
            name="removeUndecided"
            type="checkbox"
            className={checkboxClass}
            defaultChecked={v.removeUndecided === 'on'}
          />
          <label htmlFor="removeUndecided" className="text-sm text-slate-800">
            Remove undecided members when a review closes
          </label>
        </div>
      </div>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
      <Button type="submit" variant="secondary" disabled={pending}>
        Save review settings
      </Button>
    </form>
  );
}
