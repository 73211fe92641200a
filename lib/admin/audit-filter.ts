import { canManageLob, type ConsoleAccess } from '@/lib/auth/roles';
import type { AuditFilter } from './audit';

/** Audit filters from a query string; anything malformed is dropped rather than failing the page. */
export function parseAuditFilter(params: Record<string, string | undefined>): AuditFilter {
  const user = params.user?.trim().slice(0, 128) || undefined;
  const lob = params.lob?.trim().slice(0, 63) || undefined;
  const type = params.type === 'launch' || params.type === 'admin' ? params.type : undefined;
  return { user, lob, type };
}

export function auditQueryString(filter: AuditFilter): string {
  const search = new URLSearchParams();
  if (filter.user) search.set('user', filter.user);
  if (filter.lob) search.set('lob', filter.lob);
  if (filter.type) search.set('type', filter.type);
  return search.toString();
}

/**
 * The filter as the caller may use it: platform admins any; a LOB owner only their LOBs (the first one
 * when none is chosen). Null when the chosen LOB is not theirs.
 */
export function scopeAuditFilter(filter: AuditFilter, access: ConsoleAccess): AuditFilter | null {
  if (access.platformAdmin) return filter;
  if (!filter.lob) return access.lobs.length ? { ...filter, lob: access.lobs[0] } : null;
  return canManageLob(access, filter.lob) ? filter : null;
}
