/**
 * What the STS + SageMaker stand-in knows: principals with long-term keys, the LOB accounts with
 * their generator role and Studio domain, temporary credentials it issued, and user profiles.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  DEMO_LOBS,
  DEMO_REGION,
  DEMO_SNS_TOPIC_ARN,
  DEMO_USERS,
  OTHER_PRINCIPAL,
  PORTAL_PRINCIPAL,
} from '../demo-data';

export interface Principal {
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
  accountId: string;
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  accountId: string;
  roleArn: string;
  assumedRoleArn: string;
  assumedRoleId: string;
  sessionName: string;
  /** AssumeRole SourceIdentity: sticks to the session, shown in every CloudTrail event it makes. */
  sourceIdentity?: string;
  /** Session tags (the session's principal tags), keys as given. */
  tags: Record<string, string>;
  issuedAt: Date;
}

export type ProfileStatus = 'Pending' | 'InService' | 'Updating' | 'Failed' | 'Deleting';

export interface UserProfile {
  name: string;
  status: ProfileStatus;
  createdAt: Date;
  updatedAt: Date;
  /** A Pending profile turns InService at this time (SageMaker creates profiles asynchronously). */
  inServiceAt?: Date;
  /** UserSettings.StudioWebPortal: DISABLED refuses Studio sign-in (/auth) and the live sessions' next request. */
  studioWebPortal?: 'ENABLED' | 'DISABLED';
  /** CreateUserProfile's Tags (ListTags answers them); the portal tags the `sub` it created the profile for. */
  tags?: Record<string, string>;
}

/** One CloudTrail-shaped record of a call the stand-in served (STS and SageMaker). */
export interface CloudTrailEvent {
  eventVersion: '1.09';
  eventID: string;
  eventTime: string;
  eventSource: 'sts.amazonaws.com' | 'sagemaker.amazonaws.com';
  eventName: string;
  eventType: 'AwsApiCall';
  awsRegion: string;
  recipientAccountId: string;
  requestID: string;
  userIdentity: {
    type: 'IAMUser' | 'AssumedRole' | 'AWSAccount';
    principalId?: string;
    arn: string;
    accountId: string;
    accessKeyId?: string;
    sessionContext?: {
      sessionIssuer: { type: 'Role'; principalId: string; arn: string; accountId: string; userName: string };
      attributes: { creationDate: string; mfaAuthenticated: 'false' };
      sourceIdentity?: string;
    };
  };
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
}

/** How many CloudTrail events the stand-in keeps (oldest dropped first). */
const TRAIL_LIMIT = 10_000;
/** Default time a new user profile stays Pending (LOCAL_PROFILE_CREATION_DELAY_MS overrides). */
export const DEFAULT_PROFILE_CREATION_DELAY_MS = 3_000;

export type AppStatus = 'Pending' | 'InService' | 'Deleting' | 'Deleted' | 'Failed';

/**
 * A Studio app (JupyterLab, Code Editor) a user opened, in their profile or in a space; ListApps reports
 * it. DeleteApp makes it Deleting, then Deleted after `appDeletionDelayMs`; a Deleted app stays listed.
 */
export interface StudioApp {
  /** The profile that opened it (for a space app: the space's owner; ListApps names only the space). */
  userProfile: string;
  spaceName?: string;
  appType: 'JupyterLab' | 'CodeEditor';
  appName: string;
  status: AppStatus;
  createdAt: Date;
  /** ResourceSpec.InstanceType: what the app runs on (ListApps reports it; the portal prices it). */
  instanceType: string;
  /** A Deleting app is Deleted at this time. */
  deletedAt?: Date;
}

/** A Studio space; the stand-in knows the ones a presigned URL opened (private, owned by that profile). */
export interface StudioSpace {
  name: string;
  ownerUserProfile: string;
  sharingType: 'Private' | 'Shared';
  createdAt: Date;
}

/** A signed-in Studio browser session (the cookie /auth sets), valid for SessionExpirationDurationInSeconds. */
export interface StudioSession {
  id: string;
  domainId: string;
  userProfile: string;
  expiresAt: Date;
}

/** The instance type Studio gives a JupyterLab / Code Editor space when nobody chose one (SageMaker's default). */
export const DEFAULT_APP_INSTANCE_TYPE = 'ml.t3.medium';

/** The key of a profile's app or a space's app in StudioDomain.apps. */
export function appKey(app: { userProfile: string; spaceName?: string; appType: string }): string {
  return app.spaceName ? `space:${app.spaceName}/${app.appType}` : `${app.userProfile}/${app.appType}`;
}

/**
 * The space an app opens in; one the stand-in has not seen is a private space of the profile that opened
 * it (what a presigned URL's space is). Returns the space's owner, or `userProfile` for an app in no space.
 */
