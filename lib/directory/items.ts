import { STUDIO_APPS, type StudioApp } from '../config';
import { z } from 'zod';
import type { AuditRecord, Lob, Membership, UserMapping } from './types';

/** DynamoDB items <-> domain types. Pages and logic never see the item shape. */

type Item = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : undefined);
const strList = (v: unknown): string[] => {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (v instanceof Set) return [...v].filter((x): x is string => typeof x === 'string');
  return [];
};
const isApp = (v: unknown): v is StudioApp => typeof v === 'string' && (STUDIO_APPS as readonly string[]).includes(v);

export const DEFAULT_ROLE_NAME = 'PresignedUrlGenerator';
const AUDIT_TTL_DAYS = 400;

export function reshapeLobItem(item: Item): Lob {
  const allowedApps = strList(item.allowedApps).filter(isApp);
  const defaultApp = isApp(item.defaultApp) ? item.defaultApp : 'studio';
  return {
    lob: String(item.lob),
    displayName: str(item.displayName) ?? String(item.lob),
    accountId: String(item.accountId ?? ''),
    domainId: String(item.domainId ?? ''),
    region: String(item.region ?? ''),
    roleName: str(item.roleName) || DEFAULT_ROLE_NAME,
    groups: strList(item.groups),
    defaultApp,
    allowedApps: allowedApps.length ? allowedApps : [defaultApp],
    sessionDurationSeconds: num(item.sessionDurationSeconds) ?? 43200,
    urlExpiresSeconds: num(item.urlExpiresSeconds),
    autoCreateProfile: item.autoCreateProfile === true,
    enabled: item.enabled !== false,
    owners: reshapeOwners(item.owners),
    acceptsRequests: item.acceptsRequests === true,
    requestDescription: str(item.requestDescription) || undefined,
    maxRequestDays: num(item.maxRequestDays) ?? DEFAULT_MAX_REQUEST_DAYS,
    idleShutdownMinutes: num(item.idleShutdownMinutes),
    version: num(item.version) ?? 1,
    updatedAt: str(item.updatedAt),
    updatedBy: str(item.updatedBy),
  };
}

export function toLobItem(lob: Lob): Item {
  return { ...lob };
}

export const DEFAULT_MAX_REQUEST_DAYS = 90;

function reshapeOwners(v: unknown): Lob['owners'] {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  return { users: strList(o.users), groups: strList(o.groups) };
}

/** The wire shape of one entry of a Users item's `memberships` map (keyed by LOB). */
const membershipDetailSchema = z.object({
  until: z.iso.datetime({ offset: true }).optional(),
  grantedBy: z.string().min(1).optional(),
  grantedAt: z.iso.datetime({ offset: true }).optional(),
  via: z.enum(['admin', 'request', 'review']).default('admin'),
  expiringNotifiedFor: z.iso.datetime({ offset: true }).optional(),
  expiringNotifiedAt: z.iso.datetime({ offset: true }).optional(),
});

/** Thrown when a Users item's memberships are not what the portal writes (hand edits, a bad import). */
export class MembershipItemError extends Error {
  constructor(username: string, lob: string, detail: string) {
    super(`Users item ${username}: membership ${lob} is malformed (${detail})`);
    this.name = 'MembershipItemError';
  }
}

/**
 * `lobs` (the list every reader knows) joined with `memberships` (the details: end date, who granted it,
 * how). A LOB without details is a permanent admin-granted membership (rows written before expiry existed,
 * CSV imports); malformed details are refused rather than guessed.
 */
function reshapeMemberships(username: string, lobs: string[], raw: unknown): Membership[] {
  const details = raw && typeof raw === 'object' && !(raw instanceof Set) ? (raw as Record<string, unknown>) : {};
  return lobs.map((lob) => {
    if (details[lob] === undefined) return { lob, via: 'admin' };
    const parsed = membershipDetailSchema.safeParse(details[lob]);
    if (!parsed.success) throw new MembershipItemError(username, lob, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return { lob, ...parsed.data };
  });
}

/** The `memberships` map attribute for a list of memberships (only the fields that are set). */
export function toMembershipsAttribute(memberships: readonly Membership[]): Record<string, Record<string, string>> {
  return Object.fromEntries(memberships.map(({ lob, ...rest }) => [lob, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Record<string, string>]));
}

/** True while a membership counts: no end date, or an end date after `now`. */
export function isMembershipActive(membership: Pick<Membership, 'until'>, now: Date): boolean {
  return membership.until === undefined || Date.parse(membership.until) > now.getTime();
}

export function reshapeUserItem(item: Item): UserMapping {
  const username = String(item.username);
  const lobs = strList(item.lobs);
  return {
    username,
    lobs,
    memberships: reshapeMemberships(username, lobs, item.memberships),
    version: num(item.version) ?? 1,
    createdAt: str(item.createdAt),
    updatedAt: str(item.updatedAt),
    updatedBy: str(item.updatedBy),
  };
}

export function toUserItem(user: UserMapping): Item {
  const { memberships, ...rest } = user;
  return { ...rest, lobs: memberships.map((m) => m.lob), memberships: toMembershipsAttribute(memberships), kind: 'user' };
}

export function toAuditItem(record: AuditRecord): Item {
  const atSeconds = Math.floor(Date.parse(record.at) / 1000);
  return {
    pk: 'audit',
    sk: `${record.at}#${record.requestId}`,
    ...record,
    ttl: atSeconds + AUDIT_TTL_DAYS * 24 * 3600,
  };
}

export function reshapeAuditItem(item: Item): AuditRecord {
  const { pk: _pk, sk: _sk, ttl: _ttl, ...rest } = item;
  return rest as unknown as AuditRecord;
}
