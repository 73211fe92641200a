import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { ListAppsCommand } from '@aws-sdk/client-sagemaker';
import { generatorRoleArn } from '@/lib/aws/clients';
import { credentialsOf } from '@/lib/aws/generator-sessions';
import type { AdminDeps } from './deps';
import { isAccessDenied, isThrottled } from '@/lib/aws/errors';
import { logAwsFailure } from '@/lib/aws/error-reference';
import type { AdminLob } from './lobs';

export interface RunningApps {
  lob: string;
  /** InService JupyterLab / Code Editor (and other) apps, by app type; undefined when they could not be listed. */
  byType?: Record<string, number>;
  total?: number;
  /** Why the apps could not be listed (e.g. the generator role may not call sagemaker:ListApps). */
  error?: string;
}

const CACHE_MS = 60_000;
const cache = new Map<string, { at: number; value: RunningApps }>();

/**
 * Studio apps running now in a LOB's domain: SageMaker ListApps (read-only) with the LOB's generator role,
 * through the SageMaker endpoint the portal uses. Answers are kept a minute so the usage page does not
 * assume every role on every view.
 */
export async function listRunningApps(deps: AdminDeps, lob: AdminLob): Promise<RunningApps> {
  const now = Date.now();
  const cached = cache.get(lob.lob);
  if (cached && now - cached.at < CACHE_MS) return cached.value;
  let value: RunningApps;
  try {
    const out = await deps.createStsClient(lob.region).send(
      new AssumeRoleCommand({ RoleArn: generatorRoleArn(lob.accountId, lob.roleName), RoleSessionName: 'studio-portal-list-apps', DurationSeconds: 900 }),
    );
    const sagemaker = deps.createSageMakerClient(lob.region, credentialsOf(out));
    const byType: Record<string, number> = {};
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await sagemaker.send(new ListAppsCommand({ DomainIdEquals: lob.domainId, MaxResults: 100, NextToken: token }));
      for (const app of page.Apps ?? []) {
        if (app.Status === 'InService' && app.AppType) byType[app.AppType] = (byType[app.AppType] ?? 0) + 1;
      }
      token = page.NextToken;
    } while (token && ++pages < 20);
    value = { lob: lob.lob, byType, total: Object.values(byType).reduce((a, b) => a + b, 0) };
  } catch (error) {
    const what = isAccessDenied(error) ? 'access denied' : isThrottled(error) ? 'throttled' : 'AWS error';
    value = { lob: lob.lob, error: `${what}; ${logAwsFailure('admin.running_apps_failed', error, { lob: lob.lob })}` };
  }
  cache.set(lob.lob, { at: now, value });
  return value;
}
