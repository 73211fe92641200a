'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { saveUserLobsAction, type UserLobsState, type UserLobsValues } from './actions/users';
import { checkboxClass, hintClass, StatusMessage } from './form-parts';

export interface LobOption {
  lob: string;
  displayName: string;
  enabled: boolean;
}

/** A user's LOB memberships as checkboxes; none checked removes the explicit mapping. */
export function UserLobsForm({ initial, lobs }: { initial: UserLobsValues; lobs: LobOption[] }) {
  const [state, formAction, pending] = useActionState<UserLobsState, FormData>(saveUserLobsAction, { values: initial });
  const v = state.values;
  return (
    <form action={formAction}>
      <input type="hidden" name="username" value={v.username} />
      <input type="hidden" name="version" value={v.version} />
      <fieldset key={JSON.stringify(v)} aria-describedby="user-lobs-hint">
        <legend className="text-base font-semibold text-slate-900">LOB memberships</legend>
        <p id="user-lobs-hint" className={hintClass}>
          Check one or more. With none checked the user has no explicit mapping (IdP groups may still apply).
        </p>
        <ul className="mt-3 space-y-2">
          {lobs.map((lob) => (
            <li key={lob.lob}>
              <label className="flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 px-3 py-2.5 text-sm hover:border-slate-300 has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50/40">
                <input
                  type="checkbox"
                  name="lobs"
                  value={lob.lob}
                  defaultChecked={v.lobs.includes(lob.lob)}
                  className={`mt-0.5 ${checkboxClass}`}
                />
                <span>
                  <span className="font-medium text-slate-900">{lob.displayName}</span>{' '}
                  <span className="text-slate-600">
                    ({lob.lob}
                    {lob.enabled ? '' : ', disabled'})
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} className="mt-4" />
      <Button type="submit" disabled={pending} className="mt-5">
        {pending ? 'Saving…' : 'Save memberships'}
      </Button>
    </form>
  );
}
