/**
 * Belt and braces: the teardown returned by global setup stops the servers by PID; this one makes sure
 * the topology is gone even if setup died half-way (topology.sh down is idempotent).
 */
import { isRoot } from './network';
import { tearDownTopology } from './topology';

export default async function globalTeardown(): Promise<void> {
  if (isRoot()) tearDownTopology();
}
