import { ZodError } from 'zod';
import { isPortalError, type ErrorCode } from '@/lib/errors';
import { VersionConflictError } from '@/lib/admin/errors';
import { fieldErrorsOf } from '@/lib/admin/validation';
import { log } from '@/lib/log';

/**
 * What every server action answers (launch, requests, admin), so its form can show the outcome and refill
 * what the user typed. Actions with more to show extend it (`ActionState<V> & { report?: ... }`).
 */
export interface ActionState<V> {
  ok?: boolean;
  /** Success text for the live region. */
  message?: string;
  /** A form-level error (also set alongside fieldErrors). */
  error?: string;
  /** The portal error code behind `error` (docs/contracts.md). */
  code?: ErrorCode;
  /** The request the failure happened in, for the support note. */
  requestId?: string;
  fieldErrors?: Record<string, string>;
  /** Set when someone else saved first: who and when. */
  conflict?: { updatedBy: string | null; updatedAt: string | null; version: number | null };
  values: V;
}

/**
 * Turns a failure into the state a form shows; unexpected errors are logged and reported generically.
 * A portal error that names its field (`details.field`) is also shown at that field.
 */
export function failureState<V extends object>(
  error: unknown,
  values: V,
  action: string,
  requestId?: string,
): ActionState<V> {
  const at = requestId ? { requestId } : {};
  if (error instanceof VersionConflictError) {
    return {
      error: error.current
        ? `${error.message} Your entries are kept below; saving again will replace their change with yours.`
        : error.message,
      code: error.code,
      ...at,
      conflict: error.current ?? undefined,
      // Saving again after reading the notice is a deliberate overwrite, so carry the version that is current now.
      values:
        error.current?.version != null && 'version' in values
          ? { ...values, version: String(error.current.version) }
          : values,
    };
  }
  if (error instanceof ZodError) {
    // A problem with the form as a whole (no field) is the message itself.
    const formLevel = error.issues.every((issue) => issue.path.length === 0);
    if (formLevel)
      return { error: error.issues[0]?.message ?? 'The request is invalid.', code: 'input.invalid', ...at, values };
    return {
      error: 'Some fields need attention.',
      code: 'input.invalid',
      ...at,
      fieldErrors: fieldErrorsOf(error),
      values,
    };
  }
  if (isPortalError(error)) {
    if (error.status >= 500) {
      (error.code === 'internal' ? log.error : log.warn)('action.failed', {
        action,
        requestId,
        code: error.code,
        cause: String(error.cause ?? ''),
      });
    }
    const field = error.details?.field;
    return {
      error: error.message,
      code: error.code,
      ...at,
      ...(typeof field === 'string' ? { fieldErrors: { [field]: error.message } } : {}),
      values,
    };
  }
  log.error('action.failed', { action, requestId, error: error instanceof Error ? error.message : String(error) });
  return {
    error: 'Something went wrong on our side; nothing was saved. Try again, or check the portal logs.',
    code: 'internal',
    ...at,
    values,
  };
}
