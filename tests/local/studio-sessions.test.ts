/**
 * The Studio stand-in's session model and the SageMaker calls that end access, over the wire: an app opened
 * through a presigned URL is recorded (the AWS CLI lists it), /auth sets a session cookie valid for the
 * presign's SessionExpirationDurationInSeconds, app pages need the app InService, a profile with
 * StudioWebPortal DISABLED refuses /auth and the next request of its live session, and only the portal's
 * access-control sessions may DeleteApp any app and UpdateUserProfile (a user's own session: DeleteApp of its own apps only).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreatePresignedDomainUrlCommand,
  DeleteAppCommand,
  DescribeUserProfileCommand,
  ListAppsCommand,
  ListSpacesCommand,
  SageMakerClient,
  UpdateUserProfileCommand,
} from '@aws-sdk/client-sagemaker';
import { errorOf, openStudioUrl, requestWithHost, useLocalStack } from './helpers';
import { PORTAL_PRINCIPAL } from '../../local/demo-data';
import { control } from '../../local/stack';

const stack = useLocalStack();
const DOMAIN = 'd-loba1example';
const ROLE = 'arn:aws:iam::111111111111:role/PresignedUrlGenerator';

/** A generator session: the user's own (studio-user tag) or an access-control one (portal-task tag). */
async function session(kind: { user: string } | { accessControl: string }) {
  const sts = new STSClient({ endpoint: stack().urls.aws, region: 'us-east-1', credentials: PORTAL_PRINCIPAL });
  // The generator trust policy's tag sets (infra/lob-account.ts): studio-user + lob, or portal-task + lob.
  const tags = [
    ...('user' in kind
      ? [{ Key: 'studio-user', Value: kind.user }]
      : [{ Key: 'portal-task', Value: 'access-control' }]),
    { Key: 'lob', Value: 'lob-a' },
  ];
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: ROLE,
      RoleSessionName: 'test',
      SourceIdentity: 'user' in kind ? kind.user : kind.accessControl,
      Tags: tags,
    }),
  );
  const c = out.Credentials!;
  const credentials = {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  };
  return { client: new SageMakerClient({ endpoint: stack().urls.aws, region: 'us-east-1', credentials }), credentials };
}

/** Opens Studio for `user` (JupyterLab unless told) and returns the cookie and the app page's URL. */
async function openStudio(
  user: string,
  input: { LandingUri?: string; SpaceName?: string; SessionExpirationDurationInSeconds?: number } = {},
) {
  const { client } = await session({ user });
  const { AuthorizedUrl } = await client.send(
    new CreatePresignedDomainUrlCommand({
      DomainId: DOMAIN,
      UserProfileName: user,
      LandingUri: 'app:JupyterLab:',
      SessionExpirationDurationInSeconds: 7200,
      ...input,
    }),
  );
  const res = await openStudioUrl(AuthorizedUrl!, stack().urls.aws);
  const setCookie = String(res.headers['set-cookie'] ?? '');
  const cookie = setCookie.split(';')[0];
  const appPath = /data-testid="studio-open-app"/.test(res.body)
    ? /href="([^"]+)" data-testid="studio-open-app"/.exec(res.body)?.[1]
    : undefined;
  return { res, setCookie, cookie, appPath, host: new URL(AuthorizedUrl!).host };
}

/** A request of the Studio session `cookie` names (a page after /auth). */
const page = (host: string, path: string, cookie: string) =>
  requestWithHost(`${stack().urls.aws}${path}`, host, undefined, cookie ? { cookie } : {});

