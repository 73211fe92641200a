// The portal in the shared-services account, composed of its pieces: the DynamoDB tables, key and
// notifications topic (here), the user pool (portal-user-pool.ts), the function (portal-function.ts) and the
// private API (portal-api.ts).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from './config';
import { AUDIT_TABLE, LOBS_TABLE, REQUESTS_TABLE, REVIEWS_TABLE, USAGE_TABLE, USERS_TABLE, type TableSchema } from '../lib/directory/schema';
import { tableArgsFor } from './table-schema';
import { createNotificationsTopic } from './notifications';
import { createPrivateApi, routeApiToFunction } from './portal-api';
import { createPortalFunction } from './portal-function';
import { createPortalUserPool } from './portal-user-pool';
import { createAuditArchive, type AuditArchive } from './audit-archive';

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
  /** the audit records' Object Lock archive (stream -> Pipes -> Firehose -> S3, Glue table) */
  auditArchive: AuditArchive;
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
  // The audit table streams every change to the archive (infra/audit-archive.ts).
  const stream = (schema: TableSchema) => (schema.id === 'audit' ? { streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' } : {});
  const table = (schema: TableSchema) =>
    new aws.dynamodb.Table(`${name}-${schema.id}`, { ...common, name: config.portal.tables[schema.id], ...tableArgsFor(schema), ...stream(schema) }, opts);
  const [users, lobs, audit, requests, reviews, usage] = [USERS_TABLE, LOBS_TABLE, AUDIT_TABLE, REQUESTS_TABLE, REVIEWS_TABLE, USAGE_TABLE].map(table);
  return { users, lobs, audit, requests, reviews, usage };
}

export function createPortal(args: PortalArgs, opts: pulumi.CustomResourceOptions): Portal {
  const { name } = args;
  const tags = (suffix: string) => ({ ...args.tags, Name: `${name}-${suffix}` });

  const key = new aws.kms.Key(`${name}-key`, { description: `${name}: portal tables and function environment`, enableKeyRotation: true, deletionWindowInDays: 30, tags: tags('key') }, opts);
  const tables = createTables(args, key, opts);
  const notifications = createNotificationsTopic({ name, key, tags: args.tags ?? {} }, opts);
  const { api, apiPolicy, url } = createPrivateApi(args, opts);
  const pool = createPortalUserPool(args, url, opts);
  const { functionRole, functionPolicy, securityGroup, fn } = createPortalFunction(args, { key, tables, notifications, pool, url }, opts);
  const { stage, customDomain, customDomainZone } = routeApiToFunction(args, { api, apiPolicy, url }, fn, opts);
  const { userPool, webClient, cliClient, adminGroup, hostedUiDomain } = pool;
  const auditArchive = createAuditArchive({ name, config: args.config, key, auditTable: tables.audit, tags: args.tags }, opts);

  return { tables, notifications, key, userPool, webClient, cliClient, adminGroup, hostedUiDomain, functionRole, functionPolicy, securityGroup, fn, api, stage, customDomain, customDomainZone, url, auditArchive };
}
