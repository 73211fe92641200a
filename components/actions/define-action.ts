import type { z } from 'zod';
import type { SessionUser } from '@/lib/auth/types';
import { isPortalError } from '@/lib/errors';
import { log } from '@/lib/log';
import { failureState, type ActionState } from '@/components/admin/action-state';

/** What an action's `act` answers on success. */
export interface ActionSuccess<V> {
  /** Success text for the form's live region. */
  message: string;
  /** What the form shows now (e.g. the new version). */
  values: V;
  /** Pages whose data the action changed. */
  revalidate?: string[];
}

export interface ActionSpec<S extends z.ZodType, V extends object> {
  /** Stable action name, as in the audit log and the logs (`user.lobs.update`). */
  name: string;
  /** The form's raw values: validated by `schema`, and handed back to refill the form after a failure. */
  read: (form: FormData) => V;
  schema: S;
  /** The one call into lib; data changes write their audit record there, in the same DynamoDB write. */
  act: (input: z.output<S>, actor: SessionUser) => Promise<ActionSuccess<V>>;
}

/** What the wrapper needs from its surroundings (Next.js in the portal, plain functions in tests). */
export interface ActionCollaborators {
  /** Answers the signed-in user allowed to run `name`, or interrupts (403, sign-in). */
  authorize: (name: string) => Promise<SessionUser>;
  revalidate: (path: string) => void;
  /** Records every attempt's outcome (`ok` or an error code); the portal writes a log line. */
  record?: (entry: { action: string; actor: string; outcome: string }) => void;
}

const logOutcome: NonNullable<ActionCollaborators['record']> = (entry) => log.info('admin.action', entry);

/**
 * One way to write a server action: authorize -> validate (zod) -> act -> record -> typed state.
 * A failure at any step is a state the form shows with what the admin typed kept; authorization
 * failures are Next's interrupts and pass through untouched.
 */
export function defineAction<S extends z.ZodType, V extends object>(
  spec: ActionSpec<S, V>,
  { authorize, revalidate, record = logOutcome }: ActionCollaborators,
): (prev: ActionState<V>, form: FormData) => Promise<ActionState<V>> {
  return async (_prev, form) => {
    const actor = await authorize(spec.name);
    const values = spec.read(form);
    const parsed = spec.schema.safeParse(values);
    if (!parsed.success) {
      record({ action: spec.name, actor: actor.username, outcome: 'input.invalid' });
      return failureState(parsed.error, values, spec.name);
    }
    try {
      const done = await spec.act(parsed.data, actor);
      for (const path of done.revalidate ?? []) revalidate(path);
      record({ action: spec.name, actor: actor.username, outcome: 'ok' });
      return { ok: true, message: done.message, values: done.values };
    } catch (error) {
      record({ action: spec.name, actor: actor.username, outcome: isPortalError(error) ? error.code : 'internal' });
      return failureState(error, values, spec.name);
    }
  };
}
