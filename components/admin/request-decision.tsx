'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { dayOptions, Options } from '@/components/ui/options';
import { approveRequestAction, denyRequestAction, type DecisionState } from './actions/requests';
import { dangerButtonClass, inputClass, latestOutcome, StatusMessage } from './form-parts';

/** Approve (for the days asked or fewer) or deny (with a reason) one pending request. */
export function RequestDecision({
  id,
  requester,
  lob,
  days,
}: {
  id: string;
  requester: string;
  lob: string;
  days: number;
}) {
  const initial = { values: { id, days: String(days), reason: '' } };
  const [approved, approve, approving] = useActionState<DecisionState, FormData>(approveRequestAction, initial);
  const [denied, deny, denying] = useActionState<DecisionState, FormData>(denyRequestAction, initial);
  const choices = [...new Set([7, 30, 90, 180, 365].filter((d) => d < days).concat(days))];
  const done = approved.ok || denied.ok;
  return (
    <div className="flex flex-col gap-3">
      {done ? null : (
        <>
          <form action={approve} className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="id" value={id} />
            <div>
              <label htmlFor={`days-${id}`} className="block text-xs font-semibold text-slate-700">
                Approve for
              </label>
              <select id={`days-${id}`} name="days" defaultValue={String(days)} className={`${inputClass} mt-1 w-32`}>
                <Options options={dayOptions(choices)} />
              </select>
            </div>
            <Button type="submit" disabled={approving} aria-describedby={`who-${id}`}>
              Approve
            </Button>
          </form>
          <form action={deny} className="flex flex-wrap items-end gap-2" noValidate>
            <input type="hidden" name="id" value={id} />
            <div className="min-w-48 flex-1">
              <label htmlFor={`reason-${id}`} className="block text-xs font-semibold text-slate-700">
                Reason (required to deny)
              </label>
              <input
                id={`reason-${id}`}
                name="reason"
                defaultValue={denied.values.reason}
                className={`${inputClass} mt-1`}
                aria-invalid={denied.fieldErrors?.reason ? true : undefined}
              />
            </div>
            <button type="submit" className={dangerButtonClass} disabled={denying} aria-describedby={`who-${id}`}>
              Deny
            </button>
          </form>
        </>
      )}
      <span id={`who-${id}`} className="sr-only">
        request of {requester} for {lob}
      </span>
      <StatusMessage {...latestOutcome(approved, denied)} />
    </div>
  );
}
