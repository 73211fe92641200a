// @ts-check

/** Sent with every response (pages, API, static files). CSP is per request (nonce) in proxy.ts. */
const SECURITY_HEADERS = [
  { key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains; preload' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // Presigned Studio URLs must never leak through Referer.
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

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
      // The sign-in form posts before hydration (or without JavaScript): with no-referrer the browser sends
      // `Origin: null`, which Next's server-action origin check refuses. same-origin still sends no Referer
      // to any other origin; this page shows no presigned URL.
      { source: '/signin', headers: [{ key: 'Referrer-Policy', value: 'same-origin' }] },
      // The launch API skips the proxy (and its per-request nonce CSP) for plain usernames; it serves
      // redirects and JSON only, so the strictest static policy fits (see proxy.ts).
      { source: '/api/studio/:user', headers: [{ key: 'Content-Security-Policy', value: API_CSP }] },
    ];
  },
};

export default nextConfig;