/** The AWS CLI, asynchronously (the stand-ins answer from this very process). */
function awsCli(args: string[], credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) {
  const env = {
    ...process.env,
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return new Promise<{ status: number; json?: Record<string, unknown>; stderr: string }>((resolve) => {
    execFile(
      existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws',
      [...args, '--endpoint-url', stack().urls.aws, '--region', 'us-east-1', '--output', 'json'],
      { env, encoding: 'utf8' },
      (error, stdout, stderr) => {
        resolve({
          status: error ? Number(error.code ?? 1) : 0,
          json: stdout ? (JSON.parse(stdout) as Record<string, unknown>) : undefined,
          stderr,
        });
      },
    );
  });
}

describe('apps opened through a presigned URL', () => {
  it('records JupyterLab as InService: aws sagemaker list-apps shows it', async () => {
    const opened = await openStudio('user-lob-a');
    expect(opened.res.status).toBe(200);
    expect(opened.appPath).toBe('/jupyterlab/default/lab');
    const { credentials } = await session({ user: 'user-lob-a' });
    const listed = await awsCli(
      ['sagemaker', 'list-apps', '--domain-id-equals', DOMAIN, '--user-profile-name-equals', 'user-lob-a'],
      credentials,
    );
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.json?.Apps).toEqual([
      expect.objectContaining({
        DomainId: DOMAIN,
        UserProfileName: 'user-lob-a',
        AppType: 'JupyterLab',
        AppName: 'default',
        Status: 'InService',
      }),
    ]);
  });

  it('records a space app under the space, owned (privately) by the profile that opened it', async () => {
    await openStudio('user-multi', { LandingUri: 'app:CodeEditor:', SpaceName: 'multi-space' });
    const { client } = await session({ accessControl: 'access-sweep' });
    const apps = await client.send(new ListAppsCommand({ DomainIdEquals: DOMAIN, SpaceNameEquals: 'multi-space' }));
    expect(apps.Apps).toEqual([
      expect.objectContaining({ SpaceName: 'multi-space', AppType: 'CodeEditor', Status: 'InService' }),
    ]);
    expect(apps.Apps?.[0].UserProfileName).toBeUndefined();
    const spaces = await client.send(new ListSpacesCommand({ DomainIdEquals: DOMAIN }));
    expect(spaces.Spaces).toContainEqual(
      expect.objectContaining({
        SpaceName: 'multi-space',
        OwnershipSettingsSummary: { OwnerUserProfileName: 'user-multi' },
        SpaceSharingSettingsSummary: { SharingType: 'Private' },
      }),
    );
  });
});

describe('the Studio session after /auth', () => {
  it('is a cookie for the session length; app pages need it, an unexpired session and the app InService', async () => {
    const opened = await openStudio('user-lob-a', { SessionExpirationDurationInSeconds: 1800 });
    expect(opened.setCookie).toMatch(/^studio-session=[\w-]+; Path=\/; Max-Age=1800; HttpOnly; SameSite=Lax$/);
    const lab = await page(opened.host, opened.appPath!, opened.cookie);
    expect(lab.status).toBe(200);
    expect(lab.body).toContain('data-testid="studio-page">JupyterLab<');
    expect((await page(opened.host, opened.appPath!, '')).status).toBe(401);
    // A page of an app that is not running.
    expect((await page(opened.host, '/codeeditor/default/', opened.cookie)).status).toBe(404);
    // The session ends after SessionExpirationDurationInSeconds on the stand-in's clock.
    const ctl = control(stack().urls.control);
    await ctl.setStudioClock(1799);
    expect((await page(opened.host, opened.appPath!, opened.cookie)).status).toBe(200);
    await ctl.setStudioClock(1801);
    const ended = await page(opened.host, opened.appPath!, opened.cookie);
    await ctl.setStudioClock(0);
    expect(ended.status).toBe(401);
    expect(ended.body).toContain('Your Studio session has ended');
  });

  it('ends for a stopped app (DeleteApp: Deleted, still listed) and for a disabled profile, which also refuses /auth', async () => {
    const opened = await openStudio('user-multi');
    const access = await session({ accessControl: 'portal-admin' });
    await access.client.send(
      new DeleteAppCommand({
        DomainId: DOMAIN,
        UserProfileName: 'user-multi',
        AppType: 'JupyterLab',
        AppName: 'default',
      }),
    );
    expect((await page(opened.host, opened.appPath!, opened.cookie)).status).toBe(404);
    const listed = await access.client.send(
      new ListAppsCommand({ DomainIdEquals: DOMAIN, UserProfileNameEquals: 'user-multi' }),
    );
    expect(listed.Apps).toEqual([expect.objectContaining({ AppType: 'JupyterLab', Status: 'Deleted' })]);
    // Deleting it again: it is gone.
    const again = await errorOf(
      access.client.send(
        new DeleteAppCommand({
          DomainId: DOMAIN,
          UserProfileName: 'user-multi',
          AppType: 'JupyterLab',
          AppName: 'default',
        }),
      ),
    );
    expect(again.name).toBe('ResourceNotFound');

    const live = await openStudio('user-multi');
    expect((await page(live.host, live.appPath!, live.cookie)).status).toBe(200);
    await access.client.send(
      new UpdateUserProfileCommand({
        DomainId: DOMAIN,
        UserProfileName: 'user-multi',
        UserSettings: { StudioWebPortal: 'DISABLED' },
      }),
    );
    const described = await access.client.send(
      new DescribeUserProfileCommand({ DomainId: DOMAIN, UserProfileName: 'user-multi' }),
    );
    expect(described.UserSettings?.StudioWebPortal).toBe('DISABLED');
    const refused = await page(live.host, '/studio/default', live.cookie);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('Studio is disabled for this user profile');
    const reopened = await openStudio('user-multi');
    expect(reopened.res.status).toBe(403);
    expect(reopened.setCookie).toBe('');

    await access.client.send(
      new UpdateUserProfileCommand({
        DomainId: DOMAIN,
        UserProfileName: 'user-multi',
        UserSettings: { StudioWebPortal: 'ENABLED' },
      }),
    );
    expect((await openStudio('user-multi')).res.status).toBe(200);
  });
});

