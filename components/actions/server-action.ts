import 'server-only';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { z } from 'zod';
import { requireAdminRequest, requireLobManagerRequest } from '@/lib/admin/require-admin';
import { lobNameSchema } from '@/lib/admin/validation';
import { getSessionUser } from '@/lib/auth/session';
import { PortalError } from '@/lib/errors';
import { REQUEST_ID_HEADER, stampedRequestId } from '@/lib/request-id';
import type { ActionState } from './action-state';
import { defineAction, type ActionSpec, type Authorized } from './define-action';

/** A server action of the portal: defineAction with Next's revalidation, redirects and request id. */
export function serverAction<
  S extends z.ZodType,
  V extends object,
  A extends Authorized,
  St extends ActionState<V> = ActionState<V>,
>(spec: ActionSpec<S, V, A, St>) {
  return defineAction(spec, {
    revalidate: (path) => revalidatePath(path),
    redirect: (url) => redirect(url),
    requestId: async () => stampedRequestId((await headers()).get(REQUEST_ID_HEADER)),
  });
}

// Authorizers for ActionSpec.authorize: each refuses with 403 (Next's forbidden()) or a portal error.

/** Platform admins only (403 for everyone else, signed in or not). */
export async function platformAdmins(_values: unknown, name: string): Promise<Authorized> {
  return { user: await requireAdminRequest(name) };
}

/** The owners of the LOB the form names, and platform admins; a replayed POST for another LOB gets 403. */
export function managersOf<V>(lobOf: (values: V) => string) {
  return (values: V, name: string) => {
    const lob = lobNameSchema.safeParse(lobOf(values));
    return requireLobManagerRequest(name, lob.success ? lob.data : '');
  };
}

/** Any signed-in user, acting for themselves (identity from the session only). */
export async function signedInUsers(): Promise<Authorized> {
  const user = await getSessionUser();
  if (!user) throw new PortalError('auth.unauthenticated', 'Your session has ended. Sign in again.');
  return { user };
}
