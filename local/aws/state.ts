/**
 * What the STS + SageMaker stand-in knows: principals with long-term keys, the LOB accounts with
 * their generator role and Studio domain, temporary credentials it issued, and user profiles.
 */
import { randomBytes } from 'node:crypto';
import { DEMO_LOBS, DEMO_REGION, DEMO_USERS, OTHER_PRINCIPAL, PORTAL_PRINCIPAL } from '../demo-data';

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
}

export interface UserProfile {
  name: string;
  status: 'InService';
  createdAt: Date;
  updatedAt: Date;
}

/** A Studio app (JupyterLab, Code Editor) a user opened; ListApps reports it. */
export interface StudioApp {
  userProfile: string;
  appType: 'JupyterLab' | 'CodeEditor';
  appName: string;
  status: 'InService' | 'Deleted';
  createdAt: Date;
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
  /** Apps by `<userProfile>/<appType>`. */
  apps: Map<string, StudioApp>;
}

export interface LobAccount {
  accountId: string;
  label: string;
  roleNames: Set<string>;
}

export function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

export class AwsState {
  readonly principals = new Map<string, Principal>();
  readonly accounts = new Map<string, LobAccount>();
  readonly domains = new Map<string, StudioDomain>();
  readonly temporary = new Map<string, TemporaryCredentials>();
  /** ARNs allowed to call sts:AssumeRole on generator roles. */
  readonly assumeRoleCallers = new Set<string>();

  addPrincipal(p: Omit<Principal, 'accountId'>, mayAssumeGeneratorRoles: boolean): void {
    this.principals.set(p.accessKeyId, { ...p, accountId: accountOfArn(p.arn) });
    if (mayAssumeGeneratorRoles) this.assumeRoleCallers.add(p.arn);
  }

  addDomain(domain: Omit<StudioDomain, 'profiles' | 'apps' | 'createdAt' | 'updatedAt'>, profiles: string[] = []): StudioDomain {
    const now = new Date();
    const entry: StudioDomain = { ...domain, createdAt: now, updatedAt: now, profiles: new Map(), apps: new Map() };
    for (const name of profiles) entry.profiles.set(name, { name, status: 'InService', createdAt: now, updatedAt: now });
    this.domains.set(domain.domainId, entry);
    return entry;
  }

  /** Issues temporary credentials for an assumed role (ASIA… key + session token). */
  issueTemporary(roleArn: string, sessionName: string, durationSeconds: number): TemporaryCredentials {
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const roleName = roleArn.split('/').pop() ?? '';
    const accountId = accountOfArn(roleArn);
    const roleId = `AROA${randomBytes(8).toString('hex').toUpperCase()}`;
    const creds: TemporaryCredentials = {
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
      expiration: new Date(Date.now() + durationSeconds * 1000),
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
