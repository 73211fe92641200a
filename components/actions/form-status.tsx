import type { ReactNode } from 'react';
import type { ActionState } from './action-state';

/** The text field class of the home page's forms (access requests, emergency access). */
export const homeFieldClass =
  'mt-1.5 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 aria-[invalid=true]:border-red-600';

/** An action's outcome under its form: errors announced assertively, success politely (the region is always there). */
export function FormStatus({ state }: { state: Pick<ActionState<object>, 'ok' | 'error' | 'message'> }) {
  return (
    <div aria-live={state.error ? 'assertive' : 'polite'} role={state.error ? 'alert' : 'status'}>
      {state.error ? (
        <p className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">{state.error}</p>
      ) : null}
      {state.ok && state.message ? (
        <p className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}

/** A required free-text answer (10-500 characters) with its label and hint: a justification, a reason. */
export function LongTextField({
  id,
  name,
  label,
  hint,
  defaultValue,
  invalid,
}: {
  id: string;
  name: string;
  label: string;
  hint: ReactNode;
  defaultValue: string;
  invalid: boolean;
}) {
  return (
    <div>
      <label htmlFor={`${id}-${name}`} className="block text-sm font-semibold text-slate-800">
        {label}
      </label>
      <p id={`${id}-hint`} className="mt-0.5 text-sm text-slate-600">
        {hint}
      </p>
      <textarea
        id={`${id}-${name}`}
        name={name}
        rows={3}
        minLength={10}
        maxLength={500}
        required
        defaultValue={defaultValue}
        className={homeFieldClass}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={`${id}-hint`}
      />
    </div>
  );
}
