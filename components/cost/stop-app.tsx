'use client';

import { useActionState, useId } from 'react';
import { useDialog } from '@/components/ui/use-dialog';
import { Button } from '@/components/ui/button';
import { dangerButtonClass, linkClass, StatusMessage, TextField } from '@/components/admin/form-parts';
import { stopLobAppAction, stopMyAppAction, type StopAppState } from './actions';

export interface StopAppProps {
  /** `own`: the user's own app (home page); `lob`: an owner or admin stops any app, with a reason. */
  kind: 'own' | 'lob';
  lob: string;
  /** The app's id (lib/cost/apps.ts appIdOf). */
  app: string;
  /** "JupyterLab in space alice-ds" (own) or "JupyterLab of user-multi" (lob): the button says "Stop <label>". */
  label: string;
  /** The page the no-JS confirmation step is on (a GET with ?stop=<app>&lob=<lob>). */
  confirmPath: string;
}

/** What stopping loses, said before it happens. */
function lostWork(label: string, kind: StopAppProps['kind']) {
  return `Stopping ${label} ends it now: unsaved changes in its open notebooks and files, running kernels and terminals are lost. Files saved in the space are kept${kind === 'own' ? '; open it again from this page any time' : ''}.`;
}

/** The confirmation form ("Stop app"): in the dialog, or as the page's confirmation step without JavaScript. */
export function StopAppForm({
  kind,
  lob,
  app,
  label,
  onCancel,
  cancelHref,
}: StopAppProps & { onCancel?: () => void; cancelHref?: string }) {
  const [state, formAction, pending] = useActionState<StopAppState, FormData>(
    kind === 'own' ? stopMyAppAction : stopLobAppAction,
    { values: { lob, app, reason: '' } },
  );
  const id = useId();
  const e = state.fieldErrors ?? {};
  return (
    <form action={formAction}>
      <h2 id={`${id}-title`} className="text-lg font-semibold text-slate-900">
        Stop {label}?
      </h2>
      <p id={`${id}-desc`} className="mt-2 text-sm text-slate-700">
        {lostWork(label, kind)}
      </p>
      <input type="hidden" name="lob" value={lob} />
      <input type="hidden" name="app" value={app} />
      {kind === 'lob' ? (
        <div className="mt-4">
          <TextField
            name="reason"
            label="Reason"
            hint="The user is told who stopped the app and why; the audit log keeps it."
            required
            maxLength={300}
            defaultValue={state.values.reason}
            error={e.reason}
          />
        </div>
      ) : null}
      <div className="mt-4">
        <StatusMessage error={state.fieldErrors?.reason ? undefined : state.error} />
      </div>
      <div className="mt-6 flex flex-wrap justify-end gap-3">
        {onCancel ? (
          <Button type="button" variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        ) : (
          <a href={cancelHref} className={linkClass}>
            Cancel
          </a>
        )}
        <button type="submit" className={dangerButtonClass} disabled={pending}>
          {pending ? 'Stopping…' : 'Stop app'}
        </button>
      </div>
    </form>
  );
}

/**
 * The "Stop <app>" button: with JavaScript it opens a dialog with the confirmation; before hydration (or
 * without JavaScript) it is a GET to the page's confirmation step (?stop=<app>&lob=<lob>).
 */
export function StopAppButton(props: StopAppProps) {
  const { dialogRef, openerRef } = useDialog();
  const id = useId();
  return (
    <>
      <form
        method="get"
        action={props.confirmPath}
        onSubmit={(event) => {
          event.preventDefault();
          dialogRef.current?.showModal();
        }}
      >
        <input type="hidden" name="stop" value={props.app} />
        <input type="hidden" name="lob" value={props.lob} />
        <button
          ref={openerRef}
          type="submit"
          className={`${dangerButtonClass} px-3 py-1.5 text-xs`}
          aria-label={`Stop ${props.label}`}
        >
          Stop
        </button>
      </form>
      <dialog
        ref={dialogRef}
        aria-label={`Stop ${props.label}?`}
        aria-describedby={`${id}-lost`}
        className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-lg border border-slate-200 bg-white p-6 text-slate-900 shadow-xl backdrop:bg-slate-900/50"
      >
        <span id={`${id}-lost`} className="sr-only">
          {lostWork(props.label, props.kind)}
        </span>
        <StopAppForm {...props} onCancel={() => dialogRef.current?.close()} />
      </dialog>
    </>
  );
}
