import { randomUUID } from 'node:crypto';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { buildAdminAuditItems, lobsTouched, writeAdminAudit } from './audit';
import { SELF_GRANT_MESSAGE, SELF_GRANT_REFUSED } from './grants';
import {
  MAX_TRANSACT_ITEMS,
  batchGetAll,
  cancellationCodes,
  mapConcurrent,
  transactWrite,
  type TransactItem,
} from './batch';
import { parseCsvLines } from './csv';
import { listLobs } from './lobs';
import { findPoolSubs } from './pool-lookup';
import { OrphanedAccessError } from './sub-binding';
import { USERNAME_PATTERN } from './validation';
import { isMembershipActive, reshapeUserItem, toMembershipsAttribute } from '@/lib/directory/items';
import type { Membership, UserMapping } from '@/lib/directory/types';
import { membershipSnapshot } from './memberships';
import { InputInvalidError } from '@/lib/errors';

/**
 * Largest file the console accepts: under Next's default 1 MiB server-action body limit (about 40,000 rows).
 * Raise both together (next.config `experimental.serverActions.bodySizeLimit`) for larger files.
 */
export const MAX_IMPORT_BYTES = 1_000_000;
export const MAX_IMPORT_ROWS = 100_000;

/** `set` (the default): the user's memberships become exactly `lobs`. `remove`: `lobs` are taken away (empty: all). */
export type ImportAction = 'set' | 'remove';

