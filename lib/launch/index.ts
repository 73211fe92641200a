import { SageMakerClientPool, createGeneratorSessions } from '@/lib/aws/clients';
import { getConfig, type PortalConfig } from '@/lib/config';
import { BatchingAuditWriter, getDirectory, type Directory } from '@/lib/directory';
import { getUserMapping } from '@/lib/directory/users';
import { log } from '@/lib/log';
import { createClock } from '@/lib/clock';
import { getMetrics } from '@/lib/metrics';
import { BatchingUsageRecorder, UsageRecorder } from '@/lib/usage/counters';
import { launchStudio, type LaunchDeps } from './launch-studio';
import { afterResponseRecorder, writeAheadRecorder, type LaunchRecorder, type RecordSinks } from './recorder';
import { presignerFor } from './identity-binding';
import { resolveLobsForUser } from './resolve-lobs';
import { SageMakerPresigner } from './sagemaker-presigner';
import { createAccessControlClients } from '@/lib/access/clients';
import { restoreOnLaunch } from '@/lib/access/launch-restore';
import type { LaunchRequest } from './types';

export * from './types';
export { launchStudio, validateLaunchChoices, isStudioApp, type LaunchDeps } from './launch-studio';
export {
  afterResponseRecorder,
  writeAheadRecorder,
  type LaunchRecorder,
  type LaunchRecord,
  type RecordSinks,
} from './recorder';
export { resolveLobsForUser, type ResolvedLobs } from './resolve-lobs';
export { SageMakerPresigner, LANDING_URI } from './sagemaker-presigner';

type Defer = (task: () => Promise<void>) => void;

/** The process-wide parts of the launch's collaborators: everything but the recorder. */
function createCollaborators(config: PortalConfig, directory: Directory) {
  // After the response, records of concurrent launches share BatchWriteItems (a PutItem per launch was
  // a sixth of a launch's CPU under load); before the response (Lambda) each launch writes its own.
  const batched =
    config.auditWrite === 'after-response' ? new BatchingAuditWriter(directory.doc, config.tables.audit) : undefined;
  // Usage counters likewise: merged across launches after the response, one launch's own two UpdateItems before it.
  const counters = batched
    ? new BatchingUsageRecorder(directory.doc, config.tables.usage)
    : new UsageRecorder(directory.doc, config.tables.usage);
  const sinks: RecordSinks = {
    audit: {
      write: batched ? (record) => batched.write(record) : (record) => directory.audit.write(record),
      updateOutcome: (record, expected, outcome) => directory.audit.updateOutcome(record, expected, outcome),
    },
    usage: counters,
  };
  // Restores a profile the portal disabled when its user may launch again (lib/access/launch-restore.ts).
  const access = {
    ddb: directory.doc,
    tables: config.tables,
    studio: createAccessControlClients(config),
    now: createClock(config),
  };
  const base: Omit<LaunchDeps, 'recorder'> = restoreOnLaunch(
    {
      getUser: (username) =>
        getUserMapping({ ddb: directory.doc, tables: config.tables }, username, { consistent: false }),
      lobs: directory.lobs,
      presigner: new SageMakerPresigner(new SageMakerClientPool(config), createGeneratorSessions(config), log, {
        profileReadyTimeoutMs: config.profileReadyTimeoutSeconds * 1000,
      }),
      metrics: getMetrics(),
      defaultUrlExpiresSeconds: config.presignedUrlExpiresSeconds,
      supportContact: config.supportContact,
      log,
      now: createClock(config),
    },
    access,
    { recheckSeconds: config.identityRecheckSeconds, now: () => access.now().getTime() },
  );
  return { base, sinks };
}

/**
 * The recorder for one launch: after the response where the host can run work then (`defer`, Next.js
 * `after()`) and configuration allows it (AUDIT_WRITE=after-response); written ahead otherwise (Lambda).
 */
function recorderFor(config: PortalConfig, sinks: RecordSinks, defer?: Defer): LaunchRecorder {
  return defer && config.auditWrite === 'after-response'
    ? afterResponseRecorder(sinks, defer)
    : writeAheadRecorder(sinks);
}

/** Production collaborators of the launch flow, built from configuration. */
export function createLaunchDeps(config: PortalConfig, directory: Directory, defer?: Defer): LaunchDeps {
  const { base, sinks } = createCollaborators(config, directory);
  return { ...base, recorder: recorderFor(config, sinks, defer) };
}

let collaborators: ReturnType<typeof createCollaborators> | undefined;

/**
 * Process-wide launch collaborators (one SageMaker client per region, one generator session per LOB
 * account and user), with the recorder for a launch whose host runs `defer`red work after responding.
 */
export function getLaunchDeps(defer?: Defer): LaunchDeps {
  collaborators ??= createCollaborators(getConfig(), getDirectory());
  return { ...collaborators.base, recorder: recorderFor(getConfig(), collaborators.sinks, defer) };
}

/** Launch with the process-wide collaborators; `defer` lets the host record after responding (AUDIT_WRITE). */
export function launch(request: LaunchRequest, defer?: Defer) {
  const deps = getLaunchDeps(defer);
  // The launch's presigner refuses a profile bound to another `sub` (lib/launch/identity-binding.ts).
  return launchStudio({ ...deps, presigner: presignerFor(deps.presigner, request.user) }, request);
}

export function resolveLobs(user: LaunchRequest['user']) {
  return resolveLobsForUser(getLaunchDeps(), user);
}
