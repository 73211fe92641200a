/** Keys whose values never reach logs (matched case-insensitively, anywhere in the key). */
const SECRET_KEY_PATTERN =
  /(token|secret|password|authorization|cookie|credential|signature|^url$|authorizedurl|presigned|^location$)/i;

/** Query parameters that carry secrets in URLs we might otherwise log. */
const SECRET_URL_PATTERN = /([?&](?:token|code|state|access_token|id_token|X-Amz-[A-Za-z-]+)=)[^&#\s"]+/gi;
const JWT_PATTERN = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
const BEARER_PATTERN = /(Bearer\s+)[^\s"]+/gi;

export const REDACTED = '[redacted]';

/** Removes tokens, signed URLs and bearer credentials from a free-text string. */
export function redactString(value: string): string {
  return value
    .replace(JWT_PATTERN, REDACTED)
    .replace(BEARER_PATTERN, `$1${REDACTED}`)
    .replace(SECRET_URL_PATTERN, `$1${REDACTED}`);
}

/**
 * A deep copy of `value` fit for logs: values under secret-looking keys are replaced,
 * strings are scrubbed of JWTs / bearer tokens / signed query strings, errors keep name, message and code.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]';
  if (value == null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return redactString(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const err = value as Error & { code?: unknown; $metadata?: { httpStatusCode?: number } };
    return {
      name: err.name,
      message: redactString(err.message),
      ...(typeof err.code === 'string' ? { code: err.code } : {}),
      ...(err.$metadata?.httpStatusCode ? { httpStatus: err.$metadata.httpStatusCode } : {}),
      ...(err.cause ? { cause: redact(err.cause, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY_PATTERN.test(k) && v != null ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return String(value);
}
