// One LOB account: VPC attached to the shared Transit Gateway, a VpcOnly / IAM-auth SageMaker Studio
// domain with user profiles, the generator role the portal assumes, and the LOB's row in the LOBs table.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig, LobConfig } from './config';
import { attachToTransitGateway, createTieredSubnets, planSubnets } from './network';
import { buildPolicyDocument } from './policy-document';
import { allow, securityGroup } from './security-groups';

export interface LobSharedInputs {
  transitGatewayId: pulumi.Input<string>;
  sharedVpcCidr: string;
  /** the central sagemaker.api interface endpoint: the generator role works only through it */
  sagemakerApiEndpointId: pulumi.Input<string>;
  /** resolver forwarding rules shared through RAM (central endpoint names) */
  forwardingRuleIds: pulumi.Input<string>[];
  /** RAM principal associations: LOB-side use of the TGW and rules waits for the share */
  ramShareReady: pulumi.Resource[];
  portalRoleArn: pulumi.Input<string>;
  lobsTableName: pulumi.Input<string>;
}

export interface LobAccountArgs {
  /** resource name prefix, e.g. `studio-portal-dev-lob-a` */
  name: string;
  config: InfraConfig;
  lob: LobConfig;
  production: boolean;
  shared: LobSharedInputs;
  tags?: Record<string, string>;
}

export interface LobAccountOptions {
  /** options carrying the LOB account's provider */
  lob: pulumi.CustomResourceOptions;
  /** options carrying the shared-services provider (attachment accepter, LOBs table row) */
  shared: pulumi.CustomResourceOptions;
}

/** What createLobAccount made (its return value is the one list of them). */
export type LobAccount = ReturnType<typeof createLobAccount>;

/** Session tag naming the user a generator session was opened for (lib/aws/generator-sessions.ts). */
export const STUDIO_USER_TAG = 'studio-user';
/** Session tag naming the LOB a generator session was opened for (lib/aws/generator-sessions.ts). */
export const LOB_TAG = 'lob';
/** Session tag (and value) of the portal's access-control sessions (lib/access/clients.ts): an admin's decision, the access sweep. */
export const PORTAL_TASK_TAG = 'portal-task';
export const ACCESS_CONTROL_TASK = 'access-control';

/**
 * Generator role trust: the portal function's role, and nothing else. STS authorizes an AssumeRole with a
 * source identity and session tags as one action per part, each evaluated with the condition keys the
 * Service Authorization Reference documents for it, hence separate statements:
 * - sts:AssumeRole and sts:SetSourceIdentity: a source identity must be passed (every CloudTrail event of
 *   the session names a person); sts:SourceIdentity is documented for both;
 * - sts:TagSession: both the `studio-user` and `lob` request tags, and no other tag (a launch), or
 *   `portal-task=access-control` and `lob`, and no other tag (ending access). sts:SourceIdentity is
 *   not a key of TagSession: conditioned on it (as this statement once was), every tagged AssumeRole fails.
 * A session without the studio-user tag can presign nothing: the generator policy's resource names the
 * profile through ${aws:PrincipalTag/studio-user}, which then does not resolve.
 */
export function buildGeneratorTrustPolicy(portalRoleArn: string): string {
  const principal = { AWS: portalRoleArn };
  return buildPolicyDocument([
    {
      Sid: 'PortalFunctionOnlyWithSourceIdentity',
      Effect: 'Allow',
      Principal: principal,
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      Condition: { StringLike: { 'sts:SourceIdentity': '*' }, Null: { 'sts:SourceIdentity': 'false' } },
    },
    {
      Sid: 'PortalFunctionTagsUserAndLob',
      Effect: 'Allow',
      Principal: principal,
      Action: 'sts:TagSession',
      Condition: {
        Null: { [`aws:RequestTag/${STUDIO_USER_TAG}`]: 'false', [`aws:RequestTag/${LOB_TAG}`]: 'false' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [STUDIO_USER_TAG, LOB_TAG] },
      },
    },
    {
      // Ending access (lib/access/clients.ts): portal-task=access-control and `lob`, and no other tag.
      Sid: 'PortalFunctionTagsAccessControl',
      Effect: 'Allow',
      Principal: principal,
      Action: 'sts:TagSession',
      Condition: {
        StringEquals: { [`aws:RequestTag/${PORTAL_TASK_TAG}`]: ACCESS_CONTROL_TASK },
        Null: { [`aws:RequestTag/${LOB_TAG}`]: 'false' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [PORTAL_TASK_TAG, LOB_TAG] },
      },
    },
  ]);
}

