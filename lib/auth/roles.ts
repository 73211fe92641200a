/**
 * Who may do what in the admin console (docs/admin.md): the one place that decides it. Pure functions
 * of the session user and LOB rows; the Next-aware gates in lib/admin/require-admin.ts call these.
 */
import type { Lob } from '../directory/types';
import type { SessionUser } from './types';

/** A signed-in user's reach in the admin console. */
export interface ConsoleAccess {
  user: SessionUser;
  /** Member of ADMIN_GROUP: everything, including security-relevant LOB fields and owners. */
  platformAdmin: boolean;
  /** LOBs the user owns (by name or through an IdP group), sorted. Every LOB for a platform admin. */
  lobs: string[];
}

export function isPlatformAdmin(user: Pick<SessionUser, 'groups'> | null | undefined, adminGroup: string): boolean {
  return !!user && user.groups.includes(adminGroup);
}

/**
 * True when the user is listed as an owner of the LOB, by username (bound to the `sub` the owner had when
 * the LOB was saved: a re-created user is not an owner; issue 23) or through one of their IdP groups.
 */
export function isLobOwner(user: SessionUser, lob: Pick<Lob, 'owners' | 'ownerSubs'>): boolean {
  const byName = lob.owners.users.includes(user.username) && !!user.sub && lob.ownerSubs?.[user.username] === user.sub;
  return byName || lob.owners.groups.some((g) => user.groups.includes(g));
}

/** The LOBs (names, sorted) the user owns. */
export function ownedLobs(user: SessionUser, lobs: readonly Lob[]): string[] {
  return lobs
    .filter((l) => isLobOwner(user, l))
    .map((l) => l.lob)
    .sort();
}

export function consoleAccessOf(user: SessionUser, lobs: readonly Lob[], adminGroup: string): ConsoleAccess {
  const platformAdmin = isPlatformAdmin(user, adminGroup);
  return { user, platformAdmin, lobs: platformAdmin ? lobs.map((l) => l.lob).sort() : ownedLobs(user, lobs) };
}

/** May enter the admin console at all: platform admins and owners of at least one LOB. */
export function canUseConsole(access: ConsoleAccess): boolean {
  return access.platformAdmin || access.lobs.length > 0;
}

/** Members, requests, audit entries and the connection test of `lob`: its owners and platform admins. */
export function canManageLob(access: ConsoleAccess, lob: string): boolean {
  return access.platformAdmin || access.lobs.includes(lob);
}
