/** Wall-clock times typed in Helsinki, as the UTC instants the API stores. */
import { TZDate } from '@date-fns/tz';

const HELSINKI = 'Europe/Helsinki';

/** `2027-06-12T18:30` (an <input type="datetime-local"> value) in Helsinki → ISO instant. */
export function helsinkiInstant(local: string): string {
  const [day = '', time = '00:00'] = local.split('T');
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(new TZDate(y, m - 1, d, hh, mm, 0, HELSINKI).getTime()).toISOString();
}

/** The last second of a day (an <input type="date"> value) in Helsinki, summer or winter. */
export function endOfHelsinkiDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 23, 59, 59, HELSINKI).getTime()).toISOString();
}

/** Today plus `days` as a Helsinki calendar date (YYYY-MM-DD). */
export function helsinkiDate(days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: HELSINKI }).format(new Date(Date.now() + days * 86_400_000));
}
