import { after } from 'next/server';
import { apiCaller, sessionUserOf } from '@/lib/auth/api-caller';
import { parseBearer } from '@/lib/auth/tokens';
import { PortalError, toPortalError } from '@/lib/errors';
import { LAUNCH_HEADERS, errorResponse, wantsJson } from '@/lib/http/responses';
import { launch, validateLaunchChoices } from '@/lib/launch';
import { log } from '@/lib/log';
import { getMetrics } from '@/lib/metrics';
import { REQUEST_ID_HEADER, newRequestId } from '@/lib/request-id';

type Context = { params: Promise<{ user: string }> };

/**
 * The scripts' door: `GET /api/studio/{user}` with a Cognito access token -> 302 to the presigned
 * Studio URL (or 200 JSON with `Accept: application/json`). Same launch function as the portal.
 */
export async function GET(request: Request, context: Context): Promise<Response> {
  const started = Date.now();
  const requestId = newRequestId();
  let status = 500;
  let code: string | undefined;
  let username: string | undefined;
  try {
    const token = parseBearer(request.headers.get('authorization'));
    // Verified, and the user's pool state (at most IDENTITY_RECHECK_SECONDS old) still lets them in.
    const identity = await apiCaller(token);
    username = identity.username;
    const { user } = await context.params;
    // Exact match: a case variant of one's own name is another Studio profile name, so it is refused too.
    if (user !== identity.username) {
      throw new PortalError('auth.forbidden', 'The path names another user: you can only open your own Studio.');
    }
    const query = new URL(request.url).searchParams;
    const choices = validateLaunchChoices({ lob: query.get('lob'), app: query.get('app'), space: query.get('space') });
    const result = await launch(
      {
        user: sessionUserOf(identity),
        channel: 'api',
        requestId,
        ...choices,
      },
      (task) => after(task),
    );
    const headers = { ...LAUNCH_HEADERS, [REQUEST_ID_HEADER]: requestId };
    if (wantsJson(request.headers.get('accept'))) {
      status = 200;
      const { url, expiresAt, lob, accountId, domainId } = result;
      return Response.json({ url, expiresAt, lob, accountId, domainId }, { status, headers });
    }
    status = 302;
    return new Response(null, { status, headers: { ...headers, Location: result.url } });
  } catch (thrown) {
    const error = toPortalError(thrown);
    status = error.status;
    code = error.code;
    if (error.code === 'internal') log.error('api.studio_failed', { requestId, error: thrown });
    if (error.status === 401 || error.code === 'auth.forbidden') getMetrics().tokenRefused(error.code);
    if (error.code === 'jwks.unavailable') getMetrics().dependencyError('cognito-jwks', error.code);
    return errorResponse(error, requestId);
  } finally {
    log.info('api.request', {
      requestId,
      route: '/api/studio/[user]',
      user: username,
      status,
      code,
      durationMs: Date.now() - started,
    });
  }
}
