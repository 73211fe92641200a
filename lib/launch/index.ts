import { SageMakerClientPool, createGeneratorSessions } from '@/lib/aws/clients';
import { getConfig, type PortalConfig } from '@/lib/config';
import { BatchingAuditWriter, getDirectory, type Directory } from '@/lib/directory';
import { log } from '@/lib/log';
import { createClock } from '@/lib/clock';
import { getMetrics } from '@/lib/metrics';
import { BatchingUsageRecorder, UsageRecorder } from '@/lib/usage/counters';
import { launchStudio, type LaunchDeps } from './launch-studio';
import { presignerFor } from './identity-binding';
import { resolveLobsForUser } from './resolve-lobs';
import { SageMakerPresigner } from './sagemaker-presigner';
import type { LaunchRequest } from './types';

export * from './types';
export { launchStudio, validateLaunchChoices, isStudioApp, formatUtc, type LaunchDeps } from './launch-studio';
export { resolveLobsForUser, type ResolvedLobs } from './resolve-lobs';
export { SageMakerPresigner, LANDING_URI } from './sagemaker-presigner';

/** Production collaborators of the launch flow, built from configuration. */
export function createLaunchDeps(config: PortalConfig, directory: Directory): LaunchDeps {
  // After the response, records of concurrent launches share BatchWriteItems (a PutItem per launch was
  // a sixth of a launch's CPU under load); before the response (Lambda) each launch writes its own.
  const batched = config.auditWrite === 'after-response' ? new BatchingAuditWriter(directory.doc, config.tables.audit) : undefined;
  // Usage counters likewise: merged across launches after the response, one launch's own two UpdateItems before it.
  const counters = batched ? new BatchingUsageRecorder(directory.doc, config.tables.usage) : new UsageRecorder(directory.doc, config.tables.usage);
  return {
    getUser: (username) => directory.users.getUser(username),
    lobs: directory.lobs,
    presigner: new SageMakerPresigner(new SageMakerClientPool(config), createGeneratorSessions(config), log, {
      profileReadyTimeoutMs: config.profileReadyTimeoutSeconds * 1000,
    }),
    writeAudit: batched ? (record) => batched.write(record) : (record) => directory.audit.write(record),
    updateAuditOutcome: (record, expected, outcome) => directory.audit.updateOutcome(record, expected, outcome),
    recordUsage: (usage) => counters.record(usage),
    correctUsage: (usage, from) => counters.correct(usage, from),
    noteUsageDuration: (usage) => counters.noteDuration(usage),
    metrics: getMetrics(),
    defaultUrlExpiresSeconds: config.presignedUrlExpiresSeconds,
    supportContact: config.supportContact,
    log,
    now: createClock(config),
  };
}

let deps: LaunchDeps | undefined;

/** Process-wide launch collaborators (one SageMaker client per region, one generator session per LOB account and user). */
export function getLaunchDeps(): LaunchDeps {
  deps ??= createLaunchDeps(getConfig(), getDirectory());
  return deps;
}

/**
 * Launch with the process-wide collaborators; `defer` lets the host run the audit write after
 * responding, where configuration allows it (AUDIT_WRITE).
 */
export function launch(request: LaunchRequest, defer?: LaunchDeps['defer']) {
  const deferAudit = getConfig().auditWrite === 'after-response' ? defer : undefined;
  const deps = getLaunchDeps();
  return launchStudio({ ...deps, presigner: presignerFor(deps.presigner, request.user), defer: deferAudit }, request);
}

export function resolveLobs(user: LaunchRequest['user']) {
  return resolveLobsForUser(getLaunchDeps(), user);
}
