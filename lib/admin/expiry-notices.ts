/**
 * The "membership ends in 7 days" notification (SNS, attributes `lob`, `event` = membership.expiring and `user` =
 * the member),
 * run by the scheduled jobs (lib/admin/scheduled-jobs.ts). Each notice is claimed on the membership
 * before it is published, so runs and instances never send it twice; a failed publish gives the claim back.
 */
import {
  claimExpiringNotice,
  findExpiringMemberships,
  releaseExpiringNotice,
  type ExpiringMembership,
} from '@/lib/directory/expiring-memberships';
import { formatUtcMinute } from '@/lib/time-format';
import { log } from '@/lib/log';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { DAY_MS } from '@/lib/clock';

export const EXPIRY_NOTICE_DAYS = 7;

/** Publishes one notice per membership ending within 7 days that has none for its end date; returns what was sent. */
export async function notifyExpiringMemberships(deps: AdminDeps): Promise<ExpiringMembership[]> {
  const notify = deps.notify;
  if (!notify) return []; // no topic: nothing is marked as sent
  const now = nowOf(deps);
  const due = await findExpiringMemberships(
    deps.ddb,
    deps.tables.users,
    now,
    new Date(now.getTime() + EXPIRY_NOTICE_DAYS * DAY_MS),
  );
  const sent: ExpiringMembership[] = [];
  for (const m of due) {
    if (!(await claimExpiringNotice(deps.ddb, deps.tables.users, m, now))) continue;
    try {
      await notify({
        event: 'membership.expiring',
        lob: m.lob,
        user: m.username,
        subject: `Membership ending: ${m.username} in ${m.lob} on ${formatUtcMinute(m.until)}`,
        text: `The membership of ${m.username} in ${m.lob} ends on ${formatUtcMinute(m.until)}. To keep it, an owner extends it on the LOB's members page, or ${m.username} asks for access again.`,
        details: { username: m.username, until: m.until },
      });
      sent.push(m);
    } catch (error) {
      log.error('notification.failed', {
        event: 'membership.expiring',
        lob: m.lob,
        error: error instanceof Error ? error.message : String(error),
      });
      await releaseExpiringNotice(deps.ddb, deps.tables.users, m, now);
    }
  }
  return sent;
}
