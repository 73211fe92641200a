import { z } from 'zod';
import type { SessionUser } from '@/lib/auth/types';
import { isPortalError } from '@/lib/errors';
import { log } from '@/lib/log';
import { newRequestId } from '@/lib/request-id';
import { failureState, type ActionState } from './action-state';

/** What authorization found: at least who the caller is (a LOB owner's console access, a stored review, ...). */
export interface Authorized {
  user: SessionUser;
}

/** What an action's `act` answers on success: the state the form shows (`ok` is true unless it says otherwise), and what changed. */
export type ActionSuccess<St> = St & {
  /** Pages whose data the action changed. */
  revalidate?: string[];
  /** Where the browser goes next (a created LOB's page, a presigned Studio URL). */
  redirect?: string;
};

/** What one call of the action knows besides its input: the form's raw values, the previous state, the request id. */
export interface ActionCall<V, St> {
  values: V;
  prev: St | undefined;
  requestId: string;
}

export interface ActionSpec<
  S extends z.ZodType,
  V extends object,
  A extends Authorized,
  St extends ActionState<V> = ActionState<V>,
> {
  /** Stable action name, as in the audit log and the logs (`user.lobs.update`). */
  name: string;
  /** The form's raw values: validated by `schema`, and handed back to refill the form after a failure. */
  read: (form: FormData) => V;
  /**
   * Who may run it, decided per action (a server action is a public POST endpoint): answers the caller's
   * access, or refuses (Next's 403 interrupt, or a portal error the form shows). Objects the action works on
   * are read here from the table, never trusted from the form, so a replayed POST for another LOB is refused.
   */
  authorize: (values: V, name: string) => Promise<A>;
  /** What `schema` validates when it is more than the values kept (an uploaded file); default: the values. */
  input?: (form: FormData, values: V) => unknown;
  schema: S;
  /** The one call into lib; data changes write their audit record there, in the same DynamoDB write. */
  act: (input: z.output<S>, access: A, call: ActionCall<V, St>) => Promise<ActionSuccess<NoInfer<St>>>;
  /** Adjusts the state of a failure (extra fields such as a member count); gets the usual one. */
  failed?: (state: St, error: unknown, call: ActionCall<V, St>) => St;
}

/** What the wrapper needs from its surroundings (Next.js in the portal, plain functions in tests). */
export interface ActionCollaborators {
  revalidate: (path: string) => void;
  /** Ends the action with a redirect (Next's redirect() throws). */
  redirect: (url: string) => never;
  /** The current request's id, for logs and the support note (default: a fresh one). */
  requestId?: () => Promise<string>;
  /** Records every authorized attempt's outcome (`ok` or an error code); the portal writes a log line. */
  record?: (entry: { action: string; actor: string; outcome: string }) => void;
}

const logOutcome: NonNullable<ActionCollaborators['record']> = (entry) => log.info('action.outcome', entry);

/**
 * One way to write a server action: authorize -> validate (zod) -> act -> record -> typed state.
 * A failure at any step is a state the form shows with what the user typed kept; Next's interrupts
 * (403, sign-in redirects) pass through untouched.
 */
export function defineAction<
  S extends z.ZodType,
  V extends object,
  A extends Authorized,
  St extends ActionState<V> = ActionState<V>,
>(
  spec: ActionSpec<S, V, A, St>,
  {
    revalidate,
    redirect,
    requestId: requestIdOf = async () => newRequestId(),
    record = logOutcome,
  }: ActionCollaborators,
): (prev: St | undefined, form: FormData) => Promise<St> {
  return async (prev, form) => {
    const values = spec.read(form);
    const call: ActionCall<V, St> = { values, prev, requestId: await requestIdOf() };
    const fail = (error: unknown) => {
      const state = failureState(error, values, spec.name, call.requestId) as St;
      return spec.failed ? spec.failed(state, error, call) : state;
    };
    let access: A;
    try {
      access = await spec.authorize(values, spec.name);
    } catch (error) {
      // Next's interrupts (forbidden(), redirect()) are not portal errors: they end the request as they are.
      if (isPortalError(error)) return fail(error);
      throw error;
    }
    const outcome = (result: string) => record({ action: spec.name, actor: access.user.username, outcome: result });
    const parsed = spec.schema.safeParse(spec.input ? spec.input(form, values) : values);
    if (!parsed.success) {
      outcome('input.invalid');
      return fail(parsed.error);
    }
    let done: ActionSuccess<St>;
    try {
      done = await spec.act(parsed.data, access, call);
    } catch (error) {
      outcome(isPortalError(error) ? error.code : 'internal');
      return fail(error);
    }
    outcome('ok');
    const { revalidate: paths = [], redirect: to, ...state } = done;
    for (const path of paths) revalidate(path);
    // Outside the try above: redirect() works by throwing.
    if (to !== undefined) redirect(to);
    return { ok: true, ...state } as unknown as St;
  };
}

/**
 * For forms whose fields are all hidden (ids, versions): a bad value means a stale or replayed page, so the
 * form shows one message instead of field errors.
 */
export function hiddenFields<S extends z.ZodType>(schema: S, message = 'The request is incomplete; reload the page.') {
  return z.unknown().transform((value, ctx): z.output<S> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message, path: [] });
    return z.NEVER;
  });
}

/**
 * An action's `read` for forms of text fields only: each named field as typed ('' when absent). The
 * values' type follows from the names (`ReturnType<typeof read>`).
 */
export function textFields<const K extends string>(...names: K[]): (form: FormData) => Record<K, string> {
  return (form) => Object.fromEntries(names.map((name) => [name, String(form.get(name) ?? '')])) as Record<K, string>;
}
