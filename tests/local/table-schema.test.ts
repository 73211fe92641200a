/**
 * One table-schema source (lib/directory/schema.ts): the stand-ins' CreateTable inputs and the infra's
 * table arguments are both derived from it and say the same keys and indexes.
 */
import { describe, expect, it } from 'vitest';
import { TABLE_SCHEMAS } from '../../lib/directory/schema';
import { tableDefinitions } from '../../local/dynamodb';
import { tableArgsFor } from '../../infra/table-schema';
import { TABLES } from '../../local/demo-data';

describe('Table schemas', () => {
  it('the stand-ins create every table with the schema keys and GSIs', () => {
    const defs = tableDefinitions(TABLES);
    expect(defs.map((d) => d.TableName)).toEqual(TABLE_SCHEMAS.map((s) => TABLES[s.id]));
    for (const [i, schema] of TABLE_SCHEMAS.entries()) {
      const def = defs[i];
      expect(def.KeySchema?.map((k) => k.AttributeName)).toEqual([schema.hash, schema.range].filter(Boolean));
      expect(
        (def.GlobalSecondaryIndexes ?? []).map((g) => [
          g.IndexName,
          ...(g.KeySchema ?? []).map((k) => k.AttributeName),
        ]),
      ).toEqual(schema.indexes.map((x) => [x.name, x.hash, ...(x.range ? [x.range] : [])]));
    }
  });

  it('infra declares the same keys, attributes and GSIs', () => {
    for (const schema of TABLE_SCHEMAS) {
      const args = tableArgsFor(schema);
      const def = tableDefinitions(TABLES).find((d) => d.TableName === TABLES[schema.id])!;
      expect(args.hashKey).toBe(def.KeySchema?.[0].AttributeName);
      expect(args.rangeKey).toBe(def.KeySchema?.[1]?.AttributeName);
      expect(args.attributes.map((a) => `${a.name}:${a.type}`).sort()).toEqual(
        (def.AttributeDefinitions ?? []).map((a) => `${a.AttributeName}:${a.AttributeType}`).sort(),
      );
      expect(args.globalSecondaryIndexes.map((g) => [g.name, g.hashKey, g.rangeKey])).toEqual(
        (def.GlobalSecondaryIndexes ?? []).map((g) => [
          g.IndexName,
          g.KeySchema?.[0].AttributeName,
          g.KeySchema?.[1]?.AttributeName,
        ]),
      );
    }
  });
});
