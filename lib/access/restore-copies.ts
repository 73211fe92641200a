/**
 * The launches' kept copies of users' ended-access summaries (lib/access/launch-restore.ts), in this process.
 * Ending someone's access here (lib/access/end-access.ts) drops their copies at once, so their next launch
 * reads the new record; copies in other processes age out after IDENTITY_RECHECK_SECONDS.
 */
const holders = new Set<{ delete(username: string): unknown }>();

export function keepRestoreCopies(holder: { delete(username: string): unknown }): void {
  holders.add(holder);
}

export function forgetRestoreCopies(username: string): void {
  for (const holder of holders) holder.delete(username);
}
