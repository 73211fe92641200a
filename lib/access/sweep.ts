/**
 * The access sweep (scheduled, default every 5 minutes: EventBridge Scheduler -> POST /api/internal/jobs with
 * the `access-sweep` token). For each enabled LOB it compares who is in Studio now with who may be:
 *
 * - in Studio now: the running apps of the domain (ListApps, every page; ListSpaces for the owners of space
 *   apps) and the users who opened Studio there within the longest session SageMaker allows (12 h, from the
 *   audit log's launch records), whose profiles may hold a live session;
 * - who may: lib/access/access-now.ts (explicit memberships on the portal clock, IdP groups and the user's
 *   state from Cognito, looked up only for those users).
 *
 * Whoever may not is ended through lib/access/end-access.ts with the actor `access-sweep` (its own
 * access-control session, source identity `access-sweep`). Nothing here walks the users or the profiles of a
 * LOB: the cost grows with LOBs, running apps and recent launches, not with users.
 *
 * One LOB is one `LobSweep`: the steps after the listing are a list, so later work on the same data (stop
 * apps after N hours, instance-hour counters: issue 25) is one more `SweepStep`.
 */
import { ListAppsCommand } from '@aws-sdk/client-sagemaker';
import { mapConcurrent } from '@/lib/concurrency';
import { lobReaderOf } from '@/lib/directory/lob-writes';
import { endedAccessIn, recentLaunchers } from '@/lib/directory/studio-access';
import type { Lob } from '@/lib/directory/types';
import { log } from '@/lib/log';
import { AccessNow } from './access-now';
import { ACCESS_SWEEP_ACTOR } from './clients';
import { endAccess, listAll, spaceOwners, toAppRef, type AppRef, type EndAccessResult } from './end-access';
import type { FollowDeps } from './follow';

/** The longest Studio session SageMaker allows (SessionExpirationDurationInSeconds max): launches older than this hold no live session. */
export const MAX_STUDIO_SESSION_SECONDS = 43_200;
const RUNNING = new Set(['InService', 'Pending']);

/** A running app with the person it belongs to (the profile, or the private space's owner; none for shared spaces). */
export interface RunningApp extends AppRef {
  owner?: string;
  status: string;
  createdAt?: Date;
  /** ResourceSpec.InstanceType (issue 25: instance hours and cost). */
  instanceType?: string;
}

/** What one LOB's sweep knows after listing, for every step. */
export interface LobSweep {
  lob: Lob;
  now: Date;
  apps: RunningApp[];
  /** Users who opened Studio in this LOB within MAX_STUDIO_SESSION_SECONDS. */
  recentUsers: Set<string>;
  access: AccessNow;
}

/** One step of a LOB's sweep (ending access is the first; issue 25 adds more). Its result lands in the report. */
export type SweepStep = (deps: FollowDeps, sweep: LobSweep) => Promise<Record<string, unknown>>;

export interface LobSweepResult {
  lob: string;
  runningApps: number;
  checkedUsers: number;
  ended: EndAccessResult[];
  steps: Record<string, unknown>[];
  error?: string;
}

export interface SweepResult {
  lobs: LobSweepResult[];
  cognitoCalls: number;
  durationMs: number;
}

/** Lists a LOB's running apps and recent launchers (the sweep's view of "in Studio now"). */
async function listLob(deps: FollowDeps, lob: Lob, now: Date, access: AccessNow): Promise<LobSweep> {
  const since = new Date(now.getTime() - MAX_STUDIO_SESSION_SECONDS * 1000).toISOString();
  const [apps, recentUsers] = await Promise.all([
    deps.studio.run(lob, ACCESS_SWEEP_ACTOR, async (client) => {
      const listed = await listAll(async (NextToken) => {
        const out = await client.send(
          new ListAppsCommand({ DomainIdEquals: lob.domainId, MaxResults: 100, NextToken }),
        );
        return { items: out.Apps ?? [], next: out.NextToken };
      });
      const running = listed.filter((a) => RUNNING.has(a.Status ?? ''));
      const owners = running.some((a) => a.SpaceName)
        ? await spaceOwners(client, lob.domainId)
        : new Map<string, string>();
      return running.map((a): RunningApp => ({
        ...toAppRef(a),
        owner: a.SpaceName ? owners.get(a.SpaceName) : a.UserProfileName,
        status: a.Status ?? '',
        createdAt: a.CreationTime,
        instanceType: a.ResourceSpec?.InstanceType,
      }));
    }),
    recentLaunchers(deps, lob.lob, since),
  ]);
  return { lob, now, apps, recentUsers, access };
}

/** The first step: end the access of everyone in Studio now who may no longer be. */
export const endAccessStep: SweepStep = async (deps, sweep) => {
  const { lob, apps } = sweep;
  const users = [...new Set([...apps.flatMap((a) => (a.owner ? [a.owner] : [])), ...sweep.recentUsers])];
  await sweep.access.preload(users);
  const records = await endedAccessIn(deps, lob.lob, users);
  const ended: EndAccessResult[] = [];
  const errors: string[] = [];
  await mapConcurrent(users, 8, async (username) => {
    try {
      const verdict = await sweep.access.verdict(username, lob);
      if (verdict.may) return;
      const theirs = apps.filter((a) => a.owner === username);
      const disableProfile = !records.get(username)?.profileDisabled;
      if (!theirs.length && !disableProfile) return;
      ended.push(
        await endAccess(deps, {
          lob,
          username,
          actor: ACCESS_SWEEP_ACTOR,
          reason: verdict.reason,
          apps: theirs,
          disableProfile,
        }),
      );
    } catch (error) {
      // Could not decide (the user pool or the directory failed): end nothing, try again next run.
      errors.push(`${username}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return { checkedUsers: users.length, ended, ...(errors.length ? { errors } : {}) };
};

/** Runs the sweep over every enabled LOB (`steps` default: ending access). */
export async function runAccessSweep(
  deps: FollowDeps,
  options: { steps?: SweepStep[]; concurrency?: number } = {},
): Promise<SweepResult> {
  const started = Date.now();
  const now = deps.now?.() ?? new Date();
  const steps = options.steps ?? [endAccessStep];
  const access = new AccessNow(deps);
  const lobs = (await lobReaderOf(deps).listLobs()).filter((l) => l.enabled);
  const results = await mapConcurrent(lobs, options.concurrency ?? 8, async (lob): Promise<LobSweepResult> => {
    try {
      const sweep = await listLob(deps, lob, now, access);
      const outputs: Record<string, unknown>[] = [];
      for (const step of steps) outputs.push(await step(deps, sweep));
      const first = outputs[0] as { checkedUsers?: number; ended?: EndAccessResult[]; errors?: string[] } | undefined;
      return {
        lob: lob.lob,
        runningApps: sweep.apps.length,
        checkedUsers: first?.checkedUsers ?? 0,
        ended: first?.ended ?? [],
        steps: outputs.slice(1),
        ...(first?.errors ? { error: first.errors.join('; ') } : {}),
      };
    } catch (error) {
      log.error('access_sweep.lob_failed', { lob: lob.lob, error });
      return {
        lob: lob.lob,
        runningApps: 0,
        checkedUsers: 0,
        ended: [],
        steps: [],
        error: error instanceof Error ? error.message : String(error),
      };
    }
  });
  return { lobs: results, cognitoCalls: access.cognitoCalls, durationMs: Date.now() - started };
}
