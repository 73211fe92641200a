import type { ActionState } from '@/components/actions/action-state';

/** The choices sent, so the form keeps them after an error. */
export interface LaunchValues {
  lob?: string;
  app?: string;
}

/**
 * What the Open Studio form shows after a failed launch (success redirects instead): the one action state,
 * with the error's code and request id, and `pending` while a just-created Studio profile is still Pending
 * (the form shows it and tries again).
 */
export type LaunchState = ActionState<LaunchValues> & { pending?: { attempt: number } };
