/**
 * Studio follows every revocation, through the production code (lib/admin, lib/access, the launch) and SDK
 * clients against the stand-ins over the wire, with the portal's clock moved through CLOCK_OFFSET_FILE:
 * - an admin removes a member: before removeMember returns, the member's JupyterLab is stopped (ListApps:
 *   Deleted) and their live Studio session refuses its next request; CloudTrail shows DeleteApp and
 *   UpdateUserProfile with the admin as source identity; audit and SNS `access.ended` say who, where, why;
 *   the next grant enables the profile again;
 * - a failed stop is reported (access.stop_pending), remembered, and the sweep's next run stops it;
 * - after a membership's end date and after an IdP group removal, the sweep's next run does the same, as
 *   `access-sweep`;
 * - a user re-added to the IdP group gets the profile enabled by their next launch.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { openStudioUrl, requestWithHost, useLocalStack } from '../local/helpers';
import { control } from '@/local/stack';
import type { PortalConfig } from '@/lib/config';
import { inProcessPortalConfig } from '@/local/in-process-portal';
import { createDynamoDocumentClient } from '@/lib/aws/clients';
import { createAdminDeps, type AdminDeps } from '@/lib/admin/deps';
import { removeMember, setMember } from '@/lib/admin/members';
import { listAudit } from '@/lib/admin/audit';
import { decideMember, startReview } from '@/lib/admin/reviews';
import { requireLob } from '@/lib/admin/lobs';
import { createDirectory } from '@/lib/directory';
import { createLaunchDeps, launchStudio, type LaunchDeps } from '@/lib/launch';
import { runAccessSweep } from '@/lib/access/sweep';
import { endedAccessOf } from '@/lib/directory/studio-access';
import { PortalError } from '@/lib/errors';
import { subForUsername } from '@/local/cognito/user-store';

const stack = useLocalStack();
const DOMAIN_A = 'd-loba1example';
const DAY = 86_400;
let config: PortalConfig;
let deps: AdminDeps;
let launchDeps: LaunchDeps;
let ctl: ReturnType<typeof control>;
let clockFile: string;
const setClock = (seconds: number) => writeFileSync(clockFile, String(seconds));

beforeAll(async () => {
  clockFile = path.join(mkdtempSync(path.join(tmpdir(), 'access-clock-')), 'offset');
  setClock(0);
  config = inProcessPortalConfig(stack(), {
    AUDIT_WRITE: 'before-response',
    LOB_CACHE_SECONDS: '0',
    CLOCK_OFFSET_FILE: clockFile,
  });
  deps = createAdminDeps(config, createDynamoDocumentClient(config));
  launchDeps = createLaunchDeps(config, createDirectory(config));
  ctl = control(stack().urls.control);
});
beforeEach(async () => {
  setClock(0);
  await ctl.clearFaults();
});

/** Opens JupyterLab in `lob` through the production launch, then the URL; returns the live Studio session. */
async function openJupyterLab(username: string, groups: string[] = [], lob = 'lob-a') {
  const result = await launchStudio(launchDeps, {
    user: { username, groups, sub: subForUsername(username) },
    channel: 'portal',
    requestId: randomUUID(),
    lob,
    app: 'jupyterlab',
  });
  const res = await openStudioUrl(result.url, stack().urls.aws);
  expect(res.status).toBe(200);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return { host: new URL(result.url).host, cookie };
}

/** A request of the live Studio session (the app page); its status. */
const studioPage = async (session: { host: string; cookie: string }, pagePath = '/jupyterlab/default/lab') =>
  (await requestWithHost(`${stack().urls.aws}${pagePath}`, session.host, undefined, { cookie: session.cookie })).status;

/** The app's status as the stand-in holds it (read without a SageMaker call, so CloudTrail shows only the portal's). */
function appStatus(username: string, appType = 'JupyterLab') {
  const domain = stack().aws.domains.get(DOMAIN_A)!;
  return domain.apps.get(`${username}/${appType}`)?.status;
}

async function profileSetting(username: string) {
  return stack().aws.domains.get(DOMAIN_A)!.profiles.get(username)?.studioWebPortal;
}

