import { InputInvalidError } from '@/lib/errors';

/** Opaque, URL-safe pagination token: base64url of the JSON of whatever the backend handed us. */
export function encodePageToken(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodePageToken<T>(token: string | undefined | null): T | undefined {
  if (!token) return undefined;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch (cause) {
    throw new InputInvalidError('The page link is damaged; start again from the first page.', { cause });
  }
}
