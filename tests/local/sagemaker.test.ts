import { beforeAll, describe, expect, it } from 'vitest';
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
import { errorOf, useLocalStack } from './helpers';
import { control } from '../../local/stack';
import { OTHER_PRINCIPAL, PORTAL_PRINCIPAL } from '../../local/demo-data';
import { generatorAssumeRoleRecord } from '../support/assume-role';

const stack = useLocalStack();
type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** A generator session as the portal opens it: SourceIdentity and the studio-user tag name `user`. */
async function assume(
  account: string,
  user = account === '111111111111' ? 'user-lob-a' : 'user-lob-b',
  tags = true,
): Promise<Creds> {
  const client = new STSClient({ endpoint: stack().urls.aws, region: 'us-east-1', credentials: PORTAL_PRINCIPAL });
  const out = await client.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/PresignedUrlGenerator`,
      RoleSessionName: `portal-${user}`,
      SourceIdentity: user,
      Tags: tags
        ? [
            { Key: 'studio-user', Value: user },
            { Key: 'lob', Value: account === '111111111111' ? 'lob-a' : 'lob-b' },
          ]
        : undefined,
    }),
  );
  return {
    accessKeyId: out.Credentials!.AccessKeyId!,
    secretAccessKey: out.Credentials!.SecretAccessKey!,
    sessionToken: out.Credentials!.SessionToken!,
  };
}

function sagemaker(credentials: Creds) {
  return new SageMakerClient({ endpoint: stack().urls.aws, region: 'us-east-1', credentials, maxAttempts: 1 });
}

let credsA: Creds;
let credsB: Creds;

beforeAll(async () => {
  credsA = await assume('111111111111');
  credsB = await assume('222222222222');
});

describe('SageMaker CreatePresignedDomainUrl', () => {
  it('returns an AuthorizedUrl on the Studio host of the domain with a token', async () => {
    const out = await sagemaker(credsA).send(
      new CreatePresignedDomainUrlCommand({
        DomainId: 'd-loba1example',
        UserProfileName: 'user-lob-a',
        ExpiresInSeconds: 60,
        SessionExpirationDurationInSeconds: 43200,
      }),
    );
    const url = new URL(out.AuthorizedUrl!);
    const port = new URL(stack().urls.aws).port;
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
      sagemaker(credsA).send(
        new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-lob-a', ...override }),
      ),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain(field);
  });

  it.each(['studio::', 'studio::lab/path', 'app:JupyterLab:', 'app:CodeEditor:', 'app:JupyterServer:tree'])(
    'accepts LandingUri %s',
    async (landingUri) => {
      const out = await sagemaker(credsA).send(
        new CreatePresignedDomainUrlCommand({
          DomainId: 'd-loba1example',
          UserProfileName: 'user-lob-a',
          LandingUri: landingUri,
        }),
      );
      expect(out.AuthorizedUrl).toContain('/auth?token=');
    },
  );

  it('answers ResourceNotFound for an unknown user profile', async () => {
    const error = await errorOf(
      sagemaker(await assume('111111111111', 'user-no-profile')).send(
        new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-no-profile' }),
      ),
    );
    expect(error.name).toBe('ResourceNotFound');
  });

  it("does not let one account's credentials see another account's domain", async () => {
    const error = await errorOf(
      sagemaker(credsB).send(
        new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-lob-a' }),
      ),
    );
    expect(error.name).toBe('ResourceNotFound');
    const domains = await sagemaker(credsB).send(new ListDomainsCommand({}));
    expect(domains.Domains?.map((d) => d.DomainId)).toEqual(['d-lobb1example']);
  });

  it('refuses a bad signature, unknown keys, long-term keys and expired credentials with AWS error names', async () => {
    const command = () => new DescribeDomainCommand({ DomainId: 'd-loba1example' });
    expect((await errorOf(sagemaker({ ...credsA, secretAccessKey: 'wrong' }).send(command()))).name).toBe(
      'InvalidSignatureException',
    );
    expect((await errorOf(sagemaker({ ...credsA, sessionToken: 'forged' }).send(command()))).name).toBe(
      'UnrecognizedClientException',
    );
    expect(
      (
        await errorOf(
          sagemaker({ accessKeyId: 'ASIAUNKNOWN', secretAccessKey: 'x', sessionToken: 't' }).send(command()),
        )
      ).name,
    ).toBe('UnrecognizedClientException');
    expect((await errorOf(sagemaker(PORTAL_PRINCIPAL).send(command()))).name).toBe('AccessDeniedException');
    expect((await errorOf(sagemaker(OTHER_PRINCIPAL).send(command()))).name).toBe('AccessDeniedException');
    const expiring = await assume('111111111111');
    stack().aws.temporary.get(expiring.accessKeyId)!.expiration = new Date(Date.now() - 1);
    expect((await errorOf(sagemaker(expiring).send(command()))).name).toBe('ExpiredTokenException');
  });

  it('injects ThrottlingException through a fault and counts every call', async () => {
    stack().knobs.resetCounters();
    stack().knobs.addFault({
      service: 'sagemaker',
      operation: 'CreatePresignedDomainUrl',
      error: 'ThrottlingException',
      count: 1,
    });
    const input = { DomainId: 'd-loba1example', UserProfileName: 'user-lob-a' };
    const error = await errorOf(sagemaker(credsA).send(new CreatePresignedDomainUrlCommand(input)));
    expect(error.name).toBe('ThrottlingException');
    await sagemaker(credsA).send(new CreatePresignedDomainUrlCommand(input));
    expect(stack().knobs.getCounters()['sagemaker.CreatePresignedDomainUrl']).toBe(2);
  });

  it('adds the configured latency', async () => {
    stack().knobs.setLatency({ sagemaker: 150 });
    const started = Date.now();
    await sagemaker(credsA).send(new DescribeDomainCommand({ DomainId: 'd-loba1example' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    stack().knobs.setLatency({ sagemaker: 0 });
  });
});

describe('SageMaker domains and user profiles', () => {
  it('describes the domain as an InService VpcOnly IAM domain', async () => {
    const out = await sagemaker(credsA).send(new DescribeDomainCommand({ DomainId: 'd-loba1example' }));
    expect(out).toMatchObject({
      DomainId: 'd-loba1example',
      Status: 'InService',
      AppNetworkAccessType: 'VpcOnly',
      AuthMode: 'IAM',
    });
    expect(out.CreationTime).toBeInstanceOf(Date);
  });

  it('creates a profile Pending, InService after the configured delay; lists it; a duplicate is ResourceInUse', async () => {
    const ctl = control(stack().urls.control);
    const client = sagemaker(await assume('222222222222', 'new-user'));
    // A clock the test controls: the profile stays Pending until the test says otherwise.
    await ctl.setProfileCreationDelay(3_600_000);
    const created = await client.send(
      new CreateUserProfileCommand({ DomainId: 'd-lobb1example', UserProfileName: 'new-user' }),
    );
    expect(created.UserProfileArn).toBe(
      'arn:aws:sagemaker:us-east-1:222222222222:user-profile/d-lobb1example/new-user',
    );
    const describe = () =>
      client.send(new DescribeUserProfileCommand({ DomainId: 'd-lobb1example', UserProfileName: 'new-user' }));
    expect((await describe()).Status).toBe('Pending');
    const early = await errorOf(
      client.send(new CreatePresignedDomainUrlCommand({ DomainId: 'd-lobb1example', UserProfileName: 'new-user' })),
    );
    expect(early.name).toBe('ValidationException');
    expect(early.message).toContain('Pending');
    await ctl.setProfileStatus('d-lobb1example', 'new-user', 'InService');
    expect((await describe()).Status).toBe('InService');
    const out = await client.send(
      new CreatePresignedDomainUrlCommand({ DomainId: 'd-lobb1example', UserProfileName: 'new-user' }),
    );
    expect(out.AuthorizedUrl).toContain('/auth?token=');
    const listed = await sagemaker(credsB).send(
      new ListUserProfilesCommand({ DomainIdEquals: 'd-lobb1example', MaxResults: 100 }),
    );
    expect(listed.UserProfiles?.map((p) => p.UserProfileName)).toEqual(['new-user', 'user-lob-b', 'user-multi']);
    expect(
      (
        await errorOf(
          client.send(new CreateUserProfileCommand({ DomainId: 'd-lobb1example', UserProfileName: 'new-user' })),
        )
      ).name,
    ).toBe('ResourceInUse');
    const nobody = sagemaker(await assume('222222222222', 'nobody'));
    expect(
      (
        await errorOf(
          nobody.send(new DescribeUserProfileCommand({ DomainId: 'd-lobb1example', UserProfileName: 'nobody' })),
        )
      ).name,
    ).toBe('ResourceNotFound');
  });

  it('turns a Pending profile InService once the delay has passed on the stand-in’s clock (no sleeping)', async () => {
    const ctl = control(stack().urls.control);
    await ctl.setProfileCreationDelay(60_000);
    const client = sagemaker(await assume('222222222222', 'quick-user'));
    await client.send(new CreateUserProfileCommand({ DomainId: 'd-lobb1example', UserProfileName: 'quick-user' }));
    const describe = () =>
      client.send(new DescribeUserProfileCommand({ DomainId: 'd-lobb1example', UserProfileName: 'quick-user' }));
    expect((await describe()).Status).toBe('Pending');
    try {
      await ctl.setStudioClock(58);
      expect((await describe()).Status).toBe('Pending');
      await ctl.setStudioClock(61);
      expect((await describe()).Status).toBe('InService');
    } finally {
      await ctl.setStudioClock(0);
    }
    await expect(ctl.setProfileCreationDelay(-1)).rejects.toThrow(/profileCreationDelayMs/);
    await ctl.setProfileCreationDelay(3000);
  });
});

describe('the LOB account rule: a session tagged for one user may act only on that user profile', () => {
  it("refuses A's session presigning, describing or creating B's profile with AccessDeniedException, as IAM would", async () => {
    const a = sagemaker(credsA);
    const presignB = await errorOf(
      a.send(new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-multi' })),
    );
    expect(presignB.name).toBe('AccessDeniedException');
    expect(presignB.message).toContain('assumed-role/PresignedUrlGenerator/portal-user-lob-a');
    expect(presignB.message).toContain(
      'sagemaker:CreatePresignedDomainUrl on resource: arn:aws:sagemaker:us-east-1:111111111111:user-profile/d-loba1example/user-multi',
    );
    expect(
      (
        await errorOf(
          a.send(new DescribeUserProfileCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-multi' })),
        )
      ).name,
    ).toBe('AccessDeniedException');
    expect(
      (
        await errorOf(
          a.send(new CreateUserProfileCommand({ DomainId: 'd-loba1example', UserProfileName: 'someone-else' })),
        )
      ).name,
    ).toBe('AccessDeniedException');
    // Domain-level calls (the admin connection test) do not depend on the tag.
    expect((await a.send(new DescribeDomainCommand({ DomainId: 'd-loba1example' }))).DomainId).toBe('d-loba1example');
  });

  it('refuses a session without the studio-user tag any profile action', async () => {
    const untagged = sagemaker(await assume('111111111111', 'user-lob-a', false));
    const error = await errorOf(
      untagged.send(new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-lob-a' })),
    );
    expect(error.name).toBe('AccessDeniedException');
  });

  it('logs CloudTrail-shaped events naming the session and its source identity, with errors and without secrets', async () => {
    const ctl = control(stack().urls.control);
    await ctl.clearCloudTrail();
    const creds = await assume('111111111111', 'user-lob-a');
    const a = sagemaker(creds);
    await a.send(new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-lob-a' }));
    await errorOf(
      a.send(new CreatePresignedDomainUrlCommand({ DomainId: 'd-loba1example', UserProfileName: 'user-multi' })),
    );
    const events = await ctl.cloudTrail({ account: '111111111111' });
    expect(events.map((e) => [e.eventSource, e.eventName, e.errorCode ?? 'ok'])).toEqual([
      ['sts.amazonaws.com', 'AssumeRole', 'ok'],
      ['sagemaker.amazonaws.com', 'CreatePresignedDomainUrl', 'ok'],
      ['sagemaker.amazonaws.com', 'CreatePresignedDomainUrl', 'AccessDeniedException'],
    ]);
    const [assumed, presigned, denied] = events;
    expect(assumed.requestParameters).toMatchObject(generatorAssumeRoleRecord('111111111111', 'user-lob-a', 'lob-a'));
    expect(assumed.userIdentity.arn).toBe(PORTAL_PRINCIPAL.arn);
    expect(presigned.userIdentity).toMatchObject({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111111111111:assumed-role/PresignedUrlGenerator/portal-user-lob-a',
      sessionContext: {
        sourceIdentity: 'user-lob-a',
        sessionIssuer: { arn: 'arn:aws:iam::111111111111:role/PresignedUrlGenerator' },
      },
    });
    expect(presigned.requestParameters).toMatchObject({ DomainId: 'd-loba1example', UserProfileName: 'user-lob-a' });
    expect(presigned.responseElements).toEqual({ authorizedUrl: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
    expect(denied.userIdentity.sessionContext?.sourceIdentity).toBe('user-lob-a');
    const text = JSON.stringify(events);
    expect(text).not.toContain(creds.secretAccessKey);
    expect(text).not.toContain(creds.sessionToken!);
    expect(text).not.toContain('/auth?token=');
    expect(await ctl.cloudTrail({ account: '222222222222', eventName: 'AssumeRole' })).toEqual([]);
  });
});
