import { ZodError } from 'zod';
import { isPortalError } from '@/lib/errors';
import { VersionConflictError } from '@/lib/admin/errors';
import { fieldErrorsOf } from '@/lib/admin/validation';
import { log } from '@/lib/log';

/** What every admin action answers, so its form can show the outcome and refill what the admin typed. */
export interface ActionState<V> {
  ok?: boolean;
  /** Success text for the live region. */
  message?: string;
  /** A form-level error (also set alongside fieldErrors). */
  error?: string;
  fieldErrors?: Record<string, string>;
  /** Set when someone else saved first: who and when. */
  conflict?: { updatedBy: string | null; updatedAt: string | null; version: number | null };
  values: V;
}

/** Turns a failure into the state a form shows; unexpected errors are logged and reported generically. */
export function failureState<V extends object>(error: unknown, values: V, action: string): ActionState<V> {
  if (error instanceof VersionConflictError) {
    return {
      error: error.current
        ? `${error.message} Your entries are kept below; saving again will replace their change with yours.`
        : error.message,
      conflict: error.current ?? undefined,
      // Saving again after reading the notice is a deliberate overwrite, so carry the version that is current now.
      values: error.current?.version != null && 'version' in values ? { ...values, version: String(error.current.version) } : values,
    };
  }
  if (error instanceof ZodError) {
    return { error: 'Some fields need attention.', fieldErrors: fieldErrorsOf(error), values };
  }
  if (isPortalError(error)) {
    if (error.status >= 500) log.error('admin.action_failed', { action, code: error.code, cause: String(error.cause ?? '') });
    return { error: error.message, values };
  }
  log.error('admin.action_failed', { action, error: error instanceof Error ? error.message : String(error) });
  return { error: 'Something went wrong on our side; nothing was saved. Try again, or check the portal logs.', values };
}
