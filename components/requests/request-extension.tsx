'use client';

import { useActionState, useId } from 'react';
import { FormStatus } from '@/components/actions/form-status';
import { Button } from '@/components/ui/button';
import { requestExtensionAction, type RequestFormState } from './actions';
import { DurationField, JustificationField } from './request-access';

/**
 * "Request extension" for a membership in its last days: the LOB and a duration prefilled, the reason
 * editable. A plain form posting to a server action, shown from the start (works before hydration).
 */
export function RequestExtensionForm({ lob, maxDays }: { lob: string; maxDays: number }) {
  const initial = {
    values: { lob, justification: `I still need my access to ${lob}.`, days: String(Math.min(30, maxDays)) },
  };
  const [state, formAction, pending] = useActionState<RequestFormState, FormData>(requestExtensionAction, initial);
  const id = useId();
  if (state.ok) return <FormStatus state={state} />;
  return (
    <form
      action={formAction}
      className="mt-3 space-y-3"
      aria-label={`Request extension of ${lob}`}
      noValidate
      data-testid={`extend-${lob}`}
    >
      <input type="hidden" name="lob" value={lob} />
      <input type="hidden" name="kind" value="extension" />
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_12rem]">
        <JustificationField id={id} label="Why you still need it" rows={2} state={state} />
        <DurationField id={id} label="Extend by" maxDays={maxDays} state={state} />
      </div>
      <FormStatus state={state} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? 'Sending…' : 'Request extension'}
      </Button>
    </form>
  );
}
