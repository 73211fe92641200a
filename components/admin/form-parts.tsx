import type { ReactNode } from 'react';

export const inputClass =
  'mt-1 block w-full rounded border border-gray-400 bg-white px-3 py-2 text-gray-900 shadow-sm ' +
  'focus:border-blue-700 focus:outline-none focus:ring-2 focus:ring-blue-600 aria-[invalid=true]:border-red-700';
export const buttonClass =
  'inline-flex items-center rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 ' +
  'focus:outline-none focus:ring-2 focus:ring-blue-600 focus:ring-offset-2 disabled:opacity-60';
export const secondaryButtonClass =
  'inline-flex items-center rounded border border-gray-500 bg-white px-4 py-2 font-medium text-gray-900 ' +
  'hover:bg-gray-100 focus:outline-none focus:ring-2 focus:ring-blue-600 focus:ring-offset-2 disabled:opacity-60';
export const dangerButtonClass =
  'inline-flex items-center rounded bg-red-700 px-4 py-2 font-medium text-white hover:bg-red-800 ' +
  'focus:outline-none focus:ring-2 focus:ring-red-600 focus:ring-offset-2 disabled:opacity-60';
export const linkClass = 'text-blue-700 underline hover:text-blue-900';

/** The id of a field's error message, for aria-describedby. */
export const errorId = (name: string) => `${name}-error`;
export const hintId = (name: string) => `${name}-hint`;

/** Props that tie an input to its hint and error. */
export function describedBy(name: string, error?: string, hint?: boolean) {
  const ids = [hint ? hintId(name) : null, error ? errorId(name) : null].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined } as const;
}

/** A labelled field with an optional hint and its error right next to it. */
export function Field(props: { name: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <div className="mb-4">
      <label htmlFor={props.name} className="block text-sm font-medium text-gray-900">
        {props.label}
      </label>
      {props.hint ? (
        <p id={hintId(props.name)} className="text-sm text-gray-700">
          {props.hint}
        </p>
      ) : null}
      {props.children}
      <FieldError name={props.name} error={props.error} />
    </div>
  );
}

export function FieldError({ name, error }: { name: string; error?: string }) {
  return error ? (
    <p id={errorId(name)} className="mt-1 text-sm text-red-700">
      {error}
    </p>
  ) : null;
}

/** Polite live region for an action's outcome; errors are announced assertively. */
export function StatusMessage({ ok, message, error, id }: { ok?: boolean; message?: string; error?: string; id?: string }) {
  return (
    <div id={id} aria-live={error ? 'assertive' : 'polite'} role={error ? 'alert' : 'status'} className="min-h-6">
      {error ? (
        <p className="rounded border border-red-700 bg-red-50 p-3 text-red-800">{error}</p>
      ) : message ? (
        <p className={`rounded border p-3 ${ok === false ? 'border-amber-700 bg-amber-50 text-amber-900' : 'border-green-700 bg-green-50 text-green-900'}`}>
          {message}
        </p>
      ) : null}
    </div>
  );
}
