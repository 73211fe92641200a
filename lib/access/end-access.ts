/**
 * Ending (and restoring) one person's Studio access to one LOB: the one place that does it, for an admin's
 * or owner's decision, a review's "Remove" and the access sweep.
 *
 * Ending: their running apps in the LOB's domain, in their profile and in the private spaces they own, are
 * stopped (DeleteApp) and their profile is set to StudioWebPortal DISABLED (UpdateUserProfile), both at once,
 * with an access-control session whose source identity is the actor (the admin, or `access-sweep`), so the
 * LOB account's CloudTrail names who ended it. Then the portal remembers it (lib/directory/studio-access.ts),
 * writes an audit entry (`access.end`) and publishes SNS `access.ended` (user, LOB, reason). A stop that
 * failed is reported (`failed`), kept on the record as `pendingStop` and retried by the sweep, which still
 * finds the app running.
 *
 * Restoring: at the next grant, or the next launch of a user the portal knows it disabled, the profile is
 * set to StudioWebPortal ENABLED and the record goes.
 */
import {
  DeleteAppCommand,
  type DeleteAppCommandInput,
  ListAppsCommand,
  ListSpacesCommand,
  UpdateUserProfileCommand,
  type AppDetails,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { isResourceInUse, isResourceNotFound } from '@/lib/aws/errors';
import { writeAdminAudit } from '@/lib/directory/audit';
import type { TableAccess } from '@/lib/directory/access';
import { clearEndedAccess, endedLobsOf, saveEndedAccess } from '@/lib/directory/studio-access';
import type { Lob } from '@/lib/directory/types';
import { randomUUID } from 'node:crypto';
import { log } from '@/lib/log';
import { notifySafely, type Notifier } from '@/lib/admin/notifications';
import type { StudioAccessClients } from './clients';
import type { EndReason } from './access-now';
import { forgetRestoreCopies } from './restore-copies';

export interface EndAccessDeps extends TableAccess {
  studio: StudioAccessClients;
  notify?: Notifier;
  now?: () => Date;
}

/** A running app, named as DeleteApp names it. */
export interface AppRef {
  appType: string;
  appName: string;
  userProfile?: string;
  spaceName?: string;
}

export interface EndAccessResult {
  username: string;
  lob: string;
  reason: EndReason;
  stopped: AppRef[];
  /** Stops that failed (retried by the sweep), with the error. */
  failed: Array<AppRef & { error: string }>;
  /** 'disabled', 'no-profile' (nothing to disable), or the failure. */
  profile: 'disabled' | 'no-profile' | 'already-disabled' | { error: string };
}

/** Statuses of an app that still runs (or is about to). */
const RUNNING = new Set(['InService', 'Pending']);
const PAGE = 100;

export const appLabel = (app: AppRef) => `${app.appType}${app.spaceName ? ` in space ${app.spaceName}` : ''}`;
const errorText = (error: unknown) => {
  const e = error as { name?: string; message?: string };
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
};

/** DeleteApp's input for a listed app (in a space: the space; else the profile, `username` when unnamed). */
export function deleteAppInput(domainId: string, app: AppRef, username?: string): DeleteAppCommandInput {
  return {
    DomainId: domainId,
    AppType: app.appType as DeleteAppCommandInput['AppType'],
    AppName: app.appName,
    ...(app.spaceName ? { SpaceName: app.spaceName } : { UserProfileName: app.userProfile ?? username }),
  };
}

/** Every page of a List call. */
export async function listAll<T>(
  fetchPage: (token: string | undefined) => Promise<{ items: T[]; next?: string }>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    all.push(...page.items);
    token = page.next;
  } while (token);
  return all;
}

export const toAppRef = (app: AppDetails): AppRef => ({
  appType: app.AppType ?? '',
  appName: app.AppName ?? 'default',
  ...(app.SpaceName ? { spaceName: app.SpaceName } : { userProfile: app.UserProfileName }),
});

