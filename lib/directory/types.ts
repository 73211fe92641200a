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
  /** Who decides membership of this LOB besides platform admins: usernames and IdP groups. */
  owners: LobOwners;
  /** Whether signed-in users may ask to join (access requests). */
  acceptsRequests: boolean;
  /** Who should ask, shown beside "Request access". */
  requestDescription?: string;
  /** The longest membership a request may ask for, in days. */
  maxRequestDays: number;
  /** Idle shutdown of JupyterLab / Code Editor apps (minutes), set by infra config; read-only in the console. */
  idleShutdownMinutes?: number;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

export interface LobOwners {
  users: string[];
  groups: string[];
}

/** How a membership came to be. */
export type MembershipVia = 'admin' | 'request' | 'review';

/** One explicit membership of a user in a LOB, possibly ending at `until`. */
export interface Membership {
  lob: string;
  /** ISO instant from which the membership no longer counts; undefined = no end. */
  until?: string;
  grantedBy?: string;
  grantedAt?: string;
  via: MembershipVia;
  /** The end date the "ends in 7 days" notice was sent for (lib/directory/expiring-memberships.ts); a new end date is noticed again. */
  expiringNotifiedFor?: string;
  expiringNotifiedAt?: string;
}

/** An explicit user -> LOB(s) mapping from the Users table. */
export interface UserMapping {
  username: string;
  /** Every LOB named in the row (active or expired); `memberships` has the details in the same order. */
  lobs: string[];
  memberships: Membership[];
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
  /** The generator-role session that presigned (arn:aws:sts::<account>:assumed-role/<role>/<session>), as the LOB account's CloudTrail names it. */
  roleSession?: string;
  /** The session's SourceIdentity (the username) in the LOB account's CloudTrail. */
  sourceIdentity?: string;
}

export interface AdminAuditRecord {
  type: 'admin';
  user: string;
  at: string;
  requestId: string;
  /** e.g. lob.update, user.create */
  action: string;
  lob?: string;
  target: string;
  /** JSON strings of the item before / after. */
  before?: string;
  after?: string;
}

export type AuditRecord = LaunchAuditRecord | AdminAuditRecord;
