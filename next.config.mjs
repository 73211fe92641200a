// @ts-check

/** Sent with every response (pages, API, static files). CSP is per request (nonce) in proxy.ts. */
const SECURITY_HEADERS = [
  { key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains; preload' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // No Referer ever leaves the origin (no portal path or query reaches Studio or any other site), while the
  // portal's own form posts still carry their Origin: with no-referrer a browser's native form POST (before
  // hydration, or without JavaScript) sends `Origin: null`, which Next's server-action origin check refuses.
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

/** The Studio launch redirect (Location: presigned URL) sends no referrer to Studio, whatever the site's policy. */
const LAUNCH_REDIRECT = [{ key: 'Referrer-Policy', value: 'no-referrer' }];

/** A browser's form post (a server action, hydrated or not); a page's GET has no body. */
const FORM_POST = /** @type {const} */ ({ type: 'header', key: 'content-type', value: 'multipart/form-data.*' });

/** Nothing may load or frame an API response (a redirect or JSON). */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; form-action 'none'";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets parallel builds (tests, bench, developers) keep separate output folders.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Standalone output is what ships to Lambda (with the AWS Lambda Web Adapter).
  output: 'standalone',
  poweredByHeader: false,
  // forbidden() (403) for admin pages, actions and routes; see lib/admin/require-admin.ts.
  experimental: { authInterrupts: true },
  serverExternalPackages: ['@aws-sdk/client-sagemaker'],
  // `npm run typecheck` is the type gate; NEXT_SKIP_TYPECHECK=1 lets a build proceed while other
  // parts of the tree are mid-change (parallel work), never in CI.
  typescript: { ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === '1' },
  async headers() {
    return [
      { source: '/:path*', headers: SECURITY_HEADERS },
      // A form post to the home page may be "Open Studio", whose answer is a 303 to the presigned URL:
      // that redirect says no-referrer itself, as the launch API's does (lib/http/responses.ts). Only
      // posts: the page itself (GET) keeps same-origin, so its forms post with their Origin.
      { source: '/', has: [FORM_POST], headers: LAUNCH_REDIRECT },
      // The launch API skips the proxy (and its per-request nonce CSP) for plain usernames; it serves
      // redirects and JSON only, so the strictest static policy fits (see proxy.ts). Its no-referrer
      // (lib/http/responses.ts) must be said here too: these headers win over a route's own.
      {
        source: '/api/studio/:user',
        headers: [{ key: 'Content-Security-Policy', value: API_CSP }, ...LAUNCH_REDIRECT],
      },
    ];
  },
};

export default nextConfig;