export interface ImportRow {
  line: number;
  username: string;
  lobs: string[];
  action: ImportAction;
  /**
   * End of each LOB's membership, aligned with `lobs` (undefined = no end). Absent when the file has no
   * `expiresAt` column: then the end dates the user already has are kept.
   */
  until?: (string | undefined)[];
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

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** One `expiresAt` entry: a day (access ends at its end, UTC, as in the console) or an ISO instant; it must lie ahead. */
function parseExpiresAt(value: string, now: Date): string {
  const iso = DATE_ONLY.test(value) ? `${value}T23:59:59.999Z` : DATE_TIME.test(value) ? value : '';
  const at = iso ? new Date(iso) : null;
  if (!at || Number.isNaN(at.getTime()) || (DATE_ONLY.test(value) && at.toISOString().slice(0, 10) !== value)) {
    throw new InputInvalidError(
      `"${value}" is not a date: use YYYY-MM-DD (the last day of access, UTC) or an ISO time such as 2027-03-31T18:00:00Z.`,
    );
  }
  if (at.getTime() <= now.getTime())
    throw new InputInvalidError(`${value} has already passed: give a later end date, or leave it empty for no end.`);
  return at.toISOString();
}

/**
 * The `expiresAt` cell of a row with `count` LOBs: empty (no end), one date for all of them, or one per LOB
 * separated by `;` in the order of `lobs` (an empty entry = no end), as the export writes it.
 */
function parseExpiresAtCell(cell: string, count: number, now: Date): (string | undefined)[] {
  if (!cell) return Array.from({ length: count }, () => undefined);
  const parts = cell.split(';').map((p) => p.trim());
  if (parts.length !== 1 && parts.length !== count)
    throw new InputInvalidError(
      `expiresAt has ${parts.length} dates for ${count} lines of business: give one for all, or one per line of business in the same order.`,
    );
  const dates = parts.map((p) => (p ? parseExpiresAt(p, now) : undefined));
  return parts.length === 1 ? Array.from({ length: count }, () => dates[0]) : dates;
}

/**
 * Validates a `username,lobs[,action][,expiresAt]` CSV (lobs separated by `;`; action `set`, the default, or
 * `remove`; expiresAt: when the memberships end, see parseExpiresAtCell). Every row is checked; line
 * numbers are the file's own (header = line 1), so an admin can fix exactly those lines. Whether the users
 * exist in the user pool is checked by importUsersCsv.
 */
export function validateImportCsv(text: string, knownLobs: Iterable<string>, now: Date = new Date()): ImportValidation {
  const known = new Set(knownLobs);
  const { lines, errors: parseErrors } = parseCsvLines(text);
  const errors: ImportRowError[] = parseErrors.map((e) => ({ line: e.line, reason: `Not valid CSV: ${e.message}` }));
  const header = lines.shift();
  const columns = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const usernameAt = columns.indexOf('username');
  const lobsAt = columns.indexOf('lobs');
  const actionAt = columns.indexOf('action');
  const expiresAt = columns.indexOf('expiresat');
  if (!header || usernameAt < 0 || lobsAt < 0) {
    return {
      rows: [],
      errors: [],
      fileError:
        'The first line must be the header "username,lobs" (optionally with the columns "action" and "expiresAt").',
    };
  }
  if (lines.length > MAX_IMPORT_ROWS) {
    return {
      rows: [],
      errors: [],
      fileError: `The file has ${lines.length} rows; import at most ${MAX_IMPORT_ROWS} at a time.`,
    };
  }
  const seen = new Map<string, number>();
  const rows: ImportRow[] = [];
  for (const { line, cells } of lines) {
    const username = (cells[usernameAt] ?? '').trim();
    const lobs = [
      ...new Set(
        (cells[lobsAt] ?? '')
          .split(';')
          .map((l) => l.trim())
          .filter(Boolean),
      ),
    ];
    const actionCell = actionAt < 0 ? '' : (cells[actionAt] ?? '').trim().toLowerCase();
    const action: ImportAction | undefined =
      actionCell === '' || actionCell === 'set' ? 'set' : actionCell === 'remove' ? 'remove' : undefined;
    const fail = (reason: string) => errors.push({ line, username: username || undefined, reason });
    if (cells.length !== columns.length) {
      fail(`Expected ${columns.length} columns, found ${cells.length}.`);
    } else if (!username) {
      fail('The username is empty.');
    } else if (!USERNAME_PATTERN.test(username)) {
      fail(
        `"${username}" is not a valid username: use 1-63 letters, digits and hyphens, starting and ending with a letter or digit.`,
      );
    } else if (seen.has(username)) {
      fail(`${username} appears more than once (first on line ${seen.get(username)}).`);
    } else if (!action) {
      fail(`Unknown action "${actionCell}": use "set" (or leave it empty) or "remove".`);
    } else if (action === 'set' && !lobs.length) {
      fail('No line of business given (separate several with ";"). To take memberships away, use the action "remove".');
    } else if (lobs.some((l) => !known.has(l))) {
      fail(`Unknown line of business: ${lobs.filter((l) => !known.has(l)).join(', ')}.`);
    } else if (action === 'remove' && expiresAt >= 0 && (cells[expiresAt] ?? '').trim()) {
      fail('A "remove" row takes no expiresAt: leave it empty.');
    } else {
      let until: (string | undefined)[] | undefined;
      try {
        until =
          expiresAt < 0 || action === 'remove'
            ? undefined
            : parseExpiresAtCell((cells[expiresAt] ?? '').trim(), lobs.length, now);
      } catch (error) {
        fail(`expiresAt: ${(error as Error).message}`);
        continue;
      }
      seen.set(username, line);
      rows.push({ line, username, lobs, action, ...(until ? { until } : {}) });
    }
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}

export interface ImportResult {
  /** Valid rows of users in the pool (set) or with memberships to take away (remove), changed or not. */
  applied: number;
  /** Of those, rows that took memberships away. */
  removed: number;
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
      await transactWrite(
        deps.ddb,
        pending.flatMap((rw) => rw.items),
      );
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
      if (
        !failed.size ||
        codes.some((c) => c !== 'None' && c !== 'ConditionalCheckFailed' && c !== 'TransactionConflict')
      )
        throw error;
      refused.push(...[...failed].map((rw) => rw.row));
      pending = pending.filter((rw) => !failed.has(rw));
    }
  }
  return refused;
}

