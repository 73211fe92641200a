/** STS stand-in (Query protocol, XML): AssumeRole and GetCallerIdentity, SigV4-verified. */
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { escapeXml } from '../http-util';
import { SignatureError, verifySigV4 } from '../sigv4';
import type { AwsState, Principal, TemporaryCredentials } from './state';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** An STS error: code is what the SDK exposes as err.name. */
export class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export function stsErrorXml(code: string, message: string, type = 'Sender'): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

type Caller = { kind: 'principal'; principal: Principal } | { kind: 'temporary'; creds: TemporaryCredentials };

/** Verifies the signature for `service` with long-term or issued temporary credentials. */
export async function authenticateCaller(
  state: AwsState,
  req: IncomingMessage,
  body: Buffer,
  service: string,
  errors: { unknownKey: string; mismatch: string; expired: string; missing: string },
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
    if (error.reason === 'missing') throw new ErrorClass(errors.missing, 'Request is missing Authentication Token', 400);
    if (error.reason === 'unknown-key' || error.reason === 'token-mismatch') {
      throw new ErrorClass(errors.unknownKey, 'The security token included in the request is invalid.', 403);
    }
    throw new ErrorClass(errors.mismatch, error.message, 403);
  }
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export async function handleSts(state: AwsState, req: IncomingMessage, body: Buffer): Promise<{ action: string; run: () => Promise<string> }> {
  const form = new URLSearchParams(body.toString('utf8'));
  const action = form.get('Action') ?? 'unknown';
  return {
    action,
    run: async () => {
      if (action !== 'AssumeRole' && action !== 'GetCallerIdentity') {
        throw new StsError('InvalidAction', `Could not find operation ${action} for version ${form.get('Version') ?? ''}`);
      }
      const caller = await authenticateCaller(
        state,
        req,
        body,
        'sts',
        { unknownKey: 'InvalidClientTokenId', mismatch: 'SignatureDoesNotMatch', expired: 'ExpiredToken', missing: 'MissingAuthenticationToken' },
        StsError,
      );
      const callerArn = caller.kind === 'principal' ? caller.principal.arn : caller.creds.assumedRoleArn;
      const requestId = randomUUID();
      if (action === 'GetCallerIdentity') {
        const account = caller.kind === 'principal' ? caller.principal.accountId : caller.creds.accountId;
        const userId = caller.kind === 'principal' ? caller.principal.accessKeyId : caller.creds.assumedRoleId;
        return `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${escapeXml(callerArn)}</Arn><UserId>${escapeXml(userId)}</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
      }
      const roleArn = form.get('RoleArn') ?? '';
      const sessionName = form.get('RoleSessionName') ?? '';
      const durationText = form.get('DurationSeconds');
      if (!roleArn || roleArn.length < 20 || roleArn.length > 2048) {
        throw new StsError('ValidationError', `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`);
      }
      if (!SESSION_NAME.test(sessionName)) {
        throw new StsError('ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2-64`);
      }
      let duration = 3600;
      if (durationText !== null) {
        duration = Number(durationText);
        if (!Number.isInteger(duration) || duration < 900) {
          throw new StsError('ValidationError', `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`);
        }
        if (duration > 43200) {
          throw new StsError('ValidationError', `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`);
        }
      }
      const match = ROLE_ARN.exec(roleArn);
      const account = match ? state.accounts.get(match[1]) : undefined;
      const allowed = caller.kind === 'principal' && state.assumeRoleCallers.has(callerArn) && account?.roleNames.has(match![2]);
      if (!allowed) {
        throw new StsError('AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
      }
      const creds = state.issueTemporary(roleArn, sessionName, duration);
      return `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult><Credentials><AccessKeyId>${creds.accessKeyId}</AccessKeyId><SecretAccessKey>${escapeXml(creds.secretAccessKey)}</SecretAccessKey><SessionToken>${escapeXml(creds.sessionToken)}</SessionToken><Expiration>${creds.expiration.toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>${escapeXml(creds.assumedRoleId)}</AssumedRoleId><Arn>${escapeXml(creds.assumedRoleArn)}</Arn></AssumedRoleUser><PackedPolicySize>0</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
    },
  };
}
