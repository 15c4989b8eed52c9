/** Calendar dates as they are in Finland: the platform stores instants in UTC and shows Helsinki dates. */
import { TZDate } from '@date-fns/tz';

export const HELSINKI = 'Europe/Helsinki';

/** The date in Helsinki at this instant (YYYY-MM-DD): a due date, an invoice's year, a venue's day. */
export function helsinkiToday(now: Date): string {
  const d = new TZDate(now.getTime(), HELSINKI);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
