// What the portal's pieces (portal.ts and the modules it composes) take and give: its arguments and the
// resources it creates. Apart from portal.ts so the pieces import these types without importing it.
import type * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { AuditArchive } from './audit-archive';
import type { InfraConfig } from './config';
import type { TableId } from '../lib/directory/schema';

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
  tables: Record<TableId, aws.dynamodb.Table>;
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
