import type { StudioApp } from '../names';

/** The role a LOB's generator role is named when the admin leaves the field empty. */
export const DEFAULT_ROLE_NAME = 'PresignedUrlGenerator';
/** Studio session length (CreatePresignedDomainUrl SessionExpirationDurationInSeconds) when a LOB does not say: 2 hours. */
export const DEFAULT_SESSION_SECONDS = 7200;
/** The longest membership an access request may ask for, when a LOB does not say. */
export const DEFAULT_MAX_REQUEST_DAYS = 90;
/** How long an emergency (break-glass) grant lasts when a LOB does not say, and the most it may say (hours). */
export const DEFAULT_EMERGENCY_HOURS = 4;
export const MAX_EMERGENCY_HOURS = 12;
/** Days a pending access request waits before it lapses, when a LOB does not say ("Requests expire after (days)"). */
export const DEFAULT_REQUEST_EXPIRY_DAYS = 14;
/** The most a LOB's "Requests expire after (days)" may be. */
export const MAX_REQUEST_EXPIRY_DAYS = 90;

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
  /**
   * The user pool `sub` of each owner username when it was saved (issue 23): a user re-created under an
   * owner's username is not an owner. An owner username without an entry is not honoured (the safe reading)
   * until the LOB is saved again or the backfill binds it.
   */
  ownerSubs?: Record<string, string>;
  /** Whether signed-in users may ask to join (access requests). */
  acceptsRequests: boolean;
  /** Who should ask, shown beside "Request access". */
  requestDescription?: string;
  /** The longest membership a request may ask for, in days. */
  maxRequestDays: number;
  /** Approvals an access request needs (1 or 2; two come from different approvers, neither the requester); absent = 1. */
  approvalsRequired?: ApprovalsRequired;
  /** Days a request waits for a decision before it lapses ("expired"); absent = DEFAULT_REQUEST_EXPIRY_DAYS. Applies to requests filed after a change. */
  requestExpiryDays?: number;
  /** Idle shutdown of JupyterLab / Code Editor apps (minutes), set by infra config; read-only in the console. */
  idleShutdownMinutes?: number;
  /** Cost control (lib/cost): the sweep stops apps running longer than this many hours; undefined = no limit. */
  stopAfterHours?: number;
  /** The same for GPU instance types (ml.g*, ml.p*, ...); undefined = stopAfterHours applies to them too. */
  stopAfterHoursGpu?: number;
  /** Emergency access (lib/access/emergency.ts): members of this IdP group may take it at once; undefined = not allowed. */
  emergencyGroup?: string;
  /** How long an emergency grant lasts, in hours (1-12; absent = DEFAULT_EMERGENCY_HOURS). */
  emergencyHours?: number;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/** How many approvers an access request needs. */
export type ApprovalsRequired = 1 | 2;

export interface LobOwners {
  users: string[];
  groups: string[];
}

/** How a membership came to be. */
export type MembershipVia = 'admin' | 'request' | 'review' | 'emergency';

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
  /**
   * The user pool `sub` of the person these memberships were granted to (issue 23): a user re-created
   * with the same username has another `sub` and does not inherit them. Absent on rows written before
   * binding existed (backfilled by `npm run backfill-subs`; the launch refuses them until then).
   */
  sub?: string;
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
  /** Every LOB the change touched when there are several (each gets a copy the byLob index finds). */
  lobs?: string[];
  target: string;
  /** JSON strings of the item before / after. */
  before?: string;
  after?: string;
  /** The access review the change was decided in. */
  review?: string;
}

export type AuditRecord = LaunchAuditRecord | AdminAuditRecord;

export type AuditType = AuditRecord['type'];

/** One audit log entry as the console shows it (either kind, the stored item reshaped). */
export interface AuditEntry {
  type: AuditType;
  at: string;
  user: string;
  requestId: string;
  lob?: string;
  /** Every LOB an admin change touched (user changes may touch several); [lob] or [] otherwise. */
  lobs: string[];
  accountId?: string;
  domainId?: string;
  channel?: string;
  app?: string;
  outcome?: string;
  /** Launches: the generator-role session that presigned, as the LOB account's CloudTrail names it. */
  roleSession?: string;
  sourceIdentity?: string;
  action?: string;
  target?: string;
  before?: string;
  after?: string;
  /** The access review a decision belongs to (lib/admin/reviews.ts). */
  review?: string;
  /** A launch's follow-up record: the key (`<at>#<requestId>`) of the first record, and the outcome it holds. */
  followsUp?: string;
  previousOutcome?: string;
}

/** A DynamoDB key or page position, opaque to callers (they encode it into page tokens). */
export type PageKey = Record<string, unknown>;
