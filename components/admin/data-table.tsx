import type { ReactNode } from 'react';
import { TableFrame, tableClass, tbodyClass, thClass, theadClass, wideOnly } from './page-parts';

/**
 * A column heading: its text, or `{ label, className }` (e.g. `wideOnly`); `srOnly` for a heading read by
 * screen readers but not shown (an actions column). null/false leaves the column out.
 */
export type Column = string | ColumnSpec | null | false;
interface ColumnSpec {
  label: ReactNode;
  className?: string;
  srOnly?: boolean;
}

/** A column shown on wide screens only (see `wideOnly`). */
export const wideColumn = (label: string): ColumnSpec => ({ label, className: wideOnly });
/** A column whose heading is read by screen readers but not shown (an actions column). */
export const srOnlyColumn = (label: string): ColumnSpec => ({ label, srOnly: true });

/** A table's heading row: one <th scope="col"> a column, in `cellClass` (the admin heading style by default). */
export function HeadRow({ columns, cellClass = thClass }: { columns: Column[]; cellClass?: string }) {
  return (
    <tr>
      {columns.map((column, i) => {
        if (!column) return null;
        const spec: ColumnSpec = typeof column === 'string' ? { label: column } : column;
        return (
          <th key={i} scope="col" className={spec.className ? `${cellClass} ${spec.className}` : cellClass}>
            {spec.srOnly ? <span className="sr-only">{spec.label}</span> : spec.label}
          </th>
        );
      })}
    </tr>
  );
}

/**
 * An admin table in its frame: a screen-reader caption, the heading row, the rows (`children`) and, when
 * `empty` is given, that text under the table (pass it only when there are no rows).
 */
export function DataTable({
  label,
  frameTestId,
  testId,
  className,
  caption,
  columns,
  empty,
  children,
}: {
  /** The scrollable region's accessible name. */
  label: string;
  frameTestId?: string;
  testId?: string;
  /** Classes added to the table's own (e.g. `stack-table`). */
  className?: string;
  caption?: ReactNode;
  columns: Column[];
  empty?: ReactNode;
  children: ReactNode;
}) {
  return (
    <TableFrame label={label} testId={frameTestId}>
      <table className={className ? `${tableClass} ${className}` : tableClass} data-testid={testId}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className={theadClass}>
          <HeadRow columns={columns} />
        </thead>
        <tbody className={tbodyClass}>{children}</tbody>
      </table>
      {empty ? <p className="px-4 py-6 text-sm text-slate-600">{empty}</p> : null}
    </TableFrame>
  );
}
