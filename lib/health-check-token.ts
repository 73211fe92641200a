import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The token the scheduler sends to the internal health-check route: derived from the session secret
 * (HMAC, so the secret itself never leaves the function's environment). infra/health-check.ts computes
 * the same value for the schedule's input. No imports beyond node: infra reads this file too.
 */
export function healthCheckToken(nextAuthSecret: string): string {
  return createHmac('sha256', nextAuthSecret).update('studio-portal/health-check').digest('base64url');
}

export function isHealthCheckToken(candidate: unknown, nextAuthSecret: string): boolean {
  if (typeof candidate !== 'string') return false;
  const expected = Buffer.from(healthCheckToken(nextAuthSecret));
  const given = Buffer.from(candidate);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
