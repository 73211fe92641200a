import { beforeAll, describe, expect, it } from 'vitest';
import type { InfraConfig } from './config';
import {
  checkActionsAndResources,
  checkIngress,
  checkSourceVpce,
  evaluate,
  isAllowed,
  isAssumeRoleAllowed,
  parsePolicy,
} from './policy-check';
import { promiseOf, resourcesOfType, synthesize, T, type RecordedResource } from './testing/pulumi-mocks';
import { buildTestConfig, LOB_A_ACCOUNT, LOB_B_ACCOUNT, SHARED_ACCOUNT } from './testing/fixtures';
import { trustViolations } from './testing/resource-checks';

const PORTAL_ROLE = `arn:aws:iam::${SHARED_ACCOUNT}:role/sp-test-server`;
const SAGEMAKER_API_VPCE = 'vpce-0sagemakerapi0001';
let config: InfraConfig;
let lobs: Record<string, import('./lob-account').LobAccount>;

const byAccount = (type: string, account: string) => resourcesOfType(type).filter((r) => r.account === account);
const generatorPolicyOf = (account: string): RecordedResource =>
  byAccount(T.rolePolicy, account).find((p) => p.name.endsWith('-generator-policy'))!;

/**
 * Whether `policy` lets a session tagged `tags` call `action` on `resource` with condition keys `keys`, through
 * the endpoint `vpce` (null: the call did not come through a VPC endpoint, no aws:SourceVpce).
 */
const allows = (
  policy: string,
  tags: Record<string, string>,
  action: string,
  resource: string,
  vpce: string | null = SAGEMAKER_API_VPCE,
  keys: Record<string, string> = {},
) =>
  isAllowed(policy, {
    action,
    resource,
    keys: { ...(vpce === null ? {} : { 'aws:SourceVpce': vpce }), ...keys },
    principalTags: tags,
  });

beforeAll(async () => {
  config = buildTestConfig();
  lobs = await synthesize(build, (built) => Promise.all(Object.values(built).map((l) => promiseOf(l.lobItem.id))));
});

async function build(): Promise<typeof lobs> {
  const aws = await import('@pulumi/aws');
  const { createLobAccount } = await import('./lob-account');
  const provider = (name: string, account: string) =>
    new aws.Provider(name, {
      region: 'us-east-1',
      assumeRoles: [{ roleArn: `arn:aws:iam::${account}:role/StudioPortalDeploy` }],
    });
  const shared = provider('shared', SHARED_ACCOUNT);
  const built: typeof lobs = {};
  for (const lob of config.lobs) {
    built[lob.name] = createLobAccount(
      {
        name: `sp-test-${lob.name}`,
        config,
        lob,
        production: false,
        shared: {
          transitGatewayId: 'tgw-0hub',
          sharedVpcCidr: config.sharedServices.vpcCidr,
          sagemakerApiEndpointId: SAGEMAKER_API_VPCE,
          forwardingRuleIds: ['rslvr-rr-studio', 'rslvr-rr-api'],
          ramShareReady: [],
          portalRoleArn: PORTAL_ROLE,
          lobsTableName: 'studio-portal-lobs',
        },
      },
      { lob: { provider: provider(`lob-${lob.name}`, lob.accountId) }, shared: { provider: shared } },
    );
  }
  return built;
}

