import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PortalError } from '../errors';
import { isStudioApp } from '../names';
import { AUDIT_RETENTION_SECONDS } from './schema';
import {
  DEFAULT_EMERGENCY_HOURS,
  DEFAULT_MAX_REQUEST_DAYS,
  DEFAULT_REQUEST_EXPIRY_DAYS,
  DEFAULT_ROLE_NAME,
  DEFAULT_SESSION_SECONDS,
  type AdminAuditRecord,
  type AuditEntry,
  type AuditRecord,
  type Lob,
  type Membership,
  type UserMapping,
} from './types';

/**
 * DynamoDB items <-> domain types, the data layer's border: pages and logic never see the item shape.
 * Reshapes validate: an item without its key, or with a field of the wrong type, is refused with
 * DirectoryItemError rather than guessed; fields written before they existed get their documented default.
 */

type Item = Record<string, unknown>;

/** Thrown when a stored item is not what the portal writes (hand edits, a bad import, a foreign writer). */
export class DirectoryItemError extends PortalError {
  constructor(table: string, key: string, detail: string) {
    super('directory.item_invalid', undefined, { details: { table, key, detail } });
    this.message = `${table} item ${key} is malformed (${detail})`;
    this.name = 'DirectoryItemError';
  }
}

const withoutUndefined = (item: Item): Item =>
  Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined));
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : undefined;
const strList = (v: unknown): string[] => {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (v instanceof Set) return [...v].filter((x): x is string => typeof x === 'string');
  return [];
};

/** The item's key attribute: a non-empty string, or the item is refused. */
function keyOf(table: string, item: Item, attribute: string): string {
  const key = item[attribute];
  if (typeof key !== 'string' || !key) throw new DirectoryItemError(table, String(key), `${attribute} is missing`);
  return key;
}

/** A numeric attribute that must be a number when present (version counters). */
function versionOf(table: string, key: string, item: Item): number {
  const version = num(item.version);
  if (version === undefined) return 1;
  if (!Number.isInteger(version) || version < 0)
    throw new DirectoryItemError(table, key, `version ${String(item.version)} is not a whole number`);
  return version;
}

export function reshapeLobItem(item: Item): Lob {
  const lob = keyOf('LOBs', item, 'lob');
  const allowedApps = strList(item.allowedApps).filter(isStudioApp);
  const defaultApp = isStudioApp(item.defaultApp) ? item.defaultApp : 'studio';
  return {
    lob,
    displayName: str(item.displayName) ?? lob,
    accountId: String(item.accountId ?? ''),
    domainId: String(item.domainId ?? ''),
    region: String(item.region ?? ''),
    roleName: str(item.roleName) || DEFAULT_ROLE_NAME,
    groups: strList(item.groups),
    defaultApp,
    allowedApps: allowedApps.length ? allowedApps : [defaultApp],
    sessionDurationSeconds: num(item.sessionDurationSeconds) ?? DEFAULT_SESSION_SECONDS,
    urlExpiresSeconds: num(item.urlExpiresSeconds),
    autoCreateProfile: item.autoCreateProfile === true,
    enabled: item.enabled !== false,
    owners: reshapeOwners(item.owners),
    ...(item.ownerSubs && typeof item.ownerSubs === 'object' ? { ownerSubs: reshapeOwnerSubs(item.ownerSubs) } : {}),
    acceptsRequests: item.acceptsRequests === true,
    requestDescription: str(item.requestDescription) || undefined,
    maxRequestDays: num(item.maxRequestDays) ?? DEFAULT_MAX_REQUEST_DAYS,
    approvalsRequired: num(item.approvalsRequired) === 2 ? 2 : 1,
    requestExpiryDays: num(item.requestExpiryDays) ?? DEFAULT_REQUEST_EXPIRY_DAYS,
    idleShutdownMinutes: num(item.idleShutdownMinutes),
    stopAfterHours: num(item.stopAfterHours),
    stopAfterHoursGpu: num(item.stopAfterHoursGpu),
    emergencyGroup: str(item.emergencyGroup) || undefined,
    emergencyHours: num(item.emergencyHours) ?? DEFAULT_EMERGENCY_HOURS,
    version: versionOf('LOBs', lob, item),
    updatedAt: str(item.updatedAt),
    updatedBy: str(item.updatedBy),
  };
}

/** The LOBs item of a LOB (fields that are unset are left out). */
export function toLobItem(lob: Lob): Item {
  return withoutUndefined({ ...lob });
}

function reshapeOwnerSubs(v: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
}

function reshapeOwners(v: unknown): Lob['owners'] {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  return { users: strList(o.users), groups: strList(o.groups) };
}

/** The wire shape of one entry of a Users item's `memberships` map (keyed by LOB). */
const membershipDetailSchema = z.object({
  until: z.iso.datetime({ offset: true }).optional(),
  grantedBy: z.string().min(1).optional(),
  grantedAt: z.iso.datetime({ offset: true }).optional(),
  via: z.enum(['admin', 'request', 'review', 'emergency']).default('admin'),
  expiringNotifiedFor: z.iso.datetime({ offset: true }).optional(),
  expiringNotifiedAt: z.iso.datetime({ offset: true }).optional(),
});

