'use client';

import { HydratedTime, type TimeFormat, type TimeProps } from './time';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago" for an instant, relative to `now`. */
export function formatRelative(iso: string, now: Date): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const [unit, size] = UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? ['second', 1];
  return new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(Math.round(seconds / size), unit);
}

const exactUtc = (iso: string) =>
  `${iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
    .replace(/Z$/, ' UTC')}`;
const RELATIVE: TimeFormat = { title: exactUtc, server: exactUtc, browser: (iso) => formatRelative(iso, new Date()) };

/**
 * A stored time as people read it: "3 minutes ago" in the browser, the exact UTC time on hover and in
 * `dateTime`. The server (not knowing the viewer's clock or zone) renders the exact UTC time.
 * (Issue 17 adds a shared time component; the lead reconciles the two.)
 */
export function RelativeTime(props: TimeProps) {
  return <HydratedTime {...props} format={RELATIVE} />;
}
