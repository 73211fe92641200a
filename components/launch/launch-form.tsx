'use client';

import { useActionState, useEffect, useRef, useState } from 'react';
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

/**
 * While the launch runs the button stays focusable (aria-disabled, not disabled) so keyboard users
 * keep their place; repeated presses are ignored.
 */
/** A pending profile: ask again this long after the last answer. */
const PENDING_RETRY_MS = 1_000;

function SubmitButton({ unavailable, creating, app }: { unavailable: boolean; creating: boolean; app?: string }) {
  const { pending: submitting } = useFormStatus();
  const pending = submitting || creating;
  // The button names what opens: "Open Studio" for Studio (and when nothing is chosen), else the app.
  const target = app && app !== 'studio' ? (APP_LABELS[app] ?? app) : 'Studio';
  return (
    <Button
      type="submit"
      disabled={unavailable}
      aria-disabled={pending || undefined}
      onClick={(event) => {
        if (pending) event.preventDefault();
      }}
      data-testid="open-studio"
    >
      {pending && (
        <span aria-hidden className="size-3 animate-spin rounded-full border-2 border-white border-t-transparent" />
      )}
      {creating ? 'Creating profile…' : pending ? `Opening ${target}…` : `Open ${target}`}
    </Button>
  );
}

export function LaunchForm({ options }: { options: LaunchOption[] }) {
  const [state, formAction] = useActionState<LaunchState, FormData>(openStudio, { values: {} });
  const [lob, setLob] = useState(state.values.lob ?? options[0]?.lob);
  const selected = options.find((o) => o.lob === lob) ?? options[0];
  const apps = selected?.allowedApps ?? [];
  // The app chosen per LOB; until one is chosen, the one the last attempt used, else the LOB's default.
  const [appByLob, setAppByLob] = useState<Record<string, string>>({});
  const app = selected
    ? (appByLob[selected.lob] ??
      (state.values.app && apps.includes(state.values.app) ? state.values.app : selected.defaultApp))
    : undefined;
  const formRef = useRef<HTMLFormElement>(null);
  // The profile is being created (first launch in a LOB that creates profiles): ask again shortly.
  useEffect(() => {
    if (!state.pending) return;
    const timer = setTimeout(() => formRef.current?.requestSubmit(), PENDING_RETRY_MS);
    return () => clearTimeout(timer);
  }, [state]);

  return (
    <form ref={formRef} action={formAction} className="space-y-4" aria-describedby="launch-status">
      <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
        <div className="space-y-6 p-5 sm:p-6">
          {options.length > 1 ? (
            <fieldset className="space-y-3">
              <legend className="mb-3 text-base font-semibold text-slate-900">Choose a line of business</legend>
              {options.map((o) => (
                <label
                  key={o.lob}
                  className="flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 p-4 hover:border-slate-300 has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50/40 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-600"
                >
                  <input
                    type="radio"
                    name="lob"
                    value={o.lob}
                    checked={o.lob === selected?.lob}
                    onChange={() => setLob(o.lob)}
                    className="mt-0.5 size-4 accent-brand-600"
                  />
                  <LobDetails option={o} />
                </label>
              ))}
            </fieldset>
          ) : (
            selected && (
              <section aria-labelledby="lob-heading" className="space-y-3">
                <h2 id="lob-heading" className="text-base font-semibold text-slate-900">
                  Your line of business
                </h2>
                <input type="hidden" name="lob" value={selected.lob} />
                <div className="rounded-md border border-slate-200 p-4">
                  <LobDetails option={selected} />
                </div>
              </section>
            )
          )}

          {apps.length > 1 && (
            <div className="space-y-1.5">
              <label htmlFor="app" className="block text-sm font-semibold text-slate-800">
                Open in
              </label>
              <select
                id="app"
                name="app"
                value={app}
                onChange={(event) => selected && setAppByLob({ ...appByLob, [selected.lob]: event.target.value })}
                className="block w-full max-w-xs rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900"
              >
                {apps.map((a) => (
                  <option key={a} value={a}>
                    {APP_LABELS[a] ?? a}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>

        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-b-lg border-t border-slate-200 bg-slate-50 px-5 py-4 sm:px-6">
          <SubmitButton unavailable={!selected || !selected.enabled} creating={Boolean(state.pending)} app={app} />
          {selected && !selected.enabled ? (
            <p className="text-sm text-slate-700">Studio access for {selected.displayName} is turned off for now.</p>
          ) : (
            <p className="text-sm text-slate-600">Studio opens in this tab.</p>
          )}
        </div>
      </div>

      <div id="launch-status" aria-live="polite" aria-atomic="true">
        {state.pending && (
          <Alert tone="info" title="Creating your Studio profile, this happens once" testId="launch-pending">
            <p>
              SageMaker is setting up your user profile in {selected?.displayName ?? 'your line of business'}. Studio
              opens by itself as soon as it is ready, usually within a minute.
            </p>
          </Alert>
        )}
        {state.error && (
          <Alert tone="error" title="Studio could not be opened" testId="launch-error">
            <p data-testid="launch-error-message" data-code={state.code}>
              {state.error}
            </p>
            <RequestIdNote requestId={state.requestId ?? ''} />
          </Alert>
        )}
      </div>
    </form>
  );
}

function LobDetails({ option }: { option: LaunchOption }) {
  return (
    <div className="min-w-0 text-sm" data-testid={`lob-${option.lob}`}>
      <p className="font-semibold text-slate-900">{option.displayName}</p>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-slate-600">
        <dt>Account</dt>
        <dd className="font-mono text-slate-800">{option.accountId}</dd>
        <dt>Domain</dt>
        <dd className="font-mono text-slate-800">{option.domainId}</dd>
        <dt>Region</dt>
        <dd className="font-mono text-slate-800">{option.region}</dd>
      </dl>
    </div>
  );
}
