/**
 * npm run backfill-subs
 *
 * The one-off migration of issue 23 (docs/admin.md): binds every Users-table row written before identity
 * binding existed to the user pool's current `sub` for its username (a conditional update and an audit
 * record per row; idempotent). Rows whose user is not in the pool are left unbound and listed: they show
 * under Orphaned access in the admin console, where a platform admin archives them.
 *
 * Configuration: the portal's own environment (the same variables as the deployed function: user pool,
 * tables, endpoints) and the default AWS credential chain.
 */
import { createDynamoDocumentClient } from '../lib/aws/clients';
import { createAdminDeps } from '../lib/admin/deps';
import { backfillSubs } from '../lib/admin/identity';
import { getConfig } from '../lib/config';

async function main(): Promise<void> {
  const config = getConfig();
  const deps = createAdminDeps(config, createDynamoDocumentClient(config));
  const result = await backfillSubs(deps, 'backfill-subs');
  console.log(`bound ${result.bound.length} row(s) and ${result.owners.length} LOB owner(s) to their user's sub`);
  if (result.missing.length)
    console.log(`not in the user pool (left unbound, shown as orphaned): ${result.missing.join(', ')}`);
  if (result.skipped.length) console.log(`changed meanwhile (run again): ${result.skipped.join(', ')}`);
  if (result.skipped.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
