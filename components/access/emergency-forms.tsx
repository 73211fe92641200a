'use client';

import { useActionState, useId } from 'react';
import { Button } from '@/components/ui/button';
import { FormStatus, LongTextField } from '@/components/actions/form-status';
import {
  decideEmergencyAction,
  takeEmergencyAction,
  type EmergencyDecisionState,
  type EmergencyFormState,
} from './actions';

/** The reason and the "Emergency access" button: a plain form, so it posts before the page's JavaScript runs. */
export function EmergencyAccessForm({ lob, displayName, hours }: { lob: string; displayName: string; hours: number }) {
  const [state, formAction, pending] = useActionState<EmergencyFormState, FormData>(takeEmergencyAction, {
    values: { lob, reason: '' },
  });
  const id = useId();
  if (state.ok) return <FormStatus state={state} />;
  const reasonError = state.fieldErrors?.reason;
  return (
    <form action={formAction} className="mt-3 space-y-3" aria-label={`Emergency access to ${displayName}`} noValidate>
      <input type="hidden" name="lob" value={lob} />
      <LongTextField
        id={id}
        name="reason"
        label="Reason"
        defaultValue={state.values.reason}
        invalid={!!reasonError}
        hint={`What broke and why you need access now (10-500 characters). Access lasts ${hours} hours, starts at once and its owners are told.`}
      />
      <FormStatus state={state} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Granting…' : 'Emergency access'}
      </Button>
    </form>
  );
}

/** One of "Confirm" / "Reject" on an emergency grant (the row around it names the user and the LOB). */
export function EmergencyDecisionForm({
  lob,
  id,
  decision,
}: {
  lob: string;
  id: string;
  decision: 'confirm' | 'reject';
}) {
  const [state, formAction, pending] = useActionState<EmergencyDecisionState, FormData>(decideEmergencyAction, {
    values: { lob, id, decision },
  });
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
      <FormStatus state={state} />
    </form>
  );
}
