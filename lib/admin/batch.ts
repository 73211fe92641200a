/**
 * Transitional: the batch and transaction primitives live in the data layer (lib/directory/writes.ts);
 * these names stay until the modules that still import them (requests, reviews, user imports) move over.
 */
import { TransactionCancelledError } from '@/lib/directory/writes';

export { mapConcurrent } from '@/lib/concurrency';
export {
  MAX_TRANSACT_ITEMS,
  batchGetAll,
  batchWriteAll,
  queryNewestFirst,
  transactWrite,
  type DirectoryWrite as TransactItem,
  type TableWrite,
} from '@/lib/directory/writes';

/** The per-item reason codes of a cancelled transaction (`None` for items that were fine); undefined for any other error. */
export function cancellationCodes(error: unknown): string[] | undefined {
  return error instanceof TransactionCancelledError ? error.reasons.map((r) => r ?? 'None') : undefined;
}
