/**
 * The console's rules (lib/auth/roles.ts) applied to an API caller: the same functions the console's
 * gates call, so a LOB owner's token reaches exactly what their console session does, and a machine
 * client exactly its registered LOBs.
 */
import { canManageLob, canUseConsole } from '@/lib/auth/roles';
import { PortalError } from '@/lib/errors';
import { log } from '@/lib/log';
import type { z } from 'zod';
import type { ApiCaller } from './callers';

function refuse(caller: ApiCaller, what: string, message: string, lob?: string): never {
  log.warn('api.forbidden', { caller: caller.actor, operation: what, lob });
  throw new PortalError('auth.forbidden', message);
}

/** Platform admins (and clients registered for every LOB); 403 for everyone else. */
export function requirePlatformAdmin(caller: ApiCaller, what: string): void {
  if (!caller.access.platformAdmin) refuse(caller, what, 'Only platform admins may do this.');
}

/** Anyone who may use the console: platform admins and owners of a LOB (clients: registered for a LOB). */
export function requireConsole(caller: ApiCaller, what: string): void {
  if (!canUseConsole(caller.access))
    refuse(caller, what, 'Only platform admins and owners of a line of business may do this.');
}

/** The owners of `lob` and platform admins (a client: when registered for it); 403 for everyone else. */
export function requireManagerOf(caller: ApiCaller, lob: string, what: string): void {
  if (!canManageLob(caller.access, lob)) refuse(caller, what, `You may not act on the line of business ${lob}.`, lob);
}

/** An operation's path params naming a LOB, and its rule: the LOB's managers only (requireManagerOf, before the body). */
export function managersOf<P extends z.ZodType<{ lob: string }>>(params: P, what: string) {
  return { params, authorize: (caller: ApiCaller, path: { lob: string }) => requireManagerOf(caller, path.lob, what) };
}

/**
 * An object read from the table (a request, a review), authorized on its own LOB, never on one the caller
 * names: 403 unless the caller manages that LOB (or `ownerMay` says the caller owns the object); a missing
 * object is 403 too, except for callers who see every LOB (then `missing`, a 404), as the console answers.
 */
export function requireStored<T extends { lob: string }>(
  caller: ApiCaller,
  what: string,
  stored: T | null,
  missing: () => PortalError,
  ownerMay?: (o: T) => boolean,
): T {
  if (!(stored && ownerMay?.(stored))) requireManagerOf(caller, stored?.lob ?? '', what);
  if (!stored) throw missing();
  return stored;
}

/** People only: one asks for (or withdraws) access for oneself. */
export function requirePerson(caller: ApiCaller, what: string): void {
  if (caller.kind !== 'person')
    refuse(caller, what, 'Only people ask for access, each for themselves: a machine client cannot.');
}
