/** The venue queue's rules, the public calendar and the date rules (domain/venues.ts). */
import { addDays } from 'date-fns';
import {
  VenueRuleError,
  activeEntries,
  applyVenueCommand,
  dateProblem,
  endOfHelsinkiDate,
  expireDate,
  helsinkiToday,
  holderOf,
  lapseHold,
  MAX_DAYS_AHEAD,
  publicDay,
  queueRank,
  type QueueState,
  type VenueCommandKind,
} from '../../domain/venues';

const HOLD = 60_000;
const T0 = Date.parse('2027-03-01T10:00:00Z');
let ids = 0;

/** Applies commands in order from an empty queue, one minute apart. */
function run(cmds: VenueCommandKind[], start: QueueState = { entries: [], nextPosition: 1 }) {
  let state = start;
  const changes = [];
  for (const [i, cmd] of cmds.entries()) {
    const change = applyVenueCommand(state, cmd, {
      now: T0 + i * 60_000,
      holdMs: HOLD,
      entryId: `e${++ids}`,
      key: `k${ids}`,
    });
    changes.push(change);
    state = change.state;
  }
  return { state, changes };
}
const request = (org: string): VenueCommandKind => ({ action: 'request', organisationId: org, userId: `u-${org}` });
const confirm = (org: string): VenueCommandKind => ({ action: 'confirm', organisationId: org });
const cancel = (org: string): VenueCommandKind => ({ action: 'cancel', organisationId: org });
const shape = (s: QueueState) => activeEntries(s).map((e) => `${e.organisationId}:${e.status}`);

describe('venue queue rules', () => {
  it.each<[string, VenueCommandKind[], string[]]>([
    ['first request holds', [request('A')], ['A:held']],
    ['later requests queue in order', [request('A'), request('B'), request('C')], ['A:held', 'B:queued', 'C:queued']],
    ['the holder confirms', [request('A'), request('B'), confirm('A')], ['A:confirmed', 'B:queued']],
    [
      'the holder cancels: the next holds',
      [request('A'), request('B'), request('C'), cancel('A')],
      ['B:held', 'C:queued'],
    ],
    ['a confirmed holder cancels: the next holds', [request('A'), request('B'), confirm('A'), cancel('A')], ['B:held']],
    ['a queued one leaves', [request('A'), request('B'), request('C'), cancel('B')], ['A:held', 'C:queued']],
    ['the last one leaves: empty', [request('A'), cancel('A')], []],
    [
      'a cancelled organiser may ask again, at the end',
      [request('A'), request('B'), cancel('A'), request('A')],
      ['B:held', 'A:queued'],
    ],
    ['confirming twice changes nothing', [request('A'), confirm('A'), confirm('A')], ['A:confirmed']],
  ])('%s', (_name, cmds, expected) => {
    expect(shape(run(cmds).state)).toEqual(expected);
  });

  it.each<[string, VenueCommandKind[], VenueCommandKind, string]>([
    ['a second request of the same organisation', [request('A')], request('A'), 'ALREADY_QUEUED'],
    ['a queued organiser confirming', [request('A'), request('B')], confirm('B'), 'NOT_HOLDER'],
    ['confirming without a reservation', [request('A')], confirm('B'), 'NOT_QUEUED'],
    ['cancelling without a reservation', [request('A')], cancel('B'), 'NOT_QUEUED'],
  ])('refuses %s', (_name, before, cmd, code) => {
    const { state } = run(before);
    expect(() => run([cmd], state)).toThrow(VenueRuleError);
    try {
      run([cmd], state);
    } catch (err) {
      expect((err as VenueRuleError).code).toBe(code);
    }
  });

  it('positions are handed out once and never reused', () => {
    const { state } = run([request('A'), request('B'), cancel('A'), request('A')]);
    expect(state.entries.map((e) => e.position)).toEqual([1, 2, 3]);
    expect(state.nextPosition).toBe(4);
  });

  it('a hold lasts holdMs from the request; the next one gets a fresh hold from the hand-over', () => {
    const { state, changes } = run([request('A'), request('B'), cancel('A')]);
    expect(changes[0]!.state.entries[0]!.holdUntil).toBe(new Date(T0 + HOLD).toISOString());
    expect(holderOf(state)!.holdUntil).toBe(new Date(T0 + 2 * 60_000 + HOLD).toISOString());
    expect(changes[2]!.alerts.map((a) => [a.kind, a.entry.organisationId])).toEqual([['venueHandedOver', 'B']]);
  });

  it('a lapsed hold passes to the next in line, alerting both', () => {
    const { state } = run([request('A'), request('B'), request('C')]);
    const holder = holderOf(state)!;
    const change = lapseHold(state, holder.id, { now: T0 + HOLD, holdMs: HOLD });
    expect(shape(change.state)).toEqual(['B:held', 'C:queued']);
    expect(change.changed.map((e) => `${e.organisationId}:${e.status}`)).toEqual(['A:lapsed', 'B:held']);
    expect(change.alerts.map((a) => [a.kind, a.entry.organisationId])).toEqual([
      ['venueLapsed', 'A'],
      ['venueHandedOver', 'B'],
    ]);
    expect(holderOf(change.state)!.holdUntil).toBe(new Date(T0 + 2 * HOLD).toISOString());
  });

  it('a lapse for a holder that confirmed or left meanwhile changes nothing', () => {
    const { state: confirmed } = run([request('A'), request('B'), confirm('A')]);
    const holderId = holderOf(confirmed)!.id;
    expect(lapseHold(confirmed, holderId, { now: T0, holdMs: HOLD }).changed).toEqual([]);
    const { state: left } = run([request('A'), request('B'), cancel('A')]);
    expect(lapseHold(left, left.entries[0]!.id, { now: T0, holdMs: HOLD }).changed).toEqual([]);
  });

  it('when the date passes, holds and the queue lapse quietly and a confirmed one stays', () => {
    const { state } = run([request('A'), request('B'), confirm('A'), request('C')]);
    const change = expireDate(state);
    expect(change.changed.map((e) => `${e.organisationId}:${e.status}`)).toEqual(['B:lapsed', 'C:lapsed']);
    expect(change.alerts).toEqual([]);
    expect(shape(change.state)).toEqual(['A:confirmed']);
  });
});