/** Private spaces by owner, for a domain (ListSpaces, every page). */
export async function spaceOwners(client: SageMakerClient, domainId: string): Promise<Map<string, string>> {
  const spaces = await listAll(async (NextToken) => {
    const out = await client.send(new ListSpacesCommand({ DomainIdEquals: domainId, MaxResults: PAGE, NextToken }));
    return { items: out.Spaces ?? [], next: out.NextToken };
  });
  const owners = new Map<string, string>();
  for (const s of spaces) {
    const owner = s.OwnershipSettingsSummary?.OwnerUserProfileName;
    if (s.SpaceName && owner && s.SpaceSharingSettingsSummary?.SharingType !== 'Shared') owners.set(s.SpaceName, owner);
  }
  return owners;
}

/** The user's running apps in the domain: their profile's apps, and those of the private spaces they own. */
async function runningAppsOf(client: SageMakerClient, domainId: string, username: string): Promise<AppRef[]> {
  const listApps = (filter: { UserProfileNameEquals?: string; SpaceNameEquals?: string }) =>
    listAll(async (NextToken) => {
      const out = await client.send(
        new ListAppsCommand({ DomainIdEquals: domainId, MaxResults: PAGE, NextToken, ...filter }),
      );
      return { items: out.Apps ?? [], next: out.NextToken };
    });
  const [own, owners] = await Promise.all([
    listApps({ UserProfileNameEquals: username }),
    spaceOwners(client, domainId),
  ]);
  const spaces = [...owners].filter(([, owner]) => owner === username).map(([space]) => space);
  const inSpaces = (await Promise.all(spaces.map((space) => listApps({ SpaceNameEquals: space })))).flat();
  return [...own, ...inSpaces].filter((a) => RUNNING.has(a.Status ?? '')).map(toAppRef);
}

export interface EndAccessInput {
  lob: Lob;
  username: string;
  /** The admin's username, or `access-sweep`: the audit entry's user and the AWS calls' source identity. */
  actor: string;
  reason: EndReason;
  /** The apps to stop when the caller listed them already (the sweep); else they are listed here. */
  apps?: AppRef[];
  /** False when the portal knows the profile is disabled already (the sweep read its record). */
  disableProfile?: boolean;
  requestId?: string;
}

/** Ends `username`'s Studio access to `lob` (see the module comment). Never throws for an AWS failure: it is in the result. */
export async function endAccess(deps: EndAccessDeps, input: EndAccessInput): Promise<EndAccessResult> {
  const { lob, username, actor, reason } = input;
  const result: EndAccessResult = {
    username,
    lob: lob.lob,
    reason,
    stopped: [],
    failed: [],
    profile: 'already-disabled',
  };
  try {
    await deps.studio.run(lob, actor, async (client) => {
      const apps = input.apps ?? (await runningAppsOf(client, lob.domainId, username));
      const stops = apps.map(async (app) => {
        try {
          await client.send(new DeleteAppCommand(deleteAppInput(lob.domainId, app, username)));
          result.stopped.push(app);
        } catch (error) {
          // Gone already, or being deleted: stopped all the same.
          if (isResourceNotFound(error) || isResourceInUse(error)) result.stopped.push(app);
          else result.failed.push({ ...app, error: errorText(error) });
        }
      });
      const disabling =
        input.disableProfile === false
          ? Promise.resolve()
          : client
              .send(
                new UpdateUserProfileCommand({
                  DomainId: lob.domainId,
                  UserProfileName: username,
                  UserSettings: { StudioWebPortal: 'DISABLED' },
                }),
              )
              .then(
                () => void (result.profile = 'disabled'),
                (error: unknown) =>
                  void (result.profile = isResourceNotFound(error) ? 'no-profile' : { error: errorText(error) }),
              );
      await Promise.all([...stops, disabling]);
    });
  } catch (error) {
    // No session (the role could not be assumed) or the listing failed: nothing was stopped; say so.
    result.failed.push({ appType: '*', appName: '*', error: errorText(error) });
    if (result.profile === 'already-disabled' && input.disableProfile !== false)
      result.profile = { error: errorText(error) };
  }
  await recordEnd(deps, input, result);
  // This process's launches read the new record at once (other processes' copies age out).
  forgetRestoreCopies(username);
  return result;
}

