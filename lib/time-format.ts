/**
 * Times as people read them. The store keeps ISO 8601 UTC; screens show a short date and time, and the
 * exact UTC instant on hover (components/ui/time.tsx). Plain Intl, no library.
 */

const UTC_SHORT = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function parse(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "1 Dec 2026, 21:39 UTC": readable and the same everywhere (server renders, messages, logs for people). */
export function formatUtc(iso: string): string {
  const date = parse(iso);
  return date ? `${UTC_SHORT.format(date)} UTC` : iso;
}

/**
 * "2026-12-01 21:39 UTC": UTC to the minute, sortable; how end dates and decision times read in messages,
 * admin tables and the review printout (the text as stored, sliced: no parsing).
 */
export function formatUtcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "2026-12-01 21:39:57.381 UTC": the exact instant, for a tooltip or a support ticket. */
export function formatUtcExact(iso: string): string {
  const date = parse(iso);
  return date ? `${date.toISOString().replace('T', ' ').replace('Z', '')} UTC` : iso;
}

/** The viewer's local date and time with their time zone's short name, e.g. "1 Dec 2026, 22:39 CET". */
export function formatLocal(iso: string, locale?: string, timeZone?: string): string {
  const date = parse(iso);
  if (!date) return iso;
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}
