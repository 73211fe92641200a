/**
 * The portal's access-control sessions in a LOB account: the LOB's generator role assumed with
 * SourceIdentity = who acts (the admin's username, or `access-sweep`) and the session tag
 * `portal-task=access-control`, which alone lets the role list and stop apps and change profiles in the
 * LOB's domain (infra/lob-account.ts, statement AccessControl). Per-user launch sessions (tag `studio-user`)
 * hold none of that. Sessions are cached per (account, role, LOB, actor) like the launch's.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerClientPool, createStsClient } from '@/lib/aws/clients';
import { translateAssumeRoleError } from '@/lib/aws/errors';
import { GeneratorSessions, LOB_TAG, generatorRoleArn, withGeneratorSession } from '@/lib/aws/generator-sessions';
import type { PortalConfig } from '@/lib/config';
import type { Lob } from '@/lib/directory/types';

/** The session tag (and value) that marks an access-control session (IAM condition aws:PrincipalTag/portal-task). */
export const PORTAL_TASK_TAG = 'portal-task';
export const ACCESS_CONTROL_TASK = 'access-control';
/** The actor and source identity of the scheduled access sweep. */
export const ACCESS_SWEEP_ACTOR = 'access-sweep';

/** Runs SageMaker calls in a LOB's account with an access-control session for `actor`. */
export interface StudioAccessClients {
  run<T>(
    lob: Pick<Lob, 'lob' | 'accountId' | 'roleName' | 'region'>,
    actor: string,
    call: (client: SageMakerClient) => Promise<T>,
  ): Promise<T>;
}

export class AccessControlClients implements StudioAccessClients {
  constructor(
    private readonly sessions: GeneratorSessions,
    private readonly pool: SageMakerClientPool,
  ) {}

  async run<T>(
    lob: Pick<Lob, 'lob' | 'accountId' | 'roleName' | 'region'>,
    actor: string,
    call: (client: SageMakerClient) => Promise<T>,
  ): Promise<T> {
    let session;
    try {
      session = await this.sessions.get({ lob: lob.lob, accountId: lob.accountId, roleName: lob.roleName }, actor);
    } catch (error) {
      throw translateAssumeRoleError(error, generatorRoleArn(lob.accountId, lob.roleName));
    }
    return withGeneratorSession(session, () => call(this.pool.get(lob.region)));
  }
}

/** `portal-access-<actor>`, within STS's 64 characters. */
function sessionName(actor: string): string {
  return `portal-access-${actor.replace(/[^\w+=,.@-]/g, '-')}`.slice(0, 64);
}

export function createAccessControlClients(config: PortalConfig): AccessControlClients {
  const sessions = new GeneratorSessions({
    sts: createStsClient(config),
    maxSessions: 1000,
    session: (target, actor) => ({
      name: sessionName(actor),
      tags: [
        { Key: PORTAL_TASK_TAG, Value: ACCESS_CONTROL_TASK },
        { Key: LOB_TAG, Value: target.lob },
      ],
    }),
  });
  return new AccessControlClients(sessions, new SageMakerClientPool(config));
}
