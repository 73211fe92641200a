import { getConfig } from '@/lib/config';
import { ConfigError } from '@/lib/errors';

/** Liveness for load balancers and the local stack helper: no auth, no secrets, no AWS calls. */
export function GET() {
  try {
    getConfig();
    return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    const status = error instanceof ConfigError ? 'misconfigured' : 'error';
    return Response.json({ status }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
}
