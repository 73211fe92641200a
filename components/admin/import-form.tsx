'use client';

import { useActionState } from 'react';
import { importUsersAction, type ImportState } from './actions/users';
import { buttonClass, describedBy, Field, inputClass, StatusMessage } from './form-parts';

export function ImportForm() {
  const [state, formAction, pending] = useActionState<ImportState, FormData>(importUsersAction, { values: { fileName: '' } });
  const errors = state.result?.errors ?? [];
  return (
    <div>
      <form action={formAction} className="max-w-xl">
        <Field
          name="file"
          label="CSV file"
          hint={`Columns "username,lobs"; several LOBs separated by ";". Each row sets that user's memberships. Up to 1 MB (about 40,000 rows) per file.`}
          error={state.fieldErrors?.file}
        >
          <input id="file" name="file" type="file" accept=".csv,text/csv" required className={inputClass} {...describedBy('file', state.fieldErrors?.file, true)} />
        </Field>
        <button type="submit" className={buttonClass} disabled={pending}>
          {pending ? 'Importing…' : 'Import'}
        </button>
      </form>
      <div className="mt-4">
        <StatusMessage id="import-status" ok={state.ok} message={state.message} error={state.fieldErrors?.file ? undefined : state.error} />
      </div>
      {errors.length ? (
        <table className="mt-4 w-full max-w-3xl border-collapse text-left" data-testid="import-errors">
          <caption className="text-left font-semibold text-gray-900">Rejected rows ({errors.length})</caption>
          <thead>
            <tr className="border-b border-gray-400">
              <th scope="col" className="py-2 pr-4">Line</th>
              <th scope="col" className="py-2 pr-4">Username</th>
              <th scope="col" className="py-2">Reason</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((e) => (
              <tr key={e.line} className="border-b border-gray-200" data-line={e.line}>
                <td className="py-1 pr-4 tabular-nums">{e.line}</td>
                <td className="py-1 pr-4">{e.username ?? ''}</td>
                <td className="py-1">{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
