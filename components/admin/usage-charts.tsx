/**
 * Server-rendered SVG charts for the usage page: no client chart library, no inline styles (colours are
 * Tailwind classes, geometry SVG attributes), so they render under the portal's nonce CSP. Each is an
 * `svg` with role="img" and an accessible name; every bar carries a <title> with its exact number, and
 * the page shows a table of the same numbers beside each chart.
 */

import type { ReactNode } from 'react';

/**
 * Series colours, one text colour each: bars fill with it (`fill-current`) and legend swatches paint it
 * (`bg-current`), so a colour is named once (in full, for Tailwind's class scan).
 */
const PALETTE = [
  'text-brand-600',
  'text-amber-500',
  'text-emerald-600',
  'text-fuchsia-600',
  'text-cyan-700',
  'text-rose-600',
  'text-lime-700',
  'text-slate-500',
] as const;

/** A series' colour (a text colour class: paint with `fill-current` or `bg-current`). */
export function seriesColour(index: number): string {
  return PALETTE[index % PALETTE.length];
}

export interface Series {
  key: string;
  label: string;
  values: number[];
}

/** A round axis maximum (1, 2, 5 x 10^n) and its tick values. */
function axisTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? power * 10;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Math.round(v));
  return ticks;
}

const formatNumber = (n: number) => n.toLocaleString('en-US');

export function Legend({ series }: { series: { key: string; label: string }[] }) {
  return (
    <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700" aria-label="Legend">
      {series.map((s, i) => (
        <li key={s.key} className="flex items-center gap-1.5">
          <span aria-hidden="true" className={`inline-block size-3 rounded-sm bg-current ${seriesColour(i)}`} />
          {s.label}
        </li>
      ))}
    </ul>
  );
}

/** Launches per day, one bar per day, stacked by series (LOB). */
export function StackedBarChart({
  id,
  title,
  description,
  days,
  series,
}: {
  id: string;
  title: string;
  description: string;
  days: string[];
  series: Series[];
}) {
  const width = 720;
  const height = 260;
  const margin = { top: 12, right: 8, bottom: 28, left: 44 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const totals = days.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const ticks = axisTicks(Math.max(0, ...totals));
  const max = ticks[ticks.length - 1];
  const slot = plotW / days.length;
  const barW = Math.max(1, slot * 0.75);
  const y = (v: number) => margin.top + plotH - (v / max) * plotH;
  const labelEvery = days.length > 31 ? 14 : 7;
  return (
    <ChartSvg id={id} title={title} description={description} width={width} height={height}>
      {ticks.map((t) => (
        <g key={t}>
          <line
            x1={margin.left}
            x2={width - margin.right}
            y1={y(t)}
            y2={y(t)}
            className="stroke-slate-200"
            strokeWidth={1}
          />
          <text
            x={margin.left - 6}
            y={y(t)}
            textAnchor="end"
            dominantBaseline="middle"
            className="fill-slate-600 text-[11px]"
          >
            {formatNumber(t)}
          </text>
        </g>
      ))}
      {days.map((day, i) => {
        let base = 0;
        const x = margin.left + i * slot + (slot - barW) / 2;
        return (
          <g key={day} data-day={day}>
            {series.map((s, si) => {
              const v = s.values[i] ?? 0;
              if (!v) return null;
              const top = y(base + v);
              const bottom = y(base);
              base += v;
              return (
                <rect
                  key={s.key}
                  x={x}
                  y={top}
                  width={barW}
                  height={Math.max(0.5, bottom - top)}
                  className={`fill-current ${seriesColour(si)}`}
                  data-lob={s.key}
                  data-count={v}
                >
                  <title>{`${s.label}, ${day}: ${formatNumber(v)}`}</title>
                </rect>
              );
            })}
            {i % labelEvery === (days.length - 1) % labelEvery ? (
              <text x={x + barW / 2} y={height - 8} textAnchor="middle" className="fill-slate-600 text-[11px]">
                {day.slice(5)}
              </text>
            ) : null}
          </g>
        );
      })}
      <line
        x1={margin.left}
        x2={width - margin.right}
        y1={y(0)}
        y2={y(0)}
        className="stroke-slate-400"
        strokeWidth={1}
      />
    </ChartSvg>
  );
}

/** A chart's SVG image: named by its title and described by its description (`aria-labelledby`). */
function ChartSvg({
  id,
  title,
  description,
  width,
  height,
  children,
}: {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  children: ReactNode;
}) {
  return (
    <svg
      id={id}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      viewBox={`0 0 ${width} ${height}`}
      className="h-auto w-full"
      data-testid={id}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {children}
    </svg>
  );
}

/** One horizontal bar per item (failures by code, active users per LOB). */
export function HorizontalBarChart({
  id,
  title,
  description,
  items,
  tone = 'series',
}: {
  id: string;
  title: string;
  description: string;
  items: { key: string; label: string; value: number }[];
  /** `series`: each bar in its series colour (LOBs, same order as the launches chart); `danger`: all red. */
  tone?: 'series' | 'danger';
}) {
  const width = 720;
  const row = 28;
  const labelW = 200;
  const valueW = 70;
  const height = Math.max(1, items.length) * row + 8;
  const max = Math.max(1, ...items.map((i) => i.value));
  const barMax = width - labelW - valueW;
  return (
    <ChartSvg id={id} title={title} description={description} width={width} height={height}>
      {items.length === 0 ? (
        <text x={0} y={20} className="fill-slate-600 text-[13px]">
          Nothing recorded in this period.
        </text>
      ) : null}
      {items.map((item, i) => {
        const yTop = 4 + i * row;
        const w = (item.value / max) * barMax;
        return (
          <g key={item.key} data-key={item.key} data-count={item.value}>
            <text
              x={labelW - 8}
              y={yTop + row / 2}
              textAnchor="end"
              dominantBaseline="middle"
              className="fill-slate-700 text-[13px]"
            >
              {item.label}
            </text>
            <rect
              x={labelW}
              y={yTop + 4}
              width={Math.max(1, w)}
              height={row - 10}
              className={tone === 'danger' ? 'fill-red-700' : `fill-current ${seriesColour(i)}`}
            >
              <title>{`${item.label}: ${formatNumber(item.value)}`}</title>
            </rect>
            <text
              x={labelW + Math.max(1, w) + 6}
              y={yTop + row / 2}
              dominantBaseline="middle"
              className="fill-slate-800 text-[13px] tabular-nums"
            >
              {formatNumber(item.value)}
            </text>
          </g>
        );
      })}
    </ChartSvg>
  );
}
