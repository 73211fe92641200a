import { randomUUID } from 'node:crypto';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { buildAdminAuditItems, lobsTouched } from './audit';
import { MAX_TRANSACT_ITEMS, batchGetAll, cancellationCodes, mapConcurrent, transactWrite, type TransactItem } from './batch';
import { parseCsvLines } from './csv';
import { toDirectoryError } from './errors';
import { listLobs } from './lobs';
import { USERNAME_PATTERN } from './validation';
import { reshapeUserItem } from '@/lib/directory/items';
import type { UserMapping } from '@/lib/directory/types';

/**
 * Largest file the console accepts: under Next's default 1 MiB server-action body limit (about 40,000 rows).
 * Raise both together (next.config `experimental.serverActions.bodySizeLimit`) for larger files.
 */
export const MAX_IMPORT_BYTES = 1_000_000;
export const MAX_IMPORT_ROWS = 100_000;

export interface ImportRow {
  line: number;
  username: string;
  lobs: string[];
}

export interface ImportRowError {
  line: number;
  username?: string;
  reason: string;
}

export interface ImportValidation {
  rows: ImportRow[];
  errors: ImportRowError[];
  /** A problem with the whole file (no usable header, too large); nothing is applied. */
  fileError?: string;
}

/**
 * Validates a `username,lobs` CSV (lobs separated by `;`). Every row is checked; line numbers are the
 * file's own (header = line 1), so an admin can fix exactly those lines.
 */
export function validateImportCsv(text: string, knownLobs: Iterable<string>): ImportValidation {
  const known = new Set(knownLobs);
  const { lines, errors: parseErrors } = parseCsvLines(text);
  const errors: ImportRowError[] = parseErrors.map((e) => ({ line: e.line, reason: `Not valid CSV: ${e.message}` }));
  const header = lines.shift();
  const columns = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const usernameAt = columns.indexOf('username');
  const lobsAt = columns.indexOf('lobs');
  if (!header || usernameAt < 0 || lobsAt < 0) {
    return { rows: [], errors: [], fileError: 'The first line must be the header "username,lobs".' };
  }
  if (lines.length > MAX_IMPORT_ROWS) {
    return { rows: [], errors: [], fileError: `The file has ${lines.length} rows; import at most ${MAX_IMPORT_ROWS} at a time.` };
  }
  const seen = new Map<string, number>();
  const rows: ImportRow[] = [];
  for (const { line, cells } of lines) {
    const username = (cells[usernameAt] ?? '').trim();
    const lobs = [...new Set((cells[lobsAt] ?? '').split(';').map((l) => l.trim()).filter(Boolean))];
    const fail = (reason: string) => errors.push({ line, username: username || undefined, reason });
    if (cells.length !== columns.length) {
      fail(`Expected ${columns.length} columns, found ${cells.length}.`);
    } else if (!username) {
      fail('The username is empty.');
    } else if (!USERNAME_PATTERN.test(username)) {
      fail(`"${username}" is not a valid username: use 1-63 letters, digits and hyphens, starting and ending with a letter or digit.`);
    } else if (seen.has(username)) {
      fail(`${username} appears more than once (first on line ${seen.get(username)}).`);
    } else if (!lobs.length) {
      fail('No line of business given (separate several with ";").');
    } else if (lobs.some((l) => !known.has(l))) {
      fail(`Unknown line of business: ${lobs.filter((l) => !known.has(l)).join(', ')}.`);
    } else {
      seen.set(username, line);
      rows.push({ line, username, lobs });
    }
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}

export interface ImportResult {
  /** Valid rows that are now in place (written, or already up to date). */
  applied: number;
  unchanged: number;
  /** Bad rows, and rows refused because someone changed that user while the import ran. */
  errors: ImportRowError[];
  fileError?: string;
  requestId: string;
}

/** One row's writes: the user's row (conditional on the version read) and its audit items. */
interface RowWrite {
  row: ImportRow;
  items: TransactItem[];
}

/** Packs row writes into transactions of at most MAX_TRANSACT_ITEMS items, never splitting a row. */
function packTransactions(rowWrites: RowWrite[]): RowWrite[][] {
  const groups: RowWrite[][] = [];
  let size = MAX_TRANSACT_ITEMS;
  for (const rw of rowWrites) {
    if (size + rw.items.length > MAX_TRANSACT_ITEMS) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1].push(rw);
    size += rw.items.length;
  }
  return groups;
}

/**
 * Writes a group of rows in one transaction. Rows whose condition failed (the user changed since it was
 * read) are taken out and returned; the rest is written again, so every other row still lands.
 */
