'use client';

import { useActionState, useId, useState } from 'react';
import { FormStatus, homeFieldClass } from '@/components/actions/form-status';
import { Button } from '@/components/ui/button';
import { requestAccessAction, withdrawRequestAction, type RequestFormState } from './actions';

const DAY_CHOICES = [7, 30, 90, 180, 365];

/**
 * "Request access" opens the form (it is in the page from the start, hidden, so it also works before
 * the page's JavaScript has loaded when posted directly).
 */
export function RequestAccessForm({
  lob,
  displayName,
  maxDays,
}: {
  lob: string;
  displayName: string;
  maxDays: number;
}) {
  const [state, formAction, pending] = useActionState<RequestFormState, FormData>(requestAccessAction, {
    values: { lob, justification: '', days: String(Math.min(30, maxDays)) },
  });
  const [open, setOpen] = useState(false);
  const id = useId();
  if (state.ok) return <FormStatus state={state} />;
  return (
    <div className="mt-3">
      <Button
        type="button"
        variant="secondary"
        aria-expanded={open || !!state.error}
        aria-controls={`${id}-form`}
        onClick={() => setOpen((o) => !o)}
      >
        Request access
      </Button>
      <form
        id={`${id}-form`}
        action={formAction}
        hidden={!open && !state.error}
        className="mt-4 space-y-4"
        aria-label={`Request access to ${displayName}`}
        noValidate
      >
        <input type="hidden" name="lob" value={lob} />
        <JustificationField
          id={id}
          label="Justification"
          rows={3}
          state={state}
          hint="What you need the access for (10-500 characters)."
        />
        <DurationField id={id} label="Duration" maxDays={maxDays} state={state} className="max-w-xs" />
        <FormStatus state={state} />
        <Button type="submit" disabled={pending}>
          {pending ? 'Sending…' : 'Submit request'}
        </Button>
      </form>
    </div>
  );
}

const labelClass = 'block text-sm font-semibold text-slate-800';

/** The justification of a request form (joining or extending), refilled and marked invalid from the action's state. */
export function JustificationField({
  id,
  label,
  rows,
  hint,
  state,
}: {
  id: string;
  label: string;
  rows: number;
  hint?: string;
  state: RequestFormState;
}) {
  return (
    <div>
      <label htmlFor={`${id}-justification`} className={labelClass}>
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      <textarea
        id={`${id}-justification`}
        name="justification"
        rows={rows}
        minLength={10}
        maxLength={500}
        required
        defaultValue={state.values.justification}
        className={homeFieldClass}
        aria-invalid={state.fieldErrors?.justification ? true : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
    </div>
  );
}

/** The days a request asks for: the usual choices up to the LOB's longest, and that longest. */
export function DurationField({
  id,
  label,
  maxDays,
  state,
  className,
}: {
  id: string;
  label: string;
  maxDays: number;
  state: RequestFormState;
  className?: string;
}) {
  const choices = [...new Set([...DAY_CHOICES.filter((d) => d <= maxDays), maxDays])].sort((a, b) => a - b);
  return (
    <div className={className}>
      <label htmlFor={`${id}-days`} className={labelClass}>
        {label}
      </label>
      <select id={`${id}-days`} name="days" defaultValue={state.values.days} className={homeFieldClass}>
        <DayOptions choices={choices} />
      </select>
    </div>
  );
}

/** The options of a days select ("30 days"), also the approvers' "Approve for". */
export function DayOptions({ choices }: { choices: number[] }) {
  return choices.map((d) => (
    <option key={d} value={d}>
      {d} days
    </option>
  ));
}

export function WithdrawRequestForm({ id, lob }: { id: string; lob: string }) {
  const [state, formAction, pending] = useActionState<RequestFormState, FormData>(withdrawRequestAction, {
    values: { lob, justification: '', days: '' },
  });
  return (
    <form action={formAction} className="flex flex-col gap-2">
      <input type="hidden" name="id" value={id} />
      {state.ok ? null : (
        <Button type="submit" variant="secondary" disabled={pending} aria-label={`Withdraw request for ${lob}`}>
          Withdraw
        </Button>
      )}
      <FormStatus state={state} />
    </form>
  );
}
