import { isDeepStrictEqual } from 'node:util';
import { STUDIO_APPS, PROFILE_NAME_PATTERN, isStudioApp, type StudioApp } from '@/lib/names';
import { PortalError, InputInvalidError, toPortalError } from '@/lib/errors';
import type { GeneratorSession } from '@/lib/aws/generator-sessions';
import type { LaunchAuditRecord, Lob, Membership } from '@/lib/directory/types';
import type { Logger } from '@/lib/log';
import { dependencyOf, type PortalMetrics } from '@/lib/metrics';
import type { LaunchUsage } from '@/lib/usage/counters';
import { resolveLobsForUser, revalidateLobs, type ResolveLobsDeps, type ResolvedLobs } from './resolve-lobs';
import type { LaunchRequest, LaunchResult, Presigner } from './types';

const LOB_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface LaunchDeps extends ResolveLobsDeps {
  presigner: Presigner;
  writeAudit(record: LaunchAuditRecord): Promise<void>;
  /** Usage counters (lib/usage): written beside the audit record, at the same time, never after it. */
  recordUsage?(usage: LaunchUsage): Promise<void>;
  /** Moves a launch counted ahead as `from` (a success) to the outcome it had. */
  correctUsage?(usage: LaunchUsage, from: string): Promise<void>;
  /** The duration of a launch counted ahead, for the histogram (no round trip of its own). */
  noteUsageDuration?(usage: LaunchUsage & { durationMs: number }): void;
  metrics?: PortalMetrics;
  /**
   * Rewrites the outcome of a record written ahead (concurrently with the presign) when the launch then
   * failed: conditional on the record still saying `expected`.
   */
  updateAuditOutcome(record: LaunchAuditRecord, expected: string, outcome: string): Promise<void>;
  /**
   * Runs work after the response when the host can (Next.js `after()`), so the audit write adds no
   * latency to the redirect; defaults to awaiting it inline.
   */
  defer?: (task: () => Promise<void>) => void;
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
  if (app !== undefined && !isStudioApp(app)) throw new InputInvalidError(`app must be one of ${STUDIO_APPS.join(', ')}.`);
  if (space !== undefined && !PROFILE_NAME_PATTERN.test(space)) {
    throw new InputInvalidError('space must be a Studio space name (letters, digits and hyphens, up to 63 characters).');
  }
  return { lob, app: app as StudioApp | undefined, space };
}

/** UTC, to the minute: how end dates read in messages. */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** The refusal for a membership that has ended: when, and how to ask again. */
export function membershipExpiredError(membership: Membership, supportContact: string): PortalError {
  return new PortalError(
    'membership.expired',
    `Your membership of ${membership.lob} ended on ${formatUtc(membership.until ?? '')}. To continue, ask for access again: ` +
      `choose "Request access" for ${membership.lob} on the portal's home page (or ask ${supportContact}).`,
    { details: { lob: membership.lob, until: membership.until } },
  );
}

function chooseLob(request: LaunchRequest, resolved: ResolvedLobs, supportContact: string): Lob {
  const { lobs, expired } = resolved;
  const ended = expired.find((m) => m.lob === request.lob) ?? (lobs.length === 0 && !request.lob ? latestEnded(expired) : undefined);
  if (ended && !lobs.some((l) => l.lob === ended.lob)) throw membershipExpiredError(ended, supportContact);
  if (lobs.length === 0) {
    throw new PortalError(
      'user.not_mapped',
      `Your account (${request.user.username}) is not assigned to any line of business yet. Ask ${supportContact} to add you.`,
    );
  }
  if (request.lob) {
    const chosen = lobs.find((l) => l.lob === request.lob);
    if (!chosen) throw new PortalError('lob.not_member', `You are not a member of the line of business "${request.lob}".`);
    return chosen;
  }
  if (lobs.length > 1) {
    throw new InputInvalidError(`You belong to several lines of business (${lobs.map((l) => l.lob).join(', ')}): choose one with "lob".`);
  }
  return lobs[0];
}

/** A launch made again on re-read LOB rows: the rows, and the audit record key (`at`) of the first try. */
interface LaunchRedo {
  resolved: ResolvedLobs;
  at?: string;
}

/** Thrown inside a launch when its expired cached LOB rows turn out to have changed: make it again on `fresh`. */
class LobsChangedSignal extends Error {
  constructor(readonly fresh: ResolvedLobs) {
    super('The LOB rows changed while the launch ran on their cached copies.');
  }
}

/**
 * The re-read rows when they differ from the (expired, cached) rows a launch ran on; undefined when they
 * agree or nothing was re-read. Any difference counts (enabled, account, domain, role, region, apps, ...).
 */
