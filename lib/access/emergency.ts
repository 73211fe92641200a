/**
 * Emergency (break-glass) access (issue 27): a member of a LOB's "Emergency access group" (an IdP group,
 * read from their current groups, which the identity re-check keeps fresh) takes a membership of the LOB's
 * fixed duration at once, without approval, with a reason. It is loud: audit action `access.emergency` (the
 * audit page marks it), SNS `access.emergency` (message attributes `lob`, `user`), and an open follow-up
 * (lib/directory/emergency.ts) on the /admin banner of the LOB's owners and platform admins until one of
 * them decides it: "Confirm" keeps it until its fixed end, "Reject" ends it and its Studio apps at once
 * (lib/access/end-access.ts through the membership change's follow-up). Nobody decides their own. An
 * undecided follow-up becomes overdue after 24 hours and stays on the banner (docs/admin.md); the access
 * itself has ended by then anyway (at most 12 hours).
 */
import { z } from 'zod';
import type { AdminDeps } from '@/lib/admin/deps';
import { nowOf } from '@/lib/admin/deps';
import { commitMembershipWrite, TransactionCancelledError } from '@/lib/admin/memberships';
import { notifySafely } from '@/lib/admin/notifications';
import { studioFollows } from '@/lib/admin/studio-follows';
import { describeFollow } from './follow';
import type { SessionUser } from '@/lib/auth/types';
import {
  activeEmergencyUntil,
  countLaunchesUnder,
  emergencyGrantId,
  emergencyWrites,
  getEmergencyGrant,
  queryEmergencyGrants,
  type EmergencyGrant,
} from '@/lib/directory/emergency';
import { isMembershipActive } from '@/lib/directory/items';
import { lobReaderOf } from '@/lib/directory/lob-writes';
import { DEFAULT_EMERGENCY_HOURS, type Lob, type Membership, type UserMapping } from '@/lib/directory/types';
import { getUserMapping } from '@/lib/directory/users';
import { DAY_MS } from '@/lib/clock';
import { mapConcurrent } from '@/lib/concurrency';
import { PortalError } from '@/lib/errors';
import { freeText } from '@/lib/free-text';
import { formatUtcMinute as formatInstant } from '@/lib/time-format';

export type { EmergencyGrant };

/** The audit actions: taking, confirming, rejecting (the audit page marks all three). */
export const EMERGENCY_ACTIONS = {
  take: 'access.emergency',
  confirm: 'access.emergency.confirm',
  reject: 'access.emergency.reject',
} as const;
/** The owners' follow-up is due this long after the grant was taken; later it is "overdue". */
export const FOLLOW_UP_HOURS = 24;
const HOUR = 3600_000;
/** Grants whose launches the usage page counts at the same time. */
const USAGE_CONCURRENCY = 8;

export const emergencyReasonSchema = freeText('Reason').pipe(
  z
    .string()
    .min(10, 'Reason: write at least 10 characters: what broke and why you need access.')
    .max(500, 'Reason: use at most 500 characters.'),
);

const activeMessage = (lob: string, until: string) =>
  `You already have emergency access to ${lob} until ${formatInstant(until)}; taking it again extends nothing.`;

async function readLob(deps: AdminDeps, name: string): Promise<Lob> {
  const lob = await lobReaderOf(deps).getLob(name);
  if (!lob) throw new PortalError('lob.not_found', `There is no line of business ${name}.`);
  return lob;
}

/** Whether `user` may take emergency access to `lob` at all (its group named, and they are in it). */
export function mayTakeEmergency(
  user: Pick<SessionUser, 'groups'>,
  lob: Pick<Lob, 'emergencyGroup' | 'enabled'>,
): boolean {
  return Boolean(lob.enabled && lob.emergencyGroup && user.groups.includes(lob.emergencyGroup));
}

/** Refuses (403, naming why) anyone who may not take emergency access to `lob`; the API authorizes with it too. */
export function refuseEmergencyOutsiders(user: Pick<SessionUser, 'groups'>, lob: Lob): void {
  if (!lob.emergencyGroup)
    throw new PortalError('emergency.not_allowed', `${lob.lob} does not allow emergency access.`);
  if (!user.groups.includes(lob.emergencyGroup)) {
    throw new PortalError(
      'emergency.not_allowed',
      `Emergency access to ${lob.lob} is for members of the IdP group ${lob.emergencyGroup}; you are not one.`,
    );
  }
  if (!lob.enabled)
    throw new PortalError('lob.disabled', `Studio access for ${lob.lob} is disabled; emergency access cannot open it.`);
}

