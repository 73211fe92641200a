/**
 * Every secret a suite saw (tokens, their signature parts, session cookies, presigned URLs and the
 * `token=` inside them, passwords), so the suite can assert that none of them reached the portal's logs.
 */

export interface Leak {
  label: string;
  /** Where it was found, with the secret itself masked. */
  context: string;
}

/** Shortest value worth searching for: shorter strings match by chance. */
const MIN_SECRET_LENGTH = 8;

export class SecretLedger {
  private readonly secrets = new Map<string, string>();

  get size(): number {
    return this.secrets.size;
  }

  labels(): string[] {
    return [...new Set(this.secrets.values())];
  }

  add(label: string, value: string | undefined | null): void {
    if (value && value.length >= MIN_SECRET_LENGTH && !this.secrets.has(value)) this.secrets.set(value, label);
  }

  /** A JWT, and its signature part on its own (a log that cut the token would still show it). */
  addJwt(label: string, token: string | undefined | null): void {
    if (!token) return;
    this.add(label, token);
    const parts = token.split('.');
    if (parts.length === 3) this.add(`${label} (signature)`, parts[2]);
  }

  /** A presigned Studio URL, its query string and its `token=` value. */
  addUrl(label: string, url: string | undefined | null): void {
    if (!url) return;
    this.add(label, url);
    const parsed = new URL(url);
    this.add(`${label} (query)`, parsed.search.slice(1));
    const token = parsed.searchParams.get('token');
    if (token) {
      this.addJwt(`${label} token=`, token);
      this.add(`${label} token= (url-encoded)`, encodeURIComponent(token));
    }
  }

  /** Cookie values from Set-Cookie headers (session and CSRF cookies). */
  addCookies(label: string, response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      this.add(`${label} cookie ${name}`, value);
      this.add(`${label} cookie ${name} (decoded)`, safeDecode(value));
    }
  }

  /** Every recorded secret found in `text`. */
  findIn(text: string): Leak[] {
    const leaks: Leak[] = [];
    for (const [value, label] of this.secrets) {
      const at = text.indexOf(value);
      if (at >= 0) {
        const context =
          text.slice(Math.max(0, at - 80), at) + '[SECRET]' + text.slice(at + value.length, at + value.length + 80);
        leaks.push({ label, context });
      }
    }
    return leaks;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Shapes no log line may contain, whoever's secret it is. */
export const SECRET_SHAPES: Array<[string, RegExp]> = [
  ['a JWT', /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/],
  ['a presigned URL token', /[?&]token=(?!\[redacted\])[^&\s"']+/],
  ['a bearer credential', /Bearer\s+(?!\[redacted\])[A-Za-z0-9\-_.=]{20,}/],
  ['a next-auth session cookie', /next-auth\.session-token=(?!\[redacted\])[^;\s"']+/],
];

export function findSecretShapes(text: string): Array<{ shape: string; match: string }> {
  const found: Array<{ shape: string; match: string }> = [];
  for (const [shape, pattern] of SECRET_SHAPES) {
    const m = pattern.exec(text);
    if (m) found.push({ shape, match: m[0].slice(0, 40) + '…' });
  }
  return found;
}
