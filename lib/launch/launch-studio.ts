import { isDeepStrictEqual } from 'node:util';
import { STUDIO_APPS, PROFILE_NAME_PATTERN, isStudioApp, type StudioApp } from '@/lib/names';
import { PortalError, InputInvalidError, toPortalError } from '@/lib/errors';
import type { GeneratorSession } from '@/lib/aws/generator-sessions';
import type { Lob, Membership } from '@/lib/directory/types';
import type { Logger } from '@/lib/log';
import { dependencyOf, type PortalMetrics } from '@/lib/metrics';
import { formatUtcMinute } from '@/lib/time-format';
import type { LaunchRecord, LaunchRecorder, LaunchRecording } from './recorder';
import { resolveLobsForUser, revalidateLobs, type ResolveLobsDeps, type ResolvedLobs } from './resolve-lobs';
import type { LaunchRequest, LaunchResult, Presigner } from './types';

const LOB_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface LaunchDeps extends ResolveLobsDeps {
  presigner: Presigner;
  /** Writes each launch's audit record and usage counts (./recorder.ts: after the response, or ahead). */
  recorder: LaunchRecorder;
  metrics?: PortalMetrics;
  defaultUrlExpiresSeconds: number;
  supportContact: string;
  log: Logger;
  now?: () => Date;
}

export { isStudioApp };

/** Validates the optional choices a caller may send (lob, app, space); throws InputInvalidError naming the field. */
export function validateLaunchChoices(input: { lob?: string | null; app?: string | null; space?: string | null }) {
  const lob = input.lob?.trim() || undefined;
  const app = input.app?.trim() || undefined;
  const space = input.space?.trim() || undefined;
  if (lob !== undefined && !LOB_NAME.test(lob)) throw new InputInvalidError('lob must be a LOB id such as "lob-a".');
  if (app !== undefined && !isStudioApp(app))
    throw new InputInvalidError(`app must be one of ${STUDIO_APPS.join(', ')}.`);
  if (space !== undefined && !PROFILE_NAME_PATTERN.test(space)) {
    throw new InputInvalidError(
      'space must be a Studio space name (letters, digits and hyphens, up to 63 characters).',
    );
  }
  return { lob, app: app as StudioApp | undefined, space };
}

/** The refusal for a membership that has ended: when, and how to ask again. */
export function membershipExpiredError(membership: Membership, supportContact: string): PortalError {
  return new PortalError(
    'membership.expired',
    `Your membership of ${membership.lob} ended on ${formatUtcMinute(membership.until ?? '')}. To continue, ask for access again: ` +
      `choose "Request access" for ${membership.lob} on the portal's home page (or ask ${supportContact}).`,
    { details: { lob: membership.lob, until: membership.until } },
  );
}

function chooseLob(request: LaunchRequest, resolved: ResolvedLobs, supportContact: string): Lob {
  const { lobs, expired } = resolved;
  const ended =
    expired.find((m) => m.lob === request.lob) ??
    (lobs.length === 0 && !request.lob ? latestEnded(expired) : undefined);
  if (ended && !lobs.some((l) => l.lob === ended.lob)) throw membershipExpiredError(ended, supportContact);
  if (lobs.length === 0) {
    throw new PortalError(
      'user.not_mapped',
      `Your account (${request.user.username}) is not assigned to any line of business yet. Ask ${supportContact} to add you.`,
    );
  }
  if (request.lob) {
    const chosen = lobs.find((l) => l.lob === request.lob);
    if (!chosen)
      throw new PortalError('lob.not_member', `You are not a member of the line of business "${request.lob}".`);
    return chosen;
  }
  if (lobs.length > 1) {
    throw new InputInvalidError(
      `You belong to several lines of business (${lobs.map((l) => l.lob).join(', ')}): choose one with "lob".`,
    );
  }
  return lobs[0];
}

/** Two attempts at most: the second runs on the LOB rows the first found changed, and re-reads nothing. */
const MAX_ATTEMPTS = 2;

/** One launch in progress: its collaborators, and what its record says whatever the outcome. */
interface Launch {
  deps: LaunchDeps;
  request: LaunchRequest;
  log: Logger;
  recording: LaunchRecording;
  started: number;
  lob?: Lob;
  app?: StudioApp;
  session?: GeneratorSession;
}