/** Refuses a take when the person already has access to the LOB: an emergency grant (extends nothing) or regular access. */
function refuseExisting(user: SessionUser, lob: Lob, row: UserMapping | null, now: Date): void {
  if (row?.sub && user.sub && row.sub !== user.sub) throw new PortalError('identity.mismatch');
  const active = (row?.memberships ?? []).filter((m) => isMembershipActive(m, now));
  const current = active.find((m) => m.lob === lob.lob);
  if (current?.via === 'emergency' && current.until)
    throw new PortalError('emergency.active', activeMessage(lob.lob, current.until));
  // Regular access: an explicit membership, or (with none) an IdP group of the LOB, as the launch decides.
  if (current || (!active.length && lob.groups.some((g) => user.groups.includes(g)))) {
    throw new PortalError(
      'emergency.has_access',
      `You already have access to ${lob.lob}: open Studio above, there is nothing to break into.`,
    );
  }
}

/**
 * Takes emergency access for the signed-in `user` (see the module comment). Every rule is checked here,
 * whatever the form showed; two takes at once make one grant (the guard's condition).
 */
export async function takeEmergencyAccess(
  deps: AdminDeps,
  user: SessionUser,
  input: { lob: string; reason: string },
  requestId?: string,
): Promise<EmergencyGrant> {
  const lob = await readLob(deps, input.lob);
  refuseEmergencyOutsiders(user, lob);
  const reason = emergencyReasonSchema.parse(input.reason);
  const hours = lob.emergencyHours ?? DEFAULT_EMERGENCY_HOURS;
  for (let attempt = 1; ; attempt++) {
    const now = nowOf(deps);
    const [row, guardUntil] = await Promise.all([
      getUserMapping(deps, user.username, { consistent: true }),
      activeEmergencyUntil(deps, lob.lob, user.username),
    ]);
    refuseExisting(user, lob, row, now);
    // A guard that lasts without the membership: the grant was ended early (rejected); its window still holds.
    if (guardUntil && Date.parse(guardUntil) > now.getTime()) {
      throw new PortalError(
        'emergency.active',
        `Your emergency access to ${lob.lob} was ended early (rejected); you can take it again after ${formatInstant(guardUntil)}.`,
      );
    }
    const takenAt = now.toISOString();
    const grant: EmergencyGrant = {
      id: emergencyGrantId(takenAt, user.username),
      lob: lob.lob,
      user: user.username,
      reason,
      takenAt,
      until: new Date(now.getTime() + hours * HOUR).toISOString(),
      status: 'open',
    };
    const membership: Membership = {
      lob: lob.lob,
      until: grant.until,
      grantedBy: user.username,
      grantedAt: takenAt,
      via: 'emergency',
    };
    const memberships = [...(row?.memberships ?? []).filter((m) => m.lob !== lob.lob), membership];
    const change = {
      actor: user.username,
      username: user.username,
      before: row,
      memberships,
      action: EMERGENCY_ACTIONS.take,
      lob: lob.lob,
      context: { emergency: { reason, until: grant.until, hours } },
      requestId,
      sub: user.sub ?? row?.sub,
    };
    let after: UserMapping | null;
    try {
      // Items: 0 the Users row, 1 the guard, 2 the grant, then the audit entry.
      after = await commitMembershipWrite(deps, change, emergencyWrites.take(deps, grant, takenAt));
    } catch (error) {
      if (!(error instanceof TransactionCancelledError)) throw error;
      if (error.reasons[1] === 'ConditionalCheckFailed') {
        const until = await activeEmergencyUntil(deps, lob.lob, user.username);
        throw new PortalError('emergency.active', activeMessage(lob.lob, until ?? grant.until), { cause: error });
      }
      if (attempt >= 3) throw error;
      continue; // the Users row changed meanwhile: read it again
    }
    await notifySafely(deps, {
      event: 'access.emergency',
      lob: lob.lob,
      user: user.username,
      subject: `Emergency access: ${user.username} in ${lob.lob}`,
      text: `${user.username} took emergency access to ${lob.lob} until ${grant.until} (${hours} h): "${reason}". Its owners must confirm or reject it within ${FOLLOW_UP_HOURS} hours.`,
      details: { user: user.username, reason, takenAt, until: grant.until, grant: grant.id },
    });
    // A profile the portal disabled earlier (an ended access) is enabled again, as at any grant.
    await studioFollows(
      deps,
      { actor: user.username, username: user.username, before: row, after, reason: 'removed', requestId },
      'Emergency access granted.',
      { assert: false },
    );
    return grant;
  }
}

/** An open follow-up as the banner shows it: overdue once FOLLOW_UP_HOURS have passed without a decision. */
export interface OpenEmergency extends EmergencyGrant {
  dueAt: string;
  overdue: boolean;
  /** The access is still running (its fixed end is ahead). */
  active: boolean;
}

/** Open (undecided) emergency grants of these LOBs, newest first. */
export async function listOpenEmergencies(deps: AdminDeps, lobs: readonly string[]): Promise<OpenEmergency[]> {
  const now = nowOf(deps).getTime();
  const grants = (await Promise.all(lobs.map((lob) => queryEmergencyGrants(deps, lob, { openOnly: true })))).flat();
  return grants
    .map((g) => {
      const dueAt = new Date(Date.parse(g.takenAt) + FOLLOW_UP_HOURS * HOUR).toISOString();
      return { ...g, dueAt, overdue: Date.parse(dueAt) <= now, active: Date.parse(g.until) > now };
    })
    .sort((a, b) => b.takenAt.localeCompare(a.takenAt));
}

