import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { AssumeRoleCommand, type AssumeRoleCommandOutput, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { LRUCache } from 'lru-cache';
import { InputInvalidError, PortalError } from '../errors';

/** Session tag the generator role's policy matches profiles with: user-profile/<domain>/${aws:PrincipalTag/studio-user}. */
export const STUDIO_USER_TAG = 'studio-user';
/** Session tag naming the LOB the session was opened for (CloudTrail, IAM conditions). */
export const LOB_TAG = 'lob';
/** AssumeRole session length; sessions are refreshed REFRESH_BEFORE_MS before they expire. */
export const GENERATOR_SESSION_SECONDS = 3600;
const REFRESH_BEFORE_MS = 5 * 60_000;

/** STS limits for RoleSessionName and SourceIdentity. */
const STS_NAME = /^[\w+=,.@-]{2,64}$/;
const SESSION_NAME_PREFIX = 'portal-';

/** Credentials of one generator-role session, opened for one user in one LOB account. */
export interface GeneratorSession {
  roleArn: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session name>`: what the LOB account's CloudTrail shows. */
  assumedRoleArn: string;
  /** The username, set as AssumeRole SourceIdentity: in every CloudTrail event the session makes. */
  sourceIdentity: string;
  credentials: AwsCredentialIdentity & { expiration: Date };
}

export interface GeneratorTarget {
  lob: string;
  accountId: string;
  roleName: string;
}

export function generatorRoleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/**
 * The username as AssumeRole SourceIdentity (2-64 of [\w+=,.@-], not starting with aws:); refuses what STS would.
 * A machine client acting through /api/v1 (audit name `client:<name>`, lib/api/callers.ts) is `client=<name>`:
 * STS takes no `:`, and `=` is in no profile name.
 */
export function sourceIdentityFor(username: string): string {
  const identity = username.replace(/^client:/, 'client=');
  if (!STS_NAME.test(identity) || /^aws:/i.test(identity)) {
    throw new InputInvalidError(
      'Your username cannot be used as an AWS source identity (2-64 letters, digits or +=,.@_-).',
    );
  }
  return identity;
}

/**
 * RoleSessionName naming the user (`portal-<username>`), within STS's 64 characters: a longer name keeps
 * its start and ends with a hash of the whole username, so two long names never share a session name.
 */
export function roleSessionNameFor(username: string): string {
  const safe = username.replace(/[^\w+=,.@-]/g, '-');
  const name = `${SESSION_NAME_PREFIX}${safe}`;
  if (name.length <= 64) return name;
  const hash = createHash('sha256').update(username).digest('hex').slice(0, 10);
  return `${name.slice(0, 64 - hash.length - 1)}-${hash}`;
}

/** The credentials of an AssumeRole answer; `aws.invalid_response` when STS left out a part of them. */
export function credentialsOf(out: AssumeRoleCommandOutput): AwsCredentialIdentity & { expiration: Date } {
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration)
    throw new PortalError('aws.invalid_response', 'STS AssumeRole returned no credentials.');
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

/** Which session the SDK signs the current call with (see sessionCredentials). */
const currentSession = new AsyncLocalStorage<GeneratorSession>();

/** Runs `call` signed with `session`'s credentials (on a client built with sessionCredentials). */
export function withGeneratorSession<T>(session: GeneratorSession, call: () => Promise<T>): Promise<T> {
  return currentSession.run(session, call);
}

/**
 * A credential provider that hands the SDK the credentials of the session bound by withGeneratorSession,
 * so one SageMaker client per region serves every user (a client costs ~15 KB, a cached session ~2 KB).
 * Marked memoized so the SDK does not cache one user's credentials for the next.
 */
export function sessionCredentials(): AwsCredentialIdentityProvider {
  const provider = async () => {
    const session = currentSession.getStore();
    if (!session)
      throw new PortalError(
        'internal',
        'No generator session is bound to this SageMaker call (use withGeneratorSession).',
      );
    return session.credentials;
  };
  return Object.assign(provider, { memoized: true });
}

export interface GeneratorSessionsOptions {
  sts: STSClient;
  /** Most sessions kept; the least recently used is dropped first (its user's next launch calls STS again). */
  maxSessions: number;
  durationSeconds?: number;
  refreshBeforeMs?: number;
  /** Clock for expiry (ms since the epoch); tests pass a controllable one. */
  now?: () => number;
  /**
   * The session's tags and name for `username` (default: studio-user / lob tags, `portal-<username>`):
   * the access-control sessions (lib/access) tag `portal-task` instead, so they hold other rights.
   */
  session?: (
    target: GeneratorTarget,
    username: string,
  ) => { tags: Array<{ Key: string; Value: string }>; name: string };
}

/**
 * Generator-role sessions per (LOB account, role, user): AssumeRole with SourceIdentity = username and
 * session tags studio-user / lob, kept until shortly before they expire in a bounded LRU cache
 * (lru-cache: TTL per entry, and concurrent launches of one user share one AssumeRole).
 */
export class GeneratorSessions {
  private readonly cache: LRUCache<string, GeneratorSession, { target: GeneratorTarget; username: string }>;
  private readonly now: () => number;

  constructor(private readonly options: GeneratorSessionsOptions) {
    this.now = options.now ?? Date.now;
    const clock = this.now;
    this.cache = new LRUCache({
      max: options.maxSessions,
      // lru-cache measures TTLs on this clock, so a test clock moves expiry too.
      perf: { now: () => clock() },
      fetchMethod: async (_key, _stale, { context, options: entry }) => {
        const session = await this.assume(context.target, context.username);
        entry.ttl = Math.max(
          1,
          session.credentials.expiration.getTime() - (options.refreshBeforeMs ?? REFRESH_BEFORE_MS) - clock(),
        );
        return session;
      },
    });
  }

  /** The user's session in the target account: cached, or a fresh AssumeRole (one per user at a time). */
  async get(target: GeneratorTarget, username: string): Promise<GeneratorSession> {
    const key = `${target.accountId}|${target.roleName}|${target.lob}|${username}`;
    const session = await this.cache.fetch(key, { context: { target, username } });
    if (!session) throw new PortalError('aws.invalid_response', 'STS AssumeRole returned no credentials.');
    return session;
  }

  /** Sessions held now (bench, tests). */
  get size(): number {
    return this.cache.size;
  }

  private async assume(target: GeneratorTarget, username: string): Promise<GeneratorSession> {
    const roleArn = generatorRoleArn(target.accountId, target.roleName);
    const sourceIdentity = sourceIdentityFor(username);
    const shape = this.options.session?.(target, username);
    const out = await this.options.sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: shape?.name ?? roleSessionNameFor(username),
        DurationSeconds: this.options.durationSeconds ?? GENERATOR_SESSION_SECONDS,
        SourceIdentity: sourceIdentity,
        Tags: shape?.tags ?? [
          { Key: STUDIO_USER_TAG, Value: username },
          { Key: LOB_TAG, Value: target.lob },
        ],
      }),
    );
    const credentials = credentialsOf(out);
    if (!out.AssumedRoleUser?.Arn)
      throw new PortalError('aws.invalid_response', 'STS AssumeRole returned no assumed-role ARN.');
    return {
      roleArn,
      assumedRoleArn: out.AssumedRoleUser.Arn,
      sourceIdentity: out.SourceIdentity ?? sourceIdentity,
      credentials,
    };
  }
}
