// The portal function: the Next.js standalone server on Lambda (AWS Lambda Web Adapter) in the shared VPC,
// its role and least-privilege policy, its log group and security group.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { generatorRoleArn } from './config';
import type { Portal, PortalArgs } from './portal-args';
import { mfaRequired, type PortalUserPool } from './portal-user-pool';
import { attachTopicPolicy, publishStatements } from './notifications';
import { buildPolicyDocument } from './policy-document';
import { allow, securityGroup, type RulePeer } from './security-groups';
import { TABLE_SCHEMAS, tableEnvName } from '../lib/directory/schema';

/** The portal's internal route for the scheduled jobs: LOB health check, reviews, expiry notices (app/api/internal/jobs). */
export const JOBS_PATH = '/api/internal/jobs';
const PORTAL_PORT = '8080';

/** Public Lambda Web Adapter layer (github.com/awslabs/aws-lambda-web-adapter). */
export function webAdapterLayerArn(region: string, architecture: 'arm64' | 'x86_64', version: number): string {
  return `arn:aws:lambda:${region}:753240598075:layer:LambdaAdapterLayer${architecture === 'arm64' ? 'Arm64' : 'X86'}:${version}`;
}

interface FunctionPolicyInput {
  region: string;
  tableArns: string[];
  /** The audit table: records are put, never updated or deleted (also when listed in tableArns). */
  auditTableArn?: string;
  /** The notifications topic the function publishes to. */
  topicArn?: string;
  generatorRoleArns: string[];
  userPoolArn: string;
  logGroupArn: string;
  keyArn: string;
}

/** DynamoDB reads of the portal, and the writes both its tables and the append-only audit table allow. */
const DYNAMODB_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan'];
const DYNAMODB_BATCH_AND_CHECK = ['dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'];

/** What the portal function may do: read/write its three tables, assume the LOB generator roles, little else. */
export function buildFunctionPolicy(input: FunctionPolicyInput): string {
  const audit = input.auditTableArn ? [input.auditTableArn, `${input.auditTableArn}/index/*`] : [];
  return buildPolicyDocument([
    {
      Sid: 'PortalTables',
      Effect: 'Allow',
      Action: [
        ...DYNAMODB_READ,
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        ...DYNAMODB_BATCH_AND_CHECK,
      ],
      Resource: input.tableArns.filter((arn) => arn !== input.auditTableArn).flatMap((arn) => [arn, `${arn}/index/*`]),
    },
    ...(input.auditTableArn
      ? [
          // Audit records are evidence: read and add, never rewrite. (BatchWriteItem is one IAM action for its
          // puts and deletes alike; the stream -> Object Lock archive records any REMOVE that is not TTL's.)
          {
            Sid: 'AuditAppendOnly',
            Effect: 'Allow',
            Action: [...DYNAMODB_READ, 'dynamodb:PutItem', ...DYNAMODB_BATCH_AND_CHECK],
            Resource: audit,
          },
          {
            Sid: 'AuditNeverRewritten',
            Effect: 'Deny',
            Action: [
              'dynamodb:UpdateItem',
              'dynamodb:DeleteItem',
              'dynamodb:UpdateTable',
              'dynamodb:DeleteTable',
              'dynamodb:UpdateTimeToLive',
            ],
            Resource: audit,
          },
        ]
      : []),
    // Per-user generator sessions: the source identity and session tags name the person (infra/lob-account.ts).
    {
      Sid: 'AssumeLobGeneratorRoles',
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
      Resource: input.generatorRoleArns,
    },
    // The admin console looks users up in the pool (read-only).
    {
      Sid: 'ReadUserPool',
      Effect: 'Allow',
      Action: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:ListUsers'],
      Resource: input.userPoolArn,
    },
    // Platform admins register /api/v1 machine clients in the console (lib/admin/api-clients.ts).
    {
      Sid: 'ManageApiClients',
      Effect: 'Allow',
      Action: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
      Resource: input.userPoolArn,
    },
    {
      Sid: 'OwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${input.logGroupArn}:*`,
    },
    { Sid: 'DecryptOwnEnvironment', Effect: 'Allow', Action: 'kms:Decrypt', Resource: input.keyArn },
    ...(input.topicArn ? publishStatements(input.topicArn, input.keyArn) : []),
    // Lambda's VPC networking; these EC2 actions do not support resource-level permissions.
    {
      Sid: 'VpcNetworkInterfaces',
      Effect: 'Allow',
      Action: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: '*',
    },
  ]);
}

export interface PortalFunction {
  functionRole: aws.iam.Role;
  functionPolicy: aws.iam.RolePolicy;
  securityGroup: aws.ec2.SecurityGroup;
  fn: aws.lambda.Function;
}