async function recordEnd(deps: EndAccessDeps, input: EndAccessInput, result: EndAccessResult): Promise<void> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  const profileDisabled = result.profile === 'disabled' || result.profile === 'already-disabled';
  const summary = {
    reason: result.reason,
    stopped: result.stopped.map(appLabel),
    ...(result.failed.length ? { failed: result.failed.map((f) => `${appLabel(f)}: ${f.error}`) } : {}),
    profile: typeof result.profile === 'string' ? result.profile : `failed: ${result.profile.error}`,
  };
  const writes: Promise<unknown>[] = [];
  if (profileDisabled || result.failed.length) {
    writes.push(
      saveEndedAccess(deps, {
        username: result.username,
        lob: result.lob,
        at: now,
        by: input.actor,
        reason: result.reason,
        profileDisabled,
        pendingStop: result.failed.map(appLabel),
      }),
    );
  }
  writes.push(
    writeAdminAudit(deps, {
      type: 'admin',
      user: input.actor,
      at: now,
      requestId: input.requestId ?? randomUUID(),
      action: 'access.end',
      target: result.username,
      lob: result.lob,
      before: 'null',
      after: JSON.stringify(summary),
    }),
  );
  const settled = await Promise.allSettled(writes);
  for (const s of settled)
    if (s.status === 'rejected')
      log.error('access.record_failed', { lob: result.lob, user: result.username, error: s.reason });
  if (result.failed.length)
    log.warn('access.stop_failed', { lob: result.lob, user: result.username, failed: summary.failed });
  await notifySafely(deps, {
    event: 'access.ended',
    lob: result.lob,
    subject: `Studio access ended: ${result.username} in ${result.lob}`,
    text:
      `${result.username}'s Studio access to ${result.lob} ended (${result.reason}, by ${input.actor}): ` +
      `${result.stopped.length} app(s) stopped${result.failed.length ? `, ${result.failed.length} stop(s) failed and will be retried` : ''}.`,
    details: { user: result.username, by: input.actor, at: now, ...summary },
  });
}

/**
 * Enables the user's profile again where the portal had disabled it (the records of ended access), e.g. at
 * a grant; `lobs` limits it to those LOBs. Returns the LOBs restored; a failure is logged and left for the
 * next launch (the record stays).
 */
export async function restoreAccess(
  deps: EndAccessDeps,
  input: { username: string; actor: string; lobs: Lob[]; requestId?: string },
): Promise<string[]> {
  if (!input.lobs.length) return [];
  const ended = await endedLobsOf(deps, input.username);
  const targets = input.lobs.filter((l) => ended.includes(l.lob));
  const restored = await Promise.all(
    targets.map((lob) => enableProfile(deps, lob, input.username, input.actor, input.requestId)),
  );
  return targets.filter((_, i) => restored[i]).map((l) => l.lob);
}

/** UpdateUserProfile StudioWebPortal ENABLED, then forget the record and audit it. True when it worked. */
export async function enableProfile(
  deps: EndAccessDeps,
  lob: Lob,
  username: string,
  actor: string,
  requestId?: string,
): Promise<boolean> {
  try {
    await deps.studio.run(lob, actor, (client) =>
      client.send(
        new UpdateUserProfileCommand({
          DomainId: lob.domainId,
          UserProfileName: username,
          UserSettings: { StudioWebPortal: 'ENABLED' },
        }),
      ),
    );
  } catch (error) {
    if (!isResourceNotFound(error)) {
      log.error('access.restore_failed', { lob: lob.lob, user: username, error: errorText(error) });
      return false;
    }
  }
  const now = (deps.now?.() ?? new Date()).toISOString();
  await Promise.all([
    clearEndedAccess(deps, username, lob.lob),
    writeAdminAudit(deps, {
      type: 'admin',
      user: actor,
      at: now,
      requestId: requestId ?? randomUUID(),
      action: 'access.restore',
      target: username,
      lob: lob.lob,
      before: 'null',
      after: JSON.stringify({ profile: 'enabled' }),
    }),
  ]);
  return true;
}
