/**
 * The pages' Content-Security-Policy (proxy.ts sets it per request with a fresh nonce). Styles are
 * nonce-only unless CSP_STYLE_SRC=unsafe-inline (docs/configuration.md): `next dev` injects its dev
 * overlay and indicator styles without the nonce, so `npm run local` sets it; a deployment never does.
 */
export const CSP_STYLE_SRC_MODES = ['nonce', 'unsafe-inline'] as const;
export type CspStyleSrcMode = (typeof CSP_STYLE_SRC_MODES)[number];

/** CSP_STYLE_SRC as a mode; anything but `unsafe-inline` keeps the strict default (config.ts rejects typos at start). */
export function cspStyleSrcMode(value: string | undefined): CspStyleSrcMode {
  return value?.trim() === 'unsafe-inline' ? 'unsafe-inline' : 'nonce';
}

/** Builds a nonce-based CSP: only our own scripts, nothing may frame the portal. */
export function buildContentSecurityPolicy(nonce: string, opts: { styleSrc: CspStyleSrcMode; evalForDevServer: boolean }): string {
  // A nonce in style-src makes browsers ignore 'unsafe-inline', so the relaxed mode drops it.
  const styleSrc = opts.styleSrc === 'unsafe-inline' ? "'self' 'unsafe-inline'" : `'self' 'nonce-${nonce}'`;
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.evalForDevServer ? " 'unsafe-eval'" : ''}`,
    `style-src ${styleSrc}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
