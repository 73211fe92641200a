import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { API_OPERATIONS } from '@/lib/api/operations';
import { buildOpenApiDocument } from '@/lib/api/openapi';

describe('the /api/v1 OpenAPI document', () => {
  it('validates as OpenAPI 3.1 and lists every operation once', async () => {
    const document = buildOpenApiDocument(API_OPERATIONS, { tokenUrl: 'https://auth.example.com/oauth2/token' });
    const validator = new Validator();
    const result = await validator.validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const ids = Object.values(document.paths ?? {}).flatMap((item) =>
      Object.values(item as Record<string, { operationId?: string }>).map((op) => op.operationId),
    );
    expect(ids.sort()).toEqual(API_OPERATIONS.map((op) => op.id).sort());
  });
});
