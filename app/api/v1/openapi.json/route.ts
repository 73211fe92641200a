import { API_OPERATIONS } from '@/lib/api/operations';
import { buildOpenApiDocument, tokenUrlOf } from '@/lib/api/openapi';
import { getConfig } from '@/lib/config';

/** The OpenAPI 3.1 document of /api/v1 (public: it describes, it grants nothing). */
export function GET(): Response {
  const document = buildOpenApiDocument(API_OPERATIONS, { tokenUrl: tokenUrlOf(getConfig().cognito) });
  return Response.json(document, { headers: { 'Cache-Control': 'public, max-age=300' } });
}
