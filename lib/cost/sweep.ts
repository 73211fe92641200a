/**
 * Cost control's steps of the scheduled access sweep, per LOB (lib/access's sweep calls sweepLobCosts with
 * the apps it listed; runCostSweep runs them alone over every enabled LOB):
 * 1. instance hours: the time every running app ran since the LOB's last counted window is ADDed to the
 *    usage counters by LOB, user and instance type, with the window's cursor in the same transaction
 *    (a window is counted once, whichever sweep gets it);
 * 2. running-time limit ("Stop apps after (hours)", optionally another for GPU instance types): 30 minutes
 *    before, the user is warned once per app and limit (SNS `app.stopping`, claimed before it is
 *    published); at the limit the app is stopped (`app.stopped`, audit, actor `access-sweep`).
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ACCESS_SWEEP_ACTOR } from '@/lib/access/clients';
import type { SweepStep } from '@/lib/access/sweep';
import {
  claimStopWarning,
  countWindow,
  readSweepCursor,
  releaseStopWarning,
  appUsageKeys,
  userTypeAttribute,
  type SecondsAdd,
} from '@/lib/directory/app-usage';
import type { Lob } from '@/lib/directory/types';
import { dayOf, monthOf, userShard } from '@/lib/usage/counters';
import { USAGE_TTL_DAYS } from '@/lib/usage/schema';
import { log } from '@/lib/log';
import { mapConcurrent } from '@/lib/concurrency';
import { formatUtc } from '@/lib/time-format';
import { appIdOf, appLabelOf, listDomainApps, type RunningApp } from './apps';
import { isGpuInstance } from './prices';
import { nowOfCost, stopAppFor, type CostDeps } from './stop-app';

/** The warning goes out this long before the limit. */
export const WARN_BEFORE_MS = 30 * 60_000;
const HOUR_MS = 3600_000;
const WARNING_TTL_SECONDS = 14 * 86_400;

/** The LOB's running-time limit for an instance type, in hours (undefined: none). */
export function limitHoursFor(
  lob: Pick<Lob, 'stopAfterHours' | 'stopAfterHoursGpu'>,
  instanceType: string,
): number | undefined {
  if (isGpuInstance(instanceType) && lob.stopAfterHoursGpu !== undefined) return lob.stopAfterHoursGpu;
  return lob.stopAfterHours;
}

/** When the limit stops the app (undefined: no limit). */
export function stopsAt(
  lob: Pick<Lob, 'stopAfterHours' | 'stopAfterHoursGpu'>,
  app: Pick<RunningApp, 'instanceType' | 'createdAt'>,
): Date | undefined {
  const hours = limitHoursFor(lob, app.instanceType);
  return hours === undefined ? undefined : new Date(app.createdAt.getTime() + hours * HOUR_MS);
}

export interface CostSweepResult {
  lob: string;
  apps: number;
  /** App seconds counted in this window (0 when another sweep had it). */
  countedSeconds: number;
  warned: string[];
  stopped: string[];
  failed: Array<{ app: string; error: string }>;
}

/** Seconds each app ran in the window (from, to], added up per (user, instance type). */
export function windowAdds(
  lob: string,
  apps: RunningApp[],
  from: Date | undefined,
  to: Date,
): { adds: SecondsAdd[]; total: number } {
  const day = dayOf(to);
  const month = monthOf(day);
  const ttl = Math.floor(to.getTime() / 1000) + USAGE_TTL_DAYS * 86_400;
  const byType = new Map<string, number>();
  const byShard = new Map<number, Map<string, number>>();
  let total = 0;
  for (const app of apps) {
    const start = Math.max(app.createdAt.getTime(), from?.getTime() ?? -Infinity);
    const seconds = Math.max(0, Math.round((to.getTime() - start) / 1000));
    if (!seconds) continue;
    total += seconds;
    byType.set(`t:${app.instanceType}`, (byType.get(`t:${app.instanceType}`) ?? 0) + seconds);
    const shard = userShard(app.user);
    const users = byShard.get(shard) ?? new Map<string, number>();
    const attribute = userTypeAttribute(app.user, app.instanceType);
    users.set(attribute, (users.get(attribute) ?? 0) + seconds);
    byShard.set(shard, users);
  }
  const adds: SecondsAdd[] = [{ key: appUsageKeys.day(lob, day), adds: byType, ttl }];
  for (const [shard, users] of byShard) adds.push({ key: appUsageKeys.userMonth(lob, month, shard), adds: users, ttl });
  return { adds, total };
}

/**
 * The LOB's cost steps for one sweep. `listed` (the apps the access sweep listed with its session) saves a
 * second ListApps; `client` is that session's client for the stops.
 */
