'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { importUsersAction, type ImportState } from './actions/users';
import { describedBy, Field, fileInputClass, StatusMessage } from './form-parts';
import { TableFrame, tableClass, tbodyClass, tdClass, thClass, theadClass } from './page-parts';

export function ImportForm() {
  const [state, formAction, pending] = useActionState<ImportState, FormData>(importUsersAction, { values: { fileName: '' } });
  const errors = state.result?.errors ?? [];
  return (
    <div className="space-y-4">
      <form action={formAction} className="space-y-4">
        <Field
          name="file"
          label="CSV file"
          hint={`Columns "username,lobs"; several LOBs separated by ";". Each row sets that user's memberships. Up to 1 MB (about 40,000 rows) per file.`}
          error={state.fieldErrors?.file}
        >
          <input id="file" name="file" type="file" accept=".csv,text/csv" required className={fileInputClass} {...describedBy('file', state.fieldErrors?.file, true)} />
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? 'Importing…' : 'Import'}
        </Button>
      </form>
      <StatusMessage id="import-status" ok={state.ok} message={state.message} error={state.fieldErrors?.file ? undefined : state.error} />
      {errors.length ? (
        <div>
          <h2 className="mb-2 text-base font-semibold text-slate-900">Rejected rows ({errors.length})</h2>
          <TableFrame label="Rejected rows">
            <table className={tableClass} data-testid="import-errors">
              <caption className="sr-only">Rejected rows ({errors.length})</caption>
              <thead className={theadClass}>
                <tr>
                  <th scope="col" className={thClass}>Line</th>
                  <th scope="col" className={thClass}>Username</th>
                  <th scope="col" className={thClass}>Reason</th>
                </tr>
              </thead>
              <tbody className={tbodyClass}>
                {errors.map((e) => (
                  <tr key={e.line} data-line={e.line}>
                    <td className={`${tdClass} tabular-nums`}>{e.line}</td>
                    <td className={`${tdClass} whitespace-nowrap`}>{e.username ?? ''}</td>
                    <td className={tdClass}>{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableFrame>
        </div>
      ) : null}
    </div>
  );
}
