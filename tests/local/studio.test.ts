import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreatePresignedDomainUrlCommand,
  SageMakerClient,
  type CreatePresignedDomainUrlCommandInput,
} from '@aws-sdk/client-sagemaker';
import { openStudioUrl, startLocalStack } from './helpers';
import { control } from '../../local/stack';
import type { RunningStandIns } from '../../local/stand-ins';
import { PORTAL_PRINCIPAL } from '../../local/demo-data';

async function presign(
  stack: RunningStandIns,
  input: Partial<CreatePresignedDomainUrlCommandInput> = {},
  account = '111111111111',
) {
  const sts = new STSClient({ endpoint: stack.urls.aws, region: 'us-east-1', credentials: PORTAL_PRINCIPAL });
  const user = input.UserProfileName ?? 'user-lob-a';
  const role = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/PresignedUrlGenerator`,
      RoleSessionName: 'portal',
      SourceIdentity: user,
      Tags: [
        { Key: 'studio-user', Value: user },
        { Key: 'lob', Value: account === '111111111111' ? 'lob-a' : 'lob-b' },
      ],
    }),
  );
  const client = new SageMakerClient({
    endpoint: stack.urls.aws,
    region: 'us-east-1',
    credentials: {
      accessKeyId: role.Credentials!.AccessKeyId!,
      secretAccessKey: role.Credentials!.SecretAccessKey!,
      sessionToken: role.Credentials!.SessionToken!,
    },
  });
  const out = await client.send(
    new CreatePresignedDomainUrlCommand({
      DomainId: 'd-loba1example',
      UserProfileName: 'user-lob-a',
      ExpiresInSeconds: 30,
      ...input,
    }),
  );
  return out.AuthorizedUrl!;
}

function testIdText(html: string, id: string): string | undefined {
  return new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

let stack: RunningStandIns;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Studio landing (/auth?token=)', () => {
  it('shows domain, account, user profile and app for a fresh token', async () => {
    const url = await presign(stack);
    const res = await openStudioUrl(url, stack.urls.aws);
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/<h1>SageMaker Studio<\/h1>/);
    expect(testIdText(res.body, 'studio-domain')).toBe('d-loba1example');
    expect(testIdText(res.body, 'studio-account')).toBe('111111111111');
    expect(testIdText(res.body, 'studio-user')).toBe('user-lob-a');
    expect(testIdText(res.body, 'studio-app')).toBe('Studio');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('names the landing app or space', async () => {
    const lab = await openStudioUrl(await presign(stack, { LandingUri: 'app:JupyterLab:' }), stack.urls.aws);
    expect(testIdText(lab.body, 'studio-app')).toBe('JupyterLab');
    const space = await openStudioUrl(
      await presign(stack, { LandingUri: 'app:CodeEditor:', SpaceName: 'team-space' }),
      stack.urls.aws,
    );
    expect(testIdText(space.body, 'studio-app')).toBe('CodeEditor space team-space');
  });

  it('refuses a replayed token', async () => {
    const url = await presign(stack);
    expect((await openStudioUrl(url, stack.urls.aws)).status).toBe(200);
    const again = await openStudioUrl(url, stack.urls.aws);
    expect(again.status).toBe(403);
    expect(again.body).toContain('Invalid or Expired Auth Token');
    // A styled page that says what to do, readable on a phone (not a bare error document).
    expect(again.body).toMatch(/<style>[^<]*main\{/);
    expect(again.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(testIdText(again.body, 'studio-error-hint')).toMatch(/open Studio again/);
  });

  it('refuses a token after ExpiresInSeconds', async () => {
    const url = await presign(stack, { ExpiresInSeconds: 5 });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6000 });
    const res = await openStudioUrl(url, stack.urls.aws);
    expect(res.status).toBe(403);
    expect(res.body).toContain('Invalid or Expired Auth Token');
  });

  it('judges ExpiresInSeconds on the stand-in’s clock (POST /_local/studio/clock), as AWS judges it on its own', async () => {
    const [inTime, late] = [
      await presign(stack, { ExpiresInSeconds: 5 }),
      await presign(stack, { ExpiresInSeconds: 5 }),
    ];
    const ctl = control(stack.urls.control);
    try {
      await ctl.setStudioClock(4);
      expect((await openStudioUrl(inTime, stack.urls.aws)).status).toBe(200);
      await ctl.setStudioClock(6);
      const res = await openStudioUrl(late, stack.urls.aws);
      expect(res.status).toBe(403);
      expect(res.body).toContain('Invalid or Expired Auth Token');
    } finally {
      await ctl.setStudioClock(0);
    }
  });

  it('refuses a tampered token and a token used on another domain host', async () => {
    const url = await presign(stack);
    const tampered = url.replace(/token=([^.]+)\.([^.]+)\.(.+)$/, (_m, h, p, s) => `token=${h}.${p}x.${s}`);
    expect((await openStudioUrl(tampered, stack.urls.aws)).body).toContain('Invalid or Expired Auth Token');
    const otherHost = url.replace('d-loba1example', 'd-lobb1example');
    expect((await openStudioUrl(otherHost, stack.urls.aws)).body).toContain('Invalid or Expired Auth Token');
  });
});

describe('Studio VPC endpoint check', () => {
  let restricted: RunningStandIns;
  beforeAll(async () => {
    restricted = await startLocalStack({ STUDIO_VPCE_ADDRESSES: '127.0.0.2' });
  });
  afterAll(async () => {
    await restricted?.stop();
  });

  it('refuses a request that did not arrive on the VPC endpoint address', async () => {
    const url = await presign(restricted);
    const res = await openStudioUrl(url, restricted.urls.aws);
    expect(res.status).toBe(403);
    expect(res.body).toContain('Auth token containing insufficient permissions');
  });

  it('applies the check only to VpcOnly domains', async () => {
    const url = await presign(restricted);
    restricted.aws.domains.get('d-loba1example')!.appNetworkAccessType = 'PublicInternetOnly';
    try {
      expect((await openStudioUrl(url, restricted.urls.aws)).status).toBe(200);
    } finally {
      restricted.aws.domains.get('d-loba1example')!.appNetworkAccessType = 'VpcOnly';
    }
  });
});

describe('Studio URL configuration', () => {
  let custom: RunningStandIns;
  beforeAll(async () => {
    custom = await startLocalStack({
      STUDIO_DOMAIN_SUFFIX: 'sagemaker.aws',
      STUDIO_PUBLIC_SCHEME: 'https',
      STUDIO_PUBLIC_PORT: '443',
    });
  });
  afterAll(async () => {
    await custom?.stop();
  });

  it('uses the configured suffix, scheme and port', async () => {
    const url = await presign(custom);
    expect(url).toMatch(/^https:\/\/d-loba1example\.studio\.us-east-1\.sagemaker\.aws\/auth\?token=/);
    expect((await openStudioUrl(url, custom.urls.aws)).status).toBe(200);
  });
});
