'use client';

import { useActionState, useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { FormStatus, homeFieldClass, LongTextField } from '@/components/actions/form-status';
import { dayOptions, Options } from '@/components/ui/options';
import { requestAccessAction, withdrawRequestAction, type RequestFormState } from './actions';

const DAY_CHOICES = [7, 30, 90, 180, 365];
/**
 * "Request access" opens the form (it is in the page from the start, hidden, so it also works before
 * the page's JavaScript has loaded when posted directly).
 */
export function RequestAccessForm({ lob, displayName, maxDays }: { lob: string; displayName: string; maxDays: number }) {
  const [state, formAction, pending] = useActionState<RequestFormState, FormData>(requestAccessAction, { values: { lob, justification: '', days: String(Math.min(30, maxDays)) } });
  const [open, setOpen] = useState(false);
  const id = useId();
  const choices = [...new Set([...DAY_CHOICES.filter((d) => d <= maxDays), maxDays])].sort((a, b) => a - b);
  const justError = state.fieldErrors?.justification;
  if (state.ok) return <FormStatus state={state} />;
  return (
    <div className="mt-3">
      <Button type="button" variant="secondary" aria-expanded={open || !!state.error} aria-controls={`${id}-form`} onClick={() => setOpen((o) => !o)}>
        Request access
      </Button>
      <form id={`${id}-form`} action={formAction} hidden={!open && !state.error} className="mt-4 space-y-4" aria-label={`Request access to ${displayName}`} noValidate>
        <input type="hidden" name="lob" value={lob} />
        <LongTextField id={id} name="justification" label="Justification" hint="What you need the access for (10-500 characters)." defaultValue={state.values.justification} invalid={!!justError} />
        <div className="max-w-xs">
          <label htmlFor={`${id}-days`} className="block text-sm font-semibold text-slate-800">Duration</label>
          <select id={`${id}-days`} name="days" defaultValue={state.values.days} className={homeFieldClass}>
            <Options options={dayOptions(choices)} />
          </select>
        </div>
        <FormStatus state={state} />
        <Button type="submit" disabled={pending}>{pending ? 'Sending…' : 'Submit request'}</Button>
      </form>
    </div>
  );
}

export function WithdrawRequestForm({ id, lob }: { id: string; lob: string }) {
  const [state, formAction, pending] = useActionState<RequestFormState, FormData>(withdrawRequestAction, { values: { lob, justification: '', days: '' } });
  return (
    <form action={formAction} className="flex flex-col gap-2">
      <input type="hidden" name="id" value={id} />
      {state.ok ? null : <Button type="submit" variant="secondary" disabled={pending} aria-label={`Withdraw request for ${lob}`}>Withdraw</Button>}
      <FormStatus state={state} />
    </form>
  );
}
