/** STS stand-in (Query protocol, XML): AssumeRole and GetCallerIdentity, SigV4-verified. */
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { escapeXml } from '../http-util';
import { SignatureError, verifySigV4 } from '../sigv4';
import { buildQueryErrorXml, QueryProtocolError, queryRequest } from './query-protocol';
import {
  sessionIdentity,
  type AwsState,
  type CloudTrailEvent,
  type Principal,
  type TemporaryCredentials,
} from './state';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** An STS error: code is what the SDK exposes as err.name. */
export class StsError extends QueryProtocolError {}

export function stsErrorXml(code: string, message: string, type = 'Sender'): string {
  return buildQueryErrorXml(NS, code, message, type);
}

type Caller = { kind: 'principal'; principal: Principal } | { kind: 'temporary'; creds: TemporaryCredentials };

/** The codes a service answers SigV4 failures with (what the SDK exposes as err.name). */
export interface SignatureErrorCodes {
  unknownKey: string;
  mismatch: string;
  expired: string;
  missing: string;
}

/** STS's codes; SNS, the other Query-protocol service, uses the same. */
export const QUERY_SIGNATURE_ERRORS: SignatureErrorCodes = {
  unknownKey: 'InvalidClientTokenId',
  mismatch: 'SignatureDoesNotMatch',
  expired: 'ExpiredToken',
  missing: 'MissingAuthenticationToken',
};

/** Verifies the signature for `service` with long-term or issued temporary credentials. */
export async function authenticateCaller(
  state: AwsState,
  req: IncomingMessage,
  body: Buffer,
  service: string,
  errors: SignatureErrorCodes,
  ErrorClass: new (code: string, message: string, status?: number) => Error,
): Promise<Caller> {
  try {
    const { credentials } = await verifySigV4(req, body, service, (id) => {
      const principal = state.principals.get(id);
      if (principal) return { ...principal, sessionToken: undefined };
      const temporary = state.temporary.get(id);
      return temporary ? { ...temporary } : undefined;
    });
    const temporary = state.temporary.get(credentials.accessKeyId);
    if (temporary) {
      if (temporary.expiration.getTime() <= Date.now()) {
        throw new ErrorClass(errors.expired, 'The security token included in the request is expired', 400);
      }
      return { kind: 'temporary', creds: temporary };
    }
    return { kind: 'principal', principal: state.principals.get(credentials.accessKeyId)! };
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    if (error.reason === 'missing')
      throw new ErrorClass(errors.missing, 'Request is missing Authentication Token', 400);
    if (error.reason === 'unknown-key' || error.reason === 'token-mismatch') {
      throw new ErrorClass(errors.unknownKey, 'The security token included in the request is invalid.', 403);
    }
    throw new ErrorClass(errors.mismatch, error.message, 403);
  }
}

