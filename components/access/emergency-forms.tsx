'use client';

import { useActionState, useId } from 'react';
import { Button } from '@/components/ui/button';
import { decideEmergencyAction, takeEmergencyAction, type EmergencyDecisionState, type EmergencyFormState } from './actions';

const fieldClass = 'mt-1.5 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 aria-[invalid=true]:border-red-600';

function Status({ state }: { state: EmergencyFormState | EmergencyDecisionState }) {
  return (
    <div aria-live={state.error ? 'assertive' : 'polite'} role={state.error ? 'alert' : 'status'}>
      {state.error ? <p className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">{state.error}</p> : null}
      {state.ok && state.message ? <p className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">{state.message}</p> : null}
    </div>
  );
}

/** The reason and the "Emergency access" button: a plain form, so it posts before the page's JavaScript runs. */
export function EmergencyAccessForm({ lob, displayName, hours }: { lob: string; displayName: string; hours: number }) {
  const [state, formAction, pending] = useActionState<EmergencyFormState, FormData>(takeEmergencyAction, { values: { lob, reason: '' } });
  const id = useId();
  if (state.ok) return <Status state={state} />;
  const reasonError = state.fieldErrors?.reason;
  return (
    <form action={formAction} className="mt-3 space-y-3" aria-label={`Emergency access to ${displayName}`} noValidate>
      <input type="hidden" name="lob" value={lob} />
      <div>
        <label htmlFor={`${id}-reason`} className="block text-sm font-semibold text-slate-800">Reason</label>
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-slate-600">
          What broke and why you need access now (10-500 characters). Access lasts {hours} hours, starts at once and its owners are told.
        </p>
        <textarea
          id={`${id}-reason`} name="reason" rows={3} minLength={10} maxLength={500} required defaultValue={state.values.reason}
          className={fieldClass} aria-invalid={reasonError ? true : undefined} aria-describedby={`${id}-hint`}
        />
      </div>
      <Status state={state} />
      <Button type="submit" disabled={pending}>{pending ? 'Granting…' : 'Emergency access'}</Button>
    </form>
  );
}

/** One of "Confirm" / "Reject" on an emergency grant (the row around it names the user and the LOB). */
export function EmergencyDecisionForm({ lob, id, decision }: { lob: string; id: string; decision: 'confirm' | 'reject' }) {
  const [state, formAction, pending] = useActionState<EmergencyDecisionState, FormData>(decideEmergencyAction, { values: { lob, id, decision } });
  return (
    <form action={formAction} className="flex flex-col gap-2">
      <input type="hidden" name="lob" value={lob} />
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="decision" value={decision} />
      {state.ok ? null : (
        <Button type="submit" variant={decision === 'reject' ? 'primary' : 'secondary'} disabled={pending}>
          {decision === 'confirm' ? 'Confirm' : 'Reject'}
        </Button>
      )}
      <Status state={state} />
    </form>
  );
}
