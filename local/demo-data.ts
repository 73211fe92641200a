/**
 * Demo data for the local stand-ins: the single source of what docs/contracts.md describes.
 * Development and tests only; nothing here is used in production.
 */
import type { Lob } from '../lib/directory/types';
import { subForUsername } from './cognito/user-store';
import { defaultTableName, perTable } from '../lib/directory/schema';
import { DAY_MS } from '../lib/clock';

export const DEMO_REGION = 'us-east-1';
export const SHARED_SERVICES_ACCOUNT = '999999999999';
export const USER_POOL_ID = 'us-east-1_StudioLcl';
export const GENERATOR_ROLE_NAME = 'PresignedUrlGenerator';
export const ADMIN_GROUP = 'portal-admins';

export const TABLES = perTable((table) => defaultTableName(table.id));

/** The notifications topic the stand-ins' SNS accepts Publish for. */
export const DEMO_SNS_TOPIC_ARN = `arn:aws:sns:us-east-1:999999999999:studio-portal-notifications`;

export interface DemoPrincipal {
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
}

/** What the portal's AWS credentials are locally; the only principal allowed to assume generator roles. */
export const PORTAL_PRINCIPAL: DemoPrincipal = {
  accessKeyId: 'AKIAPORTALLOCAL00001',
  secretAccessKey: 'portal-local-secret-key',
  arn: `arn:aws:iam::${SHARED_SERVICES_ACCOUNT}:role/studio-portal-server`,
};

/** A valid, known principal that is NOT allowed to assume generator roles (for refusal tests). */
export const OTHER_PRINCIPAL: DemoPrincipal = {
  accessKeyId: 'AKIAOTHERLOCAL000001',
  secretAccessKey: 'other-local-secret-key',
  arn: `arn:aws:iam::${SHARED_SERVICES_ACCOUNT}:user/someone-else`,
};

/** A demo LOB row: the portal's own LOB shape (without the audit fields, and with a URL expiry from config). */
export type DemoLob = Omit<Lob, 'urlExpiresSeconds' | 'updatedAt' | 'updatedBy'>;

const lobDefaults = {
  region: DEMO_REGION,
  roleName: GENERATOR_ROLE_NAME,
  defaultApp: 'studio',
  allowedApps: ['studio', 'jupyterlab', 'codeeditor'],
  sessionDurationSeconds: 7200,
  enabled: true,
  acceptsRequests: true,
  maxRequestDays: 90,
  approvalsRequired: 1,
  version: 1,
} as const;

export const DEMO_LOBS: DemoLob[] = [
  {
    ...lobDefaults,
    allowedApps: [...lobDefaults.allowedApps],
    lob: 'lob-a',
    displayName: 'Line of Business A',
    accountId: '111111111111',
    domainId: 'd-loba1example',
    groups: ['lob-a-users'],
    autoCreateProfile: false,
    owners: { users: [], groups: ['lob-a-owners'] },
    requestDescription: 'Data scientists and analysts of Line of Business A.',
    idleShutdownMinutes: 120,
    // Emergency access (issue 27): members of this IdP group may take 4 hours of access at once.
    emergencyGroup: 'lob-a-oncall',
  },
  {
    ...lobDefaults,
    allowedApps: [...lobDefaults.allowedApps],
    lob: 'lob-b',
    displayName: 'Line of Business B',
    accountId: '222222222222',
    domainId: 'd-lobb1example',
    groups: ['lob-b-users'],
    autoCreateProfile: true,
    owners: { users: [], groups: ['lob-b-owners'] },
    requestDescription: 'Engineers of Line of Business B.',
    idleShutdownMinutes: 240,
  },
];

export interface DemoUser {
  username: string;
  password: string;
  email: string;
  /** Cognito groups. */
  groups: string[];
  /** Users-table lobs; empty = no row. */
  lobs: string[];
  /** LOBs in whose Studio domain the user has a user profile. */
  profiles: string[];
  note: string;
  /** A membership that ends this many days after the stand-ins start (in every LOB of `lobs`); absent = permanent. */
  endsAfterDays?: number;
  /** Base32 TOTP secret of a user with software-token MFA on (`npm run token -- --totp <user>` prints the code). */
  totpSecret?: string;
}

