import { STUDIO_APPS, type StudioApp } from '../config';
import type { AuditRecord, Lob, UserMapping } from './types';

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
    idleShutdownMinutes: num(item.idleShutdownMinutes),
    version: num(item.version) ?? 1,
    updatedAt: str(item.updatedAt),
    updatedBy: str(item.updatedBy),
  };
}

export function toLobItem(lob: Lob): Item {
  return { ...lob };
}

export function reshapeUserItem(item: Item): UserMapping {
  return {
    username: String(item.username),
    lobs: strList(item.lobs),
    version: num(item.version) ?? 1,
    createdAt: str(item.createdAt),
    updatedAt: str(item.updatedAt),
    updatedBy: str(item.updatedBy),
  };
}

export function toUserItem(user: UserMapping): Item {
  return { ...user, kind: 'user' };
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