export function ensureSpace(
  domain: StudioDomain,
  spaceName: string | undefined,
  userProfile: string,
  now: Date,
): string {
  if (!spaceName) return userProfile;
  if (!domain.spaces.has(spaceName))
    domain.spaces.set(spaceName, {
      name: spaceName,
      ownerUserProfile: userProfile,
      sharingType: 'Private',
      createdAt: now,
    });
  return domain.spaces.get(spaceName)!.ownerUserProfile;
}

export interface StudioDomain {
  domainId: string;
  domainName: string;
  accountId: string;
  region: string;
  status: 'InService' | 'Updating' | 'Pending' | 'Failed' | 'Deleting';
  appNetworkAccessType: 'VpcOnly' | 'PublicInternetOnly';
  createdAt: Date;
  updatedAt: Date;
  profiles: Map<string, UserProfile>;
  /** Apps by appKey(): `<userProfile>/<appType>` or `space:<space>/<appType>`. */
  apps: Map<string, StudioApp>;
  spaces: Map<string, StudioSpace>;
}

export interface LobAccount {
  accountId: string;
  label: string;
  /** Its generator roles; their trust is infra/lob-account.ts's (local/aws/sts.ts), always, for every role. */
  roleNames: Set<string>;
}

export function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, string>;
  publisher: string;
  at: string;
}

/** What the SNS stand-in knows: topics, who may publish to them, what was published. */
export interface SnsState {
  topics: Set<string>;
  publishers: Set<string>;
  messages: PublishedMessage[];
}

export class AwsState {
  readonly principals = new Map<string, Principal>();
  readonly accounts = new Map<string, LobAccount>();
  readonly domains = new Map<string, StudioDomain>();
  readonly temporary = new Map<string, TemporaryCredentials>();
  /** ARNs allowed to call sts:AssumeRole (with SetSourceIdentity and TagSession) on generator roles. */
  readonly assumeRoleCallers = new Set<string>();
  /** CloudTrail-shaped log of STS and SageMaker calls, oldest first (GET /_local/cloudtrail). */
  trail: CloudTrailEvent[] = [];
  /** How long CreateUserProfile leaves a profile Pending before it is InService. */
  profileCreationDelayMs = DEFAULT_PROFILE_CREATION_DELAY_MS;
  /** How long DeleteApp leaves an app Deleting before it is Deleted (0: at once). */
  appDeletionDelayMs = 0;
  /** Studio browser sessions by cookie value (local/aws/studio.ts). */
  readonly studioSessions = new Map<string, StudioSession>();
  /**
   * Seconds the SageMaker and Studio stand-ins' clock runs ahead (POST /_local/studio/clock): session, presigned-URL
   * and profile-creation times are tested without sleeping.
   */
  clockOffsetSeconds = 0;

  /** The stand-in's "now": Studio sessions and presigned URLs, app deletion, profile creation. */
  now(): Date {
    return new Date(Date.now() + this.clockOffsetSeconds * 1000);
  }

  /** An app's status now: a Deleting app whose time has come is Deleted. */
  settleApp(app: StudioApp, now = this.now()): StudioApp {
    if (app.status === 'Deleting' && app.deletedAt && app.deletedAt.getTime() <= now.getTime()) {
      app.status = 'Deleted';
      app.deletedAt = undefined;
    }
    return app;
  }

  record(event: Omit<CloudTrailEvent, 'eventVersion' | 'eventID' | 'eventTime' | 'eventType'>): void {
    this.trail.push({
      eventVersion: '1.09',
      eventID: randomUUID(),
      eventTime: new Date().toISOString(),
      eventType: 'AwsApiCall',
      ...event,
    });
    if (this.trail.length > TRAIL_LIMIT) this.trail = this.trail.slice(-TRAIL_LIMIT);
  }

  /** A profile's status now: a Pending profile whose time has come is InService. */
  settleProfile(profile: UserProfile, now = this.now()): UserProfile {
    if (profile.status === 'Pending' && profile.inServiceAt && profile.inServiceAt.getTime() <= now.getTime()) {
      profile.status = 'InService';
      profile.updatedAt = profile.inServiceAt;
      profile.inServiceAt = undefined;
    }
    return profile;
  }

  /** CreateUserProfile: Pending now, InService after profileCreationDelayMs. */
  createProfile(domain: StudioDomain, name: string, now = this.now(), tags?: Record<string, string>): UserProfile {
    const delay = this.profileCreationDelayMs;
    const profile: UserProfile =
      delay > 0
        ? {
            name,
            status: 'Pending',
            createdAt: now,
            updatedAt: now,
            inServiceAt: new Date(now.getTime() + delay),
            ...(tags ? { tags } : {}),
          }
        : { name, status: 'InService', createdAt: now, updatedAt: now, ...(tags ? { tags } : {}) };
    domain.profiles.set(name, profile);
    return profile;
  }
  /** SNS topics, their publishers (the portal only) and what was published (local/aws/sns.ts). */
  readonly sns: SnsState = { topics: new Set(), publishers: new Set(), messages: [] };

