import { ListAppsCommand } from '@aws-sdk/client-sagemaker';
import type { AdminDeps } from './deps';
import { isAccessDenied, isThrottled } from '@/lib/aws/errors';
import { logAwsFailure } from '@/lib/aws/error-reference';
import { isPortalError } from '@/lib/errors';
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
 * Studio apps running now in a LOB's domain: SageMaker ListApps (read-only) in an access-control session
 * (lib/access/clients.ts: the generator role with the tag portal-task=access-control and SourceIdentity =
 * `actor`, the admin or owner viewing, so the LOB account's CloudTrail names them; the role's trust refuses
 * a session without a source identity). Answers are kept a minute so the usage page does not list every
 * domain on every view.
 */
export async function listRunningApps(deps: AdminDeps, lob: AdminLob, actor: string): Promise<RunningApps> {
  const now = Date.now();
  const cached = cache.get(lob.lob);
  if (cached && now - cached.at < CACHE_MS) return cached.value;
  let value: RunningApps;
  try {
    if (!deps.studio) throw new Error('The portal has no access-control sessions configured (AdminDeps.studio).');
    const byType = await deps.studio.run(lob, actor, async (sagemaker) => {
      const counts: Record<string, number> = {};
      let token: string | undefined;
      let pages = 0;
      do {
        const input = { DomainIdEquals: lob.domainId, MaxResults: 100, NextToken: token };
        const page = await sagemaker.send(new ListAppsCommand(input));
        for (const app of page.Apps ?? []) {
          if (app.Status === 'InService' && app.AppType) counts[app.AppType] = (counts[app.AppType] ?? 0) + 1;
        }
        token = page.NextToken;
      } while (token && ++pages < 20);
      return counts;
    });
    value = { lob: lob.lob, byType, total: Object.values(byType).reduce((a, b) => a + b, 0) };
  } catch (error) {
    // A refused AssumeRole arrives as the portal's lob.role_denied; its cause is STS's answer.
    const aws = isPortalError(error) && error.cause !== undefined ? error.cause : error;
    const what = isAccessDenied(aws) ? 'access denied' : isThrottled(aws) ? 'throttled' : 'AWS error';
    value = { lob: lob.lob, error: `${what}; ${logAwsFailure('admin.running_apps_failed', error, { lob: lob.lob })}` };
  }
  cache.set(lob.lob, { at: now, value });
  return value;
}
