/** Re-exports of the stand-ins engineer's stack helpers, plus small additions for the suites. */
import { randomBytes } from 'node:crypto';
export {
  control,
  startPortal,
  startStandIns,
  findFreePort,
  type PortalHandle,
  type StandInsHandle,
} from '../../local/stack';

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}
