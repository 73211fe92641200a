import Papa from 'papaparse';

/**
 * Rows to CSV text. Every cell goes through {@link neutraliseFormula} (CSV injection). papaparse's own
 * `escapeFormulae` is not used: its pattern has no multi-line flag, so `=HYPERLINK(...)\nx` passes as is.
 */
export function toCsv<T extends Record<string, unknown>>(
  rows: T[],
  columns: readonly (keyof T & string)[],
  options: { header?: boolean } = {},
): string {
  const data = rows.map((row) => columns.map((c) => formatCell(row[c])));
  const text = Papa.unparse(
    { fields: [...columns], data },
    // Neutralised cells are also quoted (OWASP's advice: the quote keeps the prefix a spreadsheet strips).
    {
      header: options.header ?? true,
      escapeFormulae: false,
      quotes: (value: unknown) => typeof value === 'string' && NEUTRALISED.test(value),
      newline: '\r\n',
    },
  );
  return text ? `${text}\r\n` : '';
}

function formatCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return neutraliseFormula(Array.isArray(value) ? value.join(';') : String(value));
}

const FORMULA = /^[=+\-@\t\r]/;
const NEUTRALISED = /^'[=+\-@\t\r]/;

/** A spreadsheet runs a cell starting with = + - @, tab or CR as a formula: such a cell gets a leading '. */
export function neutraliseFormula(cell: string): string {
  return FORMULA.test(cell) ? `'${cell}` : cell;
}

export interface CsvLine {
  /** The row's line number in the file (header = line 1). */
  line: number;
  cells: string[];
}

/** Parses CSV text into rows with their line numbers in the file; blank lines are skipped but counted. */
export function parseCsvLines(text: string): { lines: CsvLine[]; errors: { line: number; message: string }[] } {
  const lines: CsvLine[] = [];
  const errors: { line: number; message: string }[] = [];
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // Excel writes a BOM
  let scanned = 0;
  let newlines = 0;
  let rowStart = 0;
  Papa.parse<string[]>(source, {
    delimiter: ',',
    skipEmptyLines: false,
    step: (result) => {
      // Count newlines up to the row's start: that is the row's line in the file, even after quoted newlines.
      for (; scanned < rowStart; scanned++) if (source.charCodeAt(scanned) === 10) newlines++;
      const line = newlines + 1;
      rowStart = result.meta.cursor;
      const cells = result.data;
      if (result.errors.length) {
        errors.push({ line, message: result.errors[0].message });
        return;
      }
      if (cells.length === 1 && cells[0].trim() === '') return;
      lines.push({ line, cells });
    },
  });
  return { lines, errors };
}
