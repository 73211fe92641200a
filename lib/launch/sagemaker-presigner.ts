import {
  CreatePresignedDomainUrlCommand,
  CreateUserProfileCommand,
  DescribeUserProfileCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClientPool } from '@/lib/aws/clients';
import { isResourceNotFound, translateAssumeRoleError, translateSageMakerError } from '@/lib/aws/errors';
import {
  generatorRoleArn,
  withGeneratorSession,
  type GeneratorSession,
  type GeneratorSessions,
} from '@/lib/aws/generator-sessions';
import type { StudioApp } from '@/lib/config';
import { PortalError } from '@/lib/errors';
import type { Lob } from '@/lib/directory/types';
import type { Logger } from '@/lib/log';
import type { PresignRequest, Presigner } from './types';

/** Where Studio opens (CreatePresignedDomainUrl LandingUri). */
export const LANDING_URI: Record<StudioApp, string> = {
  studio: 'studio::',
  jupyterlab: 'app:JupyterLab:',
  codeeditor: 'app:CodeEditor:',
};

/** The tag a just-in-time profile carries: the user pool `sub` it was created for (issue 23). */
export const PROFILE_SUB_TAG = 'studio-portal:sub';

/** DescribeUserProfile polling while a new profile is Pending: 250 ms, doubling, at most 2 s apart. */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2_000;
/** Statuses a profile passes through on its way to InService. */
const TRANSIENT = new Set(['Pending', 'Updating']);

export interface PresignerOptions {
  /** Default bound on waiting for a new profile to be InService (PROFILE_READY_TIMEOUT_SECONDS). */
  profileReadyTimeoutMs: number;
  /** Clock and timer for the wait; tests pass controllable ones. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * CreatePresignedDomainUrl signed with the user's own generator session (SourceIdentity and session tags:
 * IAM itself allows only the tagged user's profile). The DomainId always comes from the LOB row: we never
 * list domains and guess. Where the LOB allows it, a missing profile is created and awaited (Pending ->
 * InService) before the URL is made.
 */
export class SageMakerPresigner implements Presigner {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly pool: SageMakerClientPool,
    private readonly sessions: GeneratorSessions,
    private readonly log: Logger,
    private readonly options: PresignerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  async openSession(lob: Lob, username: string): Promise<GeneratorSession> {
    try {
      return await this.sessions.get({ lob: lob.lob, accountId: lob.accountId, roleName: lob.roleName }, username);
    } catch (error) {
      throw translateAssumeRoleError(error, generatorRoleArn(lob.accountId, lob.roleName));
    }
  }

  async createUrl(request: PresignRequest, session: GeneratorSession): Promise<string> {
    const { lob } = request;
    const client = this.pool.get(lob.region);
    const send = <T>(call: () => Promise<T>) => withGeneratorSession(session, call);
    try {
      return await send(() => this.presign(client, request));
    } catch (error) {
      if (isResourceNotFound(error)) {
        if (!lob.autoCreateProfile) {
          throw new PortalError('profile.not_found', undefined, { cause: error, details: { domainId: lob.domainId } });
        }
        await request.beforeCreateProfile?.();
        await send(() => this.createProfile(client, request));
      } else if (!(error as { name?: string }).name?.startsWith('Validation')) {
        throw translateSageMakerError(error, 'CreatePresignedDomainUrl');
      } else {
        // SageMaker refuses a profile that is not InService (e.g. created a moment ago by a concurrent launch).
        const status = await send(() => this.describeStatus(client, request));
        if (status && status !== 'InService' && !TRANSIENT.has(status)) throw this.failed(request, status);
        if (!status || !TRANSIENT.has(status)) throw translateSageMakerError(error, 'CreatePresignedDomainUrl');
      }
    }
    await send(() => this.waitForInService(client, request));
    try {
      return await send(() => this.presign(client, request));
    } catch (error) {
      if (isResourceNotFound(error)) throw new PortalError('profile.not_found', undefined, { cause: error });
      throw translateSageMakerError(error, 'CreatePresignedDomainUrl');
    }
  }

  private async presign(client: SageMakerClient, request: PresignRequest): Promise<string> {
    const out = await client.send(
      new CreatePresignedDomainUrlCommand({
        DomainId: request.lob.domainId,
        UserProfileName: request.userProfileName,
        ExpiresInSeconds: request.expiresSeconds,
        SessionExpirationDurationInSeconds: request.lob.sessionDurationSeconds,
        LandingUri: LANDING_URI[request.app],
        ...(request.space ? { SpaceName: request.space } : {}),
      }),
    );
    if (!out.AuthorizedUrl) throw new PortalError('internal', 'SageMaker returned no Studio URL.');
    return out.AuthorizedUrl;
  }

  /** Just-in-time profile for LOBs with autoCreateProfile; one created by a concurrent launch (ResourceInUse) is fine. */
  private async createProfile(client: SageMakerClient, request: PresignRequest): Promise<void> {
    try {
      await client.send(
        new CreateUserProfileCommand({
          DomainId: request.lob.domainId,
          UserProfileName: request.userProfileName,
          Tags: [
            { Key: 'created-by', Value: 'studio-portal' },
            ...(request.userSub ? [{ Key: PROFILE_SUB_TAG, Value: request.userSub }] : []),
          ],
        }),
      );
      this.log.info('profile.created', {
        lob: request.lob.lob,
        domainId: request.lob.domainId,
        user: request.userProfileName,
      });
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceInUse') return;
      throw translateSageMakerError(error, 'CreateUserProfile');
    }
  }

  private async describeStatus(client: SageMakerClient, request: PresignRequest): Promise<string | undefined> {
    try {
      const out = await client.send(
        new DescribeUserProfileCommand({ DomainId: request.lob.domainId, UserProfileName: request.userProfileName }),
      );
      return out.Status;
    } catch (error) {
      if (isResourceNotFound(error))
        throw new PortalError('profile.not_found', undefined, {
          cause: error,
          details: { domainId: request.lob.domainId },
        });
      throw translateSageMakerError(error, 'DescribeUserProfile');
    }
  }

  private failed(request: PresignRequest, status: string | undefined): PortalError {
    return new PortalError(
      'profile.failed',
      `Your Studio profile in ${request.lob.displayName} could not be created (status ${status ?? 'unknown'}). Ask your platform team to look at it.`,
      {
        details: { domainId: request.lob.domainId, status },
      },
    );
  }

  /** DescribeUserProfile with backoff until InService; profile.not_ready after the bound, profile.failed if it fails. */
  private async waitForInService(client: SageMakerClient, request: PresignRequest): Promise<void> {
    const timeoutMs = request.profileWaitMs ?? this.options.profileReadyTimeoutMs;
    const deadline = this.now() + timeoutMs;
    const name = request.lob.displayName;
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      const status = await this.describeStatus(client, request);
      if (status === 'InService') return;
      if (!status || !TRANSIENT.has(status)) throw this.failed(request, status);
      const left = deadline - this.now();
      if (left <= 0) {
        throw new PortalError(
          'profile.not_ready',
          `Your Studio profile in ${name} is still being created. Please try again in a minute.`,
          {
            details: { domainId: request.lob.domainId, status, waitedMs: timeoutMs },
          },
        );
      }
      await this.sleep(Math.min(pause, left));
    }
  }
}
