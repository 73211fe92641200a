/** The Next.js binding of an operation: `export const GET = apiRoute(listLobsOp)` in app/api/v1/.../route.ts. */
import { getAdminDeps } from '@/lib/admin/deps';
import { runOperation, type ApiOperation } from './operation';

export function apiRoute(op: ApiOperation) {
  return async (
    request: Request,
    context: { params?: Promise<Record<string, string | string[] | undefined>> },
  ): Promise<Response> => {
    // Routes without dynamic segments get no params.
    const params = Object.fromEntries(
      Object.entries((await context.params) ?? {}).map(([k, v]) => [k, String(v ?? '')]),
    );
    return runOperation(op, request, params, getAdminDeps());
  };
}