/**
 * Generator role permissions: presign (and look up / create) only the profile named by the session's
 * studio-user tag, in this domain, via our endpoint only. IAM itself refuses user A's session on B's profile.
 */
export function buildGeneratorPolicy(input: {
  region: string;
  accountId: string;
  domainId: string;
  sagemakerApiEndpointId: string;
  autoCreateProfile: boolean;
}): string {
  const ownProfile = `arn:aws:sagemaker:${input.region}:${input.accountId}:user-profile/${input.domainId}/\${aws:PrincipalTag/${STUDIO_USER_TAG}}`;
  const domain = `arn:aws:sagemaker:${input.region}:${input.accountId}:domain/${input.domainId}`;
  const viaEndpoint = { StringEquals: { 'aws:SourceVpce': input.sagemakerApiEndpointId } };
  const statements: object[] = [
    {
      Sid: 'PresignOwnProfile',
      Effect: 'Allow',
      Action: ['sagemaker:CreatePresignedDomainUrl', 'sagemaker:DescribeUserProfile'],
      Resource: ownProfile,
      Condition: viaEndpoint,
    },
    {
      Sid: 'DescribeThisDomain',
      Effect: 'Allow',
      Action: 'sagemaker:DescribeDomain',
      Resource: domain,
      Condition: viaEndpoint,
    },
    // Admin connection test; ListUserProfiles has no resource-level permissions.
    {
      Sid: 'ListProfiles',
      Effect: 'Allow',
      Action: 'sagemaker:ListUserProfiles',
      Resource: '*',
      Condition: viaEndpoint,
    },
    // The usage page's "Studio apps running now" (read-only); ListApps has no resource-level permissions either.
    { Sid: 'ListApps', Effect: 'Allow', Action: 'sagemaker:ListApps', Resource: '*', Condition: viaEndpoint },
  ];
  // Ending access (lib/access): only sessions the portal tagged portal-task=access-control, in this domain,
  // through our endpoint. A user's launch session carries studio-user, never this tag: it gains nothing.
  const accessControl = {
    StringEquals: { ...viaEndpoint.StringEquals, [`aws:PrincipalTag/${PORTAL_TASK_TAG}`]: ACCESS_CONTROL_TASK },
  };
  statements.push(
    {
      Sid: 'AccessControlStopApps',
      Effect: 'Allow',
      Action: 'sagemaker:DeleteApp',
      Resource: `arn:aws:sagemaker:${input.region}:${input.accountId}:app/${input.domainId}/*`,
      Condition: accessControl,
    },
    {
      Sid: 'AccessControlProfiles',
      Effect: 'Allow',
      Action: ['sagemaker:UpdateUserProfile', 'sagemaker:DescribeUserProfile'],
      Resource: `arn:aws:sagemaker:${input.region}:${input.accountId}:user-profile/${input.domainId}/*`,
      Condition: accessControl,
    },
    // Which private space belongs to whom; ListSpaces has no resource-level permissions.
    {
      Sid: 'AccessControlListSpaces',
      Effect: 'Allow',
      Action: 'sagemaker:ListSpaces',
      Resource: '*',
      Condition: accessControl,
    },
  );
  statements.push(...userStopsOwnApps(input, viaEndpoint.StringEquals));
  if (input.autoCreateProfile) {
    statements.push({
      Sid: 'CreateOwnProfile',
      Effect: 'Allow',
      Action: ['sagemaker:CreateUserProfile', 'sagemaker:AddTags'],
      Resource: ownProfile,
      Condition: viaEndpoint,
    });
  }
  return buildPolicyDocument(statements);
}

