/** SageMaker control-plane stand-in (JSON 1.1, X-Amz-Target: SageMaker.<Op>), SigV4-verified. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { authenticateCaller, signingRegion, type SignatureErrorCodes } from './sts';
import {
  appKey,
  principalTag,
  sessionIdentity,
  type AwsState,
  type CloudTrailEvent,
  type StudioApp,
  type StudioDomain,
} from './state';
import type { StudioTokens } from './studio-token';
import { PROFILE_NAME_PATTERN } from '../../lib/names';

export class SageMakerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface StudioUrlOptions {
  scheme: string;
  suffix: string;
  /** Port in the AuthorizedUrl; undefined = scheme default (no port). */
  port?: number;
}

export { PROFILE_NAME_PATTERN as NAME_PATTERN };
const DOMAIN_ID_PATTERN = /^d-(-*[a-z0-9]){1,61}$/;
const LANDING_APPS: Record<string, string> = {
  JupyterServer: 'JupyterServer',
  JupyterLab: 'JupyterLab',
  RStudioServerPro: 'RStudioServerPro',
  CodeEditor: 'CodeEditor',
  Canvas: 'Canvas',
};

/** SageMaker's (JSON protocol) codes for SigV4 failures. */
const SIGNATURE_ERRORS: SignatureErrorCodes = {
  unknownKey: 'UnrecognizedClientException',
  mismatch: 'InvalidSignatureException',
  expired: 'ExpiredTokenException',
  missing: 'MissingAuthenticationTokenException',
};

type Json = Record<string, unknown>;
const epoch = (d: Date) => d.getTime() / 1000;

function validation(message: string): SageMakerError {
  return new SageMakerError('ValidationException', message);
}

