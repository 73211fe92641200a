import type { ConsoleAccess } from '@/lib/auth/roles';
import { NO_LOB } from '@/lib/usage/schema';

/**
 * The LOBs whose usage (and health) a signed-in person may see: platform admins all of them, plus the
 * launches that reached no LOB; a LOB owner the LOBs they own.
 */
export function visibleLobsFor(access: ConsoleAccess, allLobs: string[]): string[] {
  if (access.platformAdmin) return [...allLobs, NO_LOB];
  return allLobs.filter((lob) => access.lobs.includes(lob));
}

/** How a LOB id reads in the console (NO_LOB has no row of its own). */
export function lobLabel(lob: string): string {
  return lob === NO_LOB ? 'No line of business' : lob;
}
