import { beforeAll, describe, expect, it } from 'vitest';
import { installPulumiMocks, resourcesOfType, settle, T } from './testing/pulumi-mocks';
import { REVIEWS_TABLE } from '../lib/directory/schema';
import { tableDefinitions } from '../local/dynamodb';

beforeAll(async () => {
  await installPulumiMocks();
  const { createReviewsTable } = await import('./reviews-table');
  createReviewsTable({ name: 'sp-test', tableName: 'studio-portal-reviews', kmsKeyArn: 'arn:aws:kms:us-east-1:999999999999:key/k', production: true }, {});
  await settle();
});

describe('reviews table (offline, Pulumi mocks)', () => {
  it('has the keys, indexes and TTL of the schema source, encrypted, protected and recoverable', () => {
    const [table] = resourcesOfType(T.table).filter((t) => t.inputs.name === 'studio-portal-reviews');
    expect(table.inputs.hashKey).toBe('pk');
    expect(table.inputs.rangeKey).toBe('sk');
    expect(table.inputs.ttl).toEqual({ attributeName: 'ttl', enabled: true });
    expect(table.inputs.serverSideEncryption).toMatchObject({ enabled: true, kmsKeyArn: expect.stringContaining(':kms:') });
    expect(table.inputs.deletionProtectionEnabled).toBe(true);
    expect(table.inputs.pointInTimeRecovery).toEqual({ enabled: true });
    const gsis = (table.inputs.globalSecondaryIndexes as { name: string; hashKey: string; rangeKey: string }[]).map((g) => `${g.name}:${g.hashKey}/${g.rangeKey}`);
    expect(gsis.sort()).toEqual(['byLob:reviewLob/createdAt', 'openByDue:openKind/dueAt', 'schedulesDue:scheduleKind/nextAt']);
  });

  it('matches the stand-ins’ CreateTable definition', () => {
    const [table] = resourcesOfType(T.table).filter((t) => t.inputs.name === 'studio-portal-reviews');
    const local = tableDefinitions({ users: 'u', lobs: 'l', audit: 'a', requests: 'r', reviews: 'studio-portal-reviews' }).find((d) => d.TableName === 'studio-portal-reviews')!;
    const attrs = (table.inputs.attributes as { name: string; type: string }[]).map((a) => `${a.name}:${a.type}`).sort();
    expect(attrs).toEqual(local.AttributeDefinitions!.map((a) => `${a.AttributeName}:${a.AttributeType}`).sort());
    expect(local.GlobalSecondaryIndexes!.map((g) => g.IndexName).sort()).toEqual(REVIEWS_TABLE.indexes.map((i) => i.name).sort());
  });
});
