/** Cost control's collaborators from the portal configuration (the admin deps' tables, clock and topic). */
import { getAdminDeps } from '@/lib/admin/deps';
import { createAccessControlClients } from '@/lib/access/clients';
import { getConfig } from '@/lib/config';
import { getLaunchDeps } from '@/lib/launch';
import { createAppClients } from './clients';
import { priceTableFor } from './prices';
import type { CostDeps } from './stop-app';

let deps: CostDeps | undefined;

/** The process-wide cost deps: users' sessions are the launch's (a warm user makes no STS call). */
export function getCostDeps(): CostDeps {
  if (deps) return deps;
  const config = getConfig();
  const admin = getAdminDeps();
  const presigner = getLaunchDeps().presigner;
  deps = {
    ddb: admin.ddb,
    tables: admin.tables,
    notify: admin.notify,
    now: admin.now,
    prices: priceTableFor(config.instancePricesFile),
    apps: createAppClients(
      config,
      (lob, username) => presigner.openSession(lob, username),
      admin.studio ?? createAccessControlClients(config),
    ),
  };
  return deps;
}
