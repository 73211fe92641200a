import { STUDIO_APPS, type StudioApp } from '../config';
import { PortalError, InputInvalidError, toPortalError } from '../errors';
import type { LaunchAuditRecord, Lob } from '../directory/types';
import type { Logger } from '../log';
import { dependencyOf, type PortalMetrics } from '../metrics';
import type { LaunchUsage } from '../usage/counters';
import { resolveLobsForUser, type ResolveLobsDeps } from './resolve-lobs';
import type { LaunchRequest, LaunchResult, Presigner } from './types';

/** AWS patterns for user profile and space names. */
const PROFILE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const LOB_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface LaunchDeps extends ResolveLobsDeps {
  presigner: Presigner;
  writeAudit(record: LaunchAuditRecord): Promise<void>;
  /** Usage counters (lib/usage): written beside the audit record, at the same time, never after it. */
  recordUsage?(usage: LaunchUsage): Promise<void>;
  metrics?: PortalMetrics;
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

export function isStudioApp(value: unknown): value is StudioApp {
  return typeof value === 'string' && (STUDIO_APPS as readonly string[]).includes(value);
}

/** Validates the optional choices a caller may send (lob, app, space); throws InputInvalidError naming the field. */
export function validateLaunchChoices(input: { lob?: string | null; app?: string | null; space?: string | null }) {
  const lob = input.lob?.trim() || undefined;
  const app = input.app?.trim() || undefined;
  const space = input.space?.trim() || undefined;
  if (lob !== undefined && !LOB_NAME.test(lob)) throw new InputInvalidError('lob must be a LOB id such as "lob-a".');
  if (app !== undefined && !isStudioApp(app)) throw new InputInvalidError(`app must be one of ${STUDIO_APPS.join(', ')}.`);
  if (space !== undefined && !PROFILE_NAME.test(space)) {
    throw new InputInvalidError('space must be a Studio space name (letters, digits and hyphens, up to 63 characters).');
  }
  return { lob, app: app as StudioApp | undefined, space };
}

function chooseLob(request: LaunchRequest, lobs: Lob[], supportContact: string): Lob {
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

/**
 * One Studio launch, for both doors (portal server action and API):
 * resolve the user's LOB -> LOB row -> presigned URL in the LOB's account -> audit record.
 * Every outcome, success or error code, is audited once the user is known.
 */
export async function launchStudio(deps: LaunchDeps, request: LaunchRequest): Promise<LaunchResult> {
  const now = deps.now ?? (() => new Date());
  const started = Date.now();
  const log = deps.log.child({ requestId: request.requestId, user: request.user.username, channel: request.channel });
  let lob: Lob | undefined;
  let app: StudioApp | undefined = request.app;
  const audit = (outcome: string) => {
    const at = now();
    const durationMs = Date.now() - started;
    const record: LaunchAuditRecord = {
      type: 'launch',
      user: request.user.username,
      at: at.toISOString(),
      requestId: request.requestId,
      channel: request.channel,
      outcome,
      ...(lob ? { lob: lob.lob, accountId: lob.accountId, domainId: lob.domainId } : request.lob ? { lob: request.lob } : {}),
      ...(app ? { app } : {}),
    };
    deps.metrics?.launch({ lob: lob?.lob, channel: request.channel, outcome, durationMs });
    // The audit record and the usage counters go out together (no extra sequential round trip).
    const write = async () => {
      await Promise.all([
        deps.writeAudit(record).catch((error) => {
          // The launch already happened: never fail it for the audit trail, but never drop it silently.
          log.error('audit.write_failed', { error, record });
        }),
        deps.recordUsage?.({ lob: lob?.lob, user: request.user.username, outcome, durationMs, at }).catch((error) => {
          log.error('usage.write_failed', { error, lob: lob?.lob, outcome });
        }),
      ]);
    };
    if (deps.defer) deps.defer(write);
    else return write();
  };

  try {
    const { lobs } = await resolveLobsForUser(deps, request.user);
    lob = chooseLob(request, lobs, deps.supportContact);
    if (!lob.enabled) {
      throw new PortalError('lob.disabled', `Studio access for ${lob.displayName} is currently disabled. Ask ${deps.supportContact} when it will be back.`);
    }
    app = request.app ?? lob.defaultApp;
    if (!lob.allowedApps.includes(app)) {
      throw new InputInvalidError(`${lob.displayName} does not allow opening ${app}; choose one of ${lob.allowedApps.join(', ')}.`);
    }
    if (!PROFILE_NAME.test(request.user.username)) {
      throw new InputInvalidError('Your username cannot be used as a Studio user profile name (letters, digits and hyphens only).');
    }
    const expiresSeconds = lob.urlExpiresSeconds ?? deps.defaultUrlExpiresSeconds;
    const issuedAt = now();
    const url = await deps.presigner.createUrl({
      lob,
      userProfileName: request.user.username,
      app,
      space: request.space,
      expiresSeconds,
    });
    const result: LaunchResult = {
      url,
      expiresAt: new Date(issuedAt.getTime() + expiresSeconds * 1000).toISOString(),
      lob: lob.lob,
      accountId: lob.accountId,
      domainId: lob.domainId,
      app,
    };
    log.info('launch.success', { lob: lob.lob, accountId: lob.accountId, domainId: lob.domainId, app, durationMs: Date.now() - started });
    await audit('success');
    return result;
  } catch (thrown) {
    const error = profileMessage(toPortalError(thrown), lob, deps.supportContact);
    const level = error.status >= 500 ? 'error' : 'warn';
    log[level]('launch.failed', { code: error.code, lob: lob?.lob, durationMs: Date.now() - started, error: error.cause ?? error, details: error.details });
    const dependency = dependencyOf(error.details);
    if (dependency) deps.metrics?.dependencyError(dependency, error.code);
    await audit(error.code);
    throw error;
  }
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