export async function sweepLobCosts(
  deps: CostDeps,
  lob: Lob,
  listed?: { apps: RunningApp[]; client?: SageMakerClient },
): Promise<CostSweepResult> {
  if (!listed) {
    return deps.apps.asControl(lob, ACCESS_SWEEP_ACTOR, async (client) =>
      sweepLobCosts(deps, lob, { apps: await listDomainApps(client, lob), client }),
    );
  }
  const now = nowOfCost(deps);
  const result: CostSweepResult = {
    lob: lob.lob,
    apps: listed.apps.length,
    countedSeconds: 0,
    warned: [],
    stopped: [],
    failed: [],
  };
  const usage = { doc: deps.ddb, table: deps.tables.usage };

  const cursor = await readSweepCursor(usage, lob.lob);
  if (!cursor || new Date(cursor).getTime() < now.getTime()) {
    const { adds, total } = windowAdds(lob.lob, listed.apps, cursor ? new Date(cursor) : undefined, now);
    if (await countWindow(usage, lob.lob, cursor, now.toISOString(), adds)) result.countedSeconds = total;
  }

  // Apps at or near their limit, a few at a time (each stop is DeleteApp, an audit write and a publish).
  await mapConcurrent(listed.apps, 8, async (app) => {
    const hours = limitHoursFor(lob, app.instanceType);
    if (hours === undefined) return;
    const end = app.createdAt.getTime() + hours * HOUR_MS;
    const label = `${appLabelOf(app)} of ${app.user}`;
    try {
      if (now.getTime() >= end) {
        if (
          await stopAppFor(
            deps,
            lob,
            app,
            { actor: ACCESS_SWEEP_ACTOR, reason: `running longer than the LOB's limit of ${hours} hours` },
            listed.client,
          )
        )
          result.stopped.push(label);
      } else if (now.getTime() >= end - WARN_BEFORE_MS) {
        const id = appIdOf(app);
        if (!(await claimStopWarning(usage, lob.lob, id, hours, now, WARNING_TTL_SECONDS))) return;
        try {
          await deps.notify?.({
            event: 'app.stopping',
            lob: lob.lob,
            subject: `Studio app stops soon: ${label} in ${lob.lob}`,
            text: `${appLabelOf(app)} of ${app.user} in ${lob.lob} has run almost ${hours} hours, the LOB's limit: it is stopped at ${formatUtc(new Date(end).toISOString())}. Save your work now; files saved in the space are kept.`,
            details: {
              username: app.user,
              app: appLabelOf(app),
              instanceType: app.instanceType,
              limitHours: hours,
              stopsAt: new Date(end).toISOString(),
            },
          });
          result.warned.push(label);
        } catch (error) {
          await releaseStopWarning(usage, lob.lob, id, hours);
          throw error;
        }
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error('cost_sweep.app_failed', { lob: lob.lob, app: label, error: message });
      result.failed.push({ app: label, error: message });
    }
  });
  return result;
}

/**
 * The cost steps as a step of the access sweep (lib/access/sweep.ts): the apps it listed, its clock. Apps of
 * shared spaces (no owner) count under `space:<name>`; the limit stops them too.
 */
export function costSweepStep(cost: CostDeps): SweepStep {
  return async (_deps, sweep) => {
    const apps = sweep.apps.flatMap((a): RunningApp[] =>
      a.createdAt
        ? [
            {
              lob: sweep.lob.lob,
              appType: a.appType,
              appName: a.appName,
              user: a.owner ?? `space:${a.spaceName ?? ''}`,
              userProfile: a.userProfile,
              spaceName: a.spaceName,
              sharing: a.spaceName ? (a.owner ? 'Private' : 'Shared') : undefined,
              instanceType: a.instanceType ?? 'unknown',
              createdAt: a.createdAt,
              status: a.status,
            },
          ]
        : [],
    );
    const result = await sweepLobCosts({ ...cost, now: () => sweep.now }, sweep.lob, { apps });
    return {
      cost: {
        countedSeconds: result.countedSeconds,
        warned: result.warned,
        stopped: result.stopped,
        failed: result.failed,
      },
    };
  };
}

/** The cost steps over every enabled LOB (a few at a time); a LOB that fails is reported, not fatal. */
export async function runCostSweep(
  deps: CostDeps,
  lobs: Lob[],
  concurrency = 8,
): Promise<Array<CostSweepResult | { lob: string; error: string }>> {
  return mapConcurrent(
    lobs.filter((l) => l.enabled),
    concurrency,
    async (lob) => {
      try {
        return await sweepLobCosts(deps, lob);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.error('cost_sweep.lob_failed', { lob: lob.lob, error: message });
        return { lob: lob.lob, error: message };
      }
    },
  );
}