describe('IAM: who may stop apps and change profiles', () => {
  it("refuses a user's own launch session DeleteApp of another user's app and UpdateUserProfile; allows the access-control session", async () => {
    await openStudio('user-lob-a');
    await openStudio('user-multi');
    const own = await session({ user: 'user-lob-a' });
    for (const call of [
      own.client.send(
        new DeleteAppCommand({
          DomainId: DOMAIN,
          UserProfileName: 'user-multi',
          AppType: 'JupyterLab',
          AppName: 'default',
        }),
      ),
      own.client.send(
        new UpdateUserProfileCommand({
          DomainId: DOMAIN,
          UserProfileName: 'user-lob-a',
          UserSettings: { StudioWebPortal: 'ENABLED' },
        }),
      ),
    ]) {
      const error = await errorOf(call);
      expect(error.name).toBe('AccessDeniedException');
    }
    // Issue 25: a user's session may list spaces (no resource-level permissions) and stop its own apps (tests/cost).
    expect((await own.client.send(new ListSpacesCommand({ DomainIdEquals: DOMAIN }))).Spaces).toBeDefined();
    // An access-control session may not presign (it names no studio-user).
    const access = await session({ accessControl: 'access-sweep' });
    expect(
      (
        await errorOf(
          access.client.send(new CreatePresignedDomainUrlCommand({ DomainId: DOMAIN, UserProfileName: 'user-lob-a' })),
        )
      ).name,
    ).toBe('AccessDeniedException');
    const cli = await awsCli(
      [
        'sagemaker',
        'delete-app',
        '--domain-id',
        DOMAIN,
        '--user-profile-name',
        'user-lob-a',
        '--app-type',
        'JupyterLab',
        '--app-name',
        'default',
      ],
      access.credentials,
    );
    expect(cli.status, cli.stderr).toBe(0);
    const trail = await control(stack().urls.control).cloudTrail({
      eventName: 'DeleteApp',
      sourceIdentity: 'access-sweep',
    });
    expect(trail.at(-1)?.requestParameters).toMatchObject({
      DomainId: DOMAIN,
      UserProfileName: 'user-lob-a',
      AppType: 'JupyterLab',
    });
    expect(trail.at(-1)?.errorCode).toBeUndefined();
  });
});
