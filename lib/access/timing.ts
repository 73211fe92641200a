/** Durations as the LOB page says them (how soon access ends, the Studio session length). */
/** 7200 -> "2 hours", 300 -> "5 minutes", 5400 -> "1 hour 30 minutes". */
export function describeDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  const part = (n: number, unit: string) => (n ? `${n} ${unit}${n === 1 ? '' : 's'}` : '');
  return [part(hours, 'hour'), part(minutes, 'minute')].filter(Boolean).join(' ') || `${seconds} seconds`;
}