/**
 * Cost control (issue 25): a user's own session (tag studio-user) may stop the apps of its own profile (no
 * space: sagemaker:SpaceSharingType absent) and of the private spaces it owns (sagemaker:OwnerUserProfileArn
 * is its profile, SpaceSharingType Private; Service Authorization Reference, SageMaker condition keys), and
 * list spaces to find them (ListSpaces has no resource-level permissions). Nothing else of anyone else's.
 */
function userStopsOwnApps(
  input: { region: string; accountId: string; domainId: string },
  viaEndpoint: Record<string, string>,
): object[] {
  const arn = (resource: string) => `arn:aws:sagemaker:${input.region}:${input.accountId}:${resource}`;
  const tag = `\${aws:PrincipalTag/${STUDIO_USER_TAG}}`;
  return [
    {
      Sid: 'UserStopsOwnProfileApps',
      Effect: 'Allow',
      Action: 'sagemaker:DeleteApp',
      Resource: arn(`app/${input.domainId}/${tag}/*`),
      Condition: { StringEquals: viaEndpoint, Null: { 'sagemaker:SpaceSharingType': 'true' } },
    },
    {
      Sid: 'UserStopsOwnPrivateSpaceApps',
      Effect: 'Allow',
      Action: 'sagemaker:DeleteApp',
      Resource: arn(`app/${input.domainId}/*`),
      Condition: {
        StringEquals: { ...viaEndpoint, 'sagemaker:SpaceSharingType': 'Private' },
        ArnLike: { 'sagemaker:OwnerUserProfileArn': arn(`user-profile/${input.domainId}/${tag}`) },
      },
    },
    {
      Sid: 'UserListsSpaces',
      Effect: 'Allow',
      Action: 'sagemaker:ListSpaces',
      Resource: '*',
      Condition: { StringEquals: viaEndpoint },
    },
  ];
}

