/** The benches that call the portal's own modules (lib/) in this process, against stand-ins in this process. */
import { createAdminDeps, type AdminDeps } from '../../lib/admin/deps';
import { createDynamoDocumentClient } from '../../lib/aws/clients';
import type { PortalConfig } from '../../lib/config';
import { inProcessPortalConfig, startStandInsOnFreePorts } from '../../local/in-process-portal';
import type { RunningStandIns } from '../../local/stand-ins';

/**
 * Runs `body` against stand-ins started in this process on free ports, with the portal's configuration and its
 * admin dependencies on them (SNS included); stops the stand-ins after.
 */
export async function withInProcessStandIns<T>(
  body: (bench: { stand: RunningStandIns; config: PortalConfig; deps: AdminDeps }) => Promise<T>,
): Promise<T> {
  const stand = await startStandInsOnFreePorts();
  try {
    const config = inProcessPortalConfig(stand);
    return await body({ stand, config, deps: createAdminDeps(config, createDynamoDocumentClient(config)) });
  } finally {
    await stand.stop();
  }
}
