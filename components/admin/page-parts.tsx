import Link from 'next/link';
import type { HTMLAttributes, ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { linkClass, secondaryButtonClass } from './form-parts';

/**
 * The page's h1 with an optional back link, description and actions (buttons wrap under the title on phones).
 * `badge` (a <Badge>, a status such as Disabled) stands beside the title, part of the heading.
 */
export function PageHeader({
  title,
  badge,
  description,
  actions,
  back,
}: {
  title: ReactNode;
  badge?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  back?: { href: string; label: string };
}) {
  return (
    <div className="mb-6">
      {back ? (
        <p className="mb-2 text-sm">
          <Link className={linkClass} href={back.href}>
            <span aria-hidden="true">←</span> {back.label}
          </Link>
        </p>
      ) : null}
      <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight break-words text-slate-900">
            {badge ? (
              <span className="inline-flex flex-wrap items-center gap-x-3 gap-y-1">
                {title} {badge}
              </span>
            ) : (
              title
            )}
          </h1>
          {description ? <div className="mt-2 max-w-3xl text-sm text-slate-600">{description}</div> : null}
        </div>
        {actions ? <div className="flex flex-wrap gap-3">{actions}</div> : null}
      </div>
    </div>
  );
}

/** Label/value rows as a description list (two columns from `sm` up): a LOB's settings, one access request. */
export function DetailList({ rows }: { rows: [label: string, value: ReactNode][] }) {
  return (
    <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr] sm:gap-y-2">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="font-medium text-slate-600">{label}</dt>
          <dd className="mb-2 break-words text-slate-900 sm:mb-0">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A white panel, as the portal frames its launch form; `danger` for destructive sections. */
export function Card({
  children,
  className = '',
  tone = 'default',
  ...rest
}: { children: ReactNode; className?: string; tone?: 'default' | 'danger' } & HTMLAttributes<HTMLElement>) {
  const border = tone === 'danger' ? 'border-red-200' : 'border-slate-200';
  return (
    <section className={`rounded-lg border ${border} bg-white p-5 shadow-sm sm:p-6 ${className}`} {...rest}>
      {children}
    </section>
  );
}

/** A Card named by its h2 (`aria-labelledby`), for a section of a page. */
export function SectionCard({
  titleId,
  title,
  tone,
  children,
}: {
  titleId: string;
  title: ReactNode;
  tone?: 'default' | 'danger';
  children: ReactNode;
}) {
  return (
    <Card aria-labelledby={titleId} tone={tone}>
      <h2 id={titleId} className={sectionTitleClass}>
        {title}
      </h2>
      {children}
    </Card>
  );
}

/** A GET form above a list (search, filters): its fields side by side, wrapping on phones, then one submit button. */
export function FilterForm({
  label,
  action,
  submit,
  search = false,
  children,
}: {
  /** The card's accessible name. */
  label: string;
  action: string;
  submit: string;
  /** The form is a search landmark. */
  search?: boolean;
  children: ReactNode;
}) {
  return (
    <Card aria-label={label} className="mb-6">
      <form
        method="get"
        action={action}
        role={search ? 'search' : undefined}
        className="flex flex-wrap items-end gap-4"
      >
        {children}
        <Button type="submit">{submit}</Button>
      </form>
    </Card>
  );
}

/** A list that could not be read: the error and, for a paged list, a link that starts it again from its first page. */
export function ListError({
  title,
  error,
  restart,
}: {
  title: string;
  error: string;
  restart?: { href: string; label: string };
}) {
  return (
    <div className="mb-4">
      <Alert tone="error" title={title}>
        <p>{error}</p>
        {restart ? (
          <p className="mt-2">
            <Link className="font-semibold underline underline-offset-2" href={restart.href}>
              {restart.label}
            </Link>
          </p>
        ) : null}
      </Alert>
    </div>
  );
}

export const sectionTitleClass = 'text-base font-semibold text-slate-900';

/**
 * The frame of every admin table: it scrolls sideways by itself on narrow screens (the page never does),
 * and is focusable so keyboard users can scroll it too. `relative` keeps absolutely positioned descendants
 * (sr-only labels) inside the scroller; otherwise they widen the page.
 */
export function TableFrame({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      data-testid={testId}
      className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      {children}
    </div>
  );
}

export const tableClass = 'min-w-full divide-y divide-slate-200 text-left text-sm';
export const theadClass = 'bg-slate-50';
export const thClass = 'px-4 py-2.5 text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase';
export const tbodyClass = 'divide-y divide-slate-100';
export const tdClass = 'px-4 py-3 align-top text-slate-700';
/** For secondary columns: phones get the columns that matter without scrolling; the rest is one click away. */
export const wideOnly = 'hidden md:table-cell';

type BadgeTone = 'neutral' | 'danger' | 'warning' | 'success' | 'brand';
const BADGE_TONES: Record<BadgeTone, string> = {
  neutral: 'bg-slate-100 text-slate-700 ring-slate-300',
  danger: 'bg-red-50 text-red-800 ring-red-300',
  warning: 'bg-amber-50 text-amber-900 ring-amber-300',
  success: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  brand: 'bg-brand-50 text-brand-800 ring-brand-600/30',
};

export function Badge({
  tone = 'neutral',
  children,
  testId,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ring-1 ring-inset ${BADGE_TONES[tone]}`}
    >
      {children}
    </span>
  );
}

/** "First / Previous / Page N / Next" under a list. Links are plain hrefs, so paging works without JavaScript. */
export function Pager({
  number,
  firstHref,
  previousHref,
  nextHref,
  firstLabel = 'First page',
  previousLabel = 'Previous page',
  nextLabel = 'Next page',
}: {
  number: number;
  firstHref?: string;
  previousHref?: string;
  nextHref?: string;
  firstLabel?: string;
  previousLabel?: string;
  nextLabel?: string;
}) {
  // "First page" only when it's not the same link as "Previous page".
  const showFirst = number > 1 && firstHref && (!previousHref || number > 2);
  return (
    <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center gap-3">
      {showFirst ? (
        <Link className={secondaryButtonClass} href={firstHref}>
          {firstLabel}
        </Link>
      ) : null}
      {previousHref ? (
        <Link className={secondaryButtonClass} href={previousHref} rel="prev">
          <span aria-hidden="true">←</span> {previousLabel}
        </Link>
      ) : null}
      <p className="text-sm text-slate-600" aria-current="page" data-testid="page-number">
        Page {number}
      </p>
      {nextHref ? (
        <Link className={secondaryButtonClass} href={nextHref} rel="next">
          {nextLabel} <span aria-hidden="true">→</span>
        </Link>
      ) : null}
    </nav>
  );
}