  addPrincipal(p: Omit<Principal, 'accountId'>, mayAssumeGeneratorRoles: boolean): void {
    this.principals.set(p.accessKeyId, { ...p, accountId: accountOfArn(p.arn) });
    if (mayAssumeGeneratorRoles) this.assumeRoleCallers.add(p.arn);
  }

  addDomain(
    domain: Omit<StudioDomain, 'profiles' | 'apps' | 'spaces' | 'createdAt' | 'updatedAt'>,
    profiles: string[] = [],
  ): StudioDomain {
    const now = new Date();
    const entry: StudioDomain = {
      ...domain,
      createdAt: now,
      updatedAt: now,
      profiles: new Map(),
      apps: new Map(),
      spaces: new Map(),
    };
    for (const name of profiles)
      entry.profiles.set(name, { name, status: 'InService', createdAt: now, updatedAt: now });
    this.domains.set(domain.domainId, entry);
    return entry;
  }

  /** Issues temporary credentials for an assumed role (ASIA… key + session token). */
  issueTemporary(
    roleArn: string,
    sessionName: string,
    durationSeconds: number,
    session: { sourceIdentity?: string; tags?: Record<string, string> } = {},
  ): TemporaryCredentials {
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const roleName = roleArn.split('/').pop() ?? '';
    const accountId = accountOfArn(roleArn);
    const roleId = `AROA${randomBytes(8).toString('hex').toUpperCase()}`;
    const creds: TemporaryCredentials = {
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64'),
      // About the size of a real session token with a few session tags (they are packed into it).
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(640).toString('base64')}`,
      expiration: new Date(Date.now() + durationSeconds * 1000),
      issuedAt: new Date(),
      sessionName,
      sourceIdentity: session.sourceIdentity,
      tags: { ...session.tags },
      accountId,
      roleArn,
      assumedRoleArn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      assumedRoleId: `${roleId}:${sessionName}`,
    };
    this.temporary.set(accessKeyId, creds);
    this.pruneExpired();
    return creds;
  }

  private pruneExpired(): void {
    // Keep expired credentials for a while so that their use answers ExpiredToken, not "unknown key".
    const cutoff = Date.now() - 3600_000;
    for (const [key, creds] of this.temporary) if (creds.expiration.getTime() < cutoff) this.temporary.delete(key);
  }

  domainsOf(accountId: string): StudioDomain[] {
    return [...this.domains.values()].filter((d) => d.accountId === accountId);
  }
}

/** The demo world of docs/contracts.md. */
export function createDemoAwsState(): AwsState {
  const state = new AwsState();
  state.addPrincipal(PORTAL_PRINCIPAL, true);
  state.addPrincipal(OTHER_PRINCIPAL, false);
  state.sns.topics.add(DEMO_SNS_TOPIC_ARN);
  state.sns.publishers.add(PORTAL_PRINCIPAL.arn);
  for (const lob of DEMO_LOBS) {
    state.accounts.set(lob.accountId, { accountId: lob.accountId, label: lob.lob, roleNames: new Set([lob.roleName]) });
    const profiles = DEMO_USERS.filter((u) => u.profiles.includes(lob.lob)).map((u) => u.username);
    state.addDomain(
      {
        domainId: lob.domainId,
        domainName: `${lob.lob}-studio`,
        accountId: lob.accountId,
        region: lob.region ?? DEMO_REGION,
        status: 'InService',
        appNetworkAccessType: 'VpcOnly',
      },
      profiles,
    );
  }
  return state;
}

/** A session tag's value; IAM matches tag keys case-insensitively. */
export function principalTag(creds: TemporaryCredentials, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(creds.tags)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** The CloudTrail userIdentity of an assumed-role session. */
export function sessionIdentity(creds: TemporaryCredentials): CloudTrailEvent['userIdentity'] {
  const roleName = creds.roleArn.split('/').pop() ?? '';
  return {
    type: 'AssumedRole',
    principalId: creds.assumedRoleId,
    arn: creds.assumedRoleArn,
    accountId: creds.accountId,
    accessKeyId: creds.accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: creds.assumedRoleId.split(':')[0],
        arn: creds.roleArn,
        accountId: creds.accountId,
        userName: roleName,
      },
      attributes: { creationDate: creds.issuedAt.toISOString(), mfaAuthenticated: 'false' },
      ...(creds.sourceIdentity ? { sourceIdentity: creds.sourceIdentity } : {}),
    },
  };
}
