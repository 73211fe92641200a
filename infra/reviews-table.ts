// The access-reviews table (lib/admin/reviews.ts), built from the one schema source (lib/directory/schema.ts)
// so infra, the stand-ins and the data layer agree. Same protection as the portal's other tables; items
// expire with the audit log (TTL attribute from the schema).
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { REVIEWS_TABLE } from '../lib/directory/schema';

export interface ReviewsTableArgs {
  name: string;
  tableName: string;
  kmsKeyArn: pulumi.Input<string>;
  production: boolean;
  tags?: Record<string, string>;
}

export function createReviewsTable(args: ReviewsTableArgs, opts: pulumi.CustomResourceOptions): aws.dynamodb.Table {
  const schema = REVIEWS_TABLE;
  return new aws.dynamodb.Table(
    `${args.name}-reviews`,
    {
      name: args.tableName,
      billingMode: 'PAY_PER_REQUEST',
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
      deletionProtectionEnabled: args.production,
      tags: args.tags,
      hashKey: schema.hash,
      rangeKey: schema.range,
      attributes: Object.entries(schema.attributes).map(([name, type]) => ({ name, type })),
      globalSecondaryIndexes: schema.indexes.map((i) => ({ name: i.name, hashKey: i.hash, rangeKey: i.range, projectionType: 'ALL' })),
      ttl: { attributeName: schema.ttl, enabled: true },
    },
    opts,
  );
}