/**
 * One Studio launch, for both doors (portal server action and API): resolve the user's LOBs -> choose
 * the LOB and app -> credentials in the LOB's account -> presigned URL -> settle its record. Every
 * outcome, success or error code, is recorded once the user is known (deps.recorder: after the response,
 * or written ahead for hosts that stop at the response).
 *
 * A LOB row served from an expired cache entry (lib/directory/lobs.ts, stale-while-revalidate) is read
 * again alongside the presign; the launch answers only once the re-read row agrees. If it differs, the
 * URL is dropped (it never leaves the server) and the launch is made again on the re-read rows (the
 * second and last attempt), so a LOB disabled or re-pointed is refused or followed on the first launch
 * after the cache window.
 */
export async function launchStudio(deps: LaunchDeps, request: LaunchRequest): Promise<LaunchResult> {
  const now = deps.now ?? (() => new Date());
  const log = deps.log.child({ requestId: request.requestId, user: request.user.username, channel: request.channel });
  const launch: Launch = { deps, request, log, recording: deps.recorder.open(log), started: Date.now() };
  let rows: ResolvedLobs | undefined;
  for (let attempt = 1; ; attempt++) {
    Object.assign(launch, { lob: undefined, app: request.app, session: undefined });
    let resolved: ResolvedLobs | undefined;
    let revalidation: Promise<ResolvedLobs> | undefined;
    try {
      // resolve: the user's LOB rows; rows from an expired cache entry are re-read alongside (first attempt).
      resolved = rows ?? (await resolveLobsForUser(deps, request.user));
      revalidation = rows ? undefined : revalidateLobs(deps, request.user, resolved);
      // choose: the LOB and the app, or a refusal.
      const { lob, app } = choose(launch, resolved);
      // credentials: the user's generator session in the LOB's account.
      const session = (launch.session = await deps.presigner.openSession(lob, request.user.username));
      // presign: the URL, while the record begins (written ahead where the host stops at the response).
      const issuedAt = now();
      const expiresSeconds = lob.urlExpiresSeconds ?? deps.defaultUrlExpiresSeconds;
      const presigning = deps.presigner.createUrl(
        {
          lob,
          userProfileName: request.user.username,
          app,
          space: request.space,
          expiresSeconds,
          profileWaitMs: request.profileWaitMs,
          beforeCreateProfile: confirmLobs(resolved, revalidation),
        },
        session,
      );
      launch.recording.begin(recordOf(launch, 'success', launch.recording.at ?? issuedAt.toISOString()));
      const url = await presigning;
      const changed = await changedLobs(resolved, revalidation);
      if (changed && attempt < MAX_ATTEMPTS) {
        rows = await retry(launch, changed);
        continue;
      }
      // settle: the record says how it ended; the response leaves once the recorder allows it.
      const expiresAt = new Date(issuedAt.getTime() + expiresSeconds * 1000).toISOString();
      const result: LaunchResult = {
        url,
        expiresAt,
        lob: lob.lob,
        accountId: lob.accountId,
        domainId: lob.domainId,
        app,
      };
      const { accountId, domainId } = lob;
      const durationMs = Date.now() - launch.started;
      log.info('launch.success', {
        lob: lob.lob,
        accountId,
        domainId,
        app,
        roleSession: session.assumedRoleArn,
        durationMs,
      });
      await settle(launch, 'success');
      return result;
    } catch (thrown) {
      const changed = await changedLobs(resolved, revalidation).catch(() => undefined);
      if (changed && attempt < MAX_ATTEMPTS) {
        rows = await retry(launch, changed);
        continue;
      }
      throw await refuse(launch, thrown);
    }
  }
}

/** The LOB and app of a launch (kept on it for its record), or the refusal: not a member, disabled, not allowed. */
function choose(launch: Launch, resolved: ResolvedLobs): { lob: Lob; app: StudioApp } {
  const { request, deps } = launch;
  const lob = (launch.lob = chooseLob(request, resolved, deps.supportContact));
  if (!lob.enabled) {
    throw new PortalError(
      'lob.disabled',
      `Studio access for ${lob.displayName} is currently disabled. Ask ${deps.supportContact} when it will be back.`,
    );
  }
  const app = (launch.app = request.app ?? lob.defaultApp);
  if (!lob.allowedApps.includes(app)) {
    throw new InputInvalidError(
      `${lob.displayName} does not allow opening ${app}; choose one of ${lob.allowedApps.join(', ')}.`,
    );
  }
  if (!PROFILE_NAME_PATTERN.test(request.user.username)) {
    throw new InputInvalidError(
      'Your username cannot be used as a Studio user profile name (letters, digits and hyphens only).',
    );
  }
  return { lob, app };
}

