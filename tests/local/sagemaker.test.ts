import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreatePresignedDomainUrlCommand,
  CreateUserProfileCommand,
  DescribeDomainCommand,
  DescribeUserProfileCommand,
  ListDomainsCommand,
  ListUserProfilesCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { startLocalStack } from './helpers';
import type { RunningStandIns } from '../../local/stand-ins';
import { OTHER_PRINCIPAL, PORTAL_PRINCIPAL } from '../../local/demo-data';

let stack: RunningStandIns;
type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

async function assume(account: string): Promise<Creds> {
  const client = new STSClient({ endpoint: stack.urls.aws, region: 'us-east-1', credentials: PORTAL_PRINCIPAL });
  const out = await client.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/PresignedUrlGenerator`, RoleSessionName: 'portal' }));
  return { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
}

function sagemaker(credentials: Creds) {
  return new SageMakerClient({ endpoint: stack.urls.aws, region: 'us-east-1', credentials, maxAttempts: 1 });
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

let credsA: Creds;
let credsB: Creds;

beforeAll(async () => {
  stack = await startLocalStack();
  credsA = await assume('111111111111');
  credsB = await assume('222222222222');
});
afterAll(async () => {
  await stack?.stop();
});

describe('SageMaker CreatePresignedDomainUrl', () => {
  it('returns an AuthorizedUrl on the Studio host of the domain with a token', async () => {
    const out = await sagemaker(credsA).send(
      new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-lob-a', ExpiresInSeconds: 60, SessionExpirationDurationInSeconds: 43200 }),
    );
    const url = new URL(out.AuthorizedUrl!);
    const port = new URL(stack.urls.aws).port;
    expect(url.protocol).toBe('http:');
    expect(url.host).toBe(`d-loba1example.studio.us-east-1.localhost:${port}`);
    expect(url.pathname).toBe('/auth');
    expect(url.searchParams.get('token')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it.each([
    [{ ExpiresInSeconds: 4 }, 'expiresInSeconds'],
    [{ ExpiresInSeconds: 301 }, 'expiresInSeconds'],
    [{ SessionExpirationDurationInSeconds: 1799 }, 'sessionExpirationDurationInSeconds'],
    [{ SessionExpirationDurationInSeconds: 43201 }, 'sessionExpirationDurationInSeconds'],
    [{ UserProfileName: '-bad' }, 'userProfileName'],
    [{ UserProfileName: 'a'.repeat(64) }, 'userProfileName'],
    [{ SpaceName: 'bad_space' }, 'spaceName'],
    [{ LandingUri: 'app:Notebook:' }, 'LandingUri'],
    [{ DomainId: 'D-UPPER' }, 'domainId'],
  ])('rejects %j with ValidationException naming %s', async (override, field) => {
    const error = await errorOf(
      sagemaker(credsA).send(new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-lob-a', ...override })),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain(field);
  });

  it.each(['studio::', 'studio::lab/path', 'app:JupyterLab:', 'app:CodeEditor:', 'app:JupyterServer:tree'])('accepts LandingUri %s', async (landingUri) => {
    const out = await sagemaker(credsA).send(
      new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-lob-a', LandingUri: landingUri }),
    );
    expect(out.AuthorizedUrl).toContain('/auth?token=');
  });

  it('answers ResourceNotFound for an unknown user profile', async () => {
    const error = await errorOf(
      sagemaker(credsA).send(new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-no-profile' })),
    );
    expect(error.name).toBe('ResourceNotFound');
  });

  it("does not let one account's credentials see another account's domain", async () => {
    const error = await errorOf(
      sagemaker(credsB).send(new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-lob-a' })),
    );
    expect(error.name).toBe('ResourceNotFound');
    const domains = await sagemaker(credsB).send(new ListDomainsCommand({}));
    expect(domains.Domains?.map((d) => d.DomainId)).toEqual(['d-lobb1example']);
  });

  it('refuses a bad signature, unknown keys, long-term keys and expired credentials with AWS error names', async () => {
    const command = () => new DescribeDomainCommand({ DomainId: 'd-loba1example' });
    expect((await errorOf(sagemaker({ ...credsA, secretAccessKey: 'wrong' }).send(command()))).name).toBe('InvalidSignatureException');
    expect((await errorOf(sagemaker({ ...credsA, sessionToken: 'forged' }).send(command()))).name).toBe('UnrecognizedClientException');
    expect((await errorOf(sagemaker({ accessKeyId: 'ASIAUNKNOWN', secretAccessKey: 'x', sessionToken: 't' }).send(command()))).name).toBe(
      'UnrecognizedClientException',
    );
    expect((await errorOf(sagemaker(PORTAL_PRINCIPAL).send(command()))).name).toBe('AccessDeniedException');
    expect((await errorOf(sagemaker(OTHER_PRINCIPAL).send(command()))).name).toBe('AccessDeniedException');
    const expiring = await assume('111111111111');
    stack.aws.temporary.get(expiring.accessKeyId)!.expiration = new Date(Date.now() - 1);
    expect((await errorOf(sagemaker(expiring).send(command()))).name).toBe('ExpiredTokenException');
  });

  it('injects ThrottlingException through a fault and counts every call', async () => {
    stack.knobs.resetCounters();
    stack.knobs.addFault({ service: 'sagemaker', operation: 'CreatePresignedDomainUrl', error: 'ThrottlingException', count: 1 });
    const input = { DomainId: 'd-loba1example', UserProfileName: 'user-lob-a' };
    const error = await errorOf(sagemaker(credsA).send(new CreatePresignedDomainUrlCommand(input)));
    expect(error.name).toBe('ThrottlingException');
    await sagemaker(credsA).send(new CreatePresignedDomainUrlCommand(input));
    expect(stack.knobs.getCounters()['sagemaker.CreatePresignedDomainUrl']).toBe(2);
  });

  it('adds the configured latency', async () => {
    stack.knobs.setLatency({ sagemaker: 150 });
    const started = Date.now();
    await sagemaker(credsA).send(new DescribeDomainCommand({ DomainId: 'd-loba1example' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    stack.knobs.setLatency({ sagemaker: 0 });
  });
});

describe('SageMaker domains and user profiles', () => {
  it('describes the domain as an InService VpcOnly IAM domain', async () => {
    const out = await sagemaker(credsA).send(new DescribeDomainCommand({ DomainId: 'd-loba1example' }));
    expect(out).toMatchObject({ DomainId: 'd-loba1example', Status: 'InService', AppNetworkAccessType: 'VpcOnly', AuthMode: 'IAM' });
    expect(out.CreationTime).toBeInstanceOf(Date);
  });

  it('creates, describes and lists user profiles; a duplicate is ResourceInUse', async () => {
    const client = sagemaker(credsB);
    const created = await client.send(new CreateUserProfileCommand({ DomainId: 'd-lobb1example', UserProfileName: 'new-user' }));
    expect(created.UserProfileArn).toBe('arn:aws:sagemaker:us-east-1:222222222222:user-profile/d-lobb1example/new-user');
    const described = await client.send(new DescribeUserProfileCommand({ DomainId: 'd-lobb1example', UserProfileName: 'new-user' }));
    expect(described.Status).toBe('InService');
    const listed = await client.send(new ListUserProfilesCommand({ DomainIdEquals: 'd-lobb1example', MaxResults: 100 }));
    expect(listed.UserProfiles?.map((p) => p.UserProfileName)).toEqual(['new-user', 'user-lob-b', 'user-multi']);
    expect((await errorOf(client.send(new CreateUserProfileCommand({ DomainId: 'd-lobb1example', UserProfileName: 'new-user' })))).name).toBe(
      'ResourceInUse',
    );
    expect(
      (await errorOf(client.send(new DescribeUserProfileCommand({ DomainId: 'd-lobb1example', UserProfileName: 'nobody' })))).name,
    ).toBe('ResourceNotFound');
  });
});