/**
 * Validates the file and applies every valid row: a `set` row makes the user's memberships the row's LOBs,
 * and is refused when the user is not in the user pool (a typo would otherwise grant a phantom access that
 * later exports carry on); a `remove` row takes the listed LOBs away (all when none are listed), and a
 * user left with none has no explicit mapping any more. Each row is written on condition that the user is
 * still as read at the start (same version, or still absent), together with its audit record (before and
 * after) in the same transaction, rows packed into TransactWriteItems of up to 100 items. A row whose user
 * was changed meanwhile is refused and reported by line; it overwrites nothing.
 */
export async function importUsersCsv(deps: AdminDeps, actor: string, text: string): Promise<ImportResult> {
  const requestId = randomUUID();
  const lobs = await listLobs(deps);
  const validation = validateImportCsv(
    text,
    lobs.map((l) => l.lob),
    nowOf(deps),
  );
  const { fileError } = validation;
  const errors = [...validation.errors];
  if (fileError) return { applied: 0, removed: 0, unchanged: 0, errors, fileError, requestId };
  const inPool = await findPoolSubs(
    deps,
    validation.rows.filter((r) => r.action === 'set').map((r) => r.username),
  );
  const rows = validation.rows.filter((row) => {
    if (row.action === 'set' && row.username === actor) {
      errors.push({
        line: row.line,
        username: row.username,
        reason: `${SELF_GRANT_MESSAGE}: an import cannot set your own memberships; this row was not applied.`,
      });
      return false;
    }
    if (row.action === 'remove' || inPool.has(row.username)) return true;
    errors.push({
      line: row.line,
      username: row.username,
      reason: `${row.username} is not in the user pool: create the user first, or check the spelling.`,
    });
    return false;
  });
  const selfRows = validation.rows.filter((row) => row.action === 'set' && row.username === actor);
  if (selfRows.length) {
    await writeAdminAudit(deps, {
      actor,
      action: SELF_GRANT_REFUSED,
      target: actor,
      requestId,
      before: null,
      after: { refused: 'user.lobs.import', lines: selfRows.map((r) => r.line) },
    });
  }
  errors.sort((a, b) => a.line - b.line);
  if (!rows.length) return { applied: 0, removed: 0, unchanged: 0, errors, requestId };

  const existing = await batchGetAll(
    deps.ddb,
    deps.tables.users,
    rows.map((r) => ({ username: r.username })),
    { consistentRead: true },
  );
  const current = new Map(existing.map((i) => [String(i.username), reshapeUserItem(i)]));
  const now = nowOf(deps);
  const at = now.toISOString();
  const rowWrites: RowWrite[] = [];
  let unchanged = 0;
  let removed = 0;
  for (const row of rows) {
    const before = current.get(row.username);
    // A `set` binds the row to the pool's current `sub`; a row bound to an earlier account's is refused.
    const poolSub = inPool.get(row.username) || undefined;
    if (row.action === 'set' && before?.sub && poolSub && before.sub !== poolSub) {
      errors.push({ line: row.line, username: row.username, reason: new OrphanedAccessError(row.username).message });
      continue;
    }
    const sub = before?.sub ?? poolSub;
    const lobsAfter =
      row.action === 'set'
        ? row.lobs
        : (before?.lobs ?? []).filter((l) => row.lobs.length > 0 && !row.lobs.includes(l));
    const memberships = membershipsAfter(before, lobsAfter, row, actor, now);
    if (row.action === 'remove') removed++;
    if (before ? sameMemberships(before.memberships, memberships) : !lobsAfter.length) {
      unchanged++;
      continue;
    }
    const version = (before?.version ?? 0) + 1;
    const condition = before
      ? { ConditionExpression: 'version = :read', ExpressionAttributeValues: { ':read': before.version } }
      : { ConditionExpression: 'attribute_not_exists(username)' };
    const userWrite: TransactItem = lobsAfter.length
      ? {
          Put: {
            TableName: deps.tables.users,
            Item: {
              username: row.username,
              lobs: lobsAfter,
              memberships: toMembershipsAttribute(memberships),
              version,
              kind: 'user',
              ...(sub ? { sub } : {}),
              createdAt: before?.createdAt ?? at,
              updatedAt: at,
              updatedBy: actor,
            },
            ...condition,
          },
        }
      : { Delete: { TableName: deps.tables.users, Key: { username: row.username }, ...condition } };
    const auditItems = buildAdminAuditItems(
      deps,
      {
        actor,
        action: 'user.lobs.import',
        target: row.username,
        requestId,
        before: membershipSnapshot(before ?? null),
        after: lobsAfter.length ? membershipSnapshot({ memberships, version }) : null,
        lobs: lobsTouched(before?.lobs, lobsAfter),
      },
      now,
    );
    rowWrites.push({
      row,
      items: [userWrite, ...auditItems.map((Item): TransactItem => ({ Put: { TableName: deps.tables.audit, Item } }))],
    });
  }
  const refused = (await mapConcurrent(packTransactions(rowWrites), 4, (group) => writeRowGroup(deps, group))).flat();
  if (refused.length) {
    const latest = await batchGetAll(
      deps.ddb,
      deps.tables.users,
      refused.map((r) => ({ username: r.username })),
      { consistentRead: true },
    )
      .then((items) => new Map(items.map((i) => [String(i.username), reshapeUserItem(i)])))
      .catch(() => new Map<string, UserMapping>());
    for (const row of refused)
      errors.push({
        line: row.line,
        username: row.username,
        reason: refusalReason(row.username, latest.get(row.username)),
      });
    errors.sort((a, b) => a.line - b.line);
  }
  const refusedRemovals = refused.filter((r) => r.action === 'remove').length;
  return { applied: rows.length - refused.length, removed: removed - refusedRemovals, unchanged, errors, requestId };
}

