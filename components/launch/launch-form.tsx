'use client';

import { useActionState, useState } from 'react';
import { useFormStatus } from 'react-dom';
import { Alert, RequestIdNote } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { openStudio } from './actions';
import type { LaunchState } from './types';

export interface LaunchOption {
  lob: string;
  displayName: string;
  accountId: string;
  domainId: string;
  region: string;
  enabled: boolean;
  defaultApp: string;
  allowedApps: string[];
}

const APP_LABELS: Record<string, string> = { studio: 'Studio', jupyterlab: 'JupyterLab', codeeditor: 'Code Editor' };

function SubmitButton({ disabled }: { disabled: boolean }) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" disabled={pending || disabled} aria-disabled={pending || disabled} data-testid="open-studio">
      {pending && <span aria-hidden className="size-3 animate-spin rounded-full border-2 border-white border-t-transparent" />}
      {pending ? 'Opening Studio…' : 'Open Studio'}
    </Button>
  );
}

export function LaunchForm({ options }: { options: LaunchOption[] }) {
  const [state, formAction] = useActionState<LaunchState, FormData>(openStudio, {});
  const [lob, setLob] = useState(state.lob ?? options[0]?.lob);
  const selected = options.find((o) => o.lob === lob) ?? options[0];
  const apps = selected?.allowedApps ?? [];

  return (
    <form action={formAction} className="space-y-6" aria-describedby="launch-status">
      {options.length > 1 ? (
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold text-slate-800">Line of business</legend>
          {options.map((o) => (
            <label key={o.lob} className="flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 bg-white p-3 has-[:checked]:border-brand-600">
              <input type="radio" name="lob" value={o.lob} checked={o.lob === selected?.lob} onChange={() => setLob(o.lob)} className="mt-1" />
              <LobDetails option={o} />
            </label>
          ))}
        </fieldset>
      ) : (
        selected && (
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <input type="hidden" name="lob" value={selected.lob} />
            <LobDetails option={selected} />
          </div>
        )
      )}

      {apps.length > 1 && (
        <div className="space-y-1">
          <label htmlFor="app" className="block text-sm font-semibold text-slate-800">
            Open in
          </label>
          <select
            id="app"
            name="app"
            key={selected?.lob}
            defaultValue={state.app && apps.includes(state.app) ? state.app : selected?.defaultApp}
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
          >
            {apps.map((a) => (
              <option key={a} value={a}>
                {APP_LABELS[a] ?? a}
              </option>
            ))}
          </select>
        </div>
      )}

      <SubmitButton disabled={!selected || !selected.enabled} />
      {selected && !selected.enabled && <p className="text-sm text-slate-600">Studio access for {selected.displayName} is currently disabled.</p>}

      <div id="launch-status" aria-live="polite" aria-atomic="true">
        {state.error && (
          <Alert tone="error" title="Studio could not be opened" testId="launch-error">
            <p data-testid="launch-error-message" data-code={state.error.code}>
              {state.error.message}
            </p>
            <RequestIdNote requestId={state.error.requestId} />
          </Alert>
        )}
      </div>
    </form>
  );
}

function LobDetails({ option }: { option: LaunchOption }) {
  return (
    <div className="text-sm" data-testid={`lob-${option.lob}`}>
      <p className="font-semibold text-slate-900">{option.displayName}</p>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-slate-600">
        <dt>Account</dt>
        <dd className="font-mono">{option.accountId}</dd>
        <dt>Domain</dt>
        <dd className="font-mono">{option.domainId}</dd>
        <dt>Region</dt>
        <dd className="font-mono">{option.region}</dd>
      </dl>
    </div>
  );
}
