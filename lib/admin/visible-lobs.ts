import { isAdmin, type SessionUser } from '@/lib/auth/session';
import { NO_LOB } from '@/lib/usage/schema';

/**
 * The LOBs whose usage (and health) a signed-in person may see: platform admins all of them, plus the
 * launches that reached no LOB. The one place where LOB owners get "theirs" (issue 13: owners).
 */
export function visibleLobsFor(user: SessionUser, allLobs: string[]): string[] {
  if (isAdmin(user)) return [...allLobs, NO_LOB];
  return [];
}

/** How a LOB id reads in the console (NO_LOB has no row of its own). */
export function lobLabel(lob: string): string {
  return lob === NO_LOB ? 'No line of business' : lob;
}