async function changedLobs(used: ResolvedLobs | undefined, revalidation: Promise<ResolvedLobs> | undefined): Promise<ResolvedLobs | undefined> {
  if (!used || !revalidation) return undefined;
  const fresh = await revalidation;
  return isDeepStrictEqual(used.lobs, fresh.lobs) ? undefined : fresh;
}

/**
 * One Studio launch, for both doors (portal server action and API):
 * resolve the user's LOB -> LOB row -> presigned URL in the LOB's account -> audit record.
 * Every outcome, success or error code, is audited once the user is known.
 *
 * A LOB row served from an expired cache entry (lib/directory/lobs.ts, stale-while-revalidate) is read
 * again alongside the presign; the launch answers only once the re-read row agrees. If it differs, the
 * URL is dropped (it never leaves the server) and the launch is decided again on the re-read row, so a
 * LOB disabled or re-pointed is refused or followed on the first launch after the cache window.
 * (`redo` is that second try; callers leave it out.)
 */
export async function launchStudio(deps: LaunchDeps, request: LaunchRequest, redo?: LaunchRedo): Promise<LaunchResult> {
  const now = deps.now ?? (() => new Date());
  const started = Date.now();
  const log = deps.log.child({ requestId: request.requestId, user: request.user.username, channel: request.channel });
  let lob: Lob | undefined;
  let app: StudioApp | undefined = request.app;
  let session: GeneratorSession | undefined;
  const recordOf = (outcome: string, at = redo?.at ?? now().toISOString()): LaunchAuditRecord => ({
    type: 'launch',
    user: request.user.username,
    at,
    requestId: request.requestId,
    channel: request.channel,
    outcome,
    ...(lob ? { lob: lob.lob, accountId: lob.accountId, domainId: lob.domainId } : request.lob ? { lob: request.lob } : {}),
    ...(app ? { app } : {}),
    ...(session ? { roleSession: session.assumedRoleArn, sourceIdentity: session.sourceIdentity } : {}),
  });
  // The launch already happened (or failed): never fail it for the audit trail, but never drop it silently.
  const logFailure = (record: LaunchAuditRecord) => (error: unknown) => log.error('audit.write_failed', { error, record });
  const write = (record: LaunchAuditRecord) => deps.writeAudit(record).catch(logFailure(record));
  const audit = (outcome: string) => {
    const record = recordOf(outcome);
    const counting = countLaunch(outcome, record.at);
    const both = () => Promise.all([write(record), counting()]).then(() => undefined);
    if (deps.defer) deps.defer(both);
    else return both();
  };
  /**
   * Usage counters and the launch metric for an outcome: the counters go out together with the audit
   * record (no extra sequential round trip where the audit is deferred).
   */
  const countLaunch = (outcome: string, atIso: string) => {
    const durationMs = Date.now() - started;
    deps.metrics?.launch({ lob: lob?.lob, channel: request.channel, outcome, durationMs });
    const at = new Date(atIso);
    return () =>
      deps.recordUsage?.({ lob: lob?.lob, user: request.user.username, outcome, durationMs, at }).catch((error: unknown) => {
        log.error('usage.write_failed', { error, lob: lob?.lob, outcome });
      }) ?? Promise.resolve();
  };
  /**
   * Without `defer` (Lambda: nothing may run after the response) the record and the usage counters are
   * written concurrently with the presign, saying "success"; the launch answers only after those writes.
   * If the presign then fails, the record is rewritten to the error code (conditional update) and the
   * counters moved to it (atomic ADDs), together, before the error response. So the user's path has no
   * audit or counting round trip of its own, and no response leaves without its record.
   */
  let ahead: { record: LaunchAuditRecord; usage: LaunchUsage; landed: Promise<boolean>; counted: Promise<boolean> } | undefined;
  const settleAhead = async (outcome: string) => {
    if (!ahead) return false;
    const { record, usage, landed, counted } = ahead;
    ahead = undefined;
    const durationMs = Date.now() - started;
    deps.metrics?.launch({ lob: lob?.lob, channel: request.channel, outcome, durationMs });
    const [recorded, counters] = await Promise.all([landed, counted]);
    const fixes: Promise<unknown>[] = [];
    if (!recorded) fixes.push(write({ ...record, outcome }));
    else if (outcome !== record.outcome) fixes.push(deps.updateAuditOutcome(record, record.outcome, outcome).catch(logFailure({ ...record, outcome })));
    const usageFailure = (error: unknown) => log.error('usage.write_failed', { error, lob: usage.lob, outcome });
    if (!counters) fixes.push(deps.recordUsage?.({ ...usage, outcome, durationMs }).catch(usageFailure) ?? Promise.resolve());
    else if (outcome === usage.outcome) deps.noteUsageDuration?.({ ...usage, durationMs });
    else fixes.push(deps.correctUsage?.({ ...usage, outcome }, usage.outcome).catch(usageFailure) ?? Promise.resolve());
    await Promise.all(fixes);
    return true;
  };

  let resolved: ResolvedLobs | undefined;
  let revalidation: Promise<ResolvedLobs> | undefined;
  /** The rows changed under this launch: drop its URL, wait for its write-ahead record, and launch again under that record's key. */
  const relaunch = async (fresh: ResolvedLobs) => {
    const at = ahead?.record.at ?? redo?.at;
    if (ahead) await ahead.landed;
    ahead = undefined;
    log.info('launch.lob_changed', { lob: lob?.lob });
    return launchStudio(deps, request, { resolved: fresh, at });
  };

  try {
    resolved = redo?.resolved ?? (await resolveLobsForUser(deps, request.user));
    revalidation = redo ? undefined : revalidateLobs(deps, request.user, resolved);
    lob = chooseLob(request, resolved, deps.supportContact);
    if (!lob.enabled) {
      throw new PortalError('lob.disabled', `Studio access for ${lob.displayName} is currently disabled. Ask ${deps.supportContact} when it will be back.`);
    }
    app = request.app ?? lob.defaultApp;
    if (!lob.allowedApps.includes(app)) {
      throw new InputInvalidError(`${lob.displayName} does not allow opening ${app}; choose one of ${lob.allowedApps.join(', ')}.`);
    }
    if (!PROFILE_NAME_PATTERN.test(request.user.username)) {
      throw new InputInvalidError('Your username cannot be used as a Studio user profile name (letters, digits and hyphens only).');
    }
    const expiresSeconds = lob.urlExpiresSeconds ?? deps.defaultUrlExpiresSeconds;
    session = await deps.presigner.openSession(lob, request.user.username);
    const issuedAt = now();
    const presigning = deps.presigner.createUrl(
      { lob, userProfileName: request.user.username, app, space: request.space, expiresSeconds, profileWaitMs: request.profileWaitMs, beforeCreateProfile: confirmLobs(resolved, revalidation) },
      session,
    );
    if (!deps.defer) {
      const record = recordOf('success', redo?.at ?? issuedAt.toISOString());
      const usage: LaunchUsage = { lob: lob.lob, user: request.user.username, outcome: 'success', at: issuedAt };
      // Started once the presign request is on its way (setImmediate runs after the SDK's synchronous and
      // microtask work), so building and signing the writes never delays the call the user waits for.
      const sent = new Promise<void>((resolve) => setImmediate(resolve));
      ahead = {
        record,
        usage,
        landed: sent
          .then(() => deps.writeAudit(record))
          .then(
            () => true,
            (error: unknown) => {
              log.warn('audit.write_ahead_failed', { error });
              return false;
            },
          ),
        counted: sent
          .then(() => deps.recordUsage?.(usage))
          .then(
            () => true,
            (error: unknown) => {
              log.warn('usage.write_ahead_failed', { error });
              return false;
            },
          ),
      };
    }
    const url = await presigning;
    const checking = revalidation;
    revalidation = undefined;
    const changed = await changedLobs(resolved, checking);
    if (changed) throw new LobsChangedSignal(changed);
    const result: LaunchResult = {
      url,
      expiresAt: new Date(issuedAt.getTime() + expiresSeconds * 1000).toISOString(),
      lob: lob.lob,
      accountId: lob.accountId,
      domainId: lob.domainId,
      app,
    };
    log.info('launch.success', { lob: lob.lob, accountId: lob.accountId, domainId: lob.domainId, app, roleSession: session.assumedRoleArn, durationMs: Date.now() - started });
    if (!(await settleAhead('success'))) await audit('success');
    return result;
  } catch (thrown) {
    const changed = thrown instanceof LobsChangedSignal ? thrown.fresh : await changedLobs(resolved, revalidation).catch(() => undefined);
    if (changed) return relaunch(changed);
    const error = profileMessage(toPortalError(thrown), lob, deps.supportContact);
    const level = error.status >= 500 ? 'error' : 'warn';
    log[level]('launch.failed', { code: error.code, lob: lob?.lob, durationMs: Date.now() - started, error: error.cause ?? error, details: error.details });
    const dependency = dependencyOf(error.details);
    if (dependency) deps.metrics?.dependencyError(dependency, error.code);
    if (!(await settleAhead(error.code))) await audit(error.code);
    throw error;
  }
}

/** For PresignRequest.beforeCreateProfile: nothing is created in a LOB account on a cached row that has changed. */
function confirmLobs(resolved: ResolvedLobs, revalidation: Promise<ResolvedLobs> | undefined): (() => Promise<void>) | undefined {
  if (!revalidation) return undefined;
  return async () => {
    const changed = await changedLobs(resolved, revalidation);
    if (changed) throw new LobsChangedSignal(changed);
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