export function createPortalFunction(
  args: PortalArgs,
  deps: {
    key: aws.kms.Key;
    tables: Portal['tables'];
    notifications: aws.sns.Topic;
    pool: PortalUserPool;
    url: pulumi.Input<string>;
  },
  opts: pulumi.CustomResourceOptions,
): PortalFunction {
  const { name, config, network } = args;
  const { region, portal } = config;
  const { key, tables, notifications, url } = deps;
  const { userPool, webClient, cliClient, issuer } = deps.pool;
  const hostedUi = portal.authMode === 'hosted-ui';
  const tags = (suffix: string) => ({ ...args.tags, Name: `${name}-${suffix}` });

  const functionName = `${name}-server`;
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-server-logs`,
    { name: `/aws/lambda/${functionName}`, retentionInDays: portal.logRetentionDays, tags: args.tags },
    opts,
  );
  const functionRole = new aws.iam.Role(
    `${name}-server-role`,
    {
      name: `${name}-server`,
      assumeRolePolicy: buildPolicyDocument([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]),
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
        .all([
          pulumi.all(TABLE_SCHEMAS.map((table) => tables[table.id].arn)),
          tables.audit.arn,
          userPool.arn,
          logGroup.arn,
          key.arn,
          notifications.arn,
        ])
        .apply(([tableArns, auditTableArn, userPoolArn, logGroupArn, keyArn, topicArn]) =>
          buildFunctionPolicy({
            region,
            tableArns,
            auditTableArn,
            generatorRoleArns: config.lobs.map(generatorRoleArn),
            userPoolArn,
            logGroupArn,
            keyArn,
            topicArn,
          }),
        ),
    },
    opts,
  );

  const serverGroup = securityGroup(
    { name, vpcId: network.vpcId, tags, opts },
    'server',
    'Portal function: no ingress; HTTPS to the central endpoints and DynamoDB',
  );
  const endpoints = { group: network.endpointSecurityGroupId };
  // HTTPS out, to each of these (`${name}-server-to-<key>`).
  const egress: Array<{ key: string; peer: RulePeer; description: string }> = [
    { key: 'endpoints', peer: endpoints, description: 'central interface endpoints' },
    { key: 'dynamodb', peer: { prefixList: network.dynamodbPrefixListId }, description: 'DynamoDB gateway endpoint' },
    // The hosted UI's OAuth endpoints (token exchange) are not served by the cognito-idp PrivateLink
    // endpoint: hosted-ui mode needs an HTTPS egress path (e.g. a central egress VPC behind the TGW).
    ...(hostedUi
      ? [{ key: 'oauth', peer: { cidr: '0.0.0.0/0' }, description: 'Cognito OAuth endpoints (hosted-ui mode)' }]
      : []),
  ];
  for (const { key, peer, description } of egress) {
    allow('out', `${name}-server-to-${key}`, { group: serverGroup.id, ports: 443, peer, description }, opts);
  }
  allow(
    'in',
    `${name}-endpoints-from-server`,
    { ...endpoints, ports: 443, peer: { group: serverGroup.id }, description: 'portal function' },
    opts,
  );

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
      // A flood (or a loop) stops at this many concurrent requests instead of starving the account's pool.
      reservedConcurrentExecutions: portal.border.reservedConcurrency,
      timeout: portal.timeoutSeconds,
      layers: [webAdapterLayerArn(region, portal.architecture, portal.webAdapterLayerVersion)],
      vpcConfig: { subnetIds: network.privateSubnetIds, securityGroupIds: [serverGroup.id] },
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
          ...(hostedUi
            ? { COGNITO_LOGOUT_URL: `https://${portal.hostedUiDomainPrefix}.auth.${region}.amazoncognito.com/logout` }
            : {}),
          COGNITO_CLIENT_ID: webClient.id,
          COGNITO_CLIENT_SECRET: webClient.clientSecret,
          COGNITO_ALLOWED_CLIENT_IDS: pulumi.interpolate`${webClient.id},${cliClient.id}`,
          ...Object.fromEntries(TABLE_SCHEMAS.map((table) => [tableEnvName(table.id), tables[table.id].name])),
          SNS_TOPIC_ARN: notifications.arn,
          // Non-HTTP invocations (the job schedules, infra/health-check.ts) are posted here.
          AWS_LWA_PASS_THROUGH_PATH: JOBS_PATH,
          PRESIGNED_URL_EXPIRES_SECONDS: String(portal.presignedUrlExpiresSeconds),
          // What the LOB page tells admins about how soon access ends (the schedule of infra/health-check.ts).
          ACCESS_SWEEP_MINUTES: String(portal.monitoring.accessSweepMinutes),
          ADMIN_GROUP: portal.adminGroup,
          CONSOLE_REQUIRE_MFA: String(mfaRequired(args)),
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

  return { functionRole, functionPolicy, securityGroup: serverGroup, fn };
}
