// The portal in the shared-services account: DynamoDB tables, Cognito, and the Next.js server as a
// Lambda function (AWS Lambda Web Adapter) in the shared VPC behind a PRIVATE REST API.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { generatorRoleArn, type InfraConfig } from './config';
import { AUDIT_TABLE, LOBS_TABLE, REQUESTS_TABLE, REVIEWS_TABLE, USAGE_TABLE, USERS_TABLE, type TableSchema } from '../lib/directory/schema';
import { tableArgsFor } from './table-schema';
import { attachTopicPolicy, createNotificationsTopic, publishStatements } from './notifications';

export interface PortalNetwork {
  vpcId: pulumi.Input<string>;
  vpcCidr: string;
  privateSubnetIds: pulumi.Input<string>[];
  endpointSecurityGroupId: pulumi.Input<string>;
  executeApiEndpointId: pulumi.Input<string>;
  executeApiEndpointDns: pulumi.Input<{ dnsName: string; hostedZoneId: string }>;
  dynamodbPrefixListId: pulumi.Input<string>;
}

export interface PortalArgs {
  /** resource name prefix, e.g. `studio-portal-dev` */
  name: string;
  config: InfraConfig;
  /** production: deletion protection on tables and the user pool */
  production: boolean;
  network: PortalNetwork;
  /** folder holding the Lambda bundle (run.sh, server.js, .next/static, public): see infra/bundle.ts */
  bundlePath: string;
  /** next-auth session key; pass an SST secret or an SSM SecureString value, never a literal */
  nextAuthSecret: pulumi.Input<string>;
  tags?: Record<string, string>;
}

export interface Portal {
  tables: { users: aws.dynamodb.Table; lobs: aws.dynamodb.Table; audit: aws.dynamodb.Table; requests: aws.dynamodb.Table; reviews: aws.dynamodb.Table; usage: aws.dynamodb.Table };
  notifications: aws.sns.Topic;
  key: aws.kms.Key;
  userPool: aws.cognito.UserPool;
  webClient: aws.cognito.UserPoolClient;
  cliClient: aws.cognito.UserPoolClient;
  adminGroup: aws.cognito.UserGroup;
  hostedUiDomain?: aws.cognito.UserPoolDomain;
  functionRole: aws.iam.Role;
  functionPolicy: aws.iam.RolePolicy;
  securityGroup: aws.ec2.SecurityGroup;
  fn: aws.lambda.Function;
  api: aws.apigateway.RestApi;
  stage: aws.apigateway.Stage;
  customDomain?: aws.apigateway.DomainName;
  /** private zone of the custom domain (associated with the shared VPC) */
  customDomainZone?: aws.route53.Zone;
  /** the portal's URL as users type it */
  url: pulumi.Output<string>;
}

export const API_STAGE_NAME = 'portal';
/** The portal's internal route for the scheduled jobs: LOB health check, reviews, expiry notices (app/api/internal/jobs). */
export const JOBS_PATH = '/api/internal/jobs';
const PORTAL_PORT = '8080';

/** Public Lambda Web Adapter layer (github.com/awslabs/aws-lambda-web-adapter). */
export function webAdapterLayerArn(region: string, architecture: 'arm64' | 'x86_64', version: number): string {
  return `arn:aws:lambda:${region}:753240598075:layer:LambdaAdapterLayer${architecture === 'arm64' ? 'Arm64' : 'X86'}:${version}`;
}

/** Resource policy of the API (and of its private custom domain): Invoke only through our execute-api endpoint. */
export function buildApiPolicy(executeApiEndpointId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'InvokeThroughOurEndpointOnly',
        Effect: 'Allow',
        Principal: '*',
        Action: 'execute-api:Invoke',
        Resource: 'execute-api:/*',
        Condition: { StringEquals: { 'aws:SourceVpce': executeApiEndpointId } },
      },
    ],
  });
}

interface FunctionPolicyInput {
  region: string;
  tableArns: string[];
  /** The notifications topic the function publishes to. */
  topicArn?: string;
  generatorRoleArns: string[];
  userPoolArn: string;
  logGroupArn: string;
  keyArn: string;
}

