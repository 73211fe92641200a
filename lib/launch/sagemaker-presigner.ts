import { CreatePresignedDomainUrlCommand, CreateUserProfileCommand } from '@aws-sdk/client-sagemaker';
import type { SageMakerClientPool } from '@/lib/aws/clients';
import { isResourceNotFound, translateAssumeRoleError, translateSageMakerError } from '@/lib/aws/errors';
import type { StudioApp } from '@/lib/config';
import { PortalError } from '@/lib/errors';
import type { Logger } from '@/lib/log';
import type { PresignRequest, Presigner } from './types';

/** Where Studio opens (CreatePresignedDomainUrl LandingUri). */
export const LANDING_URI: Record<StudioApp, string> = {
  studio: 'studio::',
  jupyterlab: 'app:JupyterLab:',
  codeeditor: 'app:CodeEditor:',
};

/**
 * CreatePresignedDomainUrl with the LOB's generator-role credentials (cached per account by the pool).
 * The DomainId always comes from the LOB row: we never list domains and guess.
 */
export class SageMakerPresigner implements Presigner {
  constructor(
    private readonly pool: SageMakerClientPool,
    private readonly log: Logger,
  ) {}

  async createUrl(request: PresignRequest): Promise<string> {
    const { lob } = request;
    const { client, credentials, roleArn } = this.pool.get(lob);
    try {
      // Resolved first so an AssumeRole failure is told apart from a SageMaker failure; cached when warm.
      await credentials();
    } catch (error) {
      throw translateAssumeRoleError(error, roleArn);
    }
    try {
      return await this.presign(client, request);
    } catch (error) {
      if (!isResourceNotFound(error)) throw translateSageMakerError(error, 'CreatePresignedDomainUrl');
      if (!lob.autoCreateProfile) {
        throw new PortalError('profile.not_found', undefined, { cause: error, details: { domainId: lob.domainId } });
      }
    }
    await this.createProfile(client, request);
    try {
      return await this.presign(client, request);
    } catch (error) {
      if (isResourceNotFound(error)) throw new PortalError('profile.not_found', undefined, { cause: error });
      throw translateSageMakerError(error, 'CreatePresignedDomainUrl');
    }
  }

  private async presign(client: ReturnType<SageMakerClientPool['get']>['client'], request: PresignRequest): Promise<string> {
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

  /** Just-in-time profile for LOBs with autoCreateProfile; a concurrent creation is fine. */
  private async createProfile(client: ReturnType<SageMakerClientPool['get']>['client'], request: PresignRequest): Promise<void> {
    try {
      await client.send(
        new CreateUserProfileCommand({
          DomainId: request.lob.domainId,
          UserProfileName: request.userProfileName,
          Tags: [{ Key: 'created-by', Value: 'studio-portal' }],
        }),
      );
      this.log.info('profile.created', { lob: request.lob.lob, domainId: request.lob.domainId, user: request.userProfileName });
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceInUse') return;
      throw translateSageMakerError(error, 'CreateUserProfile');
    }
  }
}
