'use client';

import { startTransition, useActionState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { importUsersAction, type ImportState } from './actions/users';
import { describedBy, Field, fileInputClass, StatusMessage } from './form-parts';
import { tdClass } from './page-parts';
import { DataTable } from './data-table';

export function ImportForm() {
  const [state, formAction, pending] = useActionState<ImportState, FormData>(importUsersAction, {
    values: { fileName: '' },
  });
  const errors = state.result?.errors ?? [];
  const keepFileOnSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  };
  return (
    <div className="space-y-4">
      {/* Submitted from onSubmit (not the form action) so React does not reset the form: the chosen file
          stays selected after an import, ready to re-import once the rejected rows are fixed. */}
      <form action={formAction} onSubmit={keepFileOnSubmit} className="space-y-4">
        <Field
          name="file"
          label="CSV file"
          hint={`Columns "username,lobs", optionally "action" and "expiresAt" (YYYY-MM-DD or an ISO time: one for all the row's LOBs, or one per LOB separated by ";"): several LOBs separated by ";". A row sets that user's memberships; with the action "remove" it takes the listed LOBs away (all of them when none are listed). Users must exist in the user pool. Up to 1 MB (about 40,000 rows) per file.`}
          error={state.fieldErrors?.file}
        >
          <input
            id="file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            required
            className={fileInputClass}
            {...describedBy('file', state.fieldErrors?.file, true)}
          />
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? 'Importing…' : 'Import'}
        </Button>
      </form>
      <StatusMessage
        id="import-status"
        ok={state.ok}
        message={state.message}
        error={state.fieldErrors?.file ? undefined : state.error}
      />
      {errors.length ? (
        <div>
          <h2 className="mb-2 text-base font-semibold text-slate-900">
            Rejected rows of {state.values.fileName} ({errors.length})
          </h2>
          <DataTable
            label="Rejected rows"
            testId="import-errors"
            caption={`Rejected rows (${errors.length})`}
            columns={['Line', 'Username', 'Reason']}
          >
            {errors.map((e) => (
              <tr key={e.line} data-line={e.line}>
                <td className={`${tdClass} tabular-nums`}>{e.line}</td>
                <td className={`${tdClass} whitespace-nowrap`}>{e.username ?? ''}</td>
                <td className={tdClass}>{e.reason}</td>
              </tr>
            ))}
          </DataTable>
        </div>
      ) : null}
    </div>
  );
}
