/** SageMaker control-plane stand-in (JSON 1.1, X-Amz-Target: SageMaker.<Op>), SigV4-verified. */
import type { IncomingMessage } from 'node:http';
import { authenticateCaller } from './sts';
import type { AwsState, StudioDomain } from './state';
import type { StudioTokens } from './studio-token';

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

export const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const DOMAIN_ID_PATTERN = /^d-(-*[a-z0-9]){1,61}$/;
const LANDING_APPS: Record<string, string> = {
  JupyterServer: 'JupyterServer',
  JupyterLab: 'JupyterLab',
  RStudioServerPro: 'RStudioServerPro',
  CodeEditor: 'CodeEditor',
  Canvas: 'Canvas',
};

type Json = Record<string, unknown>;
const epoch = (d: Date) => d.getTime() / 1000;

function validation(message: string): SageMakerError {
  return new SageMakerError('ValidationException', message);
}

function constraint(value: unknown, field: string, rule: string): SageMakerError {
  return validation(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);
}

function requireName(input: Json, key: string, field: string): string {
  const value = input[key];
  if (value === undefined || value === null || value === '') {
    throw constraint(value ?? 'null', field, 'Member must not be null');
  }
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
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
  if (typeof value !== 'number' || !Number.isInteger(value)) throw constraint(value, field, 'Member must be an integer');
  if (value < min) throw constraint(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

/** LandingUri forms: studio::<path>, app:<App>:<path>. */
export function parseLandingUri(value: unknown): { app: string; path?: string } {
  if (value === undefined || value === null) return { app: 'Studio' };
  if (typeof value !== 'string' || value.length > 1023) throw constraint(value, 'landingUri', 'Member must have length less than or equal to 1023');
  const studio = /^studio::(.*)$/.exec(value);
  if (studio) return { app: 'Studio', path: studio[1] || undefined };
  const app = /^app:([A-Za-z]+):(.*)$/.exec(value);
  if (app && LANDING_APPS[app[1]]) return { app: LANDING_APPS[app[1]], path: app[2] || undefined };
  throw validation(
    `Invalid LandingUri '${value}'. Valid forms: studio::relative/path, app:JupyterServer:relative/path, app:JupyterLab:relative/path, app:RStudioServerPro:relative/path, app:CodeEditor:relative/path, app:Canvas:relative/path`,
  );
}

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
  const caller = await authenticateCaller(
    state,
    req,
    body,
    'sagemaker',
    { unknownKey: 'UnrecognizedClientException', mismatch: 'InvalidSignatureException', expired: 'ExpiredTokenException', missing: 'MissingAuthenticationTokenException' },
    SageMakerError,
  );
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

  const findDomain = (domainId: string): StudioDomain => {
    const domain = state.domains.get(domainId);
    // Another account's domain does not exist from this account's point of view.
    if (!domain || domain.accountId !== accountId) {
      throw new SageMakerError('ResourceNotFound', `Domain ${domainId} does not exist in account ${accountId}`);
    }
    return domain;
  };
  const findProfile = (domain: StudioDomain, name: string) => {
    const profile = domain.profiles.get(name);
    if (!profile) {
      throw new SageMakerError('ResourceNotFound', `User profile ${name} does not exist in domain ${domain.domainId}`);
    }
    return profile;
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
    };
  };

  switch (operation) {
    case 'CreatePresignedDomainUrl': {
      const domainId = requireDomainId(input);
      const userProfile = requireName(input, 'UserProfileName', 'userProfileName');
      const expires = optionalInt(input, 'ExpiresInSeconds', 'expiresInSeconds', 5, 300, 300);
      const session = optionalInt(input, 'SessionExpirationDurationInSeconds', 'sessionExpirationDurationInSeconds', 1800, 43200, 43200);
      const space = input.SpaceName === undefined ? undefined : requireName(input, 'SpaceName', 'spaceName');
      const landing = parseLandingUri(input.LandingUri);
      const domain = findDomain(domainId);
      findProfile(domain, userProfile);
      const token = await tokens.issue(
        { domainId, accountId, region: domain.region, userProfile, app: landing.app, path: landing.path, space, sessionSeconds: session },
        expires,
      );
      return { AuthorizedUrl: `${url.scheme}://${studioHost(domain, url)}/auth?token=${token}` };
    }
    case 'DescribeDomain': {
      const domain = findDomain(requireDomainId(input));
      return {
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
      };
    }
    case 'ListDomains': {
      const max = optionalInt(input, 'MaxResults', 'maxResults', 1, 100, 10);
      const all = state.domainsOf(accountId).sort((a, b) => a.domainId.localeCompare(b.domainId));
      const start = typeof input.NextToken === 'string' ? Number(input.NextToken) || 0 : 0;
      return {
        Domains: all.slice(start, start + max).map((d) => ({
          DomainArn: domainArn(d),
          DomainId: d.domainId,
          DomainName: d.domainName,
          Status: d.status,
          CreationTime: epoch(d.createdAt),
          LastModifiedTime: epoch(d.updatedAt),
          Url: `${url.scheme}://${studioHost(d, url)}`,
        })),
        NextToken: start + max < all.length ? String(start + max) : undefined,
      };
    }
    case 'DescribeUserProfile': {
      const domain = findDomain(requireDomainId(input));
      return describeProfile(domain, requireName(input, 'UserProfileName', 'userProfileName'));
    }
    case 'CreateUserProfile': {
      const domainId = requireDomainId(input);
      const name = requireName(input, 'UserProfileName', 'userProfileName');
      const domain = findDomain(domainId);
      if (domain.profiles.has(name)) throw new SageMakerError('ResourceInUse', `User profile ${name} already exists in domain ${domainId}`);
      const now = new Date();
      domain.profiles.set(name, { name, status: 'InService', createdAt: now, updatedAt: now });
      return { UserProfileArn: describeProfile(domain, name).UserProfileArn };
    }
    case 'ListUserProfiles': {
      const max = optionalInt(input, 'MaxResults', 'maxResults', 1, 100, 10);
      const domainFilter = input.DomainIdEquals === undefined ? undefined : requireDomainId(input, 'DomainIdEquals', 'domainIdEquals');
      const contains = typeof input.UserProfileNameContains === 'string' ? input.UserProfileNameContains : '';
      const domains = domainFilter ? [findDomain(domainFilter)] : state.domainsOf(accountId);
      const all = domains
        .flatMap((d) => [...d.profiles.values()].map((p) => ({ d, p })))
        .filter(({ p }) => p.name.includes(contains))
        .sort((a, b) => a.p.name.localeCompare(b.p.name));
      const start = typeof input.NextToken === 'string' ? Number(input.NextToken) || 0 : 0;
      return {
        UserProfiles: all.slice(start, start + max).map(({ d, p }) => ({
          DomainId: d.domainId,
          UserProfileName: p.name,
          Status: p.status,
          CreationTime: epoch(p.createdAt),
          LastModifiedTime: epoch(p.updatedAt),
        })),
        NextToken: start + max < all.length ? String(start + max) : undefined,
      };
    }
    case 'ListApps': {
      const max = optionalInt(input, 'MaxResults', 'maxResults', 1, 100, 10);
      const domainFilter = input.DomainIdEquals === undefined ? undefined : requireDomainId(input, 'DomainIdEquals', 'domainIdEquals');
      const domains = domainFilter ? [findDomain(domainFilter)] : state.domainsOf(accountId);
      const all = domains
        .flatMap((d) => [...d.apps.values()].map((a) => ({ d, a })))
        .sort((x, y) => `${x.a.userProfile}/${x.a.appType}`.localeCompare(`${y.a.userProfile}/${y.a.appType}`));
      const start = typeof input.NextToken === 'string' ? Number(input.NextToken) || 0 : 0;
      return {
        Apps: all.slice(start, start + max).map(({ d, a }) => ({
          DomainId: d.domainId,
          UserProfileName: a.userProfile,
          AppType: a.appType,
          AppName: a.appName,
          Status: a.status,
          CreationTime: epoch(a.createdAt),
        })),
        NextToken: start + max < all.length ? String(start + max) : undefined,
      };
    }
    default:
      throw new SageMakerError('UnknownOperationException', `Unknown operation SageMaker.${operation}`);
  }
}
