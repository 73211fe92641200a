import type { ReactNode } from 'react';
import { Card, sectionTitleClass } from './page-parts';
import { DataTable } from './data-table';

/** The numbers behind a card: one table, folded behind a "Show … as a table" toggle when a chart shows them too. */
export interface CardTable {
  /** The toggle's text; without one the table is shown as it is (a card that is only a table). */
  toggle?: string;
  /** The scrollable region's accessible name. */
  label: string;
  testId: string;
  /** The table's caption (for screen readers). */
  caption: string;
  /** Column headings, left to right. */
  columns: string[];
  /** The body's rows. */
  rows: ReactNode;
  /** The text shown under the table when it has no rows. */
  empty?: string;
}

/**
 * One card of the usage page: a heading, an optional description, the chart (an SVG image) and the table
 * of the same numbers. The heading names the card (`aria-labelledby`).
 */
export function ChartCard({
  id,
  title,
  description,
  chart,
  table,
}: {
  id: string;
  title: string;
  description?: string;
  chart?: ReactNode;
  table?: CardTable;
}) {
  const body = table ? (
    <DataTable
      label={table.label}
      testId={table.testId}
      caption={table.caption}
      columns={table.columns}
      empty={table.empty}
    >
      {table.rows}
    </DataTable>
  ) : null;
  return (
    <Card aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className={sectionTitleClass}>
        {title}
      </h2>
      {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
      {chart ? <div className="mt-4">{chart}</div> : null}
      {table?.toggle ? (
        <details className="mt-4">
          <summary className="cursor-pointer rounded-sm text-sm font-medium text-brand-700 underline underline-offset-2">
            {table.toggle}
          </summary>
          <div className="mt-3">{body}</div>
        </details>
      ) : body ? (
        <div className="mt-4">{body}</div>
      ) : null}
    </Card>
  );
}
