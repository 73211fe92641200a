import { createHmac } from 'node:crypto';

/**
 * What a log line may say about the name typed into a failed sign-in: people type passwords into the
 * username field, so never the text itself. A keyed hash (HMAC-SHA-256 with the portal's secret, first
 * 16 hex digits) lets an operator see repeats of one name, or check a name they already know, without the
 * log revealing it; the length helps spot a password pasted in the wrong field.
 */
export function typedUsername(typed: string, key: string): { typedUser: string; typedLength: number } {
  return { typedUser: createHmac('sha256', key).update(typed).digest('hex').slice(0, 16), typedLength: typed.length };
}
