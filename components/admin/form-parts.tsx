import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';
import { Options, type Option } from '@/components/ui/options';

/*
 * The admin console speaks the portal's visual language (components/ui, app/globals.css): slate text at
 * text-sm, the brand colour for actions and links, rounded-md controls, white cards on slate-50. Focus
 * rings come from the global :focus-visible rule, so nothing here removes the outline.
 * Buttons are components/ui/button's <Button>; these strings are for links and forms that must look like one.
 */
export const inputClass =
  'mt-1.5 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs ' +
  '[&[readonly]]:bg-slate-50 [&[readonly]]:text-slate-600 aria-[invalid=true]:border-red-600';
/** File inputs: the same frame, with the picker button styled like a secondary button. */
export const fileInputClass =
  'mt-1.5 block w-full rounded-md border border-slate-300 bg-white text-sm text-slate-700 shadow-xs ' +
  'file:mr-3 file:border-0 file:border-r file:border-slate-300 file:bg-slate-50 file:px-4 file:py-2 file:text-sm file:font-semibold file:text-slate-800 ' +
  'hover:file:bg-slate-100 aria-[invalid=true]:border-red-600';
export const checkboxClass = 'size-4 shrink-0 accent-brand-600';
export const labelClass = 'block text-sm font-semibold text-slate-800';
export const hintClass = 'mt-0.5 text-sm text-slate-600';

const BUTTON_BASE =
  'inline-flex items-center justify-center gap-2 rounded-md px-4 py-2 text-sm font-semibold whitespace-nowrap transition-colors ' +
  'disabled:cursor-not-allowed';
/** Same look as <Button variant="primary"> (components/ui/button), for links. */
export const buttonClass = `${BUTTON_BASE} bg-brand-600 text-white hover:bg-brand-700 disabled:bg-slate-400`;
/** Same look as <Button variant="secondary">, for links. */
export const secondaryButtonClass = `${BUTTON_BASE} border border-slate-300 bg-white text-slate-800 hover:bg-slate-100 disabled:text-slate-400`;
export const dangerButtonClass = `${BUTTON_BASE} bg-red-700 text-white hover:bg-red-800 disabled:bg-slate-400`;
export const linkClass = 'rounded-sm font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800';

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
    <div>
      <label htmlFor={props.name} className={labelClass}>
        {props.label}
      </label>
      {props.hint ? (
        <p id={hintId(props.name)} className={hintClass}>
          {props.hint}
        </p>
      ) : null}
      {props.children}
      <FieldError name={props.name} error={props.error} />
    </div>
  );
}

type FieldProps = { name: string; label: string; hint?: string; error?: string };
/** The attributes a TextField passes to its <input>. */
export type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name' | 'className'>;

/**
 * A labelled text input: a Field around its <input> (id and name from `name`), the hint and error tied to it
 * with aria-describedby. Other input attributes (type, required, inputMode, defaultValue…) pass through.
 */
export function TextField({ name, label, hint, error, ...input }: FieldProps & InputProps) {
  return (
    <Field name={name} label={label} hint={hint} error={error}>
      <input id={name} name={name} className={inputClass} {...input} {...describedBy(name, error, Boolean(hint))} />
    </Field>
  );
}

/** A labelled <select> of `options`, wired like TextField. */
export function SelectField({
  name,
  label,
  hint,
  error,
  options,
  ...select
}: FieldProps & {
  options: readonly Option[];
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'name' | 'className'>) {
  return (
    <Field name={name} label={label} hint={hint} error={error}>
      <select id={name} name={name} className={inputClass} {...select} {...describedBy(name, error, Boolean(hint))}>
        <Options options={options} />
      </select>
    </Field>
  );
}

/** A checkbox with its text beside it; the whole line is its label. */
export function CheckboxField({ label, ...input }: { name: string; label: ReactNode } & Omit<InputProps, 'type'>) {
  return (
    <label className="inline-flex items-center gap-2 text-sm text-slate-900">
      <input type="checkbox" className={checkboxClass} {...input} />
      {label}
    </label>
  );
}

/** The hidden inputs that carry a form's fixed values (what it acts on, the version it read). */
export function HiddenFields({ values }: { values: Record<string, string> }) {
  return (
    <>
      {Object.entries(values).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

export function FieldError({ name, error }: { name: string; error?: string }) {
  return error ? (
    <p id={errorId(name)} className="mt-1.5 text-sm font-medium text-red-700">
      {error}
    </p>
  ) : null;
}

const TONES = {
  error: 'border-red-300 bg-red-50 text-red-900',
  warning: 'border-amber-300 bg-amber-50 text-amber-900',
  success: 'border-emerald-300 bg-emerald-50 text-emerald-900',
} as const;

/** Polite live region for an action's outcome; errors are announced assertively. Looks like components/ui/alert. */
type Outcome = { ok?: boolean; message?: string; error?: string };
/** The outcome to show for two forms sharing one status line: `latest`'s where it has one, else `other`'s. */
export function latestOutcome(latest: Outcome, other: Outcome): Outcome {
  return { ok: latest.ok ?? other.ok, message: latest.message ?? other.message, error: latest.error ?? other.error };
}

export function StatusMessage({
  ok,
  message,
  error,
  id,
  className = '',
}: {
  ok?: boolean;
  message?: string;
  error?: string;
  id?: string;
  /** Spacing for the message itself: the live region stays in the DOM (and takes no room) when empty. */
  className?: string;
}) {
  const tone = error ? 'error' : ok === false ? 'warning' : 'success';
  const text = error ?? message;
  return (
    <div id={id} aria-live={error ? 'assertive' : 'polite'} role={error ? 'alert' : 'status'}>
      {text ? <p className={`rounded-md border px-4 py-3 text-sm ${TONES[tone]} ${className}`}>{text}</p> : null}
    </div>
  );
}
