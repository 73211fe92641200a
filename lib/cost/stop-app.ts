/**
 * Stopping one Studio app (SageMaker DeleteApp), by the person it belongs to (their own generator session:
 * IAM allows only their profile's apps and their private spaces'), or by a LOB owner, an admin or the sweep
 * (an access-control session naming them). Every stop by someone else is an audit entry and an SNS
 * `app.stopped` message naming who stopped what and why; a user's own stop is audited too.
 */
import { randomUUID } from 'node:crypto';
import { DeleteAppCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { deleteAppInput } from '@/lib/access/end-access';
import { isResourceInUse, isResourceNotFound, translateSageMakerError } from '@/lib/aws/errors';
import { writeAdminAudit } from '@/lib/directory/audit';
import type { TableAccess } from '@/lib/directory/access';
import type { Lob } from '@/lib/directory/types';
import { PortalError } from '@/lib/errors';
import { notifySafely, type Notifier } from '@/lib/admin/notifications';
import { formatUtc } from '@/lib/time-format';
import { appIdOf, appLabelOf, listDomainApps, ownApps, type RunningApp } from './apps';
import type { AppClients } from './clients';
import type { PriceTable } from './prices';

export interface CostDeps extends TableAccess {
  apps: AppClients;
  prices: PriceTable;
  notify?: Notifier;
  now?: () => Date;
}

export const nowOfCost = (deps: Pick<CostDeps, 'now'>) => (deps.now ? deps.now() : new Date());

/** DeleteApp of one listed app; false when it was gone already (stopped by someone else meanwhile). */
export async function deleteApp(
  client: SageMakerClient,
  lob: Pick<Lob, 'domainId'>,
  app: RunningApp,
): Promise<boolean> {
  try {
    await client.send(new DeleteAppCommand(deleteAppInput(lob.domainId, app)));
    return true;
  } catch (error) {
    if (isResourceNotFound(error) || isResourceInUse(error)) return false;
    throw translateSageMakerError(error, 'DeleteApp');
  }
}

/** The signed-in user's running apps in one LOB (their own session: one ListApps and one ListSpaces, at once). */
export async function listMyApps(deps: Pick<CostDeps, 'apps'>, lob: Lob, username: string): Promise<RunningApp[]> {
  return deps.apps.asUser(lob, username, async (client) => ownApps(await listDomainApps(client, lob), username));
}

export interface StopResult {
  app: RunningApp;
}

/**
 * A user stops one of their own apps. An id naming someone else's app is refused (`app.not_yours`, 403)
 * before any stop is tried; IAM refuses it too, should the portal ever ask.
 */
export async function stopOwnApp(
  deps: CostDeps,
  input: { lob: Lob; username: string; appId: string; requestId?: string },
): Promise<StopResult> {
  const { lob, username, appId } = input;
  return deps.apps.asUser(lob, username, async (client) => {
    const all = await listDomainApps(client, lob);
    const app = all.find((a) => appIdOf(a) === appId);
    if (!app) throw new PortalError('app.not_found');
    if (!ownApps([app], username).length)
      throw new PortalError('app.not_yours', undefined, { details: { lob: lob.lob, app: appId } });
    if (!(await deleteApp(client, lob, app))) throw new PortalError('app.not_found');
    await writeAdminAudit(deps, {
      type: 'admin',
      user: username,
      at: nowOfCost(deps).toISOString(),
      requestId: input.requestId ?? randomUUID(),
      action: 'app.stop',
      lob: lob.lob,
      target: `${appLabelOf(app)} of ${app.user}`,
      after: JSON.stringify({ app: appId, instanceType: app.instanceType, reason: 'stopped by its user' }),
    });
    return { app };
  });
}

/** Why someone else stopped an app (SNS, audit). */
export interface StopBy {
  /** Who acts: the owner's or admin's username, or `access-sweep`. */
  actor: string;
  reason: string;
  requestId?: string;
}

/** Stops a listed app with an access-control session naming the actor, then audits and notifies the user. */
export async function stopAppFor(
  deps: CostDeps,
  lob: Lob,
  app: RunningApp,
  by: StopBy,
  client?: SageMakerClient,
): Promise<boolean> {
  const stopped = client
    ? await deleteApp(client, lob, app)
    : await deps.apps.asControl(lob, by.actor, (c) => deleteApp(c, lob, app));
  if (!stopped) return false;
  const at = nowOfCost(deps);
  const label = appLabelOf(app);
  await writeAdminAudit(deps, {
    type: 'admin',
    user: by.actor,
    at: at.toISOString(),
    requestId: by.requestId ?? randomUUID(),
    action: 'app.stop',
    lob: lob.lob,
    target: `${label} of ${app.user}`,
    after: JSON.stringify({ app: appIdOf(app), user: app.user, instanceType: app.instanceType, reason: by.reason }),
  });
  await notifySafely(deps, {
    event: 'app.stopped',
    lob: lob.lob,
    subject: `Studio app stopped: ${label} of ${app.user} in ${lob.lob}`,
    text: `${by.actor} stopped ${label} of ${app.user} in ${lob.lob} at ${formatUtc(at.toISOString())}. Reason: ${by.reason}. Unsaved work in the app is lost; files saved in the space are kept.`,
    details: {
      username: app.user,
      app: label,
      appType: app.appType,
      spaceName: app.spaceName,
      instanceType: app.instanceType,
      stoppedBy: by.actor,
      reason: by.reason,
    },
  });
  return true;
}

/** An owner or admin stops any running app of the LOB, with a reason. */
export async function stopLobApp(
  deps: CostDeps,
  input: { lob: Lob; actor: string; appId: string; reason: string; requestId?: string },
): Promise<StopResult> {
  const { lob, actor } = input;
  return deps.apps.asControl(lob, actor, async (client) => {
    const app = (await listDomainApps(client, lob)).find((a) => appIdOf(a) === input.appId);
    if (!app) throw new PortalError('app.not_found');
    if (!(await stopAppFor(deps, lob, app, { actor, reason: input.reason, requestId: input.requestId }, client)))
      throw new PortalError('app.not_found');
    return { app };
  });
}

/** The LOB's running apps (every user), with an access-control session naming who looks. */
export function listLobApps(deps: Pick<CostDeps, 'apps'>, lob: Lob, actor: string): Promise<RunningApp[]> {
  return deps.apps.asControl(lob, actor, (client) => listDomainApps(client, lob));
}
