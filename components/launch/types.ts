import type { ErrorCode } from '@/lib/errors';

/** What the Open Studio form shows after a failed launch (success redirects instead). */
export interface LaunchState {
  error?: { code: ErrorCode; message: string; requestId: string };
  /** The choices sent, so the form keeps them after an error. */
  lob?: string;
  app?: string;
}
