import { readFileSync, statSync } from 'node:fs';
import { getConfig, type PortalConfig } from './config';

/** The portal's notion of "now": memberships end, requests are stamped and expiry is checked by it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** One day in milliseconds (end dates, schedules, lapses and reminders count whole days). */
export const DAY_MS = 24 * 3600 * 1000;

/**
 * The clock configuration asks for: the system clock, or (CLOCK_OFFSET_FILE) the system clock moved by
 * the number of seconds written in that file, re-read whenever the file changes. The file lets an
 * environment rehearse time (expiry end to end) without restarting the portal; a missing or unreadable
 * file means no offset.
 */
export function createClock(config: Pick<PortalConfig, 'clockOffsetFile'>): Clock {
  const file = config.clockOffsetFile;
  if (!file) return systemClock;
  let seen = { mtimeMs: Number.NaN, size: -1, offsetMs: 0 };
  return () => {
    try {
      const stat = statSync(file);
      if (stat.mtimeMs !== seen.mtimeMs || stat.size !== seen.size) {
        const seconds = Number(readFileSync(file, 'utf8').trim() || '0');
        seen = { mtimeMs: stat.mtimeMs, size: stat.size, offsetMs: Number.isFinite(seconds) ? seconds * 1000 : 0 };
      }
      return new Date(Date.now() + seen.offsetMs);
    } catch {
      return new Date();
    }
  };
}

let clock: Clock | undefined;

/** The process-wide clock from getConfig(). */
export function getClock(): Clock {
  clock ??= createClock(getConfig());
  return clock;
}
