/**
 * Running Studio apps of a LOB's domain, as the portal shows and prices them: SageMaker ListApps joined with
 * ListSpaces (both at once: one AWS call in a row), so an app in a space is attributed to the space's owner.
 */
import { ListAppsCommand, ListSpacesCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { listAll } from '@/lib/access/end-access';
import type { Lob } from '@/lib/directory/types';

/** Statuses of an app that runs (or is about to) and bills. */
const RUNNING = new Set(['InService', 'Pending']);

export interface RunningApp {
  lob: string;
  appType: string;
  appName: string;
  /** Who the app belongs to: the profile it runs in, or the owner of its space. */
  user: string;
  /** As DeleteApp names the app: the profile (an app in no space) or the space. */
  userProfile?: string;
  spaceName?: string;
  /** Private, Shared, or undefined for an app in no space. */
  sharing?: string;
  instanceType: string;
  createdAt: Date;
  status: string;
}

/** Stable id of one app run (a new run of the same app is a new id): warnings and form values use it. */
export function appIdOf(
  app: Pick<RunningApp, 'userProfile' | 'spaceName' | 'appType' | 'appName' | 'createdAt'>,
): string {
  const where = app.spaceName ? `space.${app.spaceName}` : `profile.${app.userProfile ?? ''}`;
  return `${where}.${app.appType}.${app.appName}.${Math.floor(app.createdAt.getTime() / 1000)}`;
}

/** "JupyterLab in space alice-ds", or "JupyterLab" for an app in no space. */
export function appLabelOf(app: Pick<RunningApp, 'appType' | 'spaceName'>): string {
  return app.spaceName ? `${app.appType} in space ${app.spaceName}` : app.appType;
}

/** The running apps of the LOB's domain (every user), signed with whatever session `client` carries. */
export async function listDomainApps(
  client: SageMakerClient,
  lob: Pick<Lob, 'lob' | 'domainId'>,
): Promise<RunningApp[]> {
  const [apps, spaces] = await Promise.all([
    listAll(async (token) => {
      const out = await client.send(
        new ListAppsCommand({ DomainIdEquals: lob.domainId, MaxResults: 100, NextToken: token }),
      );
      return { items: out.Apps ?? [], next: out.NextToken };
    }),
    listAll(async (token) => {
      const out = await client.send(
        new ListSpacesCommand({ DomainIdEquals: lob.domainId, MaxResults: 100, NextToken: token }),
      );
      return { items: out.Spaces ?? [], next: out.NextToken };
    }),
  ]);
  const spaceOf = new Map(spaces.map((s) => [s.SpaceName ?? '', s]));
  const running: RunningApp[] = [];
  for (const a of apps) {
    if (!a.Status || !RUNNING.has(a.Status) || !a.AppType || !a.AppName || !a.CreationTime) continue;
    const space = a.SpaceName ? spaceOf.get(a.SpaceName) : undefined;
    const user = a.SpaceName ? space?.OwnershipSettingsSummary?.OwnerUserProfileName : a.UserProfileName;
    if (!user) continue; // a space without a known owner belongs to nobody the portal can name
    running.push({
      lob: lob.lob,
      appType: a.AppType,
      appName: a.AppName,
      user,
      userProfile: a.SpaceName ? undefined : a.UserProfileName,
      spaceName: a.SpaceName,
      sharing: a.SpaceName ? (space?.SpaceSharingSettingsSummary?.SharingType ?? 'Private') : undefined,
      instanceType: a.ResourceSpec?.InstanceType ?? 'unknown',
      createdAt: a.CreationTime,
      status: a.Status,
    });
  }
  return running.sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || appIdOf(x).localeCompare(appIdOf(y)));
}

/** The apps one user may stop themselves: their profile's, and those of the private spaces they own. */
export function ownApps(apps: RunningApp[], username: string): RunningApp[] {
  return apps.filter((a) => a.user === username && (!a.spaceName || a.sharing === 'Private'));
}