function constraint(value: unknown, field: string, rule: string): SageMakerError {
  return validation(
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`,
  );
}

function requireName(input: Json, key: string, field: string): string {
  const value = input[key];
  if (value === undefined || value === null || value === '') {
    throw constraint(value ?? 'null', field, 'Member must not be null');
  }
  if (typeof value !== 'string' || !PROFILE_NAME_PATTERN.test(value)) {
    throw constraint(value, field, 'Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}');
  }
  return value;
}

function requireDomainId(input: Json, key = 'DomainId', field = 'domainId'): string {
  const value = input[key];
  if (typeof value !== 'string' || value === '') throw constraint(value ?? 'null', field, 'Member must not be null');
  if (value.length > 63 || !DOMAIN_ID_PATTERN.test(value)) {
    throw constraint(value, field, 'Member must satisfy regular expression pattern: d-(-*[a-z0-9]){1,61}');
  }
  return value;
}

function optionalInt(input: Json, key: string, field: string, min: number, max: number, fallback: number): number {
  const value = input[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw constraint(value, field, 'Member must be an integer');
  if (value < min) throw constraint(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

/**
 * A List call's page: reads MaxResults (1-100, default 10) and NextToken (an offset) first, so they are
 * validated before anything else; then cuts the page out of the whole sorted list.
 */
/** CreateUserProfile's optional Tags ([{ Key, Value }], at most 50, keys 1-128 characters) as a map. */
function readTags(input: Json): Record<string, string> | undefined {
  if (input.Tags === undefined) return undefined;
  if (!Array.isArray(input.Tags) || input.Tags.length > 50)
    throw validation("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
  const tags: Record<string, string> = {};
  for (const tag of input.Tags as Json[]) {
    if (typeof tag?.Key !== 'string' || tag.Key.length < 1 || tag.Key.length > 128)
      throw constraint(tag?.Key, 'tags.member.key', 'Member must have length between 1 and 128');
    tags[tag.Key] = typeof tag.Value === 'string' ? tag.Value : '';
  }
  return tags;
}

function readPage(input: Json) {
  const max = optionalInt(input, 'MaxResults', 'maxResults', 1, 100, 10);
  const start = typeof input.NextToken === 'string' ? Number(input.NextToken) || 0 : 0;
  return <T>(all: T[]) => ({
    items: all.slice(start, start + max),
    NextToken: start + max < all.length ? String(start + max) : undefined,
  });
}

/** LandingUri forms: studio::<path>, app:<App>:<path>. */
export function parseLandingUri(value: unknown): { app: string; path?: string } {
  if (value === undefined || value === null) return { app: 'Studio' };
  if (typeof value !== 'string' || value.length > 1023)
    throw constraint(value, 'landingUri', 'Member must have length less than or equal to 1023');
  const studio = /^studio::(.*)$/.exec(value);
  if (studio) return { app: 'Studio', path: studio[1] || undefined };
  const app = /^app:([A-Za-z]+):(.*)$/.exec(value);
  if (app && LANDING_APPS[app[1]]) return { app: LANDING_APPS[app[1]], path: app[2] || undefined };
  throw validation(
    `Invalid LandingUri '${value}'. Valid forms: studio::relative/path, app:JupyterServer:relative/path, app:JupyterLab:relative/path, app:RStudioServerPro:relative/path, app:CodeEditor:relative/path, app:Canvas:relative/path`,
  );
}

/** The session tag the generator role's policy names profiles by: user-profile/<domain>/${aws:PrincipalTag/studio-user}. */
export const STUDIO_USER_TAG = 'studio-user';
/** Actions whose resource is one user profile, allowed only on the session's own (tagged) profile. */
const PROFILE_ACTIONS = new Set(['CreatePresignedDomainUrl', 'CreateUserProfile', 'DescribeUserProfile']);
/**
 * The session tag (and value) of the portal's access-control sessions (the admin's decision, the access
 * sweep): they alone may stop apps and change profiles in the domain (infra/lob-account.ts, AccessControl).
 */
export const PORTAL_TASK_TAG = 'portal-task';
export const ACCESS_CONTROL_TASK = 'access-control';
/**
 * Actions only access-control sessions may call on any profile; DescribeUserProfile on any profile of the
 * domain is theirs too. DeleteApp is theirs on any app, and a user's own session's on the apps of their own
 * profile and of the private spaces they own (authorizeDeleteApp). ListSpaces has no resource-level
 * permissions: every generator session may list (the user's app list joins apps to their spaces' owners).
 */
const ACCESS_CONTROL_ACTIONS = new Set(['DeleteApp', 'UpdateUserProfile']);
const APP_TYPES = new Set(['JupyterLab', 'CodeEditor']);

export function domainArn(d: StudioDomain): string {
  return `arn:aws:sagemaker:${d.region}:${d.accountId}:domain/${d.domainId}`;
}

function studioHost(d: StudioDomain, url: StudioUrlOptions): string {
  return `${d.domainId}.studio.${d.region}.${url.suffix}${url.port ? `:${url.port}` : ''}`;
}

export async function handleSageMaker(
  state: AwsState,
  tokens: StudioTokens,
  url: StudioUrlOptions,
  req: IncomingMessage,
  body: Buffer,
  operation: string,
): Promise<Json> {
  const caller = await authenticateCaller(state, req, body, 'sagemaker', SIGNATURE_ERRORS, SageMakerError);
  let requestParameters: Json | null = null;
  const record = (extra: Partial<CloudTrailEvent>) =>
    state.record({
      eventSource: 'sagemaker.amazonaws.com',
      eventName: operation,
      awsRegion: signingRegion(req),
      recipientAccountId: caller.kind === 'temporary' ? caller.creds.accountId : caller.principal.accountId,
      requestID: randomUUID(),
      userIdentity:
        caller.kind === 'temporary'
          ? sessionIdentity(caller.creds)
          : {
              type: 'IAMUser',
              principalId: caller.principal.accessKeyId,
              arn: caller.principal.arn,
              accountId: caller.principal.accountId,
              accessKeyId: caller.principal.accessKeyId,
            },
      requestParameters,
      responseElements: null,
      ...extra,
    });
  try {
    const { result, responseElements } = await runSageMaker(
      state,
      tokens,
      url,
      caller,
      body,
      operation,
      (input) => (requestParameters = input),
    );
    record({ responseElements });
    return result;
  } catch (error) {
    if (error instanceof SageMakerError) record({ errorCode: error.code, errorMessage: error.message });
    throw error;
  }
}

type Caller = Awaited<ReturnType<typeof authenticateCaller>>;

async function runSageMaker(
  state: AwsState,
  tokens: StudioTokens,
  url: StudioUrlOptions,
  caller: Caller,
  body: Buffer,
  operation: string,
  onInput: (input: Json) => void,
): Promise<{ result: Json; responseElements: Json | null }> {
  if (caller.kind !== 'temporary') {
    // Long-term keys of the shared-services account hold no SageMaker permissions.
    throw new SageMakerError(
      'AccessDeniedException',
      `User: ${caller.principal.arn} is not authorized to perform: sagemaker:${operation} because no identity-based policy allows the sagemaker:${operation} action`,
    );
  }
  const accountId = caller.creds.accountId;
  let input: Json;
  try {
    input = body.length ? (JSON.parse(body.toString('utf8')) as Json) : {};
  } catch {
    throw new SageMakerError('SerializationException', 'Request body is not valid JSON');
  }
  onInput(input);
  const creds = caller.creds;
  const accessControl = principalTag(creds, PORTAL_TASK_TAG) === ACCESS_CONTROL_TASK;
  const denied = (resource: string) =>
    new SageMakerError(
      'AccessDeniedException',
      `User: ${creds.assumedRoleArn} is not authorized to perform: sagemaker:${operation} on resource: ${resource} because no identity-based policy allows the sagemaker:${operation} action`,
    );
  /**
   * IAM's side of the generator role: profile actions only on user-profile/<domain>/${aws:PrincipalTag/studio-user};
   * access-control sessions (tag portal-task=access-control) may describe and update any profile of the domain.
   */
  const authorizeProfile = (domain: StudioDomain, name: string) => {
    const resource = `arn:aws:sagemaker:${domain.region}:${domain.accountId}:user-profile/${domain.domainId}/${name}`;
    if (accessControl && (operation === 'DescribeUserProfile' || operation === 'UpdateUserProfile')) return;
    if (ACCESS_CONTROL_ACTIONS.has(operation)) throw denied(resource);
    if (!PROFILE_ACTIONS.has(operation)) return;
    const tagged = principalTag(creds, STUDIO_USER_TAG);
    if (tagged === undefined || tagged !== name) throw denied(resource);
  };
  /**
   * DeleteApp, as infra/lob-account.ts grants it: access-control sessions on any app of the domain; a user's
   * own session (studio-user tag) on apps of user-profile/<domain>/<tag> that are in no space, and on apps of
   * spaces whose sagemaker:OwnerUserProfileArn is the tagged profile and whose sagemaker:SpaceSharingType is
   * Private. Everything else is refused, as IAM refuses it.
   */
  const authorizeDeleteApp = (
    domain: StudioDomain,
    resource: string,
    profile: string | undefined,
    space: string | undefined,
  ) => {
    if (accessControl) return;
    const tagged = principalTag(creds, STUDIO_USER_TAG);
    if (tagged === undefined) throw denied(resource);
    if (space === undefined) {
      if (profile !== tagged) throw denied(resource);
      return;
    }
    const found = domain.spaces.get(space);
    if (!found || found.sharingType !== 'Private' || found.ownerUserProfile !== tagged) throw denied(resource);
  };

  const findDomain = (domainId: string): StudioDomain => {
    const domain = state.domains.get(domainId);
    // Another account's domain does not exist from this account's point of view.
    if (!domain || domain.accountId !== accountId) {
      throw new SageMakerError('ResourceNotFound', `Domain ${domainId} does not exist in account ${accountId}`);
    }
    return domain;
  };
  /** The domains a List call covers: the one DomainIdEquals names, else all of the caller's account. */
  const listedDomains = () =>
    input.DomainIdEquals === undefined
      ? state.domainsOf(accountId)
      : [findDomain(requireDomainId(input, 'DomainIdEquals', 'domainIdEquals'))];
  const findProfile = (domain: StudioDomain, name: string) => {
    const profile = domain.profiles.get(name);
    if (!profile) {
      throw new SageMakerError('ResourceNotFound', `User profile ${name} does not exist in domain ${domain.domainId}`);
    }
    return state.settleProfile(profile);
  };
  const describeProfile = (domain: StudioDomain, name: string) => {
    const p = findProfile(domain, name);
    return {
      DomainId: domain.domainId,
      UserProfileArn: `arn:aws:sagemaker:${domain.region}:${domain.accountId}:user-profile/${domain.domainId}/${p.name}`,
      UserProfileName: p.name,
      Status: p.status,
      CreationTime: epoch(p.createdAt),
      LastModifiedTime: epoch(p.updatedAt),
      ...(p.studioWebPortal ? { UserSettings: { StudioWebPortal: p.studioWebPortal } } : {}),
    };
  };
  const appArn = (d: StudioDomain, a: Pick<StudioApp, 'userProfile' | 'spaceName' | 'appType' | 'appName'>) =>
    `arn:aws:sagemaker:${d.region}:${d.accountId}:app/${d.domainId}/${a.spaceName ?? a.userProfile}/${a.appType.toLowerCase()}/${a.appName}`;

  // Read-only calls: CloudTrail shows no responseElements.
  const read = (result: Json) => ({ result, responseElements: null });
  switch (operation) {
    case 'CreatePresignedDomainUrl': {
      const domainId = requireDomainId(input);
      const userProfile = requireName(input, 'UserProfileName', 'userProfileName');
      const expires = optionalInt(input, 'ExpiresInSeconds', 'expiresInSeconds', 5, 300, 300);
      const session = optionalInt(
        input,
        'SessionExpirationDurationInSeconds',
        'sessionExpirationDurationInSeconds',
        1800,
        43200,
        43200,
      );
      const space = input.SpaceName === undefined ? undefined : requireName(input, 'SpaceName', 'spaceName');
      const landing = parseLandingUri(input.LandingUri);
      const domain = findDomain(domainId);
      authorizeProfile(domain, userProfile);
      const profile = findProfile(domain, userProfile);
      if (profile.status !== 'InService') {
        throw validation(
          `User profile ${userProfile} in domain ${domainId} is in ${profile.status} status; a presigned URL needs an InService profile.`,
        );
      }
      const token = await tokens.issue(
        {
          domainId,
          accountId,
          region: domain.region,
          userProfile,
          app: landing.app,
          path: landing.path,
          space,
          sessionSeconds: session,
        },
        expires,
      );
      // CloudTrail never shows the URL: it is a credential.
      return {
        result: { AuthorizedUrl: `${url.scheme}://${studioHost(domain, url)}/auth?token=${token}` },
        responseElements: { authorizedUrl: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      };
    }
    case 'DescribeDomain': {
      const domain = findDomain(requireDomainId(input));
      return read({
        DomainArn: domainArn(domain),
        DomainId: domain.domainId,
        DomainName: domain.domainName,
        HomeEfsFileSystemId: `fs-${domain.domainId.slice(2, 10)}`,
        Status: domain.status,
        CreationTime: epoch(domain.createdAt),
        LastModifiedTime: epoch(domain.updatedAt),
        AuthMode: 'IAM',
        AppNetworkAccessType: domain.appNetworkAccessType,
        Url: `${url.scheme}://${studioHost(domain, url)}`,
        DefaultUserSettings: { ExecutionRole: `arn:aws:iam::${domain.accountId}:role/SageMakerExecutionRole` },
      });
    }
    case 'ListDomains': {
      const page = readPage(input);
      const { items, NextToken } = page(
        state.domainsOf(accountId).sort((a, b) => a.domainId.localeCompare(b.domainId)),
      );
      return read({
        Domains: items.map((d) => ({
          DomainArn: domainArn(d),
          DomainId: d.domainId,
          DomainName: d.domainName,
          Status: d.status,
          CreationTime: epoch(d.createdAt),
          LastModifiedTime: epoch(d.updatedAt),
          Url: `${url.scheme}://${studioHost(d, url)}`,
        })),
        NextToken,
      });
    }
    case 'DescribeUserProfile': {
      const domain = findDomain(requireDomainId(input));
      const name = requireName(input, 'UserProfileName', 'userProfileName');
      authorizeProfile(domain, name);
      return read(describeProfile(domain, name));
    }
    case 'CreateUserProfile': {
      const domainId = requireDomainId(input);
      const name = requireName(input, 'UserProfileName', 'userProfileName');
      const domain = findDomain(domainId);
      authorizeProfile(domain, name);
      if (domain.profiles.has(name))
        throw new SageMakerError('ResourceInUse', `User profile ${name} already exists in domain ${domainId}`);
      // Created asynchronously, as SageMaker does: Pending, InService after the configured delay.
      state.createProfile(domain, name, state.now(), readTags(input));
      const arn = describeProfile(domain, name).UserProfileArn;
      return { result: { UserProfileArn: arn }, responseElements: { userProfileArn: arn } };
    }
    case 'ListTags': {
      // Tags of a user profile (the only taggable resource here): arn:aws:sagemaker:<region>:<account>:user-profile/<domain>/<name>.
      const arn = typeof input.ResourceArn === 'string' ? input.ResourceArn : '';
      const match = /^arn:aws:sagemaker:[a-z0-9-]+:\d{12}:user-profile\/(d-[a-z0-9]+)\/([^/]+)$/.exec(arn);
      if (!match)
        throw validation(
          `Value '${arn}' at 'resourceArn' failed to satisfy constraint: a user profile ARN is expected.`,
        );
      const profile = findProfile(findDomain(match[1]), match[2]);
      return read({ Tags: Object.entries(profile.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) });
    }
    case 'ListUserProfiles': {
      const page = readPage(input);
      const contains = typeof input.UserProfileNameContains === 'string' ? input.UserProfileNameContains : '';
      const { items, NextToken } = page(
        listedDomains()
          .flatMap((d) => [...d.profiles.values()].map((p) => ({ d, p: state.settleProfile(p) })))
          .filter(({ p }) => p.name.includes(contains))
          .sort((a, b) => a.p.name.localeCompare(b.p.name)),
      );
      return read({
        UserProfiles: items.map(({ d, p }) => ({
          DomainId: d.domainId,
          UserProfileName: p.name,
          Status: p.status,
          CreationTime: epoch(p.createdAt),
          LastModifiedTime: epoch(p.updatedAt),
        })),
        NextToken,
      });
    }
    case 'ListApps': {
      const page = readPage(input);
      const profile =
        input.UserProfileNameEquals === undefined
          ? undefined
          : requireName(input, 'UserProfileNameEquals', 'userProfileNameEquals');
      const space =
        input.SpaceNameEquals === undefined ? undefined : requireName(input, 'SpaceNameEquals', 'spaceNameEquals');
      if (profile && space) throw validation('Only one of UserProfileNameEquals and SpaceNameEquals may be given.');
      // Deleted apps stay listed (Status Deleted), as SageMaker lists them: callers filter on Status.
      const { items, NextToken } = page(
        listedDomains()
          .flatMap((d) => [...d.apps.values()].map((a) => ({ d, a: state.settleApp(a) })))
          .filter(
            ({ a }) =>
              (profile === undefined || (!a.spaceName && a.userProfile === profile)) &&
              (space === undefined || a.spaceName === space),
          )
          .sort((x, y) => appKey(x.a).localeCompare(appKey(y.a))),
      );
      return read({
        Apps: items.map(({ d, a }) => ({
          DomainId: d.domainId,
          // An app in a space names the space, not the profile that opened it.
          ...(a.spaceName ? { SpaceName: a.spaceName } : { UserProfileName: a.userProfile }),
          AppType: a.appType,
          AppName: a.appName,
          Status: a.status,
          CreationTime: epoch(a.createdAt),
          ResourceSpec: { InstanceType: a.instanceType },
        })),
        NextToken,
      });
    }
    case 'ListSpaces': {
      const page = readPage(input);
      const domains = listedDomains();
      const { items, NextToken } = page(
        domains
          .flatMap((d) => [...d.spaces.values()].map((sp) => ({ d, sp })))
          .sort((x, y) => x.sp.name.localeCompare(y.sp.name)),
      );
      return read({
        Spaces: items.map(({ d, sp }) => ({
          DomainId: d.domainId,
          SpaceName: sp.name,
          Status: 'InService',
          CreationTime: epoch(sp.createdAt),
          LastModifiedTime: epoch(sp.createdAt),
          SpaceSharingSettingsSummary: { SharingType: sp.sharingType },
          OwnershipSettingsSummary: { OwnerUserProfileName: sp.ownerUserProfile },
        })),
        NextToken,
      });
    }
    case 'DeleteApp': {
      const domain = findDomain(requireDomainId(input));
      const appType = input.AppType;
      if (typeof appType !== 'string' || appType === '')
        throw constraint(appType ?? 'null', 'appType', 'Member must not be null');
      const appName = requireName(input, 'AppName', 'appName');
      const profile =
        input.UserProfileName === undefined ? undefined : requireName(input, 'UserProfileName', 'userProfileName');
      const space = input.SpaceName === undefined ? undefined : requireName(input, 'SpaceName', 'spaceName');
      if (!profile && !space) throw validation('Either UserProfileName or SpaceName must be given.');
      const owner = space ? (domain.spaces.get(space)?.ownerUserProfile ?? '') : profile!;
      authorizeDeleteApp(
        domain,
        appArn(domain, { userProfile: owner, spaceName: space, appType: appType as StudioApp['appType'], appName }),
        profile,
        space,
      );
      const app = APP_TYPES.has(appType)
        ? domain.apps.get(appKey({ userProfile: owner, spaceName: space, appType }))
        : undefined;
      const name = `${space ? `space ${space}` : `user profile ${profile}`}, app type ${appType}, app name ${appName}`;
      if (!app || app.appName !== appName || state.settleApp(app).status === 'Deleted') {
        throw new SageMakerError('ResourceNotFound', `App with ${name} does not exist in domain ${domain.domainId}`);
      }
      if (app.status === 'Deleting')
        throw new SageMakerError('ResourceInUse', `App with ${name} is already being deleted`);
      const delay = state.appDeletionDelayMs;
      app.status = delay > 0 ? 'Deleting' : 'Deleted';
      app.deletedAt = delay > 0 ? new Date(state.now().getTime() + delay) : undefined;
      return { result: {}, responseElements: null };
    }
    case 'UpdateUserProfile': {
      const domain = findDomain(requireDomainId(input));
      const name = requireName(input, 'UserProfileName', 'userProfileName');
      authorizeProfile(domain, name);
      const profile = findProfile(domain, name);
      const settings = (input.UserSettings ?? {}) as Json;
      const portal = settings.StudioWebPortal;
      if (portal !== undefined && portal !== 'ENABLED' && portal !== 'DISABLED') {
        throw constraint(
          portal,
          'userSettings.studioWebPortal',
          'Member must satisfy enum value set: [ENABLED, DISABLED]',
        );
      }
      if (profile.status !== 'InService')
        throw new SageMakerError(
          'ResourceInUse',
          `User profile ${name} is in ${profile.status} status and cannot be updated now.`,
        );
      if (portal) profile.studioWebPortal = portal;
      profile.updatedAt = new Date();
      const arn = describeProfile(domain, name).UserProfileArn;
      return { result: { UserProfileArn: arn }, responseElements: { userProfileArn: arn } };
    }
    default:
      throw new SageMakerError('UnknownOperationException', `Unknown operation SageMaker.${operation}`);
  }
}
