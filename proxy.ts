import { NextResponse, type NextRequest } from 'next/server';
import { REQUEST_ID_HEADER, newRequestId } from './lib/request-id';
import { buildContentSecurityPolicy, cspStyleSrcMode, formActionSources } from './lib/csp';

const FORM_ACTION = formActionSources(process.env);

function contentSecurityPolicy(nonce: string): string {
  return buildContentSecurityPolicy(nonce, {
    styleSrc: cspStyleSrcMode(process.env.CSP_STYLE_SRC),
    // React's dev build needs eval (call stacks); `next build` output never does.
    evalForDevServer: process.env.NODE_ENV === 'development',
    formAction: FORM_ACTION,
  });
}

function isDecodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/**
 * Per request: a request id the portal makes (replacing any the client sent), a CSP nonce Next.js
 * applies to its scripts, and `Cache-Control: no-store` (every page and launch response is personal).
 * Authentication is NOT decided here: every page, action and route checks the session itself.
 */
export function proxy(request: NextRequest) {
  const requestId = newRequestId();
  if (!isDecodablePath(request.nextUrl.pathname)) {
    // Next.js would fail decoding the dynamic segment with a bare 500: answer the client's mistake as one.
    return NextResponse.json(
      { code: 'input.invalid', message: 'The request path is not valid percent-encoded UTF-8.', requestId },
      { status: 400, headers: { [REQUEST_ID_HEADER]: requestId, 'Cache-Control': 'no-store' } },
    );
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce);

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(REQUEST_ID_HEADER, requestId);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  response.headers.set(REQUEST_ID_HEADER, requestId);
  response.headers.set('Cache-Control', 'no-store');
  return response;
}

/**
 * Everything except static assets and `/api/studio/<plain username>` (letters, digits, hyphens):
 * that route sets its own request id, no-store and Referrer-Policy, and next.config.mjs gives it a
 * static CSP (no HTML, no nonce needed); skipping the proxy saves ~0.45 ms of CPU per launch
 * (docs/performance.md). Next.js runs the proxy when the raw OR the decoded path matches, so every
 * other /api/studio path (percent-encoded, dot segments, more segments) still gets it, and the 400.
 */
export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|api/studio/[A-Za-z0-9][A-Za-z0-9-]*$).*)'],
};
