import { describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { errorOf, useLocalStack } from './helpers';
import { OTHER_PRINCIPAL, PORTAL_PRINCIPAL } from '../../local/demo-data';

const stack = useLocalStack();
const ROLE_A = 'arn:aws:iam::111111111111:role/PresignedUrlGenerator';

function sts(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = PORTAL_PRINCIPAL) {
  return new STSClient({ endpoint: stack().urls.aws, region: 'us-east-1', credentials, maxAttempts: 1 });
}

describe('STS AssumeRole', () => {
  it('issues temporary credentials for a registered LOB generator role with the default one-hour expiration', async () => {
    const before = Date.now();
    const out = await sts().send(
      new AssumeRoleCommand({ RoleArn: ROLE_A, SourceIdentity: 'user-lob-a', RoleSessionName: 'studio-portal' }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(out.Credentials?.SessionToken).toBeTruthy();
    const expiresIn = out.Credentials!.Expiration!.getTime() - before;
    expect(expiresIn).toBeGreaterThan(3590_000);
    expect(expiresIn).toBeLessThan(3610_000);
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111111111111:assumed-role/PresignedUrlGenerator/studio-portal');
  });

  it('honours DurationSeconds 900 and 43200', async () => {
    for (const seconds of [900, 43200]) {
      const out = await sts().send(
        new AssumeRoleCommand({
          RoleArn: ROLE_A,
          SourceIdentity: 'user-lob-a',
          RoleSessionName: 'ss',
          DurationSeconds: seconds,
        }),
      );
      const expiresIn = out.Credentials!.Expiration!.getTime() - Date.now();
      expect(Math.abs(expiresIn - seconds * 1000)).toBeLessThan(5000);
    }
  });

  it.each([899, 43201])('rejects DurationSeconds %i with ValidationError', async (seconds) => {
    const error = await errorOf(
      sts().send(
        new AssumeRoleCommand({
          RoleArn: ROLE_A,
          SourceIdentity: 'user-lob-a',
          RoleSessionName: 'ss',
          DurationSeconds: seconds,
        }),
      ),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain('durationSeconds');
  });

  it('refuses a principal other than the portal with AccessDenied', async () => {
    const error = await errorOf(
      sts(OTHER_PRINCIPAL).send(
        new AssumeRoleCommand({ RoleArn: ROLE_A, SourceIdentity: 'user-lob-a', RoleSessionName: 'ss' }),
      ),
    );
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toContain(OTHER_PRINCIPAL.arn);
    expect(error.$metadata?.httpStatusCode).toBe(403);
  });

  it('refuses roles that are not a registered generator role', async () => {
    for (const roleArn of [
      'arn:aws:iam::333333333333:role/PresignedUrlGenerator',
      'arn:aws:iam::111111111111:role/Admin',
    ]) {
      const error = await errorOf(
        sts().send(new AssumeRoleCommand({ RoleArn: roleArn, SourceIdentity: 'user-lob-a', RoleSessionName: 'ss' })),
      );
      expect(error.name).toBe('AccessDenied');
    }
  });

  it('refuses role chaining from assumed-role credentials', async () => {
    const out = await sts().send(
      new AssumeRoleCommand({ RoleArn: ROLE_A, SourceIdentity: 'user-lob-a', RoleSessionName: 'ss' }),
    );
    const chained = sts({
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    });
    const error = await errorOf(
      chained.send(new AssumeRoleCommand({ RoleArn: ROLE_A, SourceIdentity: 'user-lob-a', RoleSessionName: 'ss' })),
    );
    expect(error.name).toBe('AccessDenied');
    const identity = await chained.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('111111111111');
  });

  it('rejects a bad signature with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId', async () => {
    const bad = await errorOf(
      sts({ ...PORTAL_PRINCIPAL, secretAccessKey: 'wrong' }).send(
        new AssumeRoleCommand({ RoleArn: ROLE_A, SourceIdentity: 'user-lob-a', RoleSessionName: 'ss' }),
      ),
    );
    expect(bad.name).toBe('SignatureDoesNotMatch');
    const unknown = await errorOf(
      sts({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})),
    );
    expect(unknown.name).toBe('InvalidClientTokenId');
  });

  it('answers ExpiredToken for expired temporary credentials', async () => {
    const out = await sts().send(
      new AssumeRoleCommand({ RoleArn: ROLE_A, SourceIdentity: 'user-lob-a', RoleSessionName: 'ss' }),
    );
    stack().aws.temporary.get(out.Credentials!.AccessKeyId!)!.expiration = new Date(Date.now() - 1000);
    const error = await errorOf(
      sts({
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      }).send(new GetCallerIdentityCommand({})),
    );
    expect(error.name).toBe('ExpiredToken');
  });

  it('counts calls and injects faults through the control API', async () => {
    stack().knobs.resetCounters();
    stack().knobs.addFault({ service: 'sts', operation: 'AssumeRole', error: 'Throttling', count: 1 });
    const error = await errorOf(
      sts().send(new AssumeRoleCommand({ RoleArn: ROLE_A, SourceIdentity: 'user-lob-a', RoleSessionName: 'ss' })),
    );
    expect(error.name).toBe('Throttling');
    await sts().send(new AssumeRoleCommand({ RoleArn: ROLE_A, SourceIdentity: 'user-lob-a', RoleSessionName: 'ss' }));
    expect(stack().knobs.getCounters()['sts.AssumeRole']).toBe(2);
  });
});

describe('STS AssumeRole: SourceIdentity and session tags', () => {
  const tags = [
    { Key: 'studio-user', Value: 'user-lob-a' },
    { Key: 'lob', Value: 'lob-a' },
  ];

  it('returns the SourceIdentity and binds it and the tags to the credentials', async () => {
    const out = await sts().send(
      new AssumeRoleCommand({
        RoleArn: ROLE_A,
        RoleSessionName: 'portal-user-lob-a',
        SourceIdentity: 'user-lob-a',
        Tags: tags,
      }),
    );
    expect(out.SourceIdentity).toBe('user-lob-a');
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const issued = stack().aws.temporary.get(out.Credentials!.AccessKeyId!)!;
    expect(issued).toMatchObject({
      sourceIdentity: 'user-lob-a',
      tags: { 'studio-user': 'user-lob-a', lob: 'lob-a' },
      sessionName: 'portal-user-lob-a',
    });
  });

  it('refuses an AssumeRole without SourceIdentity: the generator role trust requires one', async () => {
    const error = await errorOf(
      sts().send(new AssumeRoleCommand({ RoleArn: ROLE_A, RoleSessionName: 'portal', Tags: tags })),
    );
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata?.httpStatusCode).toBe(403);
  });

  it('refuses an untagged AssumeRole without SourceIdentity in every LOB account, one added later too', async () => {
    const lateRole = 'arn:aws:iam::999999999999:role/PresignedUrlGenerator';
    const roleNames = new Set(['PresignedUrlGenerator']);
    stack().aws.accounts.set('999999999999', { accountId: '999999999999', label: 'lob-late', roleNames });
    for (const roleArn of [ROLE_A, lateRole]) {
      // What the usage page's "Studio apps running now" sent before it used the access-control session.
      const input = { RoleArn: roleArn, RoleSessionName: 'studio-portal-list-apps', DurationSeconds: 900 };
      const error = await errorOf(sts().send(new AssumeRoleCommand(input)));
      expect(error.name, roleArn).toBe('AccessDenied');
    }
    const late = await sts().send(
      new AssumeRoleCommand({ RoleArn: lateRole, RoleSessionName: 'portal', SourceIdentity: 'test-admin' }),
    );
    expect(late.SourceIdentity).toBe('test-admin');
  });

  it('evaluates the trust per action like the split policy: TagSession takes exactly studio-user and lob', async () => {
    for (const only of [
      [tags[0]],
      [tags[1]],
      [{ Key: 'purpose', Value: 'connection-test' }],
      [...tags, { Key: 'purpose', Value: 'x' }],
    ]) {
      const error = await errorOf(
        sts().send(
          new AssumeRoleCommand({
            RoleArn: ROLE_A,
            RoleSessionName: 'portal',
            SourceIdentity: 'user-lob-a',
            Tags: only,
          }),
        ),
      );
      expect(error.name, JSON.stringify(only)).toBe('AccessDenied');
    }
    // Untagged with a source identity (AssumeRole + SetSourceIdentity only): allowed, as the policy does.
    const untagged = await sts().send(
      new AssumeRoleCommand({ RoleArn: ROLE_A, RoleSessionName: 'portal', SourceIdentity: 'portal-admin' }),
    );
    expect(untagged.SourceIdentity).toBe('portal-admin');
  });

  it.each([
    [{ SourceIdentity: 'a' }, 'ValidationError', 'sourceIdentity'],
    [{ SourceIdentity: 'has space' }, 'ValidationError', 'sourceIdentity'],
    [{ SourceIdentity: 'x'.repeat(65) }, 'ValidationError', 'sourceIdentity'],
    [{ SourceIdentity: 'aws:admin' }, 'ValidationError', 'aws:'],
    [
      {
        Tags: [
          { Key: 'studio-user', Value: 'a' },
          { Key: 'Studio-User', Value: 'b' },
        ],
      },
      'InvalidParameterValue',
      'Duplicate tag keys',
    ],
    [{ Tags: [{ Key: 'aws:user', Value: 'a' }] }, 'InvalidParameterValue', 'aws:'],
    [{ Tags: [{ Key: 'bad*key', Value: 'a' }] }, 'ValidationError', 'key'],
    [{ Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }, 'ValidationError', 'value'],
    [{ Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }, 'ValidationError', 'tags'],
    [
      { Tags: [{ Key: 'lob', Value: 'lob-a' }], TransitiveTagKeys: ['studio-user'] },
      'InvalidParameterValue',
      'transitive',
    ],
  ])('rejects %j with %s naming %s', async (input, code, text) => {
    const error = await errorOf(
      sts().send(
        new AssumeRoleCommand({ RoleArn: ROLE_A, RoleSessionName: 'portal', SourceIdentity: 'user-lob-a', ...input }),
      ),
    );
    expect(error.name).toBe(code);
    expect(error.message).toContain(text);
  });
});