async function writeRowGroup(deps: AdminDeps, group: RowWrite[]): Promise<ImportRow[]> {
  const refused: ImportRow[] = [];
  let pending = group;
  while (pending.length) {
    try {
      await transactWrite(deps.ddb, pending.flatMap((rw) => rw.items));
      return refused;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      let at = 0;
      const failed = new Set<RowWrite>();
      for (const rw of pending) {
        if (codes.slice(at, at + rw.items.length).some((c) => c !== 'None')) failed.add(rw);
        at += rw.items.length;
      }
      // Anything other than a failed condition or a concurrent transaction is not a row's fault.
      if (!failed.size || codes.some((c) => c !== 'None' && c !== 'ConditionalCheckFailed' && c !== 'TransactionConflict')) throw error;
      refused.push(...[...failed].map((rw) => rw.row));
      pending = pending.filter((rw) => !failed.has(rw));
    }
  }
  return refused;
}

/**
 * Validates the file and applies every valid row: each user's memberships become the row's LOBs. Each row
 * is written on condition that the user is still as read at the start (same version, or still absent),
 * together with its audit record (before and after) in the same transaction, rows packed into
 * TransactWriteItems of up to 100 items. A row whose user was changed meanwhile is refused and reported
 * by line; it overwrites nothing.
 */
export async function importUsersCsv(deps: AdminDeps, actor: string, text: string): Promise<ImportResult> {
  const requestId = randomUUID();
  const lobs = await listLobs(deps);
  const { rows, errors, fileError } = validateImportCsv(text, lobs.map((l) => l.lob));
  if (fileError) return { applied: 0, unchanged: 0, errors, fileError, requestId };
  if (!rows.length) return { applied: 0, unchanged: 0, errors, requestId };

  let existing;
  try {
    existing = await batchGetAll(deps.ddb, deps.tables.users, rows.map((r) => ({ username: r.username })), { consistentRead: true });
  } catch (error) {
    throw toDirectoryError(error);
  }
  const current = new Map(existing.map((i) => [String(i.username), reshapeUserItem(i)]));
  const now = nowOf(deps);
  const at = now.toISOString();
  const rowWrites: RowWrite[] = [];
  let unchanged = 0;
  for (const row of rows) {
    const before = current.get(row.username);
    if (before && sameSet(before.lobs, row.lobs)) {
      unchanged++;
      continue;
    }
    const version = (before?.version ?? 0) + 1;
    const userWrite: TransactItem = {
      Put: {
        TableName: deps.tables.users,
        Item: {
          username: row.username, lobs: row.lobs, version, kind: 'user',
          createdAt: before?.createdAt ?? at, updatedAt: at, updatedBy: actor,
        },
        ConditionExpression: before ? 'version = :read' : 'attribute_not_exists(username)',
        ExpressionAttributeValues: before ? { ':read': before.version } : undefined,
      },
    };
    const auditItems = buildAdminAuditItems(deps, {
      actor, action: 'user.lobs.import', target: row.username, requestId,
      before: before ? { lobs: before.lobs, version: before.version } : null,
      after: { lobs: row.lobs, version },
      lobs: lobsTouched(before?.lobs, row.lobs),
    }, now);
    rowWrites.push({
      row,
      items: [userWrite, ...auditItems.map((Item): TransactItem => ({ Put: { TableName: deps.tables.audit, Item } }))],
    });
  }
  let refused: ImportRow[];
  try {
    refused = (await mapConcurrent(packTransactions(rowWrites), 4, (group) => writeRowGroup(deps, group))).flat();
  } catch (error) {
    throw toDirectoryError(error);
  }
  if (refused.length) {
    const latest = await batchGetAll(deps.ddb, deps.tables.users, refused.map((r) => ({ username: r.username })), { consistentRead: true })
      .then((items) => new Map(items.map((i) => [String(i.username), reshapeUserItem(i)])))
      .catch(() => new Map<string, UserMapping>());
    for (const row of refused) errors.push({ line: row.line, username: row.username, reason: refusalReason(row.username, latest.get(row.username)) });
    errors.sort((a, b) => a.line - b.line);
  }
  return { applied: rows.length - refused.length, unchanged, errors, requestId };
}

function refusalReason(username: string, current: UserMapping | undefined): string {
  const by = current ? ` by ${current.updatedBy ?? 'someone'} at ${current.updatedAt ?? 'an unknown time'} (now version ${current.version})` : ' (the mapping was removed)';
  return `${username} was changed${by} while the import ran; this row was not applied. Review the change, then import the row again.`;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