/** An emergency grant in the usage report: with its successful launches within its window. */
export interface EmergencyUsage extends EmergencyGrant {
  launches: number;
}

export const EMERGENCY_CSV_COLUMNS = [
  'lob',
  'user',
  'takenAt',
  'until',
  'status',
  'decidedBy',
  'launches',
  'reason',
] as const;

/** Every emergency grant of these LOBs taken in the last `days` days, newest first, with its launches (usage page and CSV). */
export async function emergencyUsage(
  deps: AdminDeps,
  lobs: readonly string[],
  days: number,
): Promise<EmergencyUsage[]> {
  const from = new Date(nowOf(deps).getTime() - days * DAY_MS).toISOString();
  const grants = (await Promise.all(lobs.map((lob) => queryEmergencyGrants(deps, lob, { from }))))
    .flat()
    .sort((a, b) => b.takenAt.localeCompare(a.takenAt));
  // One audit query per grant: a few at a time, not all of a 90-day CSV at once.
  return mapConcurrent(grants, USAGE_CONCURRENCY, async (g) => ({ ...g, launches: await countLaunchesUnder(deps, g) }));
}

/**
 * The owners' follow-up: `confirm` keeps the grant until its fixed end; `reject` ends the membership now and
 * with it the Studio apps (lib/access/end-access.ts). Only while it is open; never by the person who took it.
 * The caller has checked that `actor` manages the LOB.
 */
export async function decideEmergency(
  deps: AdminDeps,
  actor: string,
  input: { lob: string; id: string; decision: 'confirm' | 'reject' },
  requestId?: string,
): Promise<{ grant: EmergencyGrant; message: string }> {
  const grant = await getEmergencyGrant(deps, input.lob, input.id);
  if (!grant) throw new PortalError('emergency.not_found');
  if (grant.status !== 'open') throw alreadyDecided(grant);
  if (grant.user === actor) throw new PortalError('emergency.self_decision');
  const now = nowOf(deps);
  const at = now.toISOString();
  const status = input.decision === 'confirm' ? 'confirmed' : 'rejected';
  const decided = { ...grant, status, decidedBy: actor, decidedAt: at } as EmergencyGrant;
  for (let attempt = 1; ; attempt++) {
    const row = await getUserMapping(deps, grant.user, { consistent: true });
    const current = row?.memberships.find(
      (m) => m.lob === grant.lob && m.via === 'emergency' && m.grantedAt === grant.takenAt,
    );
    // Reject: the grant's membership goes (if it is still there); confirm changes no membership.
    const memberships = (row?.memberships ?? []).filter((m) => !(input.decision === 'reject' && m === current));
    const change = {
      actor,
      username: grant.user,
      before: row,
      memberships,
      action: input.decision === 'confirm' ? EMERGENCY_ACTIONS.confirm : EMERGENCY_ACTIONS.reject,
      lob: grant.lob,
      context: { emergency: { grant: grant.id, takenAt: grant.takenAt, until: grant.until, status } },
      requestId,
    };
    let after: UserMapping | null;
    try {
      after = await commitMembershipWrite(deps, change, [emergencyWrites.decide(deps, grant, status, actor, at)]);
    } catch (error) {
      if (!(error instanceof TransactionCancelledError)) throw error;
      if (error.reasons[1] === 'ConditionalCheckFailed') return decideEmergencyAgain(deps, grant);
      if (attempt >= 3) throw error;
      continue;
    }
    if (input.decision === 'confirm')
      return {
        grant: decided,
        message: `Confirmed ${grant.user}'s emergency access to ${grant.lob}; it ends ${formatInstant(grant.until)}.`,
      };
    const done = `Rejected ${grant.user}'s emergency access to ${grant.lob}: it has ended.`;
    const follow = await studioFollows(
      deps,
      { actor, username: grant.user, before: row, after, reason: 'removed', requestId },
      done,
    );
    return { grant: decided, message: `${done}${describeFollow(follow)}` };
  }
}

/** A decided grant's refusal: who decided it and when. */
const alreadyDecided = (grant: EmergencyGrant | null) =>
  new PortalError(
    'emergency.decided',
    `This emergency grant was already ${grant?.status ?? 'decided'} by ${grant?.decidedBy ?? 'someone else'} at ${formatInstant(grant?.decidedAt ?? '')}.`,
  );

/** Another owner decided first: say who and when. */
async function decideEmergencyAgain(deps: AdminDeps, grant: EmergencyGrant): Promise<never> {
  throw alreadyDecided(await getEmergencyGrant(deps, grant.lob, grant.id));
}
