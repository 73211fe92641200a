import { createHmac, timingSafeEqual } from 'node:crypto';
import { getConfig } from '@/lib/config';

/**
 * A banner value carried in the query string after a redirect (`/admin/lobs?deleted=...`), signed so a
 * page shows only what the portal itself put there: a crafted link cannot make the portal's own banner
 * say "Deleted <anything>". `kind` binds the signature to the banner it is for.
 */
function mac(kind: string, value: string): string {
  return createHmac('sha256', getConfig().nextAuthSecret)
    .update(`flash\0${kind}\0${value}`)
    .digest('base64url')
    .slice(0, 22);
}

/** `value.signature`, for a query parameter. */
export function signFlash(kind: string, value: string): string {
  return `${value}.${mac(kind, value)}`;
}

/** The value the portal signed, or undefined for anything else (missing, altered, another banner's). */
export function readFlash(kind: string, param: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(param) ? param[0] : param;
  const dot = raw?.lastIndexOf('.') ?? -1;
  if (!raw || dot < 1) return undefined;
  const value = raw.slice(0, dot);
  const given = Buffer.from(raw.slice(dot + 1));
  const expected = Buffer.from(mac(kind, value));
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : undefined;
}