/** What the portal function may do: read/write its three tables, assume the LOB generator roles, little else. */
export function buildFunctionPolicy(input: FunctionPolicyInput): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PortalTables',
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
        ],
        Resource: input.tableArns.flatMap((arn) => [arn, `${arn}/index/*`]),
      },
      // Per-user generator sessions: the source identity and session tags name the person (infra/lob-account.ts).
      { Sid: 'AssumeLobGeneratorRoles', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'], Resource: input.generatorRoleArns },
      // The admin console looks users up in the pool (read-only).
      { Sid: 'ReadUserPool', Effect: 'Allow', Action: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:ListUsers'], Resource: input.userPoolArn },
      { Sid: 'OwnLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${input.logGroupArn}:*` },
      { Sid: 'DecryptOwnEnvironment', Effect: 'Allow', Action: 'kms:Decrypt', Resource: input.keyArn },
      ...(input.topicArn ? publishStatements(input.topicArn, input.keyArn) : []),
      // Lambda's VPC networking; these EC2 actions do not support resource-level permissions.
      {
        Sid: 'VpcNetworkInterfaces',
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        Resource: '*',
      },
    ],
  });
}

function createTables(args: PortalArgs, key: aws.kms.Key, opts: pulumi.CustomResourceOptions) {
  const { name, config, production } = args;
  const common = {
    billingMode: 'PAY_PER_REQUEST',
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
    deletionProtectionEnabled: production,
    tags: args.tags,
  };
  // Keys and indexes from the one schema source (lib/directory/schema.ts).
  const table = (schema: TableSchema) =>
    new aws.dynamodb.Table(`${name}-${schema.id}`, { ...common, name: config.portal.tables[schema.id], ...tableArgsFor(schema) }, opts);
  const [users, lobs, audit, requests, reviews, usage] = [USERS_TABLE, LOBS_TABLE, AUDIT_TABLE, REQUESTS_TABLE, REVIEWS_TABLE, USAGE_TABLE].map(table);
  return { users, lobs, audit, requests, reviews, usage };
}

