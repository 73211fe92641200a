/**
 * The two kinds of SageMaker sessions cost control signs with:
 * - the user's own generator session (the launch's, cached: a warm call makes no STS call), whose IAM lets
 *   it stop only the apps of the user's profile and of the private spaces they own;
 * - an access-control session (tag portal-task=access-control, SourceIdentity = who acts: an owner, an
 *   admin, or `access-sweep`), which may list and stop any app of its LOB's domain.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { StudioAccessClients } from '@/lib/access/clients';
import { SageMakerClientPool } from '@/lib/aws/clients';
import { withGeneratorSession, type GeneratorSession } from '@/lib/aws/generator-sessions';
import type { PortalConfig } from '@/lib/config';
import type { Lob } from '@/lib/directory/types';

export type LobTarget = Pick<Lob, 'lob' | 'accountId' | 'roleName' | 'region'>;

export interface AppClients {
  /** Runs `call` with the user's own generator session in the LOB's account. */
  asUser<T>(lob: Lob, username: string, call: (client: SageMakerClient) => Promise<T>): Promise<T>;
  /** Runs `call` with an access-control session whose source identity is `actor`. */
  asControl<T>(lob: LobTarget, actor: string, call: (client: SageMakerClient) => Promise<T>): Promise<T>;
}

type OpenSession = (lob: Lob, username: string) => Promise<GeneratorSession>;

/** Clients over the launch's user sessions and lib/access's access-control sessions (AdminDeps.studio). */
export function createAppClients(
  config: PortalConfig,
  openUserSession: OpenSession,
  control: StudioAccessClients,
): AppClients {
  const pool = new SageMakerClientPool(config);
  return {
    async asUser(lob, username, call) {
      const session = await openUserSession(lob, username);
      return withGeneratorSession(session, () => call(pool.get(lob.region)));
    },
    asControl: (lob, actor, call) => control.run(lob, actor, call),
  };
}