function demoUser(
  username: string,
  password: string,
  groups: string[],
  lobs: string[],
  profiles: string[],
  note: string,
): DemoUser {
  return { username, password, email: `${username}@example.com`, groups, lobs, profiles, note };
}

export const DEMO_USERS: DemoUser[] = [
  demoUser('user-lob-a', 'UserLobA1!', [], ['lob-a'], ['lob-a'], 'lob-a'),
  demoUser('user-lob-b', 'UserLobB1!', [], ['lob-b'], ['lob-b'], 'lob-b'),
  demoUser('user-multi', 'UserMulti1!', [], ['lob-a', 'lob-b'], ['lob-a', 'lob-b'], 'lob-a + lob-b (picks)'),
  demoUser('user-group-a', 'UserGroupA1!', ['lob-a-users'], [], ['lob-a'], 'lob-a via group lob-a-users'),
  demoUser(
    'user-no-lob',
    'UserNoLob1!',
    [],
    [],
    ['lob-a'],
    'no LOB (has a Studio profile in lob-a, for after an approved request)',
  ),
  demoUser('user-no-profile', 'UserNoProfile1!', [], ['lob-a'], [], 'lob-a, no Studio profile'),
  demoUser('new-user', 'NewUser1!', [], [], [], 'unmapped (admin maps it to lob-b)'),
  demoUser('portal-admin', 'PortalAdmin1!', [ADMIN_GROUP], ['lob-a'], ['lob-a'], 'admin, lob-a'),
  // Issue 27: "Request extension" is offered in the last 14 days of a membership.
  {
    ...demoUser(
      'user-expiring',
      'UserExpiring1!',
      [],
      ['lob-a'],
      ['lob-a'],
      'lob-a, ends 10 days after start (Request extension)',
    ),
    endsAfterDays: 10,
  },
  demoUser('owner-lob-a', 'OwnerLobA1!', ['lob-a-owners'], [], [], 'owns lob-a (group lob-a-owners), not an admin'),
  demoUser(
    'oncall-lob-a',
    'OncallLobA1!',
    ['lob-a-oncall'],
    [],
    ['lob-a'],
    "on call for lob-a (group lob-a-oncall, lob-a's emergency access group); no membership",
  ),
  {
    ...demoUser(
      'owner-mfa',
      'OwnerMfa1!',
      ['lob-a-owners'],
      [],
      [],
      'owns lob-a, MFA on (TOTP: npm run token -- --totp owner-mfa)',
    ),
    // A published demo secret: anyone can compute this user's codes. Never use it outside the stand-ins.
    totpSecret: 'KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD',
  },
];

/** Every group the demo user pool has. */
export const DEMO_GROUPS: string[] = [
  ADMIN_GROUP,
  ...DEMO_LOBS.flatMap((l) => [...l.groups, ...l.owners.groups, ...(l.emergencyGroup ? [l.emergencyGroup] : [])]),
];

const endOf = (user: DemoUser, at: string) =>
  user.endsAfterDays ? { until: new Date(Date.parse(at) + user.endsAfterDays * DAY_MS).toISOString() } : {};

/** The Users-table item of a demo user with a row: permanent memberships granted by the demo data. */
export function demoUserItem(user: DemoUser, at: string): Record<string, unknown> {
  return {
    username: user.username,
    // Bound to the stand-in pool's sub for the user (issue 23), as `npm run populate` binds rows.
    sub: subForUsername(user.username),
    lobs: user.lobs,
    memberships: Object.fromEntries(
      user.lobs.map((lob) => [lob, { via: 'admin', grantedBy: 'demo-data', grantedAt: at, ...endOf(user, at) }]),
    ),
    kind: 'user',
    version: 1,
    createdAt: at,
    updatedAt: at,
    updatedBy: 'demo-data',
  };
}

export interface DemoAppClient {
  clientId: string;
  clientSecret?: string;
  name: string;
}

export const DEMO_APP_CLIENTS: DemoAppClient[] = [
  { clientId: 'portal-web', clientSecret: 'portal-web-secret', name: 'Studio Portal (web)' },
  { clientId: 'portal-cli', name: 'Studio Portal (scripts)' },
];

export const PORTAL_CLIENT = DEMO_APP_CLIENTS[0] as Required<DemoAppClient>;
export const CLI_CLIENT = DEMO_APP_CLIENTS[1];
