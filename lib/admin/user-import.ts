import { randomUUID } from 'node:crypto';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { buildAdminAuditItems, lobsTouched } from './audit';
import { batchGetAll, batchWriteAll, type TableWrite } from './batch';
import { parseCsvLines } from './csv';
import { toDirectoryError } from './errors';
import { listLobs } from './lobs';
import { USERNAME_PATTERN } from './validation';
import { reshapeUserItem } from '@/lib/directory/items';

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
  applied: number;
  unchanged: number;
  errors: ImportRowError[];
  fileError?: string;
  requestId: string;
}

/**
 * Validates the file and applies every valid row: each user's memberships become the row's LOBs.
 * Writes go out with BatchWriteItem (no conditions there), so a row overwrites a concurrent edit of the
 * same user; each applied row is audited with its before and after.
 */
export async function importUsersCsv(deps: AdminDeps, actor: string, text: string): Promise<ImportResult> {
  const requestId = randomUUID();
  const lobs = await listLobs(deps);
  const { rows, errors, fileError } = validateImportCsv(text, lobs.map((l) => l.lob));
  if (fileError) return { applied: 0, unchanged: 0, errors, fileError, requestId };
  if (!rows.length) return { applied: 0, unchanged: 0, errors, requestId };

  let existing;
  try {
    existing = await batchGetAll(deps.ddb, deps.tables.users, rows.map((r) => ({ username: r.username })));
  } catch (error) {
    throw toDirectoryError(error);
  }
  const current = new Map(existing.map((i) => [String(i.username), reshapeUserItem(i)]));
  const now = nowOf(deps);
  const at = now.toISOString();
  const writes: TableWrite[] = [];
  let unchanged = 0;
  for (const row of rows) {
    const before = current.get(row.username);
    if (before && sameSet(before.lobs, row.lobs)) {
      unchanged++;
      continue;
    }
    const version = (before?.version ?? 0) + 1;
    writes.push({
      table: deps.tables.users,
      request: {
        PutRequest: {
          Item: {
            username: row.username, lobs: row.lobs, version, kind: 'user',
            createdAt: before?.createdAt ?? at, updatedAt: at, updatedBy: actor,
          },
        },
      },
    });
    const auditItems = buildAdminAuditItems(deps, {
      actor, action: 'user.lobs.import', target: row.username, requestId,
      before: before ? { lobs: before.lobs, version: before.version } : null,
      after: { lobs: row.lobs, version },
      lobs: lobsTouched(before?.lobs, row.lobs),
    }, now);
    for (const Item of auditItems) writes.push({ table: deps.tables.audit, request: { PutRequest: { Item } } });
  }
  try {
    await batchWriteAll(deps.ddb, writes, 4);
  } catch (error) {
    throw toDirectoryError(error);
  }
  return { applied: rows.length, unchanged, errors, requestId };
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
