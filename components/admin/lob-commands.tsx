'use client';

import { useActionState, useEffect, useRef } from 'react';
import {
  deleteLobAction,
  setLobEnabledAction,
  testConnectionAction,
  type ConnectionTestState,
  type LobCommandState,
} from './actions/lobs';
import { buttonClass, dangerButtonClass, secondaryButtonClass, StatusMessage } from './form-parts';

export function EnableLobForm({ lob, version, enabled }: { lob: string; version: number; enabled: boolean }) {
  const [state, formAction, pending] = useActionState<LobCommandState, FormData>(setLobEnabledAction, {
    values: { lob, version: String(version) },
  });
  return (
    <form action={formAction} className="flex flex-col gap-2">
      <input type="hidden" name="lob" value={lob} />
      <input type="hidden" name="version" value={String(version)} />
      <input type="hidden" name="enabled" value={enabled ? 'false' : 'true'} />
      <div>
        <button type="submit" className={secondaryButtonClass} disabled={pending}>
          {enabled ? 'Disable' : 'Enable'} {lob}
        </button>
      </div>
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
  const dialogRef = useRef<HTMLDialogElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const [state, formAction, pending] = useActionState<LobCommandState, FormData>(deleteLobAction, {
    values: { lob, version: String(version), removeMemberships: false },
  });
  const count = state.memberCount;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const restore = () => openerRef.current?.focus();
    dialog.addEventListener('close', restore);
    return () => dialog.removeEventListener('close', restore);
  }, []);

  return (
    <>
      <button ref={openerRef} type="button" className={dangerButtonClass} onClick={() => dialogRef.current?.showModal()}>
        Delete {lob}…
      </button>
      <dialog
        ref={dialogRef}
        aria-labelledby="delete-title"
        aria-describedby="delete-desc"
        className="m-auto max-w-lg rounded-lg p-6 shadow-xl backdrop:bg-black/50"
      >
        <form action={formAction}>
          <h2 id="delete-title" className="text-lg font-semibold text-gray-900">
            Delete {lob}?
          </h2>
          <p id="delete-desc" className="mt-2 text-gray-800">
            {count
              ? `${count} user${count === 1 ? ' is' : 's are'} still assigned to ${lob}. Deleting it is refused unless you also remove those memberships (users left with no LOB lose access).`
              : `Deleting ${lob} is refused while users are assigned to it, unless you also remove those memberships. Users who reach it through an IdP group lose access.`}
          </p>
          <input type="hidden" name="lob" value={lob} />
          <input type="hidden" name="version" value={String(version)} />
          <label className="mt-4 flex items-center gap-2 text-gray-900">
            <input type="checkbox" name="removeMemberships" className="h-4 w-4" defaultChecked={state.values.removeMemberships} />
            Also remove {lob} from every user who has it
          </label>
          <div className="mt-4">
            <StatusMessage error={state.error} />
          </div>
          <div className="mt-4 flex justify-end gap-3">
            <button type="button" className={secondaryButtonClass} onClick={() => dialogRef.current?.close()} autoFocus>
              Cancel
            </button>
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
  ok: 'text-green-800',
  warning: 'text-amber-800',
  failed: 'text-red-700',
  skipped: 'text-gray-700',
};
const STATUS_TEXT: Record<string, string> = { ok: 'OK', warning: 'Warning', failed: 'Failed', skipped: 'Skipped' };

export function ConnectionTest({ lob }: { lob: string }) {
  const [state, formAction, pending] = useActionState<ConnectionTestState, FormData>(testConnectionAction, { values: { lob } });
  return (
    <section aria-labelledby="connection-title" className="mt-8">
      <h2 id="connection-title" className="text-xl font-semibold text-gray-900">
        Test connection
      </h2>
      <p className="text-gray-800">Assumes the generator role now (no cached credentials), then checks the Studio domain.</p>
      <form action={formAction} className="mt-2">
        <input type="hidden" name="lob" value={lob} />
        <button type="submit" className={buttonClass} disabled={pending}>
          {pending ? 'Testing…' : 'Test connection'}
        </button>
      </form>
      <div aria-live="polite" className="mt-3" data-testid="connection-result">
        {state.error ? <StatusMessage error={state.error} /> : null}
        {state.report ? (
          <>
            <p className={state.report.ok ? 'font-medium text-green-800' : 'font-medium text-red-700'}>{state.message}</p>
            <ol className="mt-2 space-y-2">
              {state.report.steps.map((step) => (
                <li key={step.id} data-step={step.id} data-status={step.status} className="rounded border border-gray-300 p-3">
                  <span className={`font-semibold ${STATUS_STYLE[step.status]}`}>{STATUS_TEXT[step.status]}</span>{' '}
                  <span className="font-medium text-gray-900">{step.label}</span>
                  <p className="text-sm text-gray-800">{step.detail}</p>
                </li>
              ))}
            </ol>
          </>
        ) : null}
      </div>
    </section>
  );
}
