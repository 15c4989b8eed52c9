/**
 * The inspection calendar's logic (F28): planned inspections of every supervised site,
 * grouped by ISO week as the plan names them ("2027-W05"), overdue ones first.
 */

export interface CalendarEntry {
  siteId: string;
  siteName: string;
  kind: string;
  /** ISO instant the inspection is due. */
  dueAt: string;
  /** ISO week in Helsinki, e.g. "2027-W05" (from the API's plan). */
  week: string;
  riskClass: string | null;
  supervisor: string | null;
}

export interface CalendarWeek {
  week: string;
  year: number;
  number: number;
  /** Monday and Sunday of the week as ISO dates (YYYY-MM-DD). */
  monday: string;
  sunday: string;
  entries: CalendarEntry[];
}

export interface Calendar {
  overdue: CalendarEntry[];
  weeks: CalendarWeek[];
}

const DAY = 86_400_000;

/** "2027-W05" → { year: 2027, number: 5 }; null when it is not an ISO week. */
export function parseWeek(week: string): { year: number; number: number } | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const number = Number(m[2]);
  return number >= 1 && number <= 53 ? { year, number } : null;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Monday and Sunday of an ISO week: week 1 is the week with the year's 4 January in it. */
export function weekRange(year: number, number: number): { monday: string; sunday: string } {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const monday = jan4 - weekday * DAY + (number - 1) * 7 * DAY;
  return { monday: isoDay(monday), sunday: isoDay(monday + 6 * DAY) };
}

const byDue = (a: CalendarEntry, b: CalendarEntry) =>
  a.dueAt.localeCompare(b.dueAt) || a.siteName.localeCompare(b.siteName, 'fi');

/**
 * Entries due before `now` are overdue (oldest first); the rest are grouped by their ISO
 * week in calendar order, each week's entries by due time. Entries with a malformed week
 * are kept under their own label rather than dropped.
 */
export function groupByWeek(entries: CalendarEntry[], now: number): Calendar {
  const overdue = entries.filter((e) => Date.parse(e.dueAt) < now).sort(byDue);
  const weeks: CalendarWeek[] = [];
  for (const entry of entries.filter((e) => Date.parse(e.dueAt) >= now).sort(byDue)) {
    let week = weeks.find((w) => w.week === entry.week);
    if (!week) {
      const parsed = parseWeek(entry.week) ?? { year: 0, number: 0 };
      const range = parsed.year ? weekRange(parsed.year, parsed.number) : { monday: '', sunday: '' };
      week = { week: entry.week, ...parsed, ...range, entries: [] };
      weeks.push(week);
    }
    week.entries.push(entry);
  }
  weeks.sort((a, b) => a.year - b.year || a.number - b.number || a.week.localeCompare(b.week));
  return { overdue, weeks };
}

/** Whole days from `now` to `iso` (negative when past), counted in 24-hour steps. */
export function daysFrom(iso: string, now: number): number {
  return Math.floor((Date.parse(iso) - now) / DAY);
}

/** How many entries fall due within `days` from now (not counting overdue ones). */
export function dueWithin(entries: CalendarEntry[], now: number, days: number): number {
  return entries.filter((e) => {
    const at = Date.parse(e.dueAt);
    return at >= now && at < now + days * DAY;
  }).length;
}

/**
 * Runs `task` over `items` with at most `limit` running at once (one request per site
 * without flooding the API), keeping the input order in the result.
 */
export async function mapLimited<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