async function snsFor(user: string) {
  const messages = await ctl.snsMessages();
  return messages
    .map((m) => JSON.parse(String(m.message ?? m.Message)) as Record<string, unknown>)
    .filter((m) => m.event === 'access.ended' && m.user === user);
}

/** The platform admin adds `username` to `lob` (no end unless `until`) or removes them, as the console does. */
const grant = ({ username, lob, until }: { username: string; lob: string; until?: string }) =>
  setMember(deps, { grantor: { username: 'portal-admin', platformAdmin: true }, lob, username, until });
const revoke = ({ username, lob }: { username: string; lob: string }) =>
  removeMember(deps, { actor: 'portal-admin', lob, username });

describe('an admin removes a member with a running JupyterLab', () => {
  it('stops the app and ends the live session before removeMember returns; audit, CloudTrail and SNS show it; the next grant restores', async () => {
    await grant({ username: 'user-no-lob', lob: 'lob-a' });
    const session = await openJupyterLab('user-no-lob');
    expect(await studioPage(session)).toBe(200);
    expect(appStatus('user-no-lob')).toBe('InService');
    await ctl.clearCloudTrail();

    await revoke({ username: 'user-no-lob', lob: 'lob-a' });

    expect(appStatus('user-no-lob')).toBe('Deleted');
    expect(await profileSetting('user-no-lob')).toBe('DISABLED');
    expect(await studioPage(session)).toBe(403);
    expect(await studioPage(session, '/studio/default')).toBe(401);
    const trail = await ctl.cloudTrail({ account: '111111111111', sourceIdentity: 'portal-admin' });
    const calls = trail
      .filter((e) => e.eventSource === 'sagemaker.amazonaws.com' && !e.errorCode)
      .map((e) => e.eventName);
    expect(calls).toEqual(expect.arrayContaining(['ListApps', 'DeleteApp', 'UpdateUserProfile']));
    expect(trail.find((e) => e.eventName === 'DeleteApp')?.requestParameters).toMatchObject({
      DomainId: DOMAIN_A,
      UserProfileName: 'user-no-lob',
      AppType: 'JupyterLab',
    });
    const [ended] = (await listAudit(deps, { lob: 'lob-a', user: 'portal-admin' }, { limit: 20 })).entries.filter(
      (e) => e.action === 'access.end' && e.target === 'user-no-lob',
    );
    expect(JSON.parse(ended.after!)).toMatchObject({ reason: 'removed', stopped: ['JupyterLab'], profile: 'disabled' });
    expect(await snsFor('user-no-lob')).toContainEqual(
      expect.objectContaining({ lob: 'lob-a', reason: 'removed', by: 'portal-admin', stopped: ['JupyterLab'] }),
    );
    expect((await endedAccessOf(deps, 'user-no-lob')).map((e) => e.lob)).toEqual(['lob-a']);

    // Granted again: the profile is enabled at once, and Studio opens.
    await grant({ username: 'user-no-lob', lob: 'lob-a' });
    expect(await profileSetting('user-no-lob')).toBe('ENABLED');
    expect(await endedAccessOf(deps, 'user-no-lob')).toEqual([]);
    expect(await studioPage(await openJupyterLab('user-no-lob'))).toBe(200);
    await revoke({ username: 'user-no-lob', lob: 'lob-a' });
  });

  it('reports a stop that failed (access.stop_pending), remembers it, and the sweep stops it on its next run', async () => {
    await grant({ username: 'user-no-lob', lob: 'lob-a' });
    const session = await openJupyterLab('user-no-lob');
    await ctl.setFault({ service: 'sagemaker', operation: 'DeleteApp', error: 'ServiceUnavailable', count: 3 });
    const error = await revoke({ username: 'user-no-lob', lob: 'lob-a' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortalError);
    expect((error as PortalError).code).toBe('access.stop_pending');
    expect((error as PortalError).message).toMatch(/Removed user-no-lob from lob-a\. .*JupyterLab in lob-a.*retries/);
    expect(appStatus('user-no-lob')).toBe('InService');
    // The profile was disabled all the same: the live session is refused already.
    expect(await studioPage(session)).toBe(403);
    expect((await endedAccessOf(deps, 'user-no-lob'))[0]).toMatchObject({
      lob: 'lob-a',
      pendingStop: ['JupyterLab'],
      profileDisabled: true,
    });

    await ctl.clearFaults();
    const swept = await runAccessSweep({ ...deps, studio: deps.studio! });
    const lobA = swept.lobs.find((l) => l.lob === 'lob-a')!;
    expect(lobA.ended.map((e) => [e.username, e.reason, e.stopped.map((a) => a.appType), e.profile])).toContainEqual([
      'user-no-lob',
      'idp.not_in_group',
      ['JupyterLab'],
      'already-disabled',
    ]);
    expect(appStatus('user-no-lob')).toBe('Deleted');
    expect((await endedAccessOf(deps, 'user-no-lob'))[0].pendingStop).toBeUndefined();
  });
});

describe('"Remove" in an access review', () => {
  it("stops the member's app and ends their live session as part of the decision, named after the reviewer", async () => {
    await grant({ username: 'user-no-lob', lob: 'lob-a' });
    const session = await openJupyterLab('user-no-lob', [], 'lob-a');
    const review = await startReview(deps, { actor: 'owner-lob-a', lob: await requireLob(deps, 'lob-a') });
    await decideMember(deps, {
      grantor: { username: 'owner-lob-a', platformAdmin: false },
      review,
      username: 'user-no-lob',
      decision: 'remove',
      comment: 'Left the team',
    });
    const lobA = stack().aws.domains.get('d-loba1example')!;
    expect(lobA.apps.get('user-no-lob/JupyterLab')?.status).toBe('Deleted');
    expect(lobA.profiles.get('user-no-lob')?.studioWebPortal).toBe('DISABLED');
    expect(await studioPage(session)).toBe(403);
    expect(await snsFor('user-no-lob')).toContainEqual(
      expect.objectContaining({ lob: 'lob-a', reason: 'review.removed', by: 'owner-lob-a' }),
    );
    const [deleted] = await ctl.cloudTrail({ eventName: 'DeleteApp', sourceIdentity: 'owner-lob-a' });
    expect(deleted.requestParameters).toMatchObject({ DomainId: 'd-loba1example', UserProfileName: 'user-no-lob' });
  });
});

describe('the access sweep', () => {
  it("after a membership's end date (portal clock moved), its next run stops the app and disables the profile as access-sweep", async () => {
    const until = new Date(Date.now() + 2 * DAY * 1000).toISOString().slice(0, 10);
    await grant({ username: 'user-lob-a', lob: 'lob-b', until: new Date(`${until}T23:59:59.999Z`).toISOString() });
    const session = await openJupyterLab('user-lob-a', [], 'lob-b');
    const lobB = stack().aws.domains.get('d-lobb1example')!;
    expect(lobB.apps.get('user-lob-a/JupyterLab')?.status).toBe('InService');

    // Before the end date the sweep leaves them alone.
    let swept = await runAccessSweep({ ...deps, studio: deps.studio! });
    expect(swept.lobs.find((l) => l.lob === 'lob-b')!.ended).toEqual([]);
    await ctl.clearCloudTrail();
    setClock(4 * DAY);
    swept = await runAccessSweep({ ...deps, studio: deps.studio! });
    const ended = swept.lobs.find((l) => l.lob === 'lob-b')!.ended;
    expect(ended.map((e) => [e.username, e.reason, e.profile])).toEqual([
      ['user-lob-a', 'membership.ended', 'disabled'],
    ]);
    expect(lobB.apps.get('user-lob-a/JupyterLab')?.status).toBe('Deleted');
    expect(lobB.profiles.get('user-lob-a')?.studioWebPortal).toBe('DISABLED');
    expect(await studioPage(session)).toBe(403);
    // Their lob-a access is untouched.
    expect(stack().aws.domains.get(DOMAIN_A)!.profiles.get('user-lob-a')?.studioWebPortal).not.toBe('DISABLED');
    const trail = await ctl.cloudTrail({ account: '222222222222', sourceIdentity: 'access-sweep' });
    expect(trail.filter((e) => !e.errorCode).map((e) => e.eventName)).toEqual(
      expect.arrayContaining(['ListApps', 'DeleteApp', 'UpdateUserProfile']),
    );
    const audit = (await listAudit(deps, { lob: 'lob-b', user: 'access-sweep' }, { limit: 10 })).entries.find(
      (e) => e.action === 'access.end' && e.target === 'user-lob-a',
    );
    expect(JSON.parse(audit!.after!)).toMatchObject({
      reason: 'membership.ended',
      stopped: ['JupyterLab'],
      profile: 'disabled',
    });
    expect(await snsFor('user-lob-a')).toContainEqual(
      expect.objectContaining({ lob: 'lob-b', reason: 'membership.ended', by: 'access-sweep' }),
    );

    // A second run finds nothing more to do (the profile is known disabled, no app runs).
    swept = await runAccessSweep({ ...deps, studio: deps.studio! });
    expect(swept.lobs.find((l) => l.lob === 'lob-b')!.ended).toEqual([]);
  });

  it('after an IdP group removal (AdminRemoveUserFromGroup), its next run ends the access; re-added, the next launch enables the profile', async () => {
    const session = await openJupyterLab('user-group-a', ['lob-a-users']);
    await deps.cognito.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: deps.userPoolId,
        Username: 'user-group-a',
        GroupName: 'lob-a-users',
      }),
    );
    const swept = await runAccessSweep({ ...deps, studio: deps.studio! });
    const ended = swept.lobs.find((l) => l.lob === 'lob-a')!.ended.filter((e) => e.username === 'user-group-a');
    expect(ended.map((e) => [e.reason, e.stopped.map((a) => a.appType), e.profile])).toEqual([
      ['idp.not_in_group', ['JupyterLab'], 'disabled'],
    ]);
    expect(appStatus('user-group-a')).toBe('Deleted');
    expect(await studioPage(session)).toBe(403);
    expect(await snsFor('user-group-a')).toContainEqual(
      expect.objectContaining({ lob: 'lob-a', reason: 'idp.not_in_group', by: 'access-sweep' }),
    );
    // Cognito was asked about the users in Studio only, not the pool.
    expect(swept.cognitoCalls).toBeLessThan(20);

    await deps.cognito.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: deps.userPoolId,
        Username: 'user-group-a',
        GroupName: 'lob-a-users',
      }),
    );
    const again = await openJupyterLab('user-group-a', ['lob-a-users']);
    expect(await studioPage(again)).toBe(200);
    expect(await profileSetting('user-group-a')).toBe('ENABLED');
    expect(await endedAccessOf(deps, 'user-group-a')).toEqual([]);
    const [restore] = await ctl.cloudTrail({ eventName: 'UpdateUserProfile', sourceIdentity: 'user-group-a' });
    expect(restore.requestParameters).toMatchObject({
      UserProfileName: 'user-group-a',
      UserSettings: { StudioWebPortal: 'ENABLED' },
    });
  });

  it('after a user is disabled in the user pool (AdminDisableUser), its next run ends their access in every LOB they are in Studio', async () => {
    const session = await openJupyterLab('user-lob-b', [], 'lob-b');
    await deps.cognito.send(new AdminDisableUserCommand({ UserPoolId: deps.userPoolId, Username: 'user-lob-b' }));
    try {
      const swept = await runAccessSweep({ ...deps, studio: deps.studio! });
      const ended = swept.lobs.find((l) => l.lob === 'lob-b')!.ended.filter((e) => e.username === 'user-lob-b');
      expect(ended.map((e) => [e.reason, e.stopped.map((a) => a.appType), e.profile])).toEqual([
        ['user.disabled', ['JupyterLab'], 'disabled'],
      ]);
      expect(await studioPage(session)).toBe(403);
    } finally {
      await deps.cognito.send(new AdminEnableUserCommand({ UserPoolId: deps.userPoolId, Username: 'user-lob-b' }));
    }
  });
});
