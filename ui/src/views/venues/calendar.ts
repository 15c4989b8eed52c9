/**
 * The venue page's pure parts: the API's shapes, a month as weeks (Monday first), moving
 * between months, what each day shows and the rent as euros. Unit-tested without a browser.
 * The card, day and status shapes are domain/venues.ts's, as the API writes them.
 */
import { ACTIVE_STATUSES, type DayState, type PublicDay, type VenueReservationStatus } from '../../../../domain/venues';

export type { DayState, PublicDay, VenueCard as Venue } from '../../../../domain/venues';

export interface OwnReservation {
  id: string;
  date: string;
  status: VenueReservationStatus;
  /** 0 holds the date, n is n-th in line; null when out of the queue. */
  rank: number | null;
  holdUntil: string | null;
  projectId: string | null;
}

export interface MyReservation extends OwnReservation {
  venueId: string;
  venueName: string;
  organisationName?: string | null;
}

export interface VenueCalendar {
  venueId: string;
  month: string;
  days: PublicDay[];
  mine: OwnReservation[];
}

export interface Outcome {
  venueId: string;
  date: string;
  day: PublicDay;
  mine: OwnReservation | null;
}

/** One cell of the month grid: a date of the month, or padding before and after it. */
export type Cell = { date: string; day: number } | null;

const pad = (n: number) => String(n).padStart(2, '0');

/** The month of a date (YYYY-MM). */
export const monthOf = (date: string) => date.slice(0, 7);

/** The month `delta` months from `month` (YYYY-MM). */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** The month as weeks of seven cells, Monday first, padded with nulls. */
export function monthGrid(month: string): Cell[][] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  // getUTCDay: 0 Sunday … 6 Saturday; Monday first means Sunday is the 7th.
  const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7;
  const cells: Cell[] = Array.from({ length: lead }, () => null);
  for (let d = 1; d <= days; d++) cells.push({ date: `${month}-${pad(d)}`, day: d });
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: Cell[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** What a day of the calendar shows: the public state and queue, and the organiser's own place. */
export function dayView(
  date: string,
  days: readonly PublicDay[],
  mine: readonly OwnReservation[],
): { state: DayState; queue: number; own: OwnReservation | null } {
  const day = days.find((d) => d.date === date);
  const own = mine.find((r) => r.date === date) ?? null;
  return { state: day?.state ?? 'free', queue: day?.queue ?? 0, own };
}

/** Which commands the organiser has on a date: request when not in line, confirm when holding, cancel while in line. */
export function actionsFor(own: OwnReservation | null, past: boolean): Array<'request' | 'confirm' | 'cancel'> {
  const active = own && ACTIVE_STATUSES.includes(own.status);
  if (!active) return past ? [] : ['request'];
  const list: Array<'request' | 'confirm' | 'cancel'> = [];
  if (own.status === 'held' && !past) list.push('confirm');
  list.push('cancel');
  return list;
}

/** Rent in euros in the user's language (cents stored). */
export function formatEuros(cents: number, locale: 'fi' | 'en'): string {
  return new Intl.NumberFormat(locale === 'fi' ? 'fi-FI' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
    maximumFractionDigits: cents % 100 === 0 ? 0 : 2,
  }).format(cents / 100);
}

/** The technical data's entries as label and text (values that are lists or flags made readable). */
export function technicalRows(technical: Record<string, unknown>, yes: string, no: string): Array<[string, string]> {
  return Object.entries(technical).map(([key, value]) => [
    key,
    typeof value === 'boolean' ? (value ? yes : no) : Array.isArray(value) ? value.join(', ') : String(value),
  ]);
}