/** Studio execution role permissions: apps and spaces of this domain, its logs, image pulls. */
export function buildExecutionPolicy(input: { region: string; accountId: string; domainId: string }): string {
  const arn = (resource: string) => `arn:aws:sagemaker:${input.region}:${input.accountId}:${resource}`;
  return buildPolicyDocument([
    {
      Sid: 'AppsAndSpacesOfThisDomain',
      Effect: 'Allow',
      Action: [
        'sagemaker:CreateApp',
        'sagemaker:DeleteApp',
        'sagemaker:DescribeApp',
        'sagemaker:CreateSpace',
        'sagemaker:UpdateSpace',
        'sagemaker:DeleteSpace',
        'sagemaker:DescribeSpace',
        'sagemaker:AddTags',
      ],
      Resource: [arn(`app/${input.domainId}/*`), arn(`space/${input.domainId}/*`)],
    },
    {
      Sid: 'DescribeThisDomain',
      Effect: 'Allow',
      Action: ['sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile'],
      Resource: [arn(`domain/${input.domainId}`), arn(`user-profile/${input.domainId}/*`)],
    },
    {
      Sid: 'ListInStudio',
      Effect: 'Allow',
      Action: ['sagemaker:ListApps', 'sagemaker:ListSpaces', 'sagemaker:ListTags'],
      Resource: '*',
    },
    {
      Sid: 'StudioLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: `arn:aws:logs:${input.region}:${input.accountId}:log-group:/aws/sagemaker/*`,
    },
    { Sid: 'PullImagesAuth', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    {
      Sid: 'PullImages',
      Effect: 'Allow',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      Resource: `arn:aws:ecr:${input.region}:*:repository/*`,
    },
  ]);
}

/** The LOBs-table row in DynamoDB JSON (docs/contracts.md), written by the deploy so onboarding is one step. */
export function buildLobItem(config: InfraConfig, lob: LobConfig, domainId: string): string {
  return JSON.stringify({
    lob: { S: lob.name },
    displayName: { S: lob.displayName },
    accountId: { S: lob.accountId },
    domainId: { S: domainId },
    region: { S: config.region },
    roleName: { S: lob.roleName },
    groups: { L: lob.groups.map((g) => ({ S: g })) },
    defaultApp: { S: lob.defaultApp },
    allowedApps: { L: lob.allowedApps.map((a) => ({ S: a })) },
    sessionDurationSeconds: { N: String(lob.sessionDurationSeconds) },
    autoCreateProfile: { BOOL: lob.autoCreateProfile },
    enabled: { BOOL: lob.enabled },
    idleShutdownMinutes: { N: String(lob.idleShutdownMinutes) },
    version: { N: '1' },
    updatedBy: { S: 'infra' },
  });
}

/** SageMaker IdleSettings: shut idle apps down after `minutes`; users may not raise it above that. */
export function idleSettings(minutes: number) {
  return {
    lifecycleManagement: 'ENABLED',
    idleTimeoutInMinutes: minutes,
    minIdleTimeoutInMinutes: 60,
    maxIdleTimeoutInMinutes: minutes,
  };
}

export function createLobAccount(args: LobAccountArgs, opts: LobAccountOptions) {
  const { name, config, lob, shared, production } = args;
  const tags = (suffix: string) => ({ ...args.tags, lob: lob.name, Name: `${name}-${suffix}` });
  const lobOpts = opts.lob;

  // --- Network ----------------------------------------------------------------------------------------------
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    { cidrBlock: lob.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags('vpc') },
    lobOpts,
  );
  new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags: tags('default-locked') }, lobOpts);
  const {
    privateSubnets,
    transitGatewaySubnets: attachmentSubnets,
    privateRouteTable,
  } = createTieredSubnets(
    { name, vpc, plan: planSubnets(lob.vpcCidr, config.azIds.length), azIds: config.azIds, tags },
    lobOpts,
  );

  const attachment = attachToTransitGateway(
    name,
    {
      transitGatewayId: shared.transitGatewayId,
      vpcId: vpc.id,
      subnets: attachmentSubnets,
      tags: tags('tgw-attachment'),
    },
    { ...lobOpts, dependsOn: shared.ramShareReady },
  );
  // The hub does not auto-accept: the shared-services account accepts this LOB's attachment explicitly.
  const accepter = new aws.ec2transitgateway.VpcAttachmentAccepter(
    `${name}-tgw-accept`,
    { transitGatewayAttachmentId: attachment.id, tags: tags('tgw-attachment') },
    opts.shared,
  );
  [shared.sharedVpcCidr, ...config.corporateCidrs].forEach(
    (destination, i) =>
      new aws.ec2.Route(
        `${name}-route-${i}`,
        {
          routeTableId: privateRouteTable.id,
          destinationCidrBlock: destination,
          transitGatewayId: shared.transitGatewayId,
        },
        { ...lobOpts, dependsOn: [accepter] },
      ),
  );
  // S3 stays in-region and private (gateway endpoints cost nothing); everything else goes through the
  // central interface endpoints, whose names resolve through the shared Resolver rules (RAM).
  new aws.ec2.VpcEndpoint(
    `${name}-vpce-s3`,
    {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${config.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [privateRouteTable.id],
      tags: tags('vpce-s3'),
    },
    lobOpts,
  );
  shared.forwardingRuleIds.forEach(
    (ruleId, i) =>
      new aws.route53.ResolverRuleAssociation(
        `${name}-fwd-${i}`,
        { resolverRuleId: ruleId, vpcId: vpc.id },
        { ...lobOpts, dependsOn: shared.ramShareReady },
      ),
  );

  const studioSecurityGroup = securityGroup(
    { name, vpcId: vpc.id, tags, opts: lobOpts },
    'studio',
    'Studio apps: traffic among themselves, HTTPS to the central endpoints',
  );
  const studio = { group: studioSecurityGroup.id };
  // Studio apps, kernels and the domain's EFS talk to each other inside the group (AWS requirement for VpcOnly).
  const withinStudio = { ...studio, peer: studio, ports: [0, 65535] as [number, number], description: 'within Studio' };
  allow('in', `${name}-studio-self-in`, withinStudio, lobOpts);
  allow('out', `${name}-studio-self-out`, withinStudio, lobOpts);
  const toEndpoints = {
    ...studio,
    peer: { cidr: shared.sharedVpcCidr },
    ports: 443,
    description: 'central VPC endpoints',
  };
  allow('out', `${name}-studio-endpoints-out`, toEndpoints, lobOpts);

  // --- Studio domain --------------------------------------------------------------------------------------
  const executionRole = new aws.iam.Role(
    `${name}-studio-execution`,
    {
      name: `${lob.name}-studio-execution`,
      // SetSourceIdentity: with USER_PROFILE_NAME, Studio sessions carry the profile name into CloudTrail.
      assumeRolePolicy: buildPolicyDocument([
        {
          Effect: 'Allow',
          Principal: { Service: 'sagemaker.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        },
      ]),
      tags: tags('studio-execution'),
    },
    lobOpts,
  );
  const domain = new aws.sagemaker.Domain(
    `${name}-domain`,
    {
      domainName: `${lob.name}-studio`,
      authMode: 'IAM',
      appNetworkAccessType: 'VpcOnly',
      vpcId: vpc.id,
      subnetIds: privateSubnets.map((s) => s.id),
      defaultUserSettings: {
        executionRole: executionRole.arn,
        securityGroups: [studioSecurityGroup.id],
        studioWebPortal: 'ENABLED',
        defaultLandingUri: 'studio::',
        // Cost control: idle JupyterLab and Code Editor apps shut down after the LOB's idle minutes.
        jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: idleSettings(lob.idleShutdownMinutes) } },
        codeEditorAppSettings: { appLifecycleManagement: { idleSettings: idleSettings(lob.idleShutdownMinutes) } },
      },
      domainSettings: { executionRoleIdentityConfig: 'USER_PROFILE_NAME', securityGroupIds: [studioSecurityGroup.id] },
      retentionPolicy: { homeEfsFileSystem: production ? 'Retain' : 'Delete' },
      tagPropagation: 'ENABLED',
      tags: tags('domain'),
    },
    lobOpts,
  );
  new aws.iam.RolePolicy(
    `${name}-studio-execution-policy`,
    {
      role: executionRole.name,
      policy: domain.id.apply((domainId) =>
        buildExecutionPolicy({ region: config.region, accountId: lob.accountId, domainId }),
      ),
    },
    lobOpts,
  );
  const userProfiles = lob.users.map(
    (user) =>
      new aws.sagemaker.UserProfile(
        `${name}-profile-${user}`,
        { domainId: domain.id, userProfileName: user, tags: tags(`profile-${user}`) },
        lobOpts,
      ),
  );

  // --- Generator role: what the portal assumes to presign ----------------------------------------------
  const generatorRole = new aws.iam.Role(
    `${name}-generator`,
    {
      name: lob.roleName,
      description: 'Assumed by the Studio Portal function to create presigned Studio URLs for this domain',
      assumeRolePolicy: pulumi.output(shared.portalRoleArn).apply(buildGeneratorTrustPolicy),
      maxSessionDuration: 3600,
      tags: tags('generator'),
    },
    lobOpts,
  );
  const generatorPolicy = new aws.iam.RolePolicy(
    `${name}-generator-policy`,
    {
      role: generatorRole.name,
      policy: pulumi.all([domain.id, shared.sagemakerApiEndpointId]).apply(([domainId, sagemakerApiEndpointId]) =>
        buildGeneratorPolicy({
          region: config.region,
          accountId: lob.accountId,
          domainId,
          sagemakerApiEndpointId,
          autoCreateProfile: lob.autoCreateProfile,
        }),
      ),
    },
    lobOpts,
  );

  // --- Onboarding: the LOB's row in the portal's LOBs table (shared-services account) ---------------------
  const lobItem = new aws.dynamodb.TableItem(
    `${name}-lob-row`,
    {
      tableName: shared.lobsTableName,
      hashKey: 'lob',
      item: domain.id.apply((domainId) => buildLobItem(config, lob, domainId)),
    },
    { ...opts.shared, dependsOn: [generatorPolicy] },
  );

  return {
    vpc,
    privateSubnets,
    attachmentSubnets,
    attachment,
    studioSecurityGroup,
    executionRole,
    domain,
    userProfiles,
    generatorRole,
    generatorPolicy,
    lobItem,
  };
}
