/**
 * Extensions (issue 27): in the last EXTENSION_WINDOW_DAYS of a membership that ends, the member asks for
 * more days ("Request extension"). It is an access request like any other (same guard, thresholds, no
 * self-approval, lapse), marked `kind: 'extension'`; its approval moves the end date to the current end plus
 * the days granted, capped at the LOB's longest request from the day of approval (the owners' cap,
 * lib/admin/grants.ts), and never shortens it. The membership stays one entry of the user's row.
 */
import { InputInvalidError } from '@/lib/errors';
import type { AccessRequest } from '@/lib/directory/requests';
import type { Lob, Membership } from '@/lib/directory/types';
import { formatUtcMinute } from '@/lib/time-format';
import { latestOwnerEnd } from './grants';
import { DAY_MS } from '@/lib/clock';

/** The last days of a membership in which "Request extension" is offered. */
export const EXTENSION_WINDOW_DAYS = 14;

/** Whether a membership ends within the extension window (and has not ended yet). */
export function canRequestExtension(membership: Pick<Membership, 'until'>, now: Date): boolean {
  if (!membership.until) return false;
  const left = Date.parse(membership.until) - now.getTime();
  return left > 0 && left <= EXTENSION_WINDOW_DAYS * DAY_MS;
}

/**
 * What an extension request records about the membership it extends; refused (naming why) when the
 * requester has no membership of the LOB that ends within the window.
 */
export function extensionOf(
  current: Membership | undefined,
  lob: string,
  now: Date,
): Pick<AccessRequest, 'kind' | 'extendsUntil'> {
  if (!current?.until)
    throw new InputInvalidError(
      `You have no membership of ${lob} that ends, so there is nothing to extend; request access instead.`,
    );
  if (!canRequestExtension(current, now)) {
    throw new InputInvalidError(
      `Your access to ${lob} ends on ${formatUtcMinute(current.until)}; ask for an extension in its last ${EXTENSION_WINDOW_DAYS} days.`,
    );
  }
  return { kind: 'extension', extendsUntil: current.until };
}

/**
 * The end an approval grants: `days` from now for a request to join; for an extension, `days` after the
 * membership's current end (or now, if it ended meanwhile), at most the LOB's longest request from now.
 * The caller keeps the current end when it is later (an approval never shortens a membership).
 */
export function approvedUntil(
  request: Pick<AccessRequest, 'kind'>,
  existing: Pick<Membership, 'until'> | undefined,
  days: number,
  now: Date,
  lob: Pick<Lob, 'maxRequestDays'> | null,
): string {
  if (request.kind !== 'extension') return new Date(now.getTime() + days * DAY_MS).toISOString();
  const from = Math.max(existing?.until ? Date.parse(existing.until) : 0, now.getTime());
  const end = from + days * DAY_MS;
  return new Date(lob ? Math.min(end, latestOwnerEnd(lob, now).getTime()) : end).toISOString();
}
