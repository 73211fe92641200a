import 'server-only';
import { getServerSession } from 'next-auth';
import { getConfig } from '@/lib/config';
import { getAuthOptions } from './next-auth';
import { getDirectory } from '../directory';
import { isPlatformAdmin, ownedLobs } from './roles';
import type { SessionUser } from './types';

export type { SessionUser } from './types';

/** The signed-in user from the next-auth session cookie, or null. Server components / actions / routes only. */
export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await getServerSession(getAuthOptions());
  const user = session?.user;
  if (!user || typeof user.username !== 'string' || user.username === '') return null;
  return {
    username: user.username,
    groups: Array.isArray(user.groups) ? user.groups : [],
    ...(user.email ? { email: user.email } : {}),
    ...(typeof user.mfa === 'boolean' ? { mfa: user.mfa } : {}),
  };
}

/** True when the user is in the configured ADMIN_GROUP. */
export function isAdmin(user: SessionUser | null | undefined): boolean {
  return isPlatformAdmin(user, getConfig().adminGroup);
}

/** True when the admin console has something for the user (platform admin, or owner of a LOB); for navigation only. */
export async function canOpenConsole(user: SessionUser | null): Promise<boolean> {
  if (!user) return false;
  if (isAdmin(user)) return true;
  try {
    return ownedLobs(user, await getDirectory().lobs.listLobs()).length > 0;
  } catch {
    return false;
  }
}
