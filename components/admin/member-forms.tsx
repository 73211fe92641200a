'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { removeMemberAction, setMemberAction, type MemberState } from './actions/members';
import { inputClass, latestOutcome, StatusMessage, TextField } from './form-parts';

/** Add someone to the LOB (or set the end date of an existing membership). */
export function AddMemberForm({ lob }: { lob: string }) {
  const [state, formAction, pending] = useActionState<MemberState, FormData>(setMemberAction, {
    values: { lob, username: '', until: '' },
  });
  const e = state.fieldErrors ?? {};
  return (
    <form action={formAction} noValidate className="space-y-4" aria-label={`Add a member to ${lob}`}>
      <input type="hidden" name="lob" value={lob} />
      <div key={JSON.stringify(state.values)} className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="username"
          label="Username"
          defaultValue={state.values.username}
          autoComplete="off"
          required
          error={e.username}
        />
        <TextField
          name="until"
          label="End date (optional)"
          hint="The last day of access (UTC). Owners grant at most the LOB's maximum duration; only platform admins may leave it empty (no end)."
          type="date"
          defaultValue={state.values.until}
          error={e.until}
        />
      </div>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Add member'}
      </Button>
    </form>
  );
}

/** Per member: change the end date, or remove. */
export function MemberRowForms({ lob, username, until }: { lob: string; username: string; until?: string }) {
  const [setState, setAction, setting] = useActionState<MemberState, FormData>(setMemberAction, {
    values: { lob, username, until: until?.slice(0, 10) ?? '' },
  });
  const [removeState, removeAction, removing] = useActionState<MemberState, FormData>(removeMemberAction, {
    values: { lob, username, until: '' },
  });
  const id = `until-${username}`;
  return (
    <div className="flex flex-col gap-2">
      <form action={setAction} className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="lob" value={lob} />
        <input type="hidden" name="username" value={username} />
        <div>
          <label htmlFor={id} className="sr-only">
            End date of {username}
          </label>
          <input
            id={id}
            name="until"
            type="date"
            defaultValue={setState.values.until}
            className={`${inputClass} mt-0 w-40`}
          />
        </div>
        <Button type="submit" variant="secondary" disabled={setting} aria-label={`Save end date of ${username}`}>
          Save end date
        </Button>
      </form>
      <form action={removeAction}>
        <input type="hidden" name="lob" value={lob} />
        <input type="hidden" name="username" value={username} />
        <Button type="submit" variant="secondary" disabled={removing} aria-label={`Remove ${username} from ${lob}`}>
          Remove
        </Button>
      </form>
      <StatusMessage {...latestOutcome(removeState, setState)} />
    </div>
  );
}
