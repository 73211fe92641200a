// The checks the infra tests rely on, fed with deliberately broken variants of what the modules build:
// each must report a violation, so a change that makes something public or trusts `*` fails the suite.
import { describe, expect, it } from 'vitest';
import { buildExecutionPolicy, buildGeneratorPolicy, buildGeneratorTrustPolicy } from './lob-account';
import {
  checkActionsAndResources,
  checkIngress,
  checkNoPublicAccess,
  checkNoWildcardActions,
  checkPrivateApi,
  checkSourceVpce,
  checkTrustPolicy,
  evaluate,
  isAllowed,
  isAssumeRoleAllowed,
  parsePolicy,
  type IngressRule,
  type PolicyDocument,
} from './policy-check';
import { buildApiPolicy } from './portal-api';
import { buildFunctionPolicy } from './portal-function';

const PORTAL_ROLE = 'arn:aws:iam::999999999999:role/studio-portal-dev-server';
const EXECUTE_API_VPCE = 'vpce-0executeapi000001';
const SAGEMAKER_VPCE = 'vpce-0sagemakerapi0001';
const generator = (autoCreateProfile = false) =>
  buildGeneratorPolicy({
    region: 'us-east-1',
    accountId: '111111111111',
    domainId: 'd-loba1example',
    sagemakerApiEndpointId: SAGEMAKER_VPCE,
    autoCreateProfile,
  });
const mutate = (json: string, change: (doc: PolicyDocument) => void): string => {
  const doc = parsePolicy(json);
  change(doc);
  return JSON.stringify(doc);
};
const rules = (violations: { rule: string }[]) => violations.map((v) => v.rule);

