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

const originOf = (url: string | undefined): string | undefined =>
  url && URL.canParse(url) ? new URL(url).origin : undefined;

/**
 * Where the portal's forms may send the browser (CSP `form-action`, which browsers also apply to the
 * redirect a form post answers with): the portal itself, the IdP (issuer and hosted-UI logout origins),
 * the Studio hosts of the region (the no-JavaScript "Open Studio" post answers 303 to a presigned URL),
 * and CSP_FORM_ACTION's extra sources (space or comma separated; the local stand-ins' Studio host).
 */
export function formActionSources(env: Record<string, string | undefined>): string[] {
  const sources = [
    "'self'",
    originOf(env.COGNITO_ISSUER),
    originOf(env.COGNITO_LOGOUT_URL),
    env.AWS_REGION ? `https://*.studio.${env.AWS_REGION}.sagemaker.aws` : undefined,
    ...(env.CSP_FORM_ACTION ?? '').split(/[\s,]+/),
  ];
  return [...new Set(sources.filter((s): s is string => !!s && /^[\w'*:/.-]+$/.test(s)))];
}

/** Builds a nonce-based CSP: only our own scripts, nothing may frame the portal, forms post to known places. */
export function buildContentSecurityPolicy(
  nonce: string,
  opts: { styleSrc: CspStyleSrcMode; evalForDevServer: boolean; formAction?: readonly string[] },
): string {
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
    `form-action ${(opts.formAction?.length ? opts.formAction : ["'self'"]).join(' ')}`,
  ].join('; ');
}