function refusalReason(username: string, current: UserMapping | undefined): string {
  const by = current
    ? ` by ${current.updatedBy ?? 'someone'} at ${current.updatedAt ?? 'an unknown time'} (now version ${current.version})`
    : ' (the mapping was removed)';
  return `${username} was changed${by} while the import ran; this row was not applied. Review the change, then import the row again.`;
}

/**
 * The memberships a row leaves: a LOB the user keeps with the same end (or, without an expiresAt column,
 * any end) keeps its details (who granted it, how, the expiry notice); a new LOB, a new end date, or a
 * membership that had already ended becomes an admin grant by the importing admin.
 */
function membershipsAfter(
  before: UserMapping | undefined,
  lobs: string[],
  row: ImportRow,
  actor: string,
  now: Date,
): Membership[] {
  // A removal takes LOBs away and leaves the others exactly as they are (an ended one stays ended).
  if (row.action === 'remove') return (before?.memberships ?? []).filter((m) => lobs.includes(m.lob));
  return lobs.map((lob, i) => {
    const kept = before?.memberships.find((m) => m.lob === lob && isMembershipActive(m, now));
    const until = row.until ? row.until[i] : kept?.until;
    if (kept && kept.until === until) return kept;
    return { lob, via: 'admin', grantedBy: actor, grantedAt: now.toISOString(), ...(until ? { until } : {}) };
  });
}

function sameMemberships(a: Membership[], b: Membership[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => y.lob === x.lob && y.until === x.until));
}

/** The export's columns: what the import takes (`username,lobs,expiresAt`), then bookkeeping it ignores. */
export const EXPORT_COLUMNS = ['username', 'lobs', 'expiresAt', 'version', 'updatedAt', 'updatedBy'] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], unknown>;

/**
 * A user's export row: their memberships still in force (ended ones stay in the audit log only) with
 * `expiresAt` aligned to `lobs` (empty when none ends), so importing the file again changes nothing; null
 * for a user whose memberships have all ended.
 */
export function toExportRow(user: UserMapping, now: Date): ExportRow | null {
  const active = user.memberships.filter((m) => isMembershipActive(m, now));
  if (!active.length) return null;
  const ends = active.some((m) => m.until);
  return {
    username: user.username,
    lobs: active.map((m) => m.lob),
    expiresAt: ends ? active.map((m) => m.until ?? '').join(';') : '',
    version: user.version,
    updatedAt: user.updatedAt,
    updatedBy: user.updatedBy,
  };
}
