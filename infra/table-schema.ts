// DynamoDB table arguments for Pulumi from the one schema source (lib/directory/schema.ts), so infra, the
// stand-ins and the data layer cannot drift apart (tests/local/table-schema.test.ts).
import type { TableSchema } from '../lib/directory/schema';

export interface SchemaTableArgs {
  hashKey: string;
  rangeKey?: string;
  attributes: { name: string; type: string }[];
  globalSecondaryIndexes: { name: string; hashKey: string; rangeKey?: string; projectionType: 'ALL' }[];
  ttl?: { attributeName: string; enabled: true };
}

export function tableArgsFor(schema: TableSchema): SchemaTableArgs {
  return {
    hashKey: schema.hash,
    ...(schema.range ? { rangeKey: schema.range } : {}),
    attributes: Object.entries(schema.attributes).map(([name, type]) => ({ name, type })),
    globalSecondaryIndexes: schema.indexes.map((i) => ({
      name: i.name,
      hashKey: i.hash,
      ...(i.range ? { rangeKey: i.range } : {}),
      projectionType: 'ALL' as const,
    })),
    ...(schema.ttl ? { ttl: { attributeName: schema.ttl, enabled: true as const } } : {}),
  };
}