describe('the public calendar', () => {
  it.each<[string, string[], { state: string; queue: number }]>([
    ['nothing', [], { state: 'free', queue: 0 }],
    ['only ended ones', ['lapsed', 'cancelled'], { state: 'free', queue: 0 }],
    ['a preliminary hold and two in line', ['held', 'queued', 'queued'], { state: 'held', queue: 2 }],
    ['a confirmed one', ['lapsed', 'confirmed', 'queued'], { state: 'confirmed', queue: 1 }],
  ])('%s', (_name, statuses, expected) => {
    const day = publicDay(
      '2027-06-12',
      statuses.map((status) => ({ status })),
    );
    expect(day).toEqual({ date: '2027-06-12', ...expected });
    expect(Object.keys(day)).toEqual(['date', 'state', 'queue']);
  });

  it('ranks an organiser: 0 holds, n-th in line, null when out', () => {
    const rows = [
      { status: 'lapsed', position: 1 },
      { status: 'held', position: 2 },
      { status: 'cancelled', position: 3 },
      { status: 'queued', position: 4 },
      { status: 'queued', position: 5 },
    ];
    expect(rows.map((r) => queueRank(r, rows))).toEqual([null, 0, null, 1, 2]);
  });
});

describe('venue dates in Helsinki', () => {
  it.each([
    ['2027-01-15T21:59:00Z', '2027-01-15'],
    ['2027-01-15T22:00:00Z', '2027-01-16'],
    ['2027-07-15T20:59:00Z', '2027-07-15'],
    ['2027-07-15T21:00:00Z', '2027-07-16'],
  ])('at %s it is %s in Helsinki', (now, today) => {
    expect(helsinkiToday(new Date(now))).toBe(today);
  });

  it('a date ends at the next Helsinki midnight, winter or summer', () => {
    expect(endOfHelsinkiDate('2027-01-15').toISOString()).toBe('2027-01-15T22:00:00.000Z');
    expect(endOfHelsinkiDate('2027-07-15').toISOString()).toBe('2027-07-15T21:00:00.000Z');
  });

  it('refuses dates in the past and too far ahead', () => {
    const now = new Date('2027-07-15T21:30:00Z'); // already the 16th in Helsinki
    expect(dateProblem('2027-07-15', now)).toMatch(/past/);
    expect(dateProblem('2027-07-16', now)).toBeNull();
    const ahead = (days: number) => addDays(new Date('2027-07-16T12:00:00Z'), days).toISOString().slice(0, 10);
    expect(dateProblem(ahead(MAX_DAYS_AHEAD), now)).toBeNull();
    expect(dateProblem(ahead(MAX_DAYS_AHEAD + 1), now)).toMatch(/days ahead/);
  });
});
