/** Any C0 control, DEL or backslash: browsers drop tabs/CR/LF and read `\` as `/`, turning `/\t/x` into `//x`. */
const UNSAFE = /[\u0000-\u001f\u007f\\]/;
/** Stands in for the portal's origin when only a path is wanted (the host never reaches the answer). */
const PLACEHOLDER_ORIGIN = 'https://portal.invalid';

/**
 * A redirect target built from input (`?callbackUrl=`, next-auth's `callbackUrl`), reduced to a path of
 * the portal: resolved against `origin` (the portal's own), refused (answer `/`) when it holds a control
 * character or a backslash, names another origin, or resolves to a path a browser would read as
 * protocol-relative. The answer is always a path (`/...`), so the browser stays on the portal's origin.
 */
export function portalPath(value: unknown, origin: string = PLACEHOLDER_ORIGIN): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string' || !raw || UNSAFE.test(raw)) return '/';
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(raw, base);
  } catch {
    return '/';
  }
  if (url.origin !== base.origin) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

/**
 * next-auth's `redirect` callback: an absolute URL of the portal for a path or a same-origin URL,
 * else the portal's root. next-auth's default accepts `baseUrl + url` for any `url` starting with `/`.
 */
export function portalRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  return new URL(portalPath(url, baseUrl), baseUrl).toString();
}
