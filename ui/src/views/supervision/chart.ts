/**
 * Geometry of the horizontal bar charts (risk reports, a site's area points): a "nice"
 * axis, stacked segments scaled to it, and rows laid out under optional group headings.
 * Pure, so the numbers are unit-tested and the Svelte component only draws.
 */

export interface ChartSegment {
  key: string;
  value: number;
}
export interface ChartRow {
  id: string;
  label: string;
  /** Text after the bar (e.g. the total or the unit); defaults to the formatted sum. */
  note?: string;
  href?: string;
  segments: ChartSegment[];
}
export interface ChartGroup {
  id: string;
  label?: string;
  rows: ChartRow[];
}

export interface Axis {
  max: number;
  step: number;
  ticks: number[];
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (1 for nothing to show). */
export function niceMax(value: number, multiples: readonly number[] = [1, 2, 2.5, 5, 10]): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of multiples) {
    const candidate = m * power;
    if (candidate >= value - power * 1e-9) return Number(candidate.toPrecision(12));
  }
  return 10 * power;
}

/**
 * An axis from 0 to a nice maximum in about `count` equal steps, each a round number; for
 * counts (`integer`) every step is a whole number.
 */
export function axisFor(maxValue: number, count = 4, integer = false): Axis {
  const max = niceMax(maxValue);
  const step = integer ? Math.max(1, niceMax(max / count, [1, 2, 5, 10])) : niceMax(max / count);
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return { max: Number(top.toPrecision(12)), step, ticks };
}

export interface PlacedSegment extends ChartSegment {
  x: number;
  width: number;
}

/** Segments side by side from `x0`, each `value / max` of `width`; zero and negative values take no room. */
export function stackSegments(segments: ChartSegment[], max: number, width: number, x0 = 0): PlacedSegment[] {
  let x = x0;
  return segments.map((s) => {
    const w = max > 0 ? (Math.max(0, s.value) / max) * width : 0;
    const placed = { ...s, x, width: w };
    x += w;
    return placed;
  });
}

/** Splits a label into at most `lines` lines of about `chars` characters, at spaces; the last line ends in "…" when cut. */
export function wrapLabel(label: string, chars: number, lines = 2): string[] {
  const words = label.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let line = '';
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= chars || !line) {
      line = candidate;
      continue;
    }
    out.push(line);
    line = word;
    if (out.length === lines - 1) {
      const rest = words.slice(i).join(' ');
      out.push(rest.length > chars ? `${rest.slice(0, Math.max(1, chars - 1)).trimEnd()}…` : rest);
      return out;
    }
  }
  if (line) out.push(line.length > chars ? `${line.slice(0, Math.max(1, chars - 1))}…` : line);
  return out;
}

export interface LayoutOptions {
  width: number;
  labelWidth: number;
  /** Room after the bar for its note. */
  noteWidth: number;
  rowHeight: number;
  lineHeight: number;
  headingHeight: number;
  axisHeight: number;
  labelChars: number;
  /** Fix the axis maximum (e.g. an area's maximum points); otherwise from the data. */
  max?: number;
  /** The values are counts: whole-number ticks. */
  integer?: boolean;
}

export const DEFAULT_LAYOUT: LayoutOptions = {
  width: 800,
  labelWidth: 280,
  noteWidth: 90,
  rowHeight: 30,
  lineHeight: 15,
  headingHeight: 30,
  axisHeight: 24,
  labelChars: 34,
};

export interface PlacedRow {
  row: ChartRow;
  y: number;
  height: number;
  lines: string[];
  segments: PlacedSegment[];
  total: number;
  /** Where the bar ends (its note starts after it). */
  end: number;
}
export interface PlacedHeading {
  id: string;
  label: string;
  y: number;
}
export interface ChartLayout {
  axis: Axis;
  /** The x of the bars' zero and their full width. */
  x0: number;
  plotWidth: number;
  height: number;
  headings: PlacedHeading[];
  rows: PlacedRow[];
  /** x of each tick. */
  ticks: Array<{ value: number; x: number }>;
}

const sum = (segments: ChartSegment[]) => segments.reduce((s, x) => s + Math.max(0, x.value), 0);

/** Places every heading and row from the top (after the axis labels), scaled to one axis. */
export function layoutChart(groups: ChartGroup[], options: Partial<LayoutOptions> = {}): ChartLayout {
  const o = { ...DEFAULT_LAYOUT, ...options };
  const largest = Math.max(0, ...groups.flatMap((g) => g.rows.map((r) => sum(r.segments))));
  const axis = axisFor(o.max ?? largest, 4, o.integer ?? false);
  const x0 = o.labelWidth;
  const plotWidth = Math.max(10, o.width - o.labelWidth - o.noteWidth);
  let y = o.axisHeight;
  const headings: PlacedHeading[] = [];
  const rows: PlacedRow[] = [];
  for (const group of groups) {
    if (group.label) {
      headings.push({ id: group.id, label: group.label, y });
      y += o.headingHeight;
    }
    for (const row of group.rows) {
      const lines = wrapLabel(row.label, o.labelChars);
      const height = Math.max(o.rowHeight, lines.length * o.lineHeight + 8);
      const segments = stackSegments(row.segments, axis.max, plotWidth, x0);
      const total = sum(row.segments);
      rows.push({
        row,
        y,
        height,
        lines,
        segments,
        total,
        end: x0 + (axis.max > 0 ? (total / axis.max) * plotWidth : 0),
      });
      y += height;
    }
  }
  return {
    axis,
    x0,
    plotWidth,
    height: y + 4,
    headings,
    rows,
    ticks: axis.ticks.map((value) => ({ value, x: x0 + (value / axis.max) * plotWidth })),
  };
}
