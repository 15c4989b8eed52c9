/** The live timeline's geometry (F10): where each step's planned, forecast and actual bars lie. */
export interface ScheduleRow {
  permitType: string | null;
  step: string;
  planned: { start: string | null; end: string | null };
  forecast: { end: string | null; endP80: string | null; source: string | null };
  actual: { start: string | null; end: string | null };
}

export interface Bar {
  /** Percent of the axis from its start. */
  left: number;
  width: number;
}
export type RowState = 'done' | 'current' | 'upcoming';

export interface GanttRow {
  row: ScheduleRow;
  state: RowState;
  planned: Bar | null;
  forecast: Bar | null;
  actual: Bar | null;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);
const DAY = 86_400_000;

export function stateOf(row: ScheduleRow): RowState {
  if (row.actual.end) return 'done';
  if (row.actual.start) return 'current';
  return 'upcoming';
}

/**
 * The axis spans every date in the schedule and `now`, padded by a day each side; bars are
 * percentages of it, so the chart scales with the page. A step in progress has its actual
 * bar up to now; its forecast runs from where it started (or is planned to) to the forecast
 * end, the 80th percentile when that is all there is.
 */
export function layout(
  rows: ScheduleRow[],
  now: number,
): { start: number; end: number; rows: GanttRow[]; today: number } {
  const points = rows
    .flatMap((r) => [r.planned.start, r.planned.end, r.forecast.end, r.forecast.endP80, r.actual.start, r.actual.end])
    .map(ms)
    .filter((x): x is number => x !== null);
  points.push(now);
  const start = Math.min(...points) - DAY;
  const end = Math.max(...points) + DAY;
  const span = end - start;
  const bar = (from: number | null, to: number | null): Bar | null => {
    if (from === null || to === null) return null;
    const a = Math.min(from, to);
    const b = Math.max(from, to);
    return { left: ((a - start) / span) * 100, width: Math.max(((b - a) / span) * 100, 0.4) };
  };
  return {
    start,
    end,
    today: ((now - start) / span) * 100,
    rows: rows.map((row) => {
      const state = stateOf(row);
      const actualEnd = ms(row.actual.end) ?? (state === 'current' ? now : null);
      const forecastStart = ms(row.actual.start) ?? ms(row.planned.start);
      const forecastEnd = ms(row.forecast.end) ?? ms(row.forecast.endP80);
      return {
        row,
        state,
        planned: bar(ms(row.planned.start), ms(row.planned.end)),
        forecast: state === 'done' ? null : bar(forecastStart, forecastEnd),
        actual: bar(ms(row.actual.start), actualEnd),
      };
    }),
  };
}

/** Month ticks (the 1st of each month in Helsinki time) between start and end, as percentages. */
export function monthTicks(start: number, end: number): Array<{ at: number; date: Date }> {
  const ticks: Array<{ at: number; date: Date }> = [];
  const d = new Date(start);
  const cursor = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  while (cursor.getTime() < end && ticks.length < 60) {
    ticks.push({ at: ((cursor.getTime() - start) / (end - start)) * 100, date: new Date(cursor) });
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return ticks;
}
