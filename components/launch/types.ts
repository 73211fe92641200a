import type { ErrorCode } from '@/lib/errors';

/** What the Open Studio form shows after a failed launch (success redirects instead). */
export interface LaunchState {
  error?: { code: ErrorCode; message: string; requestId: string };
  /** Set while a just-created Studio profile is still Pending: the form shows it and tries again. */
  pending?: { attempt: number };
  /** The choices sent, so the form keeps them after an error. */
  lob?: string;
  app?: string;
}
