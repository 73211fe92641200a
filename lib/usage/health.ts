/**
 * LOB health (the connection tests' last result, as the console shows it). Stored in the Usage table by
 * the data layer (lib/directory/usage-health.ts); nothing beyond the storage rule (a run of failures keeps
 * its first `failingSince`) belongs to it, so this module only names it for lib/admin and the pages.
 */
export { readLobHealth, saveLobHealth, type LobHealth } from '@/lib/directory/usage-health';