/** The region of the request's SigV4 credential scope (where CloudTrail records the call). */
export function signingRegion(req: IncomingMessage, fallback = 'us-east-1'): string {
  const m = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(String(req.headers.authorization ?? ''));
  return m?.[1] ?? fallback;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const MAX_SESSION_TAGS = 50;

const constraint = (value: string, field: string, rule: string) =>
  new StsError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${rule}`,
  );

/** Query-protocol list members: `<name>.member.<n>[.<field>]`, in order. */
function listMembers(form: URLSearchParams, name: string): Array<Record<string, string>> {
  const byIndex = new Map<number, Record<string, string>>();
  const prefix = `${name}.member.`;
  for (const [key, value] of form) {
    if (!key.startsWith(prefix)) continue;
    const [index, field = ''] = key.slice(prefix.length).split('.');
    const n = Number(index);
    if (!Number.isInteger(n) || n < 1) continue;
    const entry = byIndex.get(n) ?? {};
    entry[field] = value;
    byIndex.set(n, entry);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
}

/** SourceIdentity, session tags and transitive keys, validated as STS does. */
function readSessionAttributes(form: URLSearchParams): {
  sourceIdentity?: string;
  tags: Record<string, string>;
  transitive: string[];
} {
  const sourceIdentity = form.get('SourceIdentity') ?? undefined;
  if (sourceIdentity !== undefined) {
    if (!SOURCE_IDENTITY.test(sourceIdentity)) {
      throw constraint(
        sourceIdentity,
        'sourceIdentity',
        'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2-64',
      );
    }
    if (/^aws:/i.test(sourceIdentity))
      throw new StsError('ValidationError', 'SourceIdentity cannot begin with the reserved prefix "aws:".');
  }
  const members = listMembers(form, 'Tags');
  if (members.length > MAX_SESSION_TAGS)
    throw constraint(
      `[${members.length} tags]`,
      'tags',
      `Member must have length less than or equal to ${MAX_SESSION_TAGS}`,
    );
  const tags: Record<string, string> = {};
  const seen = new Set<string>();
  members.forEach((member, i) => {
    const key = member.Key ?? '';
    const value = member.Value ?? '';
    if (!TAG_KEY.test(key))
      throw constraint(
        key,
        `tags.${i + 1}.member.key`,
        'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+ and have length 1-128',
      );
    if (!TAG_VALUE.test(value))
      throw constraint(
        value,
        `tags.${i + 1}.member.value`,
        'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]* and have length 0-256',
      );
    if (/^aws:/i.test(key))
      throw new StsError('InvalidParameterValue', `Tag key ${key} uses the reserved prefix "aws:".`);
    if (seen.has(key.toLowerCase()))
      throw new StsError(
        'InvalidParameterValue',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      );
    seen.add(key.toLowerCase());
    tags[key] = value;
  });
  const transitive = listMembers(form, 'TransitiveTagKeys').map((m) => m[''] ?? '');
  for (const key of transitive) {
    if (!seen.has(key.toLowerCase()))
      throw new StsError('InvalidParameterValue', `The transitive tag key ${key} is not one of the session tags.`);
  }
  return { sourceIdentity, tags, transitive };
}

/**
 * The generator role's allowed session-tag sets (infra/lob-account.ts buildGeneratorTrustPolicy): a launch's
 * `studio-user` + `lob`, or ending access's `portal-task=access-control` + `lob`; exactly those keys.
 */
const GENERATOR_SESSION_TAG_SETS: ReadonlyArray<{ keys: string[]; values?: Record<string, string> }> = [
  { keys: ['studio-user', 'lob'] },
  { keys: ['portal-task', 'lob'], values: { 'portal-task': 'access-control' } },
];

/**
 * The generator roles' trust policy (infra/lob-account.ts), evaluated per STS action as AWS does:
 * sts:AssumeRole and sts:SetSourceIdentity need a source identity; when session tags are passed,
 * sts:TagSession needs one of the allowed tag sets and no other key (TagSession does not see
 * sts:SourceIdentity, so nothing about it is checked there).
 */
function generatorTrustAllows(session: { sourceIdentity?: string; tags: Record<string, string> }): boolean {
  if (session.sourceIdentity === undefined) return false;
  const tags = new Map(Object.entries(session.tags).map(([k, v]) => [k.toLowerCase(), v]));
  if (tags.size === 0) return true;
  return GENERATOR_SESSION_TAG_SETS.some(
    ({ keys, values = {} }) =>
      keys.every((k) => tags.has(k)) &&
      [...tags.keys()].every((k) => keys.includes(k)) &&
      Object.entries(values).every(([k, v]) => tags.get(k) === v),
  );
}

export async function handleSts(
  state: AwsState,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ action: string; run: () => Promise<string> }> {
  return queryRequest(body, async (form, action) => {
    if (action !== 'AssumeRole' && action !== 'GetCallerIdentity') {
      throw new StsError(
        'InvalidAction',
        `Could not find operation ${action} for version ${form.get('Version') ?? ''}`,
      );
    }
    const caller = await authenticateCaller(state, req, body, 'sts', QUERY_SIGNATURE_ERRORS, StsError);
    const callerArn = caller.kind === 'principal' ? caller.principal.arn : caller.creds.assumedRoleArn;
    const callerAccount = caller.kind === 'principal' ? caller.principal.accountId : caller.creds.accountId;
    const requestId = randomUUID();
    if (action === 'GetCallerIdentity') {
      const userId = caller.kind === 'principal' ? caller.principal.accessKeyId : caller.creds.assumedRoleId;
      return `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${escapeXml(callerArn)}</Arn><UserId>${escapeXml(userId)}</UserId><Account>${callerAccount}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
    }
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    const durationText = form.get('DurationSeconds');
    const match = ROLE_ARN.exec(roleArn);
    // The AssumeRole event lands in the role's account (CloudTrail), with the caller as userIdentity.
    const userIdentity: CloudTrailEvent['userIdentity'] =
      caller.kind === 'temporary'
        ? sessionIdentity(caller.creds)
        : {
            type: match && match[1] !== callerAccount ? 'AWSAccount' : 'IAMUser',
            principalId: caller.principal.accessKeyId,
            arn: callerArn,
            accountId: callerAccount,
            accessKeyId: caller.principal.accessKeyId,
          };
    const requestParameters: Record<string, unknown> = {
      roleArn,
      roleSessionName: sessionName,
      ...(durationText !== null ? { durationSeconds: Number(durationText) } : {}),
    };
    const recordEvent = (extra: Partial<CloudTrailEvent>) =>
      state.record({
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        awsRegion: signingRegion(req),
        recipientAccountId: match?.[1] ?? callerAccount,
        requestID: requestId,
        userIdentity,
        requestParameters,
        responseElements: null,
        ...extra,
      });
    try {
      const session = readSessionAttributes(form);
      if (session.sourceIdentity !== undefined) requestParameters.sourceIdentity = session.sourceIdentity;
      if (Object.keys(session.tags).length)
        requestParameters.tags = Object.entries(session.tags).map(([key, value]) => ({ key, value }));
      if (session.transitive.length) requestParameters.transitiveTagKeys = session.transitive;
      if (!roleArn || roleArn.length < 20 || roleArn.length > 2048) {
        throw constraint(roleArn, 'roleArn', 'Member must have length greater than or equal to 20');
      }
      if (!SESSION_NAME.test(sessionName)) {
        throw constraint(
          sessionName,
          'roleSessionName',
          'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2-64',
        );
      }
      let duration = 3600;
      if (durationText !== null) {
        duration = Number(durationText);
        if (!Number.isInteger(duration) || duration < 900)
          throw constraint(durationText, 'durationSeconds', 'Member must have value greater than or equal to 900');
        if (duration > 43200)
          throw constraint(durationText, 'durationSeconds', 'Member must have value less than or equal to 43200');
      }
      const account = match ? state.accounts.get(match[1]) : undefined;
      // Every LOB role is a generator role with infra's trust: no opt-out (the conservative reading), so a
      // caller that forgets the source identity fails here as it would against AWS.
      const trusted =
        caller.kind === 'principal' && state.assumeRoleCallers.has(callerArn) && account?.roleNames.has(match![2]);
      if (!trusted || !generatorTrustAllows(session)) {
        throw new StsError(
          'AccessDenied',
          `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
          403,
        );
      }
      const creds = state.issueTemporary(roleArn, sessionName, duration, {
        sourceIdentity: session.sourceIdentity,
        tags: session.tags,
      });
      const tagBytes = Object.entries(session.tags).reduce((n, [k, v]) => n + k.length + v.length, 0);
      const packedPolicySize = Math.min(100, Math.ceil((tagBytes * 100) / 2048));
      recordEvent({
        responseElements: {
          credentials: { accessKeyId: creds.accessKeyId, expiration: creds.expiration.toISOString() },
          assumedRoleUser: { assumedRoleId: creds.assumedRoleId, arn: creds.assumedRoleArn },
          packedPolicySize,
          ...(creds.sourceIdentity ? { sourceIdentity: creds.sourceIdentity } : {}),
        },
      });
      const sourceIdentityXml = creds.sourceIdentity
        ? `<SourceIdentity>${escapeXml(creds.sourceIdentity)}</SourceIdentity>`
        : '';
      return `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult>${sourceIdentityXml}<Credentials><AccessKeyId>${creds.accessKeyId}</AccessKeyId><SecretAccessKey>${escapeXml(creds.secretAccessKey)}</SecretAccessKey><SessionToken>${escapeXml(creds.sessionToken)}</SessionToken><Expiration>${creds.expiration.toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>${escapeXml(creds.assumedRoleId)}</AssumedRoleId><Arn>${escapeXml(creds.assumedRoleArn)}</Arn></AssumedRoleUser><PackedPolicySize>${packedPolicySize}</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
    } catch (error) {
      if (error instanceof StsError) recordEvent({ errorCode: error.code, errorMessage: error.message });
      throw error;
    }
  });
}