export function createPortal(args: PortalArgs, opts: pulumi.CustomResourceOptions): Portal {
  const { name, config, production, network } = args;
  const { region } = config;
  const portal = config.portal;
  const tags = (suffix: string) => ({ ...args.tags, Name: `${name}-${suffix}` });

  const key = new aws.kms.Key(`${name}-key`, { description: `${name}: portal tables and function environment`, enableKeyRotation: true, deletionWindowInDays: 30, tags: tags('key') }, opts);
  const tables = createTables(args, key, opts);
  const notifications = createNotificationsTopic({ name, key, tags: args.tags ?? {} }, opts);

  // --- Cognito --------------------------------------------------------------------------------------------
  const userPool = new aws.cognito.UserPool(
    `${name}-users`,
    {
      name: `${name}-users`,
      // Accounts are created by admins (or federated in hosted-ui mode): no self sign-up.
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true, temporaryPasswordValidityDays: 3 },
      mfaConfiguration: 'OPTIONAL',
      softwareTokenMfaConfiguration: { enabled: true },
      usernameConfiguration: { caseSensitive: false },
      deletionProtection: production ? 'ACTIVE' : 'INACTIVE',
      tags: args.tags,
    },
    opts,
  );
  const adminGroup = new aws.cognito.UserGroup(`${name}-admins`, { userPoolId: userPool.id, name: portal.adminGroup, description: 'Studio Portal administrators' }, opts);

  const hostedUi = portal.authMode === 'hosted-ui';
  const hostedUiDomain = hostedUi
    ? new aws.cognito.UserPoolDomain(`${name}-hosted-ui`, { userPoolId: userPool.id, domain: portal.hostedUiDomainPrefix! }, opts)
    : undefined;

  // API first: the function's NEXTAUTH_URL and the OAuth callback need its id.
  const apiPolicy = pulumi.output(network.executeApiEndpointId).apply(buildApiPolicy);
  const api = new aws.apigateway.RestApi(
    `${name}-api`,
    {
      name: `${name}-portal`,
      description: 'Studio Portal (private: reachable only through the shared execute-api endpoint)',
      endpointConfiguration: { types: 'PRIVATE', vpcEndpointIds: [network.executeApiEndpointId] },
      policy: apiPolicy,
      // Static assets (fonts, images) pass through as binary.
      binaryMediaTypes: ['*/*'],
      tags: tags('api'),
    },
    opts,
  );
  const url = portal.customDomain
    ? pulumi.output(`https://${portal.customDomain.domainName}`)
    : pulumi.interpolate`https://${api.id}.execute-api.${region}.amazonaws.com/${API_STAGE_NAME}`;

  const webClient = new aws.cognito.UserPoolClient(
    `${name}-web`,
    {
      name: 'portal-web',
      userPoolId: userPool.id,
      generateSecret: true,
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      ...(hostedUi
        ? {
            allowedOauthFlowsUserPoolClient: true,
            allowedOauthFlows: ['code'],
            allowedOauthScopes: ['openid', 'email', 'profile'],
            supportedIdentityProviders: ['COGNITO'],
            callbackUrls: [pulumi.interpolate`${url}/api/auth/callback/cognito`],
            // Where Cognito's /logout returns the browser after ending the hosted-UI session.
            logoutUrls: [pulumi.interpolate`${url}/signin?signedOut=1`],
          }
        : {}),
    },
    opts,
  );
  // Scripts get access tokens for GET /api/studio/{user} with this public client (USER_PASSWORD_AUTH).
  const cliClient = new aws.cognito.UserPoolClient(
    `${name}-cli`,
    { name: 'portal-cli', userPoolId: userPool.id, generateSecret: false, explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], preventUserExistenceErrors: 'ENABLED', accessTokenValidity: 60, tokenValidityUnits: { accessToken: 'minutes' } },
    opts,
  );

  // --- Function -------------------------------------------------------------------------------------------
  const functionName = `${name}-server`;
  const logGroup = new aws.cloudwatch.LogGroup(`${name}-server-logs`, { name: `/aws/lambda/${functionName}`, retentionInDays: portal.logRetentionDays, tags: args.tags }, opts);
  const functionRole = new aws.iam.Role(
    `${name}-server-role`,
    {
      name: `${name}-server`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      tags: args.tags,
    },
    opts,
  );
  attachTopicPolicy(name, notifications, functionRole, opts);
  const functionPolicy = new aws.iam.RolePolicy(
    `${name}-server-policy`,
    {
      role: functionRole.name,
      policy: pulumi
        .all([tables.users.arn, tables.lobs.arn, tables.audit.arn, tables.requests.arn, tables.reviews.arn, tables.usage.arn, userPool.arn, logGroup.arn, key.arn, notifications.arn])
        .apply(([usersArn, lobsArn, auditArn, requestsArn, reviewsArn, usageArn, userPoolArn, logGroupArn, keyArn, topicArn]) =>
          buildFunctionPolicy({ region, tableArns: [usersArn, lobsArn, auditArn, requestsArn, reviewsArn, usageArn], generatorRoleArns: config.lobs.map(generatorRoleArn), userPoolArn, logGroupArn, keyArn, topicArn }),
        ),
    },
    opts,
  );

  const securityGroup = new aws.ec2.SecurityGroup(`${name}-server-sg`, { vpcId: network.vpcId, description: 'Portal function: no ingress; HTTPS to the central endpoints and DynamoDB', tags: tags('server') }, opts);
  new aws.vpc.SecurityGroupEgressRule(`${name}-server-to-endpoints`, { securityGroupId: securityGroup.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443, referencedSecurityGroupId: network.endpointSecurityGroupId, description: 'central interface endpoints' }, opts);
  new aws.vpc.SecurityGroupEgressRule(`${name}-server-to-dynamodb`, { securityGroupId: securityGroup.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: network.dynamodbPrefixListId, description: 'DynamoDB gateway endpoint' }, opts);
  if (hostedUi) {
    // The hosted UI's OAuth endpoints (token exchange) are not served by the cognito-idp PrivateLink
    // endpoint: hosted-ui mode needs an HTTPS egress path (e.g. a central egress VPC behind the TGW).
    new aws.vpc.SecurityGroupEgressRule(`${name}-server-to-oauth`, { securityGroupId: securityGroup.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0', description: 'Cognito OAuth endpoints (hosted-ui mode)' }, opts);
  }
  new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-from-server`, { securityGroupId: network.endpointSecurityGroupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, referencedSecurityGroupId: securityGroup.id, description: 'portal function' }, opts);

  const issuer = pulumi.interpolate`https://cognito-idp.${region}.amazonaws.com/${userPool.id}`;
  const fn = new aws.lambda.Function(
    `${name}-server`,
    {
      name: functionName,
      description: 'Studio Portal: Next.js standalone server behind the AWS Lambda Web Adapter',
      role: functionRole.arn,
      runtime: 'nodejs22.x',
      architectures: [portal.architecture],
      handler: 'run.sh',
      code: new pulumi.asset.FileArchive(args.bundlePath),
      memorySize: portal.memoryMb,
      timeout: portal.timeoutSeconds,
      layers: [webAdapterLayerArn(region, portal.architecture, portal.webAdapterLayerVersion)],
      vpcConfig: { subnetIds: network.privateSubnetIds, securityGroupIds: [securityGroup.id] },
      kmsKeyArn: key.arn,
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      environment: {
        variables: {
          AWS_LAMBDA_EXEC_WRAPPER: '/opt/bootstrap',
          AWS_LWA_PORT: PORTAL_PORT,
          PORT: PORTAL_PORT,
          AWS_LWA_READINESS_CHECK_PATH: '/api/health',
          AUTH_MODE: portal.authMode,
          NEXTAUTH_URL: url,
          NEXTAUTH_SECRET: args.nextAuthSecret,
          COGNITO_ISSUER: issuer,
          COGNITO_USER_POOL_ID: userPool.id,
          // Cognito's discovery document has no end_session_endpoint: name its /logout so sign-out ends the IdP session.
          ...(hostedUi ? { COGNITO_LOGOUT_URL: `https://${portal.hostedUiDomainPrefix}.auth.${region}.amazoncognito.com/logout` } : {}),
          COGNITO_CLIENT_ID: webClient.id,
          COGNITO_CLIENT_SECRET: webClient.clientSecret,
          COGNITO_ALLOWED_CLIENT_IDS: pulumi.interpolate`${webClient.id},${cliClient.id}`,
          TABLE_USERS: tables.users.name,
          TABLE_LOBS: tables.lobs.name,
          TABLE_AUDIT: tables.audit.name,
          TABLE_REQUESTS: tables.requests.name,
          SNS_TOPIC_ARN: notifications.arn,
          TABLE_REVIEWS: tables.reviews.name,
          TABLE_USAGE: tables.usage.name,
          // Non-HTTP invocations (the job schedules, infra/health-check.ts) are posted here.
          AWS_LWA_PASS_THROUGH_PATH: JOBS_PATH,
          PRESIGNED_URL_EXPIRES_SECONDS: String(portal.presignedUrlExpiresSeconds),
          ADMIN_GROUP: portal.adminGroup,
          SUPPORT_CONTACT: portal.supportContact,
          LOG_LEVEL: portal.logLevel,
          // Lambda freezes the process once the response is sent: write the audit record first.
          AUDIT_WRITE: 'before-response',
        },
      },
      tags: args.tags,
    },
    { ...opts, dependsOn: [functionPolicy, logGroup] },
  );

  // --- Private REST API: ANY / and ANY /{proxy+} -> the function -----------------------------------------
  const proxy = new aws.apigateway.Resource(`${name}-api-proxy`, { restApi: api.id, parentId: api.rootResourceId, pathPart: '{proxy+}' }, opts);
  const routes = [
    { key: 'root', resourceId: api.rootResourceId },
    { key: 'proxy', resourceId: proxy.id },
  ].map(({ key, resourceId }) => {
    // Identity is checked by the portal itself on every route (next-auth session or Cognito bearer token).
    const method = new aws.apigateway.Method(`${name}-api-${key}-any`, { restApi: api.id, resourceId, httpMethod: 'ANY', authorization: 'NONE' }, opts);
    return new aws.apigateway.Integration(
      `${name}-api-${key}-lambda`,
      { restApi: api.id, resourceId, httpMethod: method.httpMethod, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: fn.invokeArn },
      opts,
    );
  });
  new aws.lambda.Permission(`${name}-api-invoke`, { action: 'lambda:InvokeFunction', function: fn.name, principal: 'apigateway.amazonaws.com', sourceArn: pulumi.interpolate`${api.executionArn}/*/*` }, opts);
  const deployment = new aws.apigateway.Deployment(
    `${name}-api-deployment`,
    { restApi: api.id, triggers: { policy: apiPolicy, routes: 'root+proxy:ANY:AWS_PROXY' } },
    { ...opts, dependsOn: routes },
  );
  const stageDependencies: pulumi.Resource[] = [];
  if (portal.manageApiGatewayAccount) {
    // Region-wide setting of the shared-services account: the role API Gateway writes access logs with.
    const apiLogsRole = new aws.iam.Role(
      `${name}-apigw-logs-role`,
      {
        assumeRolePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
        managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
        tags: args.tags,
      },
      opts,
    );
    stageDependencies.push(new aws.apigateway.Account(`${name}-apigw-account`, { cloudwatchRoleArn: apiLogsRole.arn }, opts));
  }
  const accessLogs = new aws.cloudwatch.LogGroup(`${name}-api-logs`, { name: `/aws/apigateway/${name}-portal`, retentionInDays: portal.logRetentionDays, tags: args.tags }, opts);
  const stage = new aws.apigateway.Stage(
    `${name}-api-stage`,
    {
      restApi: api.id,
      deployment: deployment.id,
      stageName: API_STAGE_NAME,
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        // No query strings or headers: presigned URLs and tokens never reach the access log.
        format: JSON.stringify({ requestId: '$context.requestId', ip: '$context.identity.sourceIp', vpce: '$context.identity.vpceId', method: '$context.httpMethod', path: '$context.resourcePath', status: '$context.status', latencyMs: '$context.responseLatency' }),
      },
      tags: args.tags,
    },
    { ...opts, dependsOn: stageDependencies },
  );

  let customDomain: aws.apigateway.DomainName | undefined;
  let customDomainZone: aws.route53.Zone | undefined;
  if (portal.customDomain) {
    const { domainName, certificateArn } = portal.customDomain;
    customDomain = new aws.apigateway.DomainName(
      `${name}-domain`,
      { domainName, certificateArn, endpointConfiguration: { types: 'PRIVATE' }, securityPolicy: 'TLS_1_2', policy: apiPolicy, tags: args.tags },
      opts,
    );
    new aws.apigateway.DomainNameAccessAssociation(
      `${name}-domain-access`,
      { domainNameArn: customDomain.arn, accessAssociationSource: network.executeApiEndpointId, accessAssociationSourceType: 'VPCE' },
      opts,
    );
    new aws.apigateway.BasePathMapping(`${name}-domain-mapping`, { restApi: api.id, stageName: stage.stageName, domainName: customDomain.domainName, domainNameId: customDomain.domainNameId }, opts);
    const zone = new aws.route53.Zone(
      `${name}-domain-zone`,
      { name: domainName, vpcs: [{ vpcId: network.vpcId, vpcRegion: region }], forceDestroy: true, tags: args.tags },
      { ...opts, ignoreChanges: ['vpcs'] },
    );
    customDomainZone = zone;
    const target = pulumi.output(network.executeApiEndpointDns);
    new aws.route53.Record(
      `${name}-domain-record`,
      { zoneId: zone.zoneId, name: domainName, type: 'A', aliases: [{ name: target.dnsName, zoneId: target.hostedZoneId, evaluateTargetHealth: false }] },
      opts,
    );
  }

  return { tables, notifications, key, userPool, webClient, cliClient, adminGroup, hostedUiDomain, functionRole, functionPolicy, securityGroup, fn, api, stage, customDomain, customDomainZone, url };
}
