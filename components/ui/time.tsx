'use client';

import { useSyncExternalStore } from 'react';
import { formatLocal, formatUtc, formatUtcExact } from '@/lib/time-format';

const subscribe = () => () => {};

/**
 * A stored ISO time as people read it: the viewer's local date and time (the server, not knowing the
 * viewer's time zone, renders UTC and the browser switches to local time after hydration), with the
 * exact UTC instant in the tooltip and in `dateTime` for machines.
 */
export function Time({ iso, className }: { iso: string; className?: string }) {
  const inBrowser = useSyncExternalStore(subscribe, () => true, () => false);
  return (
    <time dateTime={iso} title={formatUtcExact(iso)} className={className}>
      {inBrowser ? formatLocal(iso) : formatUtc(iso)}
    </time>
  );
}
