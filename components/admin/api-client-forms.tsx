'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { deleteApiClientAction, registerApiClientAction, type ApiClientState } from './actions/api-clients';
import { checkboxClass, FieldError, labelClass, StatusMessage, TextField } from './form-parts';

const EMPTY: ApiClientState = { values: { name: '', scopes: [], lobs: [], allLobs: false } };

/** Register a machine client: name, scopes, LOBs; the secret is shown once after saving. */
export function RegisterApiClientForm({
  scopes,
  lobs,
}: {
  scopes: { name: string; description: string }[];
  lobs: string[];
}) {
  const [state, formAction, pending] = useActionState<ApiClientState, FormData>(registerApiClientAction, EMPTY);
  const e = state.fieldErrors ?? {};
  const v = state.values;
  return (
    <form action={formAction} noValidate className="space-y-5" aria-label="Register a machine client">
      <div key={JSON.stringify(v)} className="space-y-5">
        <TextField
          name="name"
          label="Name"
          hint="Lowercase letters, digits and hyphens; its changes are audited as client@<name>."
          defaultValue={v.name}
          autoComplete="off"
          required
          error={e.name}
        />
        <fieldset aria-describedby={e.scopes ? 'scopes-error' : undefined}>
          <legend className={labelClass}>Scopes</legend>
          <ul className="mt-2 grid gap-2 sm:grid-cols-2">
            {scopes.map((s) => (
              <li key={s.name} className="flex items-start gap-2 text-sm">
                <input
                  id={`scope-${s.name}`}
                  type="checkbox"
                  name="scopes"
                  value={s.name}
                  defaultChecked={v.scopes.includes(s.name)}
                  className={checkboxClass}
                />
                <label htmlFor={`scope-${s.name}`}>
                  <code>{s.name}</code> <span className="text-slate-600">{s.description}</span>
                </label>
              </li>
            ))}
          </ul>
          <FieldError name="scopes" error={e.scopes} />
        </fieldset>
        <fieldset aria-describedby={e.lobs ? 'lobs-error' : undefined}>
          <legend className={labelClass}>Lines of business it may act on</legend>
          <ul className="mt-2 flex flex-wrap gap-4">
            {lobs.map((lob) => (
              <li key={lob} className="flex items-center gap-2 text-sm">
                <input
                  id={`lob-${lob}`}
                  type="checkbox"
                  name="lobs"
                  value={lob}
                  defaultChecked={v.lobs.includes(lob)}
                  className={checkboxClass}
                />
                <label htmlFor={`lob-${lob}`}>{lob}</label>
              </li>
            ))}
            <li className="flex items-center gap-2 text-sm">
              <input id="allLobs" type="checkbox" name="allLobs" defaultChecked={v.allLobs} className={checkboxClass} />
              <label htmlFor="allLobs">
                Every LOB, also new ones (a platform admin&apos;s reach: may create and edit LOBs)
              </label>
            </li>
          </ul>
          <FieldError name="lobs" error={e.lobs} />
        </fieldset>
      </div>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
      {state.created ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm" data-testid="client-secret">
          <p className="font-semibold">
            Client id: <code>{state.created.clientId}</code>
          </p>
          <p className="mt-1 font-semibold">
            Client secret (shown once): <code className="break-all">{state.created.secret}</code>
          </p>
        </div>
      ) : null}
      <Button type="submit" disabled={pending}>
        {pending ? 'Registering…' : 'Register client'}
      </Button>
    </form>
  );
}

export function DeleteApiClientForm({ clientId, name }: { clientId: string; name: string }) {
  const [state, formAction, pending] = useActionState(deleteApiClientAction, { values: { clientId } });
  return (
    <form action={formAction}>
      <input type="hidden" name="clientId" value={clientId} />
      <Button type="submit" variant="secondary" disabled={pending} aria-label={`Delete client ${name}`}>
        Delete
      </Button>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
    </form>
  );
}
