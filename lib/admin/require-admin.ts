import 'server-only';
import { forbidden, redirect } from 'next/navigation';
import { getSessionUser, isAdmin, type SessionUser } from '@/lib/auth/session';
import { log } from '@/lib/log';

/**
 * Gate for every admin page: signed-out visitors go to sign-in, signed-in non-admins get 403.
 * (The one Next-aware file in lib/admin: it turns the decision into Next's interrupts.)
 */
export async function requireAdminPage(callbackPath = '/admin'): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
  if (!isAdmin(user)) {
    log.warn('admin.forbidden', { username: user.username, path: callbackPath });
    forbidden();
  }
  return user;
}

/**
 * Gate for every admin server action and admin route handler. A server action is a public POST endpoint,
 * so it answers 403 to anyone who is not an admin, signed in or not.
 */
export async function requireAdminRequest(what: string): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user || !isAdmin(user)) {
    log.warn('admin.forbidden', { username: user?.username ?? null, action: what });
    forbidden();
  }
  return user;
}
