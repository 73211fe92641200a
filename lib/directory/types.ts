import type { StudioApp } from '../config';

/** A line of business: one AWS account with one Studio domain (domain type, not the DynamoDB item). */
export interface Lob {
  lob: string;
  displayName: string;
  accountId: string;
  domainId: string;
  region: string;
  roleName: string;
  /** IdP groups whose members belong to this LOB when they have no Users row. */
  groups: string[];
  defaultApp: StudioApp;
  allowedApps: StudioApp[];
  sessionDurationSeconds: number;
  /** Presigned URL lifetime; undefined falls back to PRESIGNED_URL_EXPIRES_SECONDS. */
  urlExpiresSeconds?: number;
  autoCreateProfile: boolean;
  enabled: boolean;
  /** Idle shutdown of JupyterLab / Code Editor apps (minutes), set by infra config; read-only in the console. */
  idleShutdownMinutes?: number;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/** An explicit user -> LOB(s) mapping from the Users table. */
export interface UserMapping {
  username: string;
  lobs: string[];
  version: number;
  createdAt?: string;
  updatedAt?: string;
  updatedBy?: string;
}

export type LaunchChannel = 'portal' | 'api';

export interface LaunchAuditRecord {
  type: 'launch';
  user: string;
  at: string;
  requestId: string;
  lob?: string;
  accountId?: string;
  domainId?: string;
  channel: LaunchChannel;
  app?: StudioApp;
  /** "success" or the PortalError code. */
  outcome: string;
}

export interface AdminAuditRecord {
  type: 'admin';
  user: string;
  at: string;
  requestId: string;
  /** e.g. lob.update, user.create */
  action: string;
  target: string;
  /** JSON strings of the item before / after. */
  before?: string;
  after?: string;
}

export type AuditRecord = LaunchAuditRecord | AdminAuditRecord;