/** The attempt's LOB rows changed: its URL is dropped and what it recorded ahead lands; the next attempt runs on `fresh`. */
async function retry(launch: Launch, fresh: ResolvedLobs): Promise<ResolvedLobs> {
  await launch.recording.retry();
  launch.log.info('launch.lob_changed', { lob: launch.lob?.lob });
  return fresh;
}

/** The error a failed launch answers with, once logged, counted and recorded. */
async function refuse(launch: Launch, thrown: unknown): Promise<PortalError> {
  const { deps, lob } = launch;
  const error = profileMessage(toPortalError(thrown), lob, deps.supportContact);
  const level = error.status >= 500 ? 'error' : 'warn';
  const durationMs = Date.now() - launch.started;
  launch.log[level]('launch.failed', {
    code: error.code,
    lob: lob?.lob,
    durationMs,
    error: error.cause ?? error,
    details: error.details,
  });
  const dependency = dependencyOf(error.details);
  if (dependency) deps.metrics?.dependencyError(dependency, error.code);
  await settle(launch, error.code);
  return error;
}

/** The launch metric and the launch's record with its outcome (keyed as a record written ahead, if any). */
async function settle(launch: Launch, outcome: string): Promise<void> {
  const { deps, request, lob, recording } = launch;
  const durationMs = Date.now() - launch.started;
  deps.metrics?.launch({ lob: lob?.lob, channel: request.channel, outcome, durationMs });
  const at = recording.at ?? (deps.now?.() ?? new Date()).toISOString();
  await recording.settle(recordOf(launch, outcome, at, durationMs));
}

/** The launch's audit record and usage count as far as it got (LOB, app, generator session). */
function recordOf(launch: Launch, outcome: string, at: string, durationMs?: number): LaunchRecord {
  const { request, lob, app, session } = launch;
  const user = request.user.username;
  return {
    audit: {
      type: 'launch',
      user,
      at,
      requestId: request.requestId,
      channel: request.channel,
      outcome,
      ...(lob
        ? { lob: lob.lob, accountId: lob.accountId, domainId: lob.domainId }
        : request.lob
          ? { lob: request.lob }
          : {}),
      ...(app ? { app } : {}),
      ...(session ? { roleSession: session.assumedRoleArn, sourceIdentity: session.sourceIdentity } : {}),
    },
    usage: { lob: lob?.lob, user, outcome, at: new Date(at), ...(durationMs === undefined ? {} : { durationMs }) },
  };
}

/**
 * The re-read rows when they differ from the (expired, cached) rows a launch ran on; undefined when they
 * agree or nothing was re-read. Any difference counts (enabled, account, domain, role, region, apps, ...).
 */
async function changedLobs(
  used: ResolvedLobs | undefined,
  revalidation: Promise<ResolvedLobs> | undefined,
): Promise<ResolvedLobs | undefined> {
  if (!used || !revalidation) return undefined;
  const fresh = await revalidation;
  return isDeepStrictEqual(used.lobs, fresh.lobs) ? undefined : fresh;
}

/**
 * For PresignRequest.beforeCreateProfile: nothing is created in a LOB account on a cached row that has
 * changed. The presign fails; the launch then finds the change and makes its second attempt.
 */
function confirmLobs(
  resolved: ResolvedLobs,
  revalidation: Promise<ResolvedLobs> | undefined,
): (() => Promise<void>) | undefined {
  if (!revalidation) return undefined;
  return async () => {
    if (await changedLobs(resolved, revalidation))
      throw new Error('The LOB row changed: no profile is created on the cached copy.');
  };
}

function latestEnded(expired: Membership[]): Membership | undefined {
  return [...expired].sort((a, b) => (b.until ?? '').localeCompare(a.until ?? ''))[0];
}

/** Adds the LOB's name and whom to ask to a missing-profile error. */
function profileMessage(error: PortalError, lob: Lob | undefined, supportContact: string): PortalError {
  if (error.code !== 'profile.not_found' || !lob) return error;
  return new PortalError(
    'profile.not_found',
    `You have no SageMaker Studio user profile in ${lob.displayName} (domain ${lob.domainId}). Ask ${supportContact} to create one.`,
    { cause: error.cause, details: error.details },
  );
}
