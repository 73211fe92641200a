/**
 * Studio follows a membership decision made in the portal, as part of the decision: LOBs the user lost are
 * ended at once (unless they still reach the LOB through an IdP group), LOBs they gained are restored where
 * the portal had disabled the profile. A stop that failed is thrown as `access.stop_pending` after the
 * decision was stored, so the admin sees it; the record and the sweep retry it.
 */
import { PortalError } from '@/lib/errors';
import { isMembershipActive } from '@/lib/directory/items';
import { lobReaderOf } from '@/lib/directory/lob-writes';
import type { Lob, UserMapping } from '@/lib/directory/types';
import { AccessNow, type AccessCheckDeps, type EndReason } from './access-now';
import { appLabel, endAccess, restoreAccess, type EndAccessDeps, type EndAccessResult } from './end-access';

export type FollowDeps = EndAccessDeps & AccessCheckDeps;

export interface MembershipChange {
  actor: string;
  username: string;
  before: Pick<UserMapping, 'memberships'> | null;
  after: Pick<UserMapping, 'memberships'> | null;
  reason: EndReason;
  requestId?: string;
}

export interface FollowResult {
  ended: EndAccessResult[];
  restored: string[];
}

const activeLobs = (row: Pick<UserMapping, 'memberships'> | null, now: Date) =>
  new Set((row?.memberships ?? []).filter((m) => isMembershipActive(m, now)).map((m) => m.lob));

/** Ends and restores Studio access after a stored membership change (see the module comment). */
export async function followMembershipChange(deps: FollowDeps, change: MembershipChange): Promise<FollowResult> {
  const now = deps.now?.() ?? new Date();
  const before = activeLobs(change.before, now);
  const after = activeLobs(change.after, now);
  const lost = [...before].filter((l) => !after.has(l));
  const gained = [...after].filter((l) => !before.has(l));
  if (!lost.length && !gained.length) return { ended: [], restored: [] };
  const reader = lobReaderOf(deps);
  const rows = (await Promise.all([...lost, ...gained].map((name) => reader.getLob(name)))).filter(
    (l): l is Lob => l !== undefined,
  );
  const lostLobs = rows.filter((l) => lost.includes(l.lob));
  const gainedLobs = rows.filter((l) => gained.includes(l.lob));
  const check = new AccessNow(deps);
  const [ended, restored] = await Promise.all([
    Promise.all(
      lostLobs.map(async (lob) => {
        // Still a member through an IdP group (no explicit membership left)? Then nothing ends.
        if (!after.size && (await check.verdict(change.username, lob)).may) return undefined;
        return endAccess(deps, {
          lob,
          username: change.username,
          actor: change.actor,
          reason: change.reason,
          requestId: change.requestId,
        });
      }),
    ),
    restoreAccess(deps, {
      username: change.username,
      actor: change.actor,
      lobs: gainedLobs,
      requestId: change.requestId,
    }),
  ]);
  return { ended: ended.filter((e): e is EndAccessResult => e !== undefined), restored };
}

/** Throws `access.stop_pending` naming what could not be stopped, when something could not. */
export function assertAccessEnded(result: FollowResult, done: string): void {
  const failures = result.ended.flatMap((e) => [
    ...e.failed.map((f) => `${appLabel(f)} in ${e.lob}: ${f.error}`),
    ...(typeof e.profile === 'object' ? [`disabling the Studio profile in ${e.lob}: ${e.profile.error}`] : []),
  ]);
  if (!failures.length) return;
  throw new PortalError(
    'access.stop_pending',
    `${done} But Studio access could not be fully ended yet (${failures.join('; ')}). It is recorded as pending and the access sweep retries it within minutes.`,
    { details: { failures } },
  );
}

/** A message part saying what ending access did ("their JupyterLab was stopped and Studio disabled"). */
export function describeFollow(result: FollowResult): string {
  const parts = result.ended.map((e) => {
    const stopped = e.stopped.length ? `${e.stopped.map(appLabel).join(', ')} stopped, ` : '';
    return `${stopped}Studio ${e.profile === 'no-profile' ? 'has no profile' : 'disabled'} in ${e.lob}`;
  });
  if (result.restored.length) parts.push(`Studio enabled again in ${result.restored.join(', ')}`);
  return parts.length ? ` ${parts.join('; ')}.` : '';
}