/** A failed parse's issues as one line (path: message; ...), for DirectoryItemError. */
export const issuesOf = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

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
    if (!parsed.success)
      throw new DirectoryItemError('Users', username, `membership ${lob}: ${issuesOf(parsed.error)}`);
    return { lob, ...parsed.data };
  });
}

/** The `memberships` map attribute for a list of memberships (only the fields that are set). */
export function toMembershipsAttribute(memberships: readonly Membership[]): Record<string, Record<string, string>> {
  return Object.fromEntries(
    memberships.map(({ lob, ...rest }) => [
      lob,
      Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Record<string, string>,
    ]),
  );
}

/** True while a membership counts: no end date, or an end date after `now`. */
export function isMembershipActive(membership: Pick<Membership, 'until'>, now: Date): boolean {
  return membership.until === undefined || Date.parse(membership.until) > now.getTime();
}

export function reshapeUserItem(item: Item): UserMapping {
  const username = keyOf('Users', item, 'username');
  const lobs = strList(item.lobs);
  return {
    username,
    lobs,
    memberships: reshapeMemberships(username, lobs, item.memberships),
    ...(str(item.sub) ? { sub: str(item.sub) } : {}),
    version: versionOf('Users', username, item),
    createdAt: str(item.createdAt),
    updatedAt: str(item.updatedAt),
    updatedBy: str(item.updatedBy),
  };
}

/** The Users item of a mapping: `lobs` for every reader, `memberships` with the details, `kind` for the byUsername index. */
export function toUserItem(user: UserMapping): Item {
  const { memberships, ...rest } = user;
  return withoutUndefined({
    ...rest,
    lobs: memberships.map((m) => m.lob),
    memberships: toMembershipsAttribute(memberships),
    kind: 'user',
  });
}

const ttlOf = (at: string) => Math.floor(Date.parse(at) / 1000) + AUDIT_RETENTION_SECONDS;

/** The audit item of a launch record (key: its instant and request id). */
export function toAuditItem(record: AuditRecord): Item {
  return { pk: 'audit', sk: `${record.at}#${record.requestId}`, ...record, ttl: ttlOf(record.at) };
}

/**
 * Marks an item that exists only so the byLob index finds a change under each LOB it touched; holds the
 * `sk` of the change's main item. Views without a LOB filter skip these so every change shows once.
 */
export const AUDIT_COPY_ATTRIBUTE = 'copyOf';

/**
 * On a launch's follow-up record (its outcome changed after the first record was written): the `sk` of
 * that first record. Records are only ever added, never rewritten (lib/directory/audit.ts updateOutcome).
 */
export const AUDIT_FOLLOWS_UP_ATTRIBUTE = 'followsUp';

/**
 * The items of an admin change: the main item, and for a change touching several LOBs one copy per LOB
 * (same content, `lob` set, `sk` suffixed with the LOB, marked with AUDIT_COPY_ATTRIBUTE) so the byLob
 * index (hash `lob`) finds it under each of them. A random suffix keeps several changes in one request
 * (imports) from colliding on the key.
 */
export function toAdminAuditItems(record: AdminAuditRecord): Item[] {
  const lobs = [...new Set(record.lobs ?? [])].sort();
  const main: Item = withoutUndefined({
    pk: 'audit',
    sk: `${record.at}#${record.requestId}#${randomUUID().slice(0, 8)}`,
    ...record,
    ttl: ttlOf(record.at),
    lob: record.lob ?? (lobs.length === 1 ? lobs[0] : undefined),
    lobs: lobs.length ? lobs : undefined,
  });
  if (main.lob || lobs.length < 2) return [main];
  return [main, ...lobs.map((lob) => ({ ...main, sk: `${main.sk}#${lob}`, lob, [AUDIT_COPY_ATTRIBUTE]: main.sk }))];
}

const optionalText = z.string().optional();
const auditItemSchema = z.object({
  type: z.enum(['launch', 'admin']).default('admin'),
  sk: z.string().min(1),
  at: optionalText,
  user: z.string().default(''),
  requestId: z.string().default(''),
  lob: optionalText,
  lobs: z.array(z.string()).optional(),
  accountId: optionalText,
  domainId: optionalText,
  channel: optionalText,
  app: optionalText,
  outcome: optionalText,
  roleSession: optionalText,
  sourceIdentity: optionalText,
  action: optionalText,
  target: optionalText,
  before: optionalText,
  after: optionalText,
  review: optionalText,
  followsUp: optionalText,
  previousOutcome: optionalText,
});

/** An audit item as an entry of the log (launch or admin change); items missing their key are refused. */
export function reshapeAuditItem(item: Item): AuditEntry {
  const parsed = auditItemSchema.safeParse({ ...item, lobs: item.lobs instanceof Set ? [...item.lobs] : item.lobs });
  if (!parsed.success) throw new DirectoryItemError('Audit', String(item.sk), issuesOf(parsed.error));
  const { sk, lobs, followsUp, previousOutcome, ...entry } = parsed.data;
  return {
    ...entry,
    at: entry.at ?? sk.split('#')[0],
    lobs: lobs ?? (entry.lob ? [entry.lob] : []),
    ...(followsUp ? { followsUp, previousOutcome } : {}),
  };
}
