'use client';

import { useActionState, useId } from 'react';
import { Button } from '@/components/ui/button';
import type { RequestFormState } from './actions';
import { requestExtensionAction } from './extension-actions';
import { DAY_CHOICES, fieldClass, Status } from './request-access';

/**
 * "Request extension" for a membership in its last days: the LOB and a duration prefilled, the reason
 * editable. A plain form posting to a server action, shown from the start (works before hydration).
 */
export function RequestExtensionForm({ lob, maxDays }: { lob: string; maxDays: number }) {
  const initial = { values: { lob, justification: `I still need my access to ${lob}.`, days: String(Math.min(30, maxDays)) } };
  const [state, formAction, pending] = useActionState<RequestFormState, FormData>(requestExtensionAction, initial);
  const id = useId();
  const choices = [...new Set([...DAY_CHOICES.filter((d) => d <= maxDays), maxDays])].sort((a, b) => a - b);
  if (state.ok) return <Status state={state} />;
  return (
    <form action={formAction} className="mt-3 space-y-3" aria-label={`Request extension of ${lob}`} noValidate data-testid={`extend-${lob}`}>
      <input type="hidden" name="lob" value={lob} />
      <input type="hidden" name="kind" value="extension" />
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_12rem]">
        <div>
          <label htmlFor={`${id}-why`} className="block text-sm font-semibold text-slate-800">Why you still need it</label>
          <textarea
            id={`${id}-why`} name="justification" rows={2} minLength={10} maxLength={500} required defaultValue={state.values.justification}
            className={fieldClass} aria-invalid={state.fieldErrors?.justification ? true : undefined}
          />
        </div>
        <div>
          <label htmlFor={`${id}-days`} className="block text-sm font-semibold text-slate-800">Extend by</label>
          <select id={`${id}-days`} name="days" defaultValue={state.values.days} className={fieldClass}>
            {choices.map((d) => <option key={d} value={d}>{d} days</option>)}
          </select>
        </div>
      </div>
      <Status state={state} />
      <Button type="submit" variant="secondary" disabled={pending}>{pending ? 'Sending…' : 'Request extension'}</Button>
    </form>
  );
}
