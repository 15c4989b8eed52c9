/** The venue page's pure logic: month grids, month arithmetic, what a day shows and offers, euros. */
import fc from 'fast-check';
import {
  actionsFor,
  addMonths,
  dayView,
  formatEuros,
  monthGrid,
  technicalRows,
  type OwnReservation,
} from '../../ui/src/views/venues/calendar';

const own = (status: OwnReservation['status'], date = '2027-06-12'): OwnReservation => ({
  id: 'r1',
  date,
  status,
  rank: status === 'queued' ? 2 : status === 'held' || status === 'confirmed' ? 0 : null,
  holdUntil: null,
  projectId: null,
});

describe('venue calendar grid', () => {
  it.each([
    // June 2027 starts on a Tuesday and has 30 days.
    ['2027-06', 1, 5],
    // February 2027 starts on a Monday and has 28 days: exactly four weeks.
    ['2027-02', 0, 4],
    // August 2027 starts on a Sunday: six rows.
    ['2027-08', 6, 6],
  ])('%s starts after %i padding cells and has %i weeks', (month, lead, weeks) => {
    const grid = monthGrid(month);
    expect(grid).toHaveLength(weeks);
    expect(grid[0]!.findIndex((c) => c !== null)).toBe(lead);
    expect(grid[0]![lead]).toEqual({ date: `${month}-01`, day: 1 });
  });

  it('every month has its days once, in order, in weeks of seven', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        const month = `${y}-${String(m).padStart(2, '0')}`;
        const grid = monthGrid(month);
        expect(grid.every((w) => w.length === 7)).toBe(true);
        const dates = grid.flat().filter((c) => c !== null);
        const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
        expect(dates.map((c) => c.day)).toEqual(Array.from({ length: days }, (_, i) => i + 1));
      }),
    );
  });

  it.each([
    ['2027-01', -1, '2026-12'],
    ['2027-12', 1, '2028-01'],
    ['2027-06', 18, '2028-12'],
    ['2027-06', 0, '2027-06'],
  ])('%s %i months is %s', (month, delta, expected) => {
    expect(addMonths(month, delta)).toBe(expected);
  });
});

describe('what a day shows and offers', () => {
  it('combines the public state with the organiser own reservation', () => {
    const days = [{ date: '2027-06-12', state: 'held' as const, queue: 2 }];
    expect(dayView('2027-06-12', days, [own('queued')])).toEqual({ state: 'held', queue: 2, own: own('queued') });
    expect(dayView('2027-06-13', days, [own('queued')])).toEqual({ state: 'free', queue: 0, own: null });
  });

  it.each<[OwnReservation['status'] | null, boolean, string[]]>([
    [null, false, ['request']],
    [null, true, []],
    ['held', false, ['confirm', 'cancel']],
    ['held', true, ['cancel']],
    ['confirmed', false, ['cancel']],
    ['queued', false, ['cancel']],
    ['lapsed', false, ['request']],
    ['cancelled', false, ['request']],
  ])('own %s, past %s: %j', (status, past, expected) => {
    expect(actionsFor(status ? own(status) : null, past)).toEqual(expected);
  });
});

describe('venue card texts', () => {
  it('formats the rent in euros in both languages', () => {
    expect(formatEuros(120_000, 'fi').replace(/\s/g, ' ')).toBe('1 200 €');
    expect(formatEuros(120_050, 'en')).toBe('€1,200.50');
  });

  it('makes technical data readable', () => {
    expect(technicalRows({ water: true, toilets: false, power: '3 × 32 A', langs: ['fi', 'en'] }, 'yes', 'no')).toEqual(
      [
        ['water', 'yes'],
        ['toilets', 'no'],
        ['power', '3 × 32 A'],
        ['langs', 'fi, en'],
      ],
    );
  });
});
