import { createHmac, timingSafeEqual } from 'node:crypto';

/** The portal's internal, scheduler-called routes (app/api/internal/<job>). */
export type InternalJob = 'health-check' | 'review-jobs' | 'access-sweep';

/**
 * The token a scheduler sends to an internal job route: an HMAC of the session secret per job (the secret
 * itself never leaves the function's environment). infra/health-check.ts computes the same value for the
 * schedule's input. No imports beyond node: infra reads this file too.
 */
export function jobToken(job: InternalJob, nextAuthSecret: string): string {
  return createHmac('sha256', nextAuthSecret).update(`studio-portal/${job}`).digest('base64url');
}

export function isJobToken(job: InternalJob, candidate: unknown, nextAuthSecret: string): boolean {
  if (typeof candidate !== 'string') return false;
  const expected = Buffer.from(jobToken(job, nextAuthSecret));
  const given = Buffer.from(candidate);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