describe('LOB accounts', () => {
  it('each LOB account gets a VPC with private and attachment subnets in two AZs', () => {
    for (const [account, lob] of [
      [LOB_A_ACCOUNT, 'lob-a'],
      [LOB_B_ACCOUNT, 'lob-b'],
    ]) {
      expect(byAccount(T.vpc, account).map((v) => v.inputs.cidrBlock)).toEqual([
        config.lobs.find((l) => l.name === lob)!.vpcCidr,
      ]);
      const subnets = byAccount(T.subnet, account);
      expect(subnets.filter((s) => s.name.includes('-private-')).map((s) => s.inputs.availabilityZoneId)).toEqual([
        'use1-az1',
        'use1-az2',
      ]);
      expect(subnets.filter((s) => s.name.includes('-tgw-')).map((s) => s.inputs.availabilityZoneId)).toEqual([
        'use1-az1',
        'use1-az2',
      ]);
      expect(byAccount(T.vpcEndpoint, account).map((e) => [e.inputs.vpcEndpointType, e.inputs.serviceName])).toEqual([
        ['Gateway', 'com.amazonaws.us-east-1.s3'],
      ]);
    }
  });

  it('attaches each LOB VPC to the Transit Gateway, accepted by the shared-services account, with routes to shared and corporate ranges', () => {
    for (const account of [LOB_A_ACCOUNT, LOB_B_ACCOUNT]) {
      expect(byAccount(T.tgwAttachment, account).map((a) => a.inputs.transitGatewayId)).toEqual(['tgw-0hub']);
      const routes = byAccount(T.route, account);
      expect(routes.map((r) => r.inputs.destinationCidrBlock).sort()).toEqual(['10.0.0.0/16', '192.168.0.0/16']);
      expect(routes.every((r) => r.inputs.transitGatewayId === 'tgw-0hub')).toBe(true);
    }
    expect(byAccount(T.tgwAccepter, SHARED_ACCOUNT)).toHaveLength(2);
  });

  it('LOB VPCs resolve the central endpoints through the shared forwarding rules', () => {
    for (const account of [LOB_A_ACCOUNT, LOB_B_ACCOUNT]) {
      expect(byAccount(T.resolverRuleAssociation, account).map((a) => a.inputs.resolverRuleId)).toEqual([
        'rslvr-rr-studio',
        'rslvr-rr-api',
      ]);
    }
  });

  it('Studio security group allows ingress only from itself', () => {
    const rules = resourcesOfType(T.ingressRule);
    expect(rules.length).toBe(2);
    for (const rule of rules) expect(rule.inputs.referencedSecurityGroupId).toBe(rule.inputs.securityGroupId);
    expect(
      checkIngress(
        rules.map((r) => ({
          protocol: r.inputs.ipProtocol,
          fromPort: 443,
          toPort: 443,
          sourceSecurityGroupId: r.inputs.referencedSecurityGroupId,
        })),
        [],
        [443],
      ),
    ).toEqual([]);
  });

  it('SageMaker domain uses IAM auth, VpcOnly networking and USER_PROFILE_NAME execution identity', () => {
    const domains = resourcesOfType(T.sagemakerDomain);
    expect(domains.map((d) => d.account).sort()).toEqual([LOB_A_ACCOUNT, LOB_B_ACCOUNT]);
    for (const domain of domains) {
      expect(domain.inputs.authMode).toBe('IAM');
      expect(domain.inputs.appNetworkAccessType).toBe('VpcOnly');
      expect(domain.inputs.domainSettings.executionRoleIdentityConfig).toBe('USER_PROFILE_NAME');
      expect(domain.inputs.subnetIds).toHaveLength(2);
    }
  });

  it('creates the user profiles from config in the right domain', async () => {
    const domainA = await promiseOf(lobs['lob-a'].domain.id);
    const profilesA = byAccount(T.userProfile, LOB_A_ACCOUNT);
    expect(profilesA.map((p) => p.inputs.userProfileName).sort()).toEqual(['user-lob-a', 'user-multi']);
    expect(profilesA.every((p) => p.inputs.domainId === domainA)).toBe(true);
    expect(byAccount(T.userProfile, LOB_B_ACCOUNT).map((p) => p.inputs.userProfileName)).toEqual(['user-lob-b']);
  });

  it('Studio execution role trusts only SageMaker (with SetSourceIdentity) and is scoped to its own domain', async () => {
    for (const account of [LOB_A_ACCOUNT, LOB_B_ACCOUNT]) {
      const role = byAccount(T.role, account).find((r) => r.name.endsWith('-studio-execution'))!;
      expect(trustViolations(role, ['sagemaker.amazonaws.com'])).toEqual([]);
      expect(parsePolicy(role.inputs.assumeRolePolicy).Statement[0].Action).toContain('sts:SetSourceIdentity');
      const policy = byAccount(T.rolePolicy, account).find((p) => p.name.endsWith('-studio-execution-policy'))!;
      const domainId = byAccount(T.sagemakerDomain, account)[0].state.arn.split('/').pop();
      const sagemakerResources = parsePolicy(policy.inputs.policy)
        .Statement.filter((s) => String(s.Action).includes('sagemaker:Create'))
        .flatMap((s) => s.Resource as string[]);
      for (const resource of sagemakerResources) expect(resource).toContain(`/${domainId}/`);
    }
    expect(resourcesOfType(T.rolePolicyAttachment)).toEqual([]);
  });

  it('generator role trusts only the portal function role: AssumeRole with a source identity, tagged with studio-user and lob only', () => {
    for (const account of [LOB_A_ACCOUNT, LOB_B_ACCOUNT]) {
      const role = byAccount(T.role, account).find((r) => r.inputs.name === 'PresignedUrlGenerator')!;
      expect(trustViolations(role, [PORTAL_ROLE])).toEqual([]);
      const trust = role.inputs.assumeRolePolicy;
      // Statements per STS action (TagSession: one per allowed tag set), each conditioned only on keys the reference documents for it.
      expect(parsePolicy(trust).Statement.map((s) => s.Action)).toEqual([
        ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        'sts:TagSession',
        'sts:TagSession',
      ]);
      for (const tagSession of parsePolicy(trust).Statement.slice(1))
        expect(JSON.stringify(tagSession.Condition)).not.toContain('sts:SourceIdentity');
      const roleArn = `arn:aws:iam::${account}:role/PresignedUrlGenerator`;
      const launch = {
        principal: PORTAL_ROLE,
        roleArn,
        sourceIdentity: 'user-lob-a',
        tags: { 'studio-user': 'user-lob-a', lob: 'lob-a' },
      };
      // What lib/aws/generator-sessions.ts sends: allowed, and only for the portal's role.
      expect(isAssumeRoleAllowed(trust, launch)).toBe(true);
      expect(isAssumeRoleAllowed(trust, { ...launch, principal: `arn:aws:iam::${SHARED_ACCOUNT}:role/other` })).toBe(
        false,
      );
      expect(isAssumeRoleAllowed(trust, { ...launch, principal: `arn:aws:iam::${SHARED_ACCOUNT}:root` })).toBe(false);
      // Refused without the source identity, and tagged with one of the tags only, none of them, or another tag.
      expect(isAssumeRoleAllowed(trust, { ...launch, sourceIdentity: undefined })).toBe(false);
      expect(isAssumeRoleAllowed(trust, { ...launch, tags: { 'studio-user': 'user-lob-a' } })).toBe(false);
      expect(isAssumeRoleAllowed(trust, { ...launch, tags: { lob: 'lob-a' } })).toBe(false);
      expect(isAssumeRoleAllowed(trust, { ...launch, tags: { purpose: 'connection-test' } })).toBe(false);
      expect(isAssumeRoleAllowed(trust, { ...launch, tags: { ...launch.tags, purpose: 'anything' } })).toBe(false);
      // Ending access (lib/access/clients.ts): portal-task=access-control and lob only; never beside studio-user.
      const accessControl = {
        ...launch,
        sourceIdentity: 'portal-admin',
        tags: { 'portal-task': 'access-control', lob: 'lob-a' },
      };
      expect(isAssumeRoleAllowed(trust, accessControl)).toBe(true);
      expect(isAssumeRoleAllowed(trust, { ...accessControl, sourceIdentity: undefined })).toBe(false);
      expect(isAssumeRoleAllowed(trust, { ...accessControl, tags: { 'portal-task': 'other', lob: 'lob-a' } })).toBe(
        false,
      );
      expect(isAssumeRoleAllowed(trust, { ...accessControl, tags: { 'portal-task': 'access-control' } })).toBe(false);
      expect(
        isAssumeRoleAllowed(trust, { ...accessControl, tags: { ...accessControl.tags, 'studio-user': 'user-lob-a' } }),
      ).toBe(false);
      // Untagged (the admin's list and test sessions): may assume, but the generator policy's profile
      // resource needs ${aws:PrincipalTag/studio-user}, so such a session presigns nobody.
      expect(isAssumeRoleAllowed(trust, { ...launch, tags: undefined })).toBe(true);
      // ... but never without a source identity: the usage page's old untagged list-apps session.
      expect(isAssumeRoleAllowed(trust, { principal: PORTAL_ROLE, roleArn, sourceIdentity: undefined })).toBe(false);
      // The usage page's "Studio apps running now" (lib/admin/running-apps.ts): access-control, naming the viewer.
      expect(isAssumeRoleAllowed(trust, { ...accessControl, sourceIdentity: 'owner-lob-a' })).toBe(true);
      // Each action on its own, with the keys a request for it carries.
      const tags = {
        'aws:RequestTag/studio-user': 'user-lob-a',
        'aws:RequestTag/lob': 'lob-a',
        'aws:TagKeys': ['studio-user', 'lob'],
      };
      expect(
        isAllowed(trust, {
          principal: PORTAL_ROLE,
          action: 'sts:SetSourceIdentity',
          keys: { 'sts:SourceIdentity': 'user-lob-a' },
        }),
      ).toBe(true);
      expect(isAllowed(trust, { principal: PORTAL_ROLE, action: 'sts:SetSourceIdentity' })).toBe(false);
      expect(isAllowed(trust, { principal: PORTAL_ROLE, action: 'sts:TagSession', keys: tags })).toBe(true);
      expect(isAllowed(trust, { principal: PORTAL_ROLE, action: 'sts:AssumeRole', keys: tags })).toBe(false);
      expect(
        isAllowed(trust, {
          principal: PORTAL_ROLE,
          action: 'sts:TagSession',
          keys: { ...tags, 'sts:SourceIdentity': 'user-lob-a' },
        }),
      ).toBe(true);
    }
  });

  it('the old single trust statement (TagSession conditioned on sts:SourceIdentity) refuses every tagged launch under the strict evaluator', () => {
    const old = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: PORTAL_ROLE },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
          Condition: { StringLike: { 'sts:SourceIdentity': '*' }, Null: { 'sts:SourceIdentity': 'false' } },
        },
      ],
    });
    const launch = {
      principal: PORTAL_ROLE,
      sourceIdentity: 'user-lob-a',
      tags: { 'studio-user': 'user-lob-a', lob: 'lob-a' },
    };
    expect(isAssumeRoleAllowed(old, launch)).toBe(false);
    expect(
      evaluate(old, {
        principal: PORTAL_ROLE,
        action: 'sts:TagSession',
        keys: { 'sts:SourceIdentity': 'user-lob-a', 'aws:RequestTag/lob': 'lob-a' },
      }).decision,
    ).toBe('ImplicitlyDenied');
  });

  it("generator role may presign only this domain's user profiles, only through the shared SageMaker API endpoint", async () => {
    for (const [lobName, account] of [
      ['lob-a', LOB_A_ACCOUNT],
      ['lob-b', LOB_B_ACCOUNT],
    ] as const) {
      const domainId = await promiseOf(lobs[lobName].domain.id);
      const policy = generatorPolicyOf(account).inputs.policy;
      expect(checkSourceVpce(policy, SAGEMAKER_API_VPCE)).toEqual([]);
      // Not user-profile/<domain>/*: only the profile named by the session's studio-user tag.
      const profiles = `arn:aws:sagemaker:us-east-1:${account}:user-profile/${domainId}/\${aws:PrincipalTag/studio-user}`;
      const domainApps = `arn:aws:sagemaker:us-east-1:${account}:app/${domainId}/*`;
      const domainProfiles = `arn:aws:sagemaker:us-east-1:${account}:user-profile/${domainId}/*`;
      const allowed: Record<string, (r: string) => boolean> = {
        'sagemaker:CreatePresignedDomainUrl': (r) => r === profiles,
        // the user's own profile; any profile of this domain only for access-control sessions (next test)
        'sagemaker:DescribeUserProfile': (r) => r === profiles || r === domainProfiles,
        // any app of this domain for access-control sessions; the user's own profile apps (and owned private spaces') for users
        'sagemaker:DeleteApp': (r) =>
          r === domainApps ||
          r === `arn:aws:sagemaker:us-east-1:${account}:app/${domainId}/\${aws:PrincipalTag/studio-user}/*`,
        'sagemaker:UpdateUserProfile': (r) => r === domainProfiles,
        'sagemaker:ListSpaces': (r) => r === '*',
        'sagemaker:DescribeDomain': (r) => r === `arn:aws:sagemaker:us-east-1:${account}:domain/${domainId}`,
        // no resource-level permissions exist for this list call (admin connection test)
        'sagemaker:ListUserProfiles': (r) => r === '*',
        'sagemaker:ListApps': (r) => r === '*',
      };
      if (lobName === 'lob-b') {
        allowed['sagemaker:CreateUserProfile'] = (r) => r === profiles;
        allowed['sagemaker:AddTags'] = (r) => r === profiles;
      }
      expect(checkActionsAndResources(policy, allowed)).toEqual([]);
      const request = (action: string, profile: string, tag: string | undefined, vpce = SAGEMAKER_API_VPCE) => ({
        action,
        resource: `arn:aws:sagemaker:us-east-1:${account}:user-profile/${domainId}/${profile}`,
        keys: { 'aws:SourceVpce': vpce },
        principalTags: (tag === undefined ? {} : { 'studio-user': tag }) as Record<string, string>,
      });
      expect(isAllowed(policy, request('sagemaker:CreatePresignedDomainUrl', 'user-a', 'user-a'))).toBe(true);
      expect(isAllowed(policy, request('sagemaker:CreatePresignedDomainUrl', 'user-b', 'user-a'))).toBe(false);
      expect(isAllowed(policy, request('sagemaker:CreateUserProfile', 'user-a', 'user-a'))).toBe(lobName === 'lob-b');
      expect(isAllowed(policy, request('sagemaker:CreateUserProfile', 'user-b', 'user-a'))).toBe(false);
      expect(isAllowed(policy, request('sagemaker:CreatePresignedDomainUrl', 'user-a', undefined))).toBe(false);
      expect(
        isAllowed(policy, request('sagemaker:CreatePresignedDomainUrl', 'user-a', 'user-a', 'vpce-0elsewhere')),
      ).toBe(false);
    }
  });

  it("access-control sessions may stop apps and change profiles in their LOB's domain only, via the endpoint; launch sessions gain nothing", async () => {
    const domainA = await promiseOf(lobs['lob-a'].domain.id);
    const domainB = await promiseOf(lobs['lob-b'].domain.id);
    const policy = generatorPolicyOf(LOB_A_ACCOUNT).inputs.policy;
    const sweep = { 'portal-task': 'access-control', lob: 'lob-a' };
    const launch = { 'studio-user': 'user-a', lob: 'lob-a' };
    const app = (domain: string, owner = 'user-a', account = LOB_A_ACCOUNT) =>
      `arn:aws:sagemaker:us-east-1:${account}:app/${domain}/${owner}/jupyterlab/default`;
    const profile = (domain: string, name = 'user-a', account = LOB_A_ACCOUNT) =>
      `arn:aws:sagemaker:us-east-1:${account}:user-profile/${domain}/${name}`;
    const ask = (action: string, resource: string, tags: Record<string, string>, vpce?: string | null) =>
      allows(policy, tags, action, resource, vpce);
    // The sweep's (and an admin decision's) session: list, stop, disable, in this domain.
    expect(ask('sagemaker:ListApps', '*', sweep)).toBe(true);
    expect(ask('sagemaker:ListUserProfiles', '*', sweep)).toBe(true);
    expect(ask('sagemaker:ListSpaces', '*', sweep)).toBe(true);
    expect(ask('sagemaker:DeleteApp', app(domainA), sweep)).toBe(true);
    expect(ask('sagemaker:DeleteApp', app(domainA, 'shared-space'), sweep)).toBe(true);
    expect(ask('sagemaker:UpdateUserProfile', profile(domainA, 'someone-else'), sweep)).toBe(true);
    expect(ask('sagemaker:DescribeUserProfile', profile(domainA, 'someone-else'), sweep)).toBe(true);
    // ... not another domain (even one in the same account), not another account, not without the endpoint.
    expect(ask('sagemaker:DeleteApp', app('d-otherdomain'), sweep)).toBe(false);
    expect(ask('sagemaker:DeleteApp', app(domainB, 'user-a', LOB_B_ACCOUNT), sweep)).toBe(false);
    expect(ask('sagemaker:UpdateUserProfile', profile('d-otherdomain'), sweep)).toBe(false);
    expect(ask('sagemaker:DeleteApp', app(domainA), sweep, 'vpce-0elsewhere')).toBe(false);
    expect(ask('sagemaker:DeleteApp', app(domainA), sweep, null)).toBe(false);
    expect(ask('sagemaker:UpdateUserProfile', profile(domainA), sweep, null)).toBe(false);
    expect(ask('sagemaker:ListSpaces', '*', sweep, null)).toBe(false);
    // ... and it cannot presign or create profiles: it opens no Studio.
    expect(ask('sagemaker:CreatePresignedDomainUrl', profile(domainA), sweep)).toBe(false);
    expect(ask('sagemaker:CreateUserProfile', profile(domainA), sweep)).toBe(false);
    // A user's launch session gains no profile change and no stop of anyone else's app (issue 25: it may stop
    // its own apps and list spaces; the next test).
    expect(ask('sagemaker:DeleteApp', app(domainA, 'user-b'), launch)).toBe(false);
    expect(ask('sagemaker:UpdateUserProfile', profile(domainA), launch)).toBe(false);
    expect(ask('sagemaker:DescribeUserProfile', profile(domainA, 'user-b'), launch)).toBe(false);
    expect(ask('sagemaker:DescribeUserProfile', profile(domainA), launch)).toBe(true);
    // A session with another task tag value gets nothing either.
    expect(ask('sagemaker:DeleteApp', app(domainA), { 'portal-task': 'reporting' })).toBe(false);
  });

  it("a user's session may stop only its own profile's apps and its own private spaces' apps, in its domain, via the endpoint", async () => {
    const domainA = await promiseOf(lobs['lob-a'].domain.id);
    const domainB = await promiseOf(lobs['lob-b'].domain.id);
    const policy = generatorPolicyOf(LOB_A_ACCOUNT).inputs.policy;
    const user = { 'studio-user': 'user-a', lob: 'lob-a' };
    const arn = (resource: string, account = LOB_A_ACCOUNT) => `arn:aws:sagemaker:us-east-1:${account}:${resource}`;
    const profileApp = (owner: string, domain = domainA) => arn(`app/${domain}/${owner}/jupyterlab/default`);
    const spaceApp = (space: string, domain = domainA) => arn(`app/${domain}/${space}/jupyterlab/default`);
    /** A DeleteApp request: for a space app the space's owner and sharing type are condition keys. */
    const stop = (
      resource: string,
      space?: { owner: string; sharing: 'Private' | 'Shared' },
      vpce: string | null = SAGEMAKER_API_VPCE,
      tags: Record<string, string> = user,
    ) =>
      allows(
        policy,
        tags,
        'sagemaker:DeleteApp',
        resource,
        vpce,
        space
          ? {
              'sagemaker:OwnerUserProfileArn': arn(`user-profile/${domainA}/${space.owner}`),
              'sagemaker:SpaceSharingType': space.sharing,
            }
          : {},
      );
    expect(stop(profileApp('user-a'))).toBe(true);
    expect(stop(spaceApp('alice-ds'), { owner: 'user-a', sharing: 'Private' })).toBe(true);
    // Not someone else's profile app or private space, not a shared space (even one it owns), not another domain.
    expect(stop(profileApp('user-b'))).toBe(false);
    expect(stop(spaceApp('bob-ds'), { owner: 'user-b', sharing: 'Private' })).toBe(false);
    expect(stop(spaceApp('team-ds'), { owner: 'user-a', sharing: 'Shared' })).toBe(false);
    expect(stop(profileApp('user-a', 'd-otherdomain'))).toBe(false);
    expect(stop(profileApp('user-a', domainB))).toBe(false);
    // A space named like the user but owned by someone else is a space app: the profile statement does not cover it.
    expect(stop(spaceApp('user-a'), { owner: 'user-b', sharing: 'Private' })).toBe(false);
    // Nothing without aws:SourceVpce (or through another endpoint), nothing without the studio-user tag.
    expect(stop(profileApp('user-a'), undefined, null)).toBe(false);
    expect(stop(spaceApp('alice-ds'), { owner: 'user-a', sharing: 'Private' }, null)).toBe(false);
    expect(stop(profileApp('user-a'), undefined, 'vpce-0elsewhere')).toBe(false);
    expect(stop(profileApp('user-a'), undefined, SAGEMAKER_API_VPCE, { lob: 'lob-a' })).toBe(false);
    // Listing spaces (to find its own) through the endpoint only; still no profile changes.
    const ask = (action: string, resource: string, vpce: string | null) => allows(policy, user, action, resource, vpce);
    expect(ask('sagemaker:ListSpaces', '*', SAGEMAKER_API_VPCE)).toBe(true);
    expect(ask('sagemaker:ListSpaces', '*', null)).toBe(false);
    expect(ask('sagemaker:UpdateUserProfile', arn(`user-profile/${domainA}/user-a`), SAGEMAKER_API_VPCE)).toBe(false);
  });

  it('generator role may create user profiles only where auto-create is on', () => {
    const actions = (account: string) =>
      parsePolicy(generatorPolicyOf(account).inputs.policy).Statement.flatMap((s) =>
        ([] as string[]).concat(s.Action ?? []),
      );
    expect(actions(LOB_A_ACCOUNT)).not.toContain('sagemaker:CreateUserProfile');
    expect(actions(LOB_B_ACCOUNT)).toContain('sagemaker:CreateUserProfile');
  });

  it("writes each LOB's row to the LOBs table in the shared-services account (onboarding is one deploy)", async () => {
    const items = byAccount(T.tableItem, SHARED_ACCOUNT);
    expect(items).toHaveLength(2);
    const domainB = await promiseOf(lobs['lob-b'].domain.id);
    const rowB = JSON.parse(items.find((i) => i.name === 'sp-test-lob-b-lob-row')!.inputs.item);
    expect(items.every((i) => i.inputs.tableName === 'studio-portal-lobs' && i.inputs.hashKey === 'lob')).toBe(true);
    expect(rowB).toMatchObject({
      lob: { S: 'lob-b' },
      accountId: { S: LOB_B_ACCOUNT },
      domainId: { S: domainB },
      region: { S: 'us-east-1' },
      roleName: { S: 'PresignedUrlGenerator' },
      groups: { L: [{ S: 'lob-b-users' }] },
      autoCreateProfile: { BOOL: true },
      enabled: { BOOL: true },
      sessionDurationSeconds: { N: '7200' }, // the default Studio session length: 2 hours
      version: { N: '1' },
    });
  });

  it('creates no public networking in LOB accounts', () => {
    expect(resourcesOfType(T.vpc)).toHaveLength(2);
    expect([
      ...resourcesOfType('aws:ec2/internetGateway:InternetGateway'),
      ...resourcesOfType('aws:ec2/natGateway:NatGateway'),
    ]).toEqual([]);
    expect(resourcesOfType(T.subnet).every((s) => s.inputs.mapPublicIpOnLaunch === false)).toBe(true);
    for (const domain of resourcesOfType(T.sagemakerDomain))
      expect(domain.inputs.appNetworkAccessType).not.toBe('PublicInternetOnly');
  });
});
