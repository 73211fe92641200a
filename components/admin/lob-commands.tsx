'use client';

import { useActionState } from 'react';
import { useDialog } from '@/components/ui/use-dialog';
import {
  checkAllLobsAction,
  type HealthCheckState,
  deleteLobAction,
  setLobEnabledAction,
  testConnectionAction,
  type ConnectionTestState,
  type LobCommandState,
} from './actions/lobs';
import type { ConnectionReport } from '@/lib/admin/connection-test';
import { Button } from '@/components/ui/button';
import { checkboxClass, dangerButtonClass, HiddenFields, StatusMessage } from './form-parts';
import { sectionTitleClass } from './page-parts';

export function EnableLobForm({ lob, version, enabled }: { lob: string; version: number; enabled: boolean }) {
  const values = { lob, version: String(version) };
  const [state, formAction, pending] = useActionState<LobCommandState, FormData>(setLobEnabledAction, { values });
  return (
    <form action={formAction} className="flex min-w-40 flex-col gap-2">
      <HiddenFields values={{ ...values, enabled: enabled ? 'false' : 'true' }} />
      <div>
        <Button type="submit" variant="secondary" disabled={pending}>
          {enabled ? 'Disable' : 'Enable'} {lob}
        </Button>
      </div>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
    </form>
  );
}

/** Runs the health check (connection test) of every enabled LOB now; the table shows the results. */
export function CheckAllLobsForm() {
  const [state, formAction, pending] = useActionState<HealthCheckState, FormData>(checkAllLobsAction, { values: {} });
  return (
    <form action={formAction} className="flex flex-col items-start gap-2">
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? 'Checking…' : 'Check all now'}
      </Button>
      <StatusMessage ok={state.ok} message={state.message} error={state.error} />
    </form>
  );
}

/**
 * Delete with a confirmation dialog (native <dialog>: modal focus trap, Escape closes, focus returns to the
 * button that opened it). When users still reference the LOB the server refuses with the count, and the
 * admin can choose to remove those memberships too.
 */
export function DeleteLobDialog({ lob, version }: { lob: string; version: number }) {
  const { dialogRef, openerRef } = useDialog();
  const [state, formAction, pending] = useActionState<LobCommandState, FormData>(deleteLobAction, {
    values: { lob, version: String(version), removeMemberships: false },
  });
  const count = state.memberCount;

  return (
    <>
      <button
        ref={openerRef}
        type="button"
        className={dangerButtonClass}
        onClick={() => dialogRef.current?.showModal()}
      >
        Delete {lob}…
      </button>
      <dialog
        ref={dialogRef}
        aria-labelledby="delete-title"
        aria-describedby="delete-desc"
        className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-lg border border-slate-200 bg-white p-6 text-slate-900 shadow-xl backdrop:bg-slate-900/50"
      >
        <form action={formAction}>
          <h2 id="delete-title" className="text-lg font-semibold text-slate-900">
            Delete {lob}?
          </h2>
          <p id="delete-desc" className="mt-2 text-sm text-slate-700">
            {count
              ? `${count} user${count === 1 ? ' is' : 's are'} still assigned to ${lob}. Deleting it is refused unless you also remove those memberships (users left with no LOB lose access).`
              : `Deleting ${lob} is refused while users are assigned to it, unless you also remove those memberships. Users who reach it through an IdP group lose access.`}
          </p>
          <input type="hidden" name="lob" value={lob} />
          <input type="hidden" name="version" value={String(version)} />
          <label className="mt-4 flex items-start gap-2 text-sm text-slate-900">
            <input
              type="checkbox"
              name="removeMemberships"
              className={`mt-0.5 ${checkboxClass}`}
              defaultChecked={state.values.removeMemberships}
            />
            Also remove {lob} from every user who has it
          </label>
          <div className="mt-4">
            <StatusMessage error={state.error} />
          </div>
          <div className="mt-6 flex flex-wrap justify-end gap-3">
            <Button type="button" variant="secondary" onClick={() => dialogRef.current?.close()} autoFocus>
              Cancel
            </Button>
            <button type="submit" className={dangerButtonClass} disabled={pending}>
              {pending ? 'Deleting…' : 'Delete'}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

const STATUS_STYLE: Record<string, string> = {
  ok: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  warning: 'bg-amber-50 text-amber-900 ring-amber-300',
  failed: 'bg-red-50 text-red-800 ring-red-300',
  skipped: 'bg-slate-100 text-slate-700 ring-slate-300',
};
const STATUS_TEXT: Record<string, string> = { ok: 'OK', warning: 'Warning', failed: 'Failed', skipped: 'Skipped' };

type Verdict = 'passed' | 'warnings' | 'failed';
const VERDICT_STYLE: Record<Verdict, string> = {
  passed: 'border-emerald-300 bg-emerald-50 text-emerald-900',
  warnings: 'border-amber-300 bg-amber-50 text-amber-900',
  failed: 'border-red-300 bg-red-50 text-red-800',
};
/** A pass with a warning step is a warning, not a green pass. */
function verdictOf(report: ConnectionReport): Verdict {
  return !report.ok ? 'failed' : report.warnings ? 'warnings' : 'passed';
}

export function ConnectionTest({ lob }: { lob: string }) {
  const [state, formAction, pending] = useActionState<ConnectionTestState, FormData>(testConnectionAction, {
    values: { lob },
  });
  return (
    <section aria-labelledby="connection-title">
      <h2 id="connection-title" className={sectionTitleClass}>
        Test connection
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Assumes the generator role now (no cached credentials), then checks the Studio domain.
      </p>
      <form action={formAction} className="mt-4">
        <input type="hidden" name="lob" value={lob} />
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? 'Testing…' : 'Test connection'}
        </Button>
      </form>
      <div aria-live="polite" className="mt-4 space-y-3 text-sm" data-testid="connection-result">
        {state.error ? <StatusMessage error={state.error} /> : null}
        {state.report ? (
          <>
            <p
              data-testid="connection-headline"
              data-verdict={verdictOf(state.report)}
              className={`rounded-md border px-4 py-3 font-semibold ${VERDICT_STYLE[verdictOf(state.report)]}`}
            >
              {state.message}
            </p>
            <ol className="space-y-2">
              {state.report.steps.map((step) => (
                <li
                  key={step.id}
                  data-step={step.id}
                  data-status={step.status}
                  className="rounded-md border border-slate-200 p-3"
                >
                  <span
                    className={`mr-2 inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${STATUS_STYLE[step.status]}`}
                  >
                    {STATUS_TEXT[step.status]}
                  </span>
                  <span className="font-medium text-slate-900">{step.label}</span>
                  <p className="mt-1 break-words text-slate-600">{step.detail}</p>
                </li>
              ))}
            </ol>
          </>
        ) : null}
      </div>
    </section>
  );
}
