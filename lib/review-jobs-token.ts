import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The token a scheduler sends to the internal review-jobs route: an HMAC of the session secret (the secret
 * itself never leaves the function's environment). No imports beyond node: infra may compute it too.
 */
export function reviewJobsToken(nextAuthSecret: string): string {
  return createHmac('sha256', nextAuthSecret).update('studio-portal/review-jobs').digest('base64url');
}

export function isReviewJobsToken(candidate: unknown, nextAuthSecret: string): boolean {
  if (typeof candidate !== 'string') return false;
  const expected = Buffer.from(reviewJobsToken(nextAuthSecret));
  const given = Buffer.from(candidate);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
