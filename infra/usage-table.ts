// The Usage table (launch counters and LOB health, lib/usage/schema.ts) in the shared-services account.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { USAGE_KEY } from '../lib/usage/schema';

export function createUsageTable(
  args: { name: string; tableName: string; kmsKeyArn: pulumi.Input<string>; production: boolean; tags?: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): aws.dynamodb.Table {
  return new aws.dynamodb.Table(
    `${args.name}-usage`,
    {
      name: args.tableName,
      billingMode: 'PAY_PER_REQUEST',
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
      deletionProtectionEnabled: args.production,
      hashKey: USAGE_KEY.hashKey,
      rangeKey: USAGE_KEY.rangeKey,
      attributes: USAGE_KEY.attributes.map((a) => ({ name: a.name, type: a.type })),
      ttl: { attributeName: USAGE_KEY.ttlAttribute, enabled: true },
      tags: args.tags,
    },
    opts,
  );
}
