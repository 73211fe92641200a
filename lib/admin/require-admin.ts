import 'server-only';
import { forbidden, redirect, unauthorized } from 'next/navigation';
import { cache } from 'react';
import { getSessionUser, isAdmin, type SessionUser } from '@/lib/auth/session';
import { log } from '@/lib/log';
import { getConfig } from '@/lib/config';
import { canManageLob, canUseConsole, consoleAccessOf, type ConsoleAccess } from '@/lib/auth/roles';
import { consoleMfaMissing } from '@/lib/auth/mfa';
import { getAdminDeps } from './deps';
import type { Lob } from '@/lib/directory/types';
import { listLobs } from './lobs';

export type { ConsoleAccess } from '@/lib/auth/roles';

/** Refuses with 403 and a log line saying who was refused where (never the session itself). */
function refuse(details: { username: string | null; path?: string; action?: string; lob?: string }): never {
  log.warn('admin.forbidden', details);
  forbidden();
}

/**
 * 401 (app/unauthorized.tsx: "sign in again with MFA") for a console session that did not pass MFA where
 * the stage requires it (CONSOLE_REQUIRE_MFA). Asked only of users the console would otherwise let in.
 */
function requireMfa<T>(user: SessionUser, where: { path?: string; action?: string }, pass: T): T {
  if (consoleMfaMissing(user, getConfig().consoleRequireMfa)) {
    log.warn('admin.mfa_required', { username: user.username, ...where });
    unauthorized();
  }
  return pass;
}

/** The signed-in user of a page; signed-out visitors go to sign-in and come back to `callbackPath`. */
async function pageUser(callbackPath: string): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
  return user;
}

/** 403 unless the caller owns `lob` or is a platform admin; `where` names the page or action for the log. */
function requireManagerOf(
  access: ConsoleAccess,
  lob: string,
  where: { path: string } | { action: string },
): ConsoleAccess {
  if (!canManageLob(access, lob)) refuse({ username: access.user.username, ...where, lob });
  return access;
}

/**
 * Gate for platform-admin pages (users, LOB registry edits): signed-out visitors go to sign-in, others get 403.
 * (The one Next-aware file in lib/admin: it turns the decision into Next's interrupts.)
 */
export async function requireAdminPage(callbackPath = '/admin'): Promise<SessionUser> {
  const user = await pageUser(callbackPath);
  if (!isAdmin(user)) refuse({ username: user.username, path: callbackPath });
  return requireMfa(user, { path: callbackPath }, user);
}

/**
 * Gate for platform-admin server actions and route handlers. A server action is a public POST endpoint,
 * so it answers 403 to anyone who is not an admin, signed in or not.
 */
export async function requireAdminRequest(what: string): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user || !isAdmin(user)) refuse({ username: user?.username ?? null, action: what });
  return requireMfa(user, { action: what }, user);
}

async function accessOf(user: SessionUser, lobs: Promise<Lob[]>): Promise<ConsoleAccess> {
  return consoleAccessOf(user, await lobs, getConfig().adminGroup);
}

/**
 * Every LOB, read once per page render (React cache()): the layout's gate, the page's gate and the page
 * itself share one read. Actions and routes read afresh (a change they make must not meet a stale list).
 */
export const listLobsForPage = cache(() => listLobs(getAdminDeps()));

/**
 * Gate for console pages LOB owners may see too (scoped to their LOBs): sign-in, else 403 for neither admin
 * nor owner. Once per render and path (React cache()): the layout and the page ask the same question.
 */
export const requireConsolePage = cache(async (callbackPath: string): Promise<ConsoleAccess> => {
  const access = await accessOf(await pageUser(callbackPath), listLobsForPage());
  if (!canUseConsole(access)) refuse({ username: access.user.username, path: callbackPath });
  return requireMfa(access.user, { path: callbackPath }, access);
});

/** Gate for a page about one LOB: its owners and platform admins; everyone else 403. */
export async function requireLobManagerPage(callbackPath: string, lob: string): Promise<ConsoleAccess> {
  return requireManagerOf(await requireConsolePage(callbackPath), lob, { path: callbackPath });
}

/** Gate for console actions and routes owners may use: 403 unless admin or owner of something. */
export async function requireConsoleRequest(what: string): Promise<ConsoleAccess> {
  const user = await getSessionUser();
  const access = user ? await accessOf(user, listLobs(getAdminDeps())) : undefined;
  if (!access || !canUseConsole(access)) refuse({ username: user?.username ?? null, action: what });
  return requireMfa(access.user, { action: what }, access);
}

/**
 * Gate for an action on one LOB (read from the stored item, never only from the form): 403 unless the
 * caller owns that LOB or is a platform admin. Replayed POSTs for another LOB end here.
 */
export async function requireLobManagerRequest(what: string, lob: string): Promise<ConsoleAccess> {
  return requireManagerOf(await requireConsoleRequest(what), lob, { action: what });
}
