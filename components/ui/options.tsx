import type { ReactNode } from 'react';

/** One choice of a <select>: a plain string is both its value and its text. */
export type Option = string | { value: string; label: ReactNode };

/** The <option>s of a <select>, in order. */
export function Options({ options }: { options: readonly Option[] }) {
  return (
    <>
      {options.map((option) => {
        const { value, label } = typeof option === 'string' ? { value: option, label: option } : option;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </>
  );
}

/** Durations in days as choices: value "30", text "30 days". */
export function dayOptions(days: readonly number[]): Option[] {
  return days.map((d) => ({ value: String(d), label: `${d} days` }));
}
