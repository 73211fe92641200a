'use client';

import { useSyncExternalStore } from 'react';
import { formatLocal, formatUtc, formatUtcExact } from '@/lib/time-format';

const subscribe = () => () => {};

export interface TimeProps {
  iso: string;
  className?: string;
}

/** How a HydratedTime reads: its tooltip, the server's text, and the browser's text once hydrated. */
export interface TimeFormat {
  title: (iso: string) => string;
  server: (iso: string) => string;
  browser: (iso: string) => string;
}

/**
 * A <time> for a stored ISO instant whose text the browser renders its own way after hydration (the server
 * knows neither the viewer's time zone nor their clock); the exact instant stays in `dateTime`.
 */
export function HydratedTime({ iso, className, format }: TimeProps & { format: TimeFormat }) {
  const inBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  return (
    <time dateTime={iso} title={format.title(iso)} className={className}>
      {inBrowser ? format.browser(iso) : format.server(iso)}
    </time>
  );
}

const LOCAL: TimeFormat = { title: formatUtcExact, server: formatUtc, browser: formatLocal };

/**
 * A stored ISO time as people read it: the viewer's local date and time (the server, not knowing the
 * viewer's time zone, renders UTC and the browser switches to local time after hydration), with the
 * exact UTC instant in the tooltip and in `dateTime` for machines.
 */
export function Time(props: TimeProps) {
  return <HydratedTime {...props} format={LOCAL} />;
}
