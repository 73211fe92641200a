/**
 * The two kinds of SageMaker sessions cost control signs with:
 * - the user's own generator session (the launch's, cached: a warm call makes no STS call), whose IAM lets
 *   it stop only the apps of the user's profile and of the private spaces they own;
 * - an access-control session (tag portal-task=access-control, SourceIdentity = who acts: an owner, an
 *   admin, or `access-sweep`), which may list and stop any app of its LOB's domain.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerClientPool, createStsClient } from '@/lib/aws/clients';
import { translateAssumeRoleError } from '@/lib/aws/errors';
import { GeneratorSessions, LOB_TAG, generatorRoleArn, withGeneratorSession, type GeneratorSession } from '@/lib/aws/generator-sessions';
import type { PortalConfig } from '@/lib/config';
import type { Lob } from '@/lib/directory/types';

export type LobTarget = Pick<Lob, 'lob' | 'accountId' | 'roleName' | 'region'>;

export interface AppClients {
  /** Runs `call` with the user's own generator session in the LOB's account. */
  asUser<T>(lob: LobTarget, username: string, call: (client: SageMakerClient) => Promise<T>): Promise<T>;
  /** Runs `call` with an access-control session whose source identity is `actor`. */
  asControl<T>(lob: LobTarget, actor: string, call: (client: SageMakerClient) => Promise<T>): Promise<T>;
}

/** The session tag (and value) of access-control sessions (infra/lob-account.ts, statement AccessControl). */
export const PORTAL_TASK_TAG = 'portal-task';
export const ACCESS_CONTROL_TASK = 'access-control';

type OpenSession = (lob: Lob | LobTarget, username: string) => Promise<GeneratorSession>;

/** Clients over a session source for users (the launch's presigner) and a cache of access-control sessions. */
export function createAppClients(config: PortalConfig, openUserSession: OpenSession): AppClients {
  const pool = new SageMakerClientPool(config);
  const control = new GeneratorSessions({
    sts: createStsClient(config),
    maxSessions: 1000,
    session: (target, actor) => ({
      name: `portal-access-${actor.replace(/[^\w+=,.@-]/g, '-')}`.slice(0, 64),
      tags: [
        { Key: PORTAL_TASK_TAG, Value: ACCESS_CONTROL_TASK },
        { Key: LOB_TAG, Value: target.lob },
      ],
    }),
  });
  return {
    async asUser(lob, username, call) {
      const session = await openUserSession(lob, username);
      return withGeneratorSession(session, () => call(pool.get(lob.region)));
    },
    async asControl(lob, actor, call) {
      let session;
      try {
        session = await control.get({ lob: lob.lob, accountId: lob.accountId, roleName: lob.roleName }, actor);
      } catch (error) {
        throw translateAssumeRoleError(error, generatorRoleArn(lob.accountId, lob.roleName));
      }
      return withGeneratorSession(session, () => call(pool.get(lob.region)));
    },
  };
}