describe('policy checks catch broken variants', () => {
  it('a generator trust policy that trusts * is caught', () => {
    const good = buildGeneratorTrustPolicy(PORTAL_ROLE);
    expect(checkTrustPolicy(good, [PORTAL_ROLE])).toEqual([]);
    expect(rules(checkTrustPolicy(buildGeneratorTrustPolicy('*'), [PORTAL_ROLE]))).toContain('trust.wildcard');
    const anonymous = mutate(good, (d) => (d.Statement[0].Principal = '*'));
    expect(rules(checkTrustPolicy(anonymous, [PORTAL_ROLE]))).toContain('trust.wildcard');
  });

  it('a trust policy naming a whole account, another role or using NotPrincipal is caught', () => {
    expect(
      rules(checkTrustPolicy(buildGeneratorTrustPolicy('arn:aws:iam::999999999999:root'), [PORTAL_ROLE])),
    ).toContain('trust.account_root');
    expect(
      rules(checkTrustPolicy(buildGeneratorTrustPolicy('arn:aws:iam::999999999999:role/other'), [PORTAL_ROLE])),
    ).toContain('trust.unexpected_principal');
    const notPrincipal = mutate(buildGeneratorTrustPolicy(PORTAL_ROLE), (d) => {
      delete d.Statement[0].Principal;
      d.Statement[0].NotPrincipal = { AWS: 'arn:aws:iam::1:role/x' };
    });
    expect(rules(checkTrustPolicy(notPrincipal, [PORTAL_ROLE]))).toContain('trust.not_principal');
  });

  it('a generator policy statement without aws:SourceVpce, or pinned to another endpoint, is caught', () => {
    expect(checkSourceVpce(generator(true), SAGEMAKER_VPCE)).toEqual([]);
    const dropped = mutate(generator(), (d) => delete d.Statement[0].Condition);
    expect(rules(checkSourceVpce(dropped, SAGEMAKER_VPCE))).toContain('vpce.missing');
    expect(rules(checkSourceVpce(generator(), 'vpce-0someoneelse'))).toContain('vpce.other');
  });

  it("a generator policy reaching other domains' profiles or extra actions is caught", () => {
    const profiles =
      'arn:aws:sagemaker:us-east-1:111111111111:user-profile/d-loba1example/${aws:PrincipalTag/studio-user}';
    const allowed = {
      'sagemaker:CreatePresignedDomainUrl': (r: string) => r === profiles,
      'sagemaker:DescribeUserProfile': (r: string) => r === profiles || r.endsWith(':user-profile/d-loba1example/*'),
      'sagemaker:DescribeDomain': (r: string) => r.endsWith(':domain/d-loba1example'),
      'sagemaker:ListUserProfiles': (r: string) => r === '*',
      'sagemaker:ListApps': (r: string) => r === '*',
      // Stopping apps and changing profiles: access-control sessions in this domain; a user's own apps (issue 25).
      'sagemaker:DeleteApp': (r: string) => r.includes(':app/d-loba1example/'),
      'sagemaker:UpdateUserProfile': (r: string) => r.endsWith(':user-profile/d-loba1example/*'),
      'sagemaker:ListSpaces': (r: string) => r === '*',
    };
    expect(checkActionsAndResources(generator(), allowed)).toEqual([]);
    const anyProfile = mutate(
      generator(),
      (d) => (d.Statement[0].Resource = 'arn:aws:sagemaker:us-east-1:111111111111:user-profile/*'),
    );
    expect(rules(checkActionsAndResources(anyProfile, allowed))).toContain('resource.unscoped');
    const extra = mutate(
      generator(),
      (d) => (d.Statement[0].Action = ['sagemaker:CreatePresignedDomainUrl', 'sagemaker:DeleteDomain']),
    );
    expect(rules(checkActionsAndResources(extra, allowed))).toContain('action.unexpected');
    expect(
      rules(checkNoWildcardActions(mutate(generator(), (d) => (d.Statement[0].Action = 'sagemaker:*')))),
    ).toContain('action.wildcard');
  });

  it('a session tagged for user A cannot presign (or create) user B, not even through a tag value with wildcards', () => {
    const policy = generator(true);
    const profile = (name: string) => `arn:aws:sagemaker:us-east-1:111111111111:user-profile/d-loba1example/${name}`;
    const as = (tag: string | undefined, action: string, name: string, vpce = SAGEMAKER_VPCE) =>
      isAllowed(policy, {
        action,
        resource: profile(name),
        keys: { 'aws:SourceVpce': vpce },
        principalTags: (tag === undefined ? {} : { 'studio-user': tag }) as Record<string, string>,
      });
    for (const action of [
      'sagemaker:CreatePresignedDomainUrl',
      'sagemaker:DescribeUserProfile',
      'sagemaker:CreateUserProfile',
    ]) {
      expect(as('user-a', action, 'user-a')).toBe(true);
      expect(as('user-a', action, 'user-b')).toBe(false);
      expect(as('*', action, 'user-b')).toBe(false);
      expect(as(undefined, action, 'user-a')).toBe(false);
      expect(as('user-a', action, 'user-a', 'vpce-0someoneelse')).toBe(false);
    }
    const presign = (variant: string, name: string, principalTags: Record<string, string>) =>
      isAllowed(variant, {
        action: 'sagemaker:CreatePresignedDomainUrl',
        resource: profile(name),
        keys: { 'aws:SourceVpce': SAGEMAKER_VPCE },
        principalTags,
      });
    // IAM matches tag keys case-insensitively.
    expect(presign(policy, 'user-a', { 'Studio-User': 'user-a' })).toBe(true);
    // The broken variant (any profile of the domain) lets A presign B: the property rests on the tag variable.
    const anyProfile = mutate(policy, (d) => (d.Statement[0].Resource = profile('*')));
    expect(presign(anyProfile, 'user-b', { 'studio-user': 'user-a' })).toBe(true);
  });

  it('a generator trust policy without the source-identity or tag conditions is caught', () => {
    const trust = buildGeneratorTrustPolicy(PORTAL_ROLE);
    const launch = {
      principal: PORTAL_ROLE,
      sourceIdentity: 'user-a',
      tags: { 'studio-user': 'user-a', lob: 'lob-a' },
    };
    expect(isAssumeRoleAllowed(trust, launch)).toBe(true);
    expect(isAssumeRoleAllowed(trust, { ...launch, sourceIdentity: undefined })).toBe(false);
    expect(isAssumeRoleAllowed(trust, { ...launch, tags: { purpose: 'x' } })).toBe(false);
    const loose = mutate(trust, (d) => delete d.Statement[0].Condition);
    expect(isAssumeRoleAllowed(loose, { ...launch, sourceIdentity: undefined })).toBe(true);
    const anyTags = mutate(trust, (d) => delete d.Statement[1].Condition);
    expect(isAssumeRoleAllowed(anyTags, { ...launch, tags: { ...launch.tags, purpose: 'x' } })).toBe(true);
  });

  it('drops condition keys the reference does not document for the action, as AWS does', () => {
    const result = evaluate(buildGeneratorTrustPolicy(PORTAL_ROLE), {
      principal: PORTAL_ROLE,
      action: 'sts:TagSession',
      keys: {
        'sts:SourceIdentity': 'user-a',
        'aws:RequestTag/studio-user': 'user-a',
        'aws:RequestTag/lob': 'lob-a',
        'aws:TagKeys': ['studio-user', 'lob'],
      },
    });
    expect(result.decision).toBe('Allowed');
    expect(result.ignoredContextKeys.map((k) => k.toLowerCase())).toContain('sts:sourceidentity');
  });

  it('an API that is REGIONAL, lacks a policy, or lets anyone Invoke is caught', () => {
    const policy = buildApiPolicy(EXECUTE_API_VPCE);
    expect(checkPrivateApi({ endpointConfiguration: { types: 'PRIVATE' }, policy }, EXECUTE_API_VPCE)).toEqual([]);
    expect(
      rules(checkPrivateApi({ endpointConfiguration: { types: 'REGIONAL' }, policy }, EXECUTE_API_VPCE)),
    ).toContain('api.not_private');
    expect(rules(checkPrivateApi({ endpointConfiguration: { types: 'PRIVATE' } }, EXECUTE_API_VPCE))).toContain(
      'api.no_policy',
    );
    const open = mutate(policy, (d) => delete d.Statement[0].Condition);
    expect(
      rules(checkPrivateApi({ endpointConfiguration: { types: 'PRIVATE' }, policy: open }, EXECUTE_API_VPCE)),
    ).toContain('api.invoke_unpinned');
    expect(rules(checkNoPublicAccess(open, EXECUTE_API_VPCE))).toContain('public.principal');
    const otherEndpoint = buildApiPolicy('vpce-0attacker');
    expect(
      rules(checkPrivateApi({ endpointConfiguration: { types: 'PRIVATE' }, policy: otherEndpoint }, EXECUTE_API_VPCE)),
    ).toContain('api.invoke_unpinned');
  });

  it('a function policy that can assume any role or touch other tables is caught', () => {
    const input = {
      region: 'us-east-1',
      tableArns: ['arn:aws:dynamodb:us-east-1:999999999999:table/studio-portal-users'],
      generatorRoleArns: ['arn:aws:iam::111111111111:role/PresignedUrlGenerator'],
      userPoolArn: 'arn:aws:cognito-idp:us-east-1:999999999999:userpool/x',
      logGroupArn: 'arn:aws:logs:us-east-1:999999999999:log-group:/aws/lambda/f',
      keyArn: 'arn:aws:kms:us-east-1:999999999999:key/k',
    };
    const generator = (r: string) => input.generatorRoleArns.includes(r);
    const onlyAssume = { 'sts:AssumeRole': generator, 'sts:SetSourceIdentity': generator, 'sts:TagSession': generator };
    const assumeOnly = (json: string) =>
      JSON.stringify({ Statement: parsePolicy(json).Statement.filter((s) => s.Sid === 'AssumeLobGeneratorRoles') });
    expect(checkActionsAndResources(assumeOnly(buildFunctionPolicy(input)), onlyAssume)).toEqual([]);
    const anyRole = buildFunctionPolicy({ ...input, generatorRoleArns: ['arn:aws:iam::*:role/*'] });
    expect(rules(checkActionsAndResources(assumeOnly(anyRole), onlyAssume))).toContain('resource.unscoped');
  });

  it('a security group rule open to 0.0.0.0/0, another port, or all protocols is caught', () => {
    const allowed = ['192.168.0.0/16', '10.1.0.0/16'];
    expect(
      checkIngress([{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['10.1.0.0/16'] }], allowed, [443]),
    ).toEqual([]);
    const caught: [IngressRule, string][] = [
      [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'] }, 'ingress.source'],
      [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: ['10.1.0.0/16'] }, 'ingress.port'],
      [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['10.1.0.0/16'] }, 'ingress.port'],
      [{ protocol: 'tcp', fromPort: 443, toPort: 443, ipv6CidrBlocks: ['::/0'] }, 'ingress.ipv6'],
    ];
    for (const [rule, violation] of caught) expect(rules(checkIngress([rule], allowed, [443]))).toContain(violation);
  });

  it('the Studio execution policy grants no wildcard actions', () => {
    expect(
      checkNoWildcardActions(
        buildExecutionPolicy({ region: 'us-east-1', accountId: '111111111111', domainId: 'd-loba1example' }),
      ),
    ).toEqual([]);
  });
});
