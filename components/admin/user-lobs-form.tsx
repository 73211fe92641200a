'use client';

import { useActionState } from 'react';
import { saveUserLobsAction, type UserLobsState, type UserLobsValues } from './actions/users';
import { buttonClass, StatusMessage } from './form-parts';

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
    <form action={formAction} className="max-w-xl">
      <input type="hidden" name="username" value={v.username} />
      <input type="hidden" name="version" value={v.version} />
      <fieldset key={JSON.stringify(v)} aria-describedby="user-lobs-hint">
        <legend className="text-lg font-semibold text-gray-900">LOB memberships</legend>
        <p id="user-lobs-hint" className="text-sm text-gray-700">
          Check one or more. With none checked the user has no explicit mapping (IdP groups may still apply).
        </p>
        <ul className="mt-2 space-y-1">
          {lobs.map((lob) => (
            <li key={lob.lob}>
              <label className="inline-flex items-center gap-2 text-gray-900">
                <input type="checkbox" name="lobs" value={lob.lob} defaultChecked={v.lobs.includes(lob.lob)} className="h-4 w-4" />
                {lob.displayName} <span className="text-gray-700">({lob.lob}{lob.enabled ? '' : ', disabled'})</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <div className="my-4">
        <StatusMessage ok={state.ok} message={state.message} error={state.error} />
      </div>
      <button type="submit" className={buttonClass} disabled={pending}>
        {pending ? 'Saving…' : 'Save memberships'}
      </button>
    </form>
  );
}
