import fc from 'fast-check';
import { addDays } from 'date-fns';
import {
  BAND_MULTIPLIER,
  assess,
  frequencyFor,
  loadRiskModel,
  riskModel,
  type Assessment,
  type Grade,
  type RiskModel,
} from '../../domain/risk';
import {
  DAY_MS,
  DEFAULT_RULES,
  HELSINKI,
  assertActionChange,
  daysUntil,
  followUpFor,
  helsinkiWeek,
  intervalDays,
  observationAlert,
  observationFactors,
  planAfterInspection,
  planView,
  planningFrequency,
  reminderAt,
  replanBetweenInspections,
  type ActionStatus,
  type PlanEntry,
  type ReportedEvent,
  type SupervisionRules,
} from '../../domain/supervision';

const food = riskModel('food-2008')!;
const facility = riskModel('facility-example')!;

/** A site with every missing grade given: classified by the engine. */
function classified(model: RiskModel, targetGroup: string, grade: Grade, present: string[] = [], monthsOpen?: number) {
  const { missing } = assess(model, { targetGroup, present, monthsOpen });
  return assess(model, {
    targetGroup,
    present,
    monthsOpen,
    grades: Object.fromEntries(missing.map((id) => [id, grade])),
  });
}
/** A site without grades: not classified, planned at the group's baseline. */
const unclassified = (model: RiskModel, targetGroup: string, monthsOpen?: number, present: string[] = []) =>
  assess(model, { targetGroup, present, monthsOpen });

// A large public event (baseline 3/yr) in each band; the fixtures are checked below.
const EVENT = 'largePublicEvent';
const EVENT_PROFILE = ['profile.crowdOver5000', 'profile.housingWithin500m', 'profile.nightOperation'];
const event = {
  unclassified: unclassified(facility, EVENT),
  r3Lower: classified(facility, EVENT, 'A'),
  r3Upper: classified(facility, EVENT, 'C'),
  r2: classified(facility, EVENT, 'D'),
  r1Lower: classified(facility, EVENT, 'D', [...EVENT_PROFILE, 'history.incident']),
  r1Upper: classified(facility, EVENT, 'D', [...EVENT_PROFILE, 'history.incident', 'history.nearMiss']),
};

const at = (iso: string) => new Date(iso);
const LAST = at('2026-06-01T09:00:00Z');
const report = (kind: ReportedEvent['kind'], observedAt: Date, extra: Partial<ReportedEvent> = {}): ReportedEvent => ({
  kind,
  observedAt,
  deviation: false,
  nearMiss: false,
  ...extra,
});

describe('supervision rules', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_RULES).toEqual({
      commissioningDays: 30,
      reminderDays: 14,
      minLeadDays: 3,
      followUpDays: 14,
      observationAlertCount: 3,
      observationAlertWindowDays: 30,
    });
    expect(DAY_MS).toBe(86_400_000);
    expect(HELSINKI).toBe('Europe/Helsinki');
  });

  it('fixtures: the large public event in every band at its baseline × band multiplier', () => {
    const baseline = facility.groups.find((g) => g.id === EVENT)!.baselinePerYear;
    const bands = Object.fromEntries(Object.entries(event).map(([name, a]) => [name, a.band]));

    expect(bands).toEqual({
      unclassified: null,
      r3Lower: 'R3-lower',
      r3Upper: 'R3-upper',
      r2: 'R2',
      r1Lower: 'R1-lower',
      r1Upper: 'R1-upper',
    });
    for (const a of Object.values(event).filter((x) => x.classified)) {
      expect(a.frequencyPerYear).toBeCloseTo(baseline * BAND_MULTIPLIER[a.band!], 10);
    }
  });
});

describe('intervalDays: one year of 365.25 days over the frequency, rounded', () => {
  it.each<[number, number]>([
    [1, 365], // 365.25
    [2, 183], // 182.625
    [3, 122], // 121.75
    [4, 91], // 91.3125
    [12, 30], // 30.4375
    [0.5, 731], // 730.5 rounds up
    [1.5, 244], // 243.5 rounds up
    [0.7, 522], // 521.79
  ])('%s/yr → %s days', (frequency, days) => {
    expect(intervalDays(frequency)).toBe(days);
  });

  it('is at least one day however high the frequency', () => {
    expect(intervalDays(365.25)).toBe(1);
    expect(intervalDays(500)).toBe(1);
    expect(intervalDays(1e6)).toBe(1);
  });

  it('property: whole days, at least 1, within half a day of 365.25/f, non-increasing in the frequency', () => {
    const frequency = fc.double({ min: 0.01, max: 400, noNaN: true });
    const factor = fc.oneof(fc.constant(1), fc.double({ min: 1, max: 4, noNaN: true }));
    fc.assert(
      fc.property(frequency, factor, (f1, k) => {
        const [d1, d2] = [intervalDays(f1), intervalDays(f1 * k)];
        expect(Number.isInteger(d1)).toBe(true);
        expect(d1).toBeGreaterThanOrEqual(1);
        if (d1 > 1) expect(Math.abs(d1 - 365.25 / f1)).toBeLessThanOrEqual(0.5);
        expect(d1).toBeGreaterThanOrEqual(d2);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('planningFrequency', () => {
  it('uses the assessed frequency of a classified site', () => {
    for (const a of [event.r3Lower, event.r2, event.r1Upper]) {
      expect(planningFrequency(a)).toEqual({ frequencyPerYear: a.frequencyPerYear, classified: true });
    }
  });

  it('falls back to the group baseline while grades are missing', () => {
    expect(event.unclassified.classified).toBe(false);
    expect(planningFrequency(event.unclassified)).toEqual({ frequencyPerYear: 3, classified: false });
    expect(planningFrequency(unclassified(facility, 'chemicalStorage'))).toEqual({
      frequencyPerYear: 1,
      classified: false,
    });
    expect(planningFrequency(unclassified(food, 'kiosk'))).toEqual({ frequencyPerYear: 0.7, classified: false });
  });

  it('pro-rates the baseline of a seasonal site by the months open', () => {
    // Restaurant, baseline 3/yr: open 6 months → 1.5/yr, open 4 months → exactly 1/yr (not 3 × 0.333).
    expect(planningFrequency(unclassified(food, 'restaurant', 6))).toEqual({
      frequencyPerYear: 1.5,
      classified: false,
    });
    expect(planningFrequency(unclassified(food, 'restaurant', 4))).toEqual({ frequencyPerYear: 1, classified: false });
    expect(intervalDays(planningFrequency(unclassified(food, 'restaurant', 4)).frequencyPerYear)).toBe(365);
  });

  it('the unclassified baseline is the engine’s R2 (×1) frequency for every group and months open', () => {
    const mismatches: string[] = [];
    for (const model of [food, facility]) {
      for (const group of model.groups) {
        for (let monthsOpen = 1; monthsOpen <= 12; monthsOpen++) {
          const a = unclassified(model, group.id, monthsOpen);
          const planned = planningFrequency(a).frequencyPerYear;
          const r2 = frequencyFor(group, 'R2', monthsOpen);
          if (a.classified || planned !== r2) mismatches.push(`${group.id} ${monthsOpen} mo: ${planned} ≠ ${r2}`);
        }
      }
    }

    expect(mismatches).toEqual([]);
  });
});

describe('planAfterInspection', () => {
  it.each(Object.entries(event))('plans the next %s inspection one interval after this one', (_name, assessment) => {
    const { frequencyPerYear, classified: isClassified } = planningFrequency(assessment);
    const days = intervalDays(frequencyPerYear);

    const plan = planAfterInspection(LAST, assessment);

    expect(plan).toEqual({
      kind: 'recurring',
      dueAt: addDays(LAST, days),
      reason: {
        code: 'frequency',
        frequencyPerYear,
        intervalDays: days,
        riskClass: assessment.riskClass,
        classified: isClassified,
      },
      riskClass: assessment.riskClass,
      frequencyPerYear,
    });
  });

  it('plans a higher risk sooner: R1 upper < R1 lower < R2 < R3 upper < R3 lower', () => {
    const due = [event.r1Upper, event.r1Lower, event.r2, event.r3Upper, event.r3Lower].map((a) =>
      planAfterInspection(LAST, a).dueAt.getTime(),
    );

    expect(due).toEqual([...due].sort((a, b) => a - b));
    expect(new Set(due).size).toBe(due.length);
  });

  it('plans an unclassified seasonal site at the pro-rated baseline (restaurant open 6 months: 1.5/yr)', () => {
    const plan = planAfterInspection(LAST, unclassified(food, 'restaurant', 6));

    expect(plan.dueAt).toEqual(addDays(LAST, intervalDays(1.5)));
    expect(plan.reason).toMatchObject({ code: 'frequency', frequencyPerYear: 1.5, classified: false, riskClass: null });
  });
});

describe('replanBetweenInspections', () => {
  const replan = (
    before: Assessment | PlanEntry,
    after: Assessment,
    now: Date,
    extra: { lastInspectionAt?: Date | null; rules?: SupervisionRules } = {},
  ) =>
    replanBetweenInspections({
      current: 'kind' in before ? before : planAfterInspection(LAST, before),
      lastInspectionAt: extra.lastInspectionAt === undefined ? LAST : extra.lastInspectionAt,
      assessment: after,
      now,
      trigger: 'incident',
      rules: extra.rules,
    });
  const NOW = addDays(LAST, 20);

  describe('only a rise in risk brings the date forward', () => {
    it.each<[string, Assessment, Assessment]>([
      ['R3 lower → R3 upper (same class, higher frequency)', event.r3Lower, event.r3Upper],
      ['R3 upper → R2', event.r3Upper, event.r2],
      ['R2 → R1 lower', event.r2, event.r1Lower],
      ['R1 lower → R1 upper (same class, higher frequency)', event.r1Lower, event.r1Upper],
      ['R3 lower → R1 upper', event.r3Lower, event.r1Upper],
      ['unclassified → R1 lower', event.unclassified, event.r1Lower],
    ])('%s: one interval of the new frequency after the last inspection', (_name, before, after) => {
      const current = planAfterInspection(LAST, before);

      const plan = replan(current, after, NOW);

      expect(plan).toEqual({
        kind: 'recurring',
        dueAt: addDays(LAST, intervalDays(after.frequencyPerYear!)),
        reason: {
          code: 'broughtForward',
          trigger: 'incident',
          fromRiskClass: before.riskClass,
          toRiskClass: after.riskClass,
          frequencyPerYear: after.frequencyPerYear,
          previousDueAt: current.dueAt.toISOString(),
        },
        riskClass: after.riskClass,
        frequencyPerYear: after.frequencyPerYear,
      });
      expect(plan!.dueAt.getTime()).toBeLessThan(current.dueAt.getTime());
    });

    it.each<[string, Assessment, Assessment]>([
      ['the same band', event.r2, event.r2],
      ['R3 upper → R3 lower', event.r3Upper, event.r3Lower],
      ['R1 upper → R1 lower', event.r1Upper, event.r1Lower],
      ['R1 lower → R2', event.r1Lower, event.r2],
      ['R2 → R3 lower', event.r2, event.r3Lower],
      ['R1 upper → unclassified', event.r1Upper, event.unclassified],
      // A class appears (rank 0 → R3) but its frequency is below the baseline: the date would move later.
      ['unclassified → R3 upper', event.unclassified, event.r3Upper],
      // The baseline is the R2 frequency: classification alone changes nothing.
      ['unclassified → R2', event.unclassified, event.r2],
    ])('%s: keeps the date (null)', (_name, before, after) => {
      expect(replan(before, after, NOW)).toBeNull();
    });

    it('a seasonal site classified R2 keeps the date planned at its pro-rated baseline', () => {
      // Restaurant open 4 months: baseline 3 × 4/12 = 1/yr, and R2 is ×1 of it. With the rounded
      // seasonal factor the baseline was 0.999/yr (366 days) and this moved the date one day.
      const before = unclassified(food, 'restaurant', 4);
      const after = classified(food, 'restaurant', 'C', [], 4);
      expect(after.band).toBe('R2');

      expect(replan(before, after, NOW)).toBeNull();
    });

    it('a class that rose counts even when the plan carries no frequency', () => {
      const current: PlanEntry = {
        kind: 'recurring',
        dueAt: addDays(LAST, 365),
        reason: { code: 'commissioning' },
        riskClass: 'R2',
        frequencyPerYear: null,
      };

      expect(replan(current, event.r1Lower, NOW)?.dueAt).toEqual(addDays(LAST, intervalDays(3.75)));
      expect(replan(current, event.r2, NOW)).toBeNull();
    });

    it('never re-plans a commissioning inspection', () => {
      const commissioning: PlanEntry = {
        kind: 'commissioning',
        dueAt: addDays(LAST, 365),
        reason: { code: 'commissioning' },
        riskClass: null,
        frequencyPerYear: null,
      };

      expect(replan(commissioning, event.r1Upper, NOW, { lastInspectionAt: null })).toBeNull();
    });

    it('keeps the kind of a follow-up it brings forward', () => {
      const followUp: PlanEntry = { ...planAfterInspection(LAST, event.r3Lower), kind: 'followUp' };

      expect(replan(followUp, event.r1Upper, NOW)?.kind).toBe('followUp');
    });
  });

  describe('the date: never later, never sooner than the minimum lead time', () => {
    // R2 → R1 lower: the current plan is one R2 interval after the last inspection, the new
    // candidate one R1-lower interval; `now` moves through the edges where the outcome changes.
    const current = planAfterInspection(LAST, event.r2);
    const currentDays = intervalDays(event.r2.frequencyPerYear!);
    const candidateDays = intervalDays(event.r1Lower.frequencyPerYear!);
    const lead = DEFAULT_RULES.minLeadDays;

    it('fixture: the candidate lies well before the current date', () => {
      expect(current.dueAt).toEqual(addDays(LAST, currentDays));
      expect(candidateDays).toBeLessThan(currentDays - lead - 1);
    });

    it.each<[string, number, number | null]>([
      ['now well before the candidate less the lead: the candidate', candidateDays - lead - 10, candidateDays],
      ['now + lead exactly at the candidate: the candidate', candidateDays - lead, candidateDays],
      ['now + lead one day past the candidate: now + lead', candidateDays - lead + 1, candidateDays + 1],
      ['now + lead one day before the current date: now + lead', currentDays - lead - 1, currentDays - 1],
      ['now + lead exactly at the current date: keeps it', currentDays - lead, null],
      ['now + lead past the current date: keeps it', currentDays - lead + 2, null],
      ['the current date already passed: keeps it', currentDays + 5, null],
    ])('%s', (_name, nowDays, dueDays) => {
      const plan = replan(current, event.r1Lower, addDays(LAST, nowDays));

      expect(plan?.dueAt ?? null).toEqual(dueDays === null ? null : addDays(LAST, dueDays));
    });

    it('the lead time counts from the time of the report, not the start of its day', () => {
      const now = new Date(addDays(LAST, candidateDays - lead + 1).getTime() + 5 * 60 * 60 * 1000);

      expect(replan(current, event.r1Lower, now)?.dueAt).toEqual(addDays(now, lead));
    });

    it('a candidate one day before the current date moves it; one at the current date does not', () => {
      const dueIn = (days: number): PlanEntry => ({ ...current, dueAt: addDays(LAST, days) });

      expect(replan(dueIn(candidateDays + 1), event.r1Lower, NOW)?.dueAt).toEqual(addDays(LAST, candidateDays));
      expect(replan(dueIn(candidateDays), event.r1Lower, NOW)).toBeNull();
    });

    it('a candidate already in the past becomes now + the lead time', () => {
      const longAgo = addDays(LAST, -400);
      const overdueLater: PlanEntry = { ...current, dueAt: addDays(NOW, 30) };

      const plan = replan(overdueLater, event.r1Lower, NOW, { lastInspectionAt: longAgo });

      expect(plan?.dueAt).toEqual(addDays(NOW, lead));
    });

    it('without a last inspection the interval counts from now', () => {
      const plan = replan(current, event.r1Lower, NOW, { lastInspectionAt: null });

      expect(plan?.dueAt).toEqual(addDays(NOW, candidateDays));
    });

    it('follows the authority’s minimum lead time', () => {
      const now = addDays(LAST, candidateDays - 2);
      const rules = (minLeadDays: number) => ({ ...DEFAULT_RULES, minLeadDays });

      expect(replan(current, event.r1Lower, now, { rules: rules(0) })?.dueAt).toEqual(addDays(LAST, candidateDays));
      expect(replan(current, event.r1Lower, now, { rules: rules(10) })?.dueAt).toEqual(addDays(now, 10));
      expect(replan(current, event.r1Lower, now, { rules: rules(currentDays) })).toBeNull();
    });
  });

  it('property: returns null or an earlier date, after a rise, no sooner than the lead time, at the candidate or the lead', () => {
    const pool: Assessment[] = [
      ...Object.values(event),
      ...(['A', 'B', 'C', 'D'] as const).flatMap((g) => [
        classified(food, 'restaurant', g),
        classified(food, 'restaurant', g, [], 5),
        classified(facility, 'chemicalStorage', g, ['profile.chemicalsOver200t', 'history.incident']),
      ]),
      unclassified(food, 'restaurant', 5),
      unclassified(facility, 'chemicalStorage'),
    ];
    const ranks: Record<string, number> = { R3: 1, R2: 2, R1: 3 };
    const rank = (c: string | null) => ranks[c ?? ''] ?? 0;

    const cases = fc
      .record({
        daysBack: fc.integer({ min: 0, max: 400 }),
        before: fc.constantFrom(...pool),
        kind: fc.constantFrom('recurring', 'followUp'),
        shiftDays: fc.oneof(fc.constant(0), fc.integer({ min: -60, max: 60 })),
        after: fc.constantFrom(...pool),
        neverInspected: fc.boolean(),
        nowOffsetMs: fc.integer({ min: 0, max: 800 * DAY_MS - 1 }),
        minLeadDays: fc.integer({ min: 0, max: 20 }),
      })
      .map(({ daysBack, before, kind, shiftDays, after, neverInspected, nowOffsetMs, minLeadDays }) => {
        const last = addDays(LAST, -daysBack);
        const planned = planAfterInspection(last, before);
        const current: PlanEntry = { ...planned, kind, dueAt: addDays(planned.dueAt, shiftDays) };
        const now = new Date(last.getTime() + nowOffsetMs);
        return { current, after, lastInspectionAt: neverInspected ? null : last, now, minLeadDays };
      });

    fc.assert(
      fc.property(cases, ({ current, after, lastInspectionAt, now, minLeadDays }) => {
        const plan = replanBetweenInspections({
          current,
          lastInspectionAt,
          assessment: after,
          now,
          trigger: 'citizenObservation',
          rules: { ...DEFAULT_RULES, minLeadDays },
        });
        if (plan === null) return;
        const frequency = planningFrequency(after).frequencyPerYear;
        const earliest = addDays(now, minLeadDays);
        const candidate = addDays(lastInspectionAt ?? now, intervalDays(frequency));
        expect(plan.dueAt.getTime()).toBeLessThan(current.dueAt.getTime());
        expect(plan.dueAt.getTime()).toBeGreaterThanOrEqual(earliest.getTime());
        expect([candidate.getTime(), earliest.getTime()]).toContain(plan.dueAt.getTime());
        expect(rank(after.riskClass) > rank(current.riskClass) || frequency > current.frequencyPerYear!).toBe(true);
        expect(plan.kind).toBe(current.kind);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('followUpFor: a corrective action’s deadline passed unmet', () => {
  const current = planAfterInspection(LAST, event.r3Lower);
  const deadline = addDays(LAST, 30);

  it('plans a follow-up inspection the follow-up days after the deadline', () => {
    const plan = followUpFor(current, { id: 'ca-1', deadline });

    expect(plan).toEqual({
      kind: 'followUp',
      dueAt: addDays(deadline, DEFAULT_RULES.followUpDays),
      reason: { code: 'followUp', correctiveActionId: 'ca-1', deadline: deadline.toISOString() },
      riskClass: current.riskClass,
      frequencyPerYear: current.frequencyPerYear,
    });
  });

  it('not when an inspection is already due sooner or on the same day', () => {
    const sameDay = addDays(current.dueAt, -DEFAULT_RULES.followUpDays);
    const dayBefore = addDays(sameDay, -1);

    expect(followUpFor(current, { id: 'ca-1', deadline: sameDay })).toBeNull();
    expect(followUpFor(current, { id: 'ca-1', deadline: addDays(sameDay, 1) })).toBeNull();
    expect(followUpFor(current, { id: 'ca-1', deadline: dayBefore })?.dueAt).toEqual(addDays(current.dueAt, -1));
  });

  it('follows the authority’s follow-up days', () => {
    const rules = { ...DEFAULT_RULES, followUpDays: 5 };

    expect(followUpFor(current, { id: 'ca-2', deadline }, rules)?.dueAt).toEqual(addDays(deadline, 5));
  });
});

describe('observationFactors: presence factors from reports in the model’s window', () => {
  const NOW = at('2026-06-15T12:00:00Z');
  // The facility model's window is 12 months: reports after 2025-06-15T12:00Z up to now count.
  const WINDOW_START = at('2025-06-15T12:00:00Z');
  const inside = new Date(WINDOW_START.getTime() + 1);
  const recent = at('2026-05-01T08:00:00Z');
  const citizens = (n: number, when = recent) => Array.from({ length: n }, () => report('citizenObservation', when));

  it('fixture: the facility model derives incidents, near misses and citizen observations over 12 months', () => {
    expect(facility.observations).toEqual({
      windowMonths: 12,
      incident: 'history.incident',
      nearMiss: 'history.nearMiss',
      citizen: [
        { atLeast: 3, factor: 'history.observations3plus' },
        { atLeast: 1, factor: 'history.observations1to2' },
      ],
    });
  });

  it.each<[string, ReportedEvent[], string[]]>([
    ['nothing reported', [], []],
    ['an incident', [report('incident', recent)], ['history.incident']],
    ['a near miss', [report('incident', recent, { nearMiss: true })], ['history.nearMiss']],
    [
      'an incident and a near miss',
      [report('incident', recent, { nearMiss: true }), report('incident', recent)],
      ['history.incident', 'history.nearMiss'],
    ],
    ['self-monitoring with a deviation', [report('selfMonitoring', recent, { deviation: true })], ['history.incident']],
    ['self-monitoring without a deviation', [report('selfMonitoring', recent)], []],
    ['a profile change', [report('profileChange', recent)], []],
    ['1 citizen observation', citizens(1), ['history.observations1to2']],
    ['2 citizen observations', citizens(2), ['history.observations1to2']],
    ['3 citizen observations', citizens(3), ['history.observations3plus']],
    ['7 citizen observations', citizens(7), ['history.observations3plus']],
    [
      'an incident and 3 citizen observations',
      [report('incident', recent), ...citizens(3)],
      ['history.incident', 'history.observations3plus'],
    ],
  ])('%s', (_name, reports, factors) => {
    expect(observationFactors(facility, reports, NOW)).toEqual(factors);
  });

  it.each<[string, Date, boolean]>([
    ['exactly at the window start', WINDOW_START, false],
    ['a millisecond after the window start', inside, true],
    ['a day before the window start', addDays(WINDOW_START, -1), false],
    ['at now', NOW, true],
    ['after now', new Date(NOW.getTime() + 1), false],
  ])('a report %s counts: %s', (_name, observedAt, counts) => {
    const factors = observationFactors(facility, [report('incident', observedAt)], NOW);

    expect(factors).toEqual(counts ? ['history.incident'] : []);
  });

  it('counts only the citizen observations in the window', () => {
    const reports = [...citizens(2), ...citizens(1, WINDOW_START), ...citizens(4, addDays(WINDOW_START, -30))];

    expect(observationFactors(facility, reports, NOW)).toEqual(['history.observations1to2']);
    expect(observationFactors(facility, [...reports, ...citizens(1, inside)], NOW)).toEqual([
      'history.observations3plus',
    ]);
  });

  it('derives presence factors that the engine accepts for every facility group and that raise the score', () => {
    const derived = observationFactors(facility, [report('incident', recent), ...citizens(3)], NOW);

    for (const group of facility.groups) {
      const without = classified(facility, group.id, 'B');
      const withDerived = classified(facility, group.id, 'B', derived);
      expect(withDerived.score!).toBeGreaterThan(without.score!);
    }
  });

  it('derives nothing for a model without an observations section (food-2008)', () => {
    expect(food.observations).toBeUndefined();

    expect(observationFactors(food, [report('incident', recent), ...citizens(5)], NOW)).toEqual([]);
  });

  it('follows the model: its window in months and only the factors it names', () => {
    const custom = loadRiskModel({
      ...structuredClone(facility),
      observations: { windowMonths: 3, incident: 'history.incident' },
    });
    const now = at('2026-09-15T12:00:00Z');
    const start = at('2026-06-15T12:00:00Z'); // 3 months before
    const lastWeek = addDays(now, -7);

    expect(observationFactors(custom, [report('incident', new Date(start.getTime() + 1))], now)).toEqual([
      'history.incident',
    ]);
    expect(observationFactors(custom, [report('incident', start)], now)).toEqual([]);
    expect(
      observationFactors(custom, [report('incident', lastWeek, { nearMiss: true }), ...citizens(5, lastWeek)], now),
    ).toEqual([]);
  });
});

describe('observationAlert: citizen observations within the window', () => {
  const NOW = at('2026-06-15T12:00:00Z');
  const { observationAlertCount: count, observationAlertWindowDays: windowDays } = DEFAULT_RULES;
  const windowStart = new Date(NOW.getTime() - windowDays * DAY_MS);
  const within = (n: number) => Array.from({ length: n }, (_, i) => new Date(NOW.getTime() - (i + 1) * 60 * 60 * 1000));

  it('alerts at the threshold with the count and the window', () => {
    expect(observationAlert(within(count), NOW)).toEqual({ count, windowDays });
    expect(observationAlert(within(count + 2), NOW)).toEqual({ count: count + 2, windowDays });
  });

  it('not below the threshold', () => {
    expect(observationAlert(within(count - 1), NOW)).toBeNull();
    expect(observationAlert([], NOW)).toBeNull();
  });

  it.each<[string, Date, boolean]>([
    ['exactly at the window start', windowStart, false],
    ['a millisecond after the window start', new Date(windowStart.getTime() + 1), true],
    ['at now', NOW, true],
    ['after now', new Date(NOW.getTime() + 1), false],
  ])('an observation %s counts: %s', (_name, observedAt, counts) => {
    const alert = observationAlert([...within(count - 1), observedAt], NOW);

    expect(alert).toEqual(counts ? { count, windowDays } : null);
  });

  it('follows the authority’s count and window', () => {
    const rules = { ...DEFAULT_RULES, observationAlertCount: 2, observationAlertWindowDays: 7 };
    const eightDaysAgo = addDays(NOW, -8);

    expect(observationAlert([addDays(NOW, -1), addDays(NOW, -6)], NOW, rules)).toEqual({ count: 2, windowDays: 7 });
    expect(observationAlert([addDays(NOW, -1), eightDaysAgo], NOW, rules)).toBeNull();
  });
});

describe('reminderAt', () => {
  const due = at('2026-09-01T06:00:00Z');

  it('reminds the reminder days before the inspection', () => {
    expect(reminderAt(due, at('2026-06-01T00:00:00Z'))).toEqual(addDays(due, -DEFAULT_RULES.reminderDays));
  });

  it('never in the past: at now when the reminder time has passed', () => {
    const reminder = addDays(due, -DEFAULT_RULES.reminderDays);
    const later = new Date(reminder.getTime() + 1);

    expect(reminderAt(due, reminder)).toEqual(reminder);
    expect(reminderAt(due, later)).toEqual(later);
    expect(reminderAt(due, addDays(due, 3))).toEqual(addDays(due, 3));
  });

  it('follows the authority’s reminder days', () => {
    expect(reminderAt(due, at('2026-06-01T00:00:00Z'), { ...DEFAULT_RULES, reminderDays: 7 })).toEqual(
      addDays(due, -7),
    );
  });
});

describe('assertActionChange: corrective action status', () => {
  it.each<[ActionStatus, 'submitEvidence' | 'reviewEvidence']>([
    ['open', 'submitEvidence'],
    ['overdue', 'submitEvidence'],
    ['evidenceSubmitted', 'submitEvidence'],
    ['evidenceSubmitted', 'reviewEvidence'],
  ])('a %s action takes %s', (status, change) => {
    expect(() => assertActionChange(status, change)).not.toThrow();
  });

  it.each<[ActionStatus, 'submitEvidence' | 'reviewEvidence']>([
    ['accepted', 'submitEvidence'],
    ['open', 'reviewEvidence'],
    ['overdue', 'reviewEvidence'],
    ['accepted', 'reviewEvidence'],
  ])('a %s action refuses %s, naming both', (status, change) => {
    expect(() => assertActionChange(status, change)).toThrow(
      `a corrective action that is ${status} does not take ${change}`,
    );
  });
});

describe('helsinkiWeek: ISO week of the date in Helsinki', () => {
  it.each<[string, string, string]>([
    ['2026-01-05T12:00:00Z', '2026-W02', 'a single-digit week is padded'],
    ['2024-12-30T12:00:00Z', '2025-W01', 'the ISO year differs from the calendar year'],
    ['2026-12-31T21:59:59Z', '2026-W53', 'Thursday 23:59:59 on 31 December in Helsinki'],
    ['2026-12-31T23:30:00Z', '2026-W53', 'already Friday 1 January 2027 in Helsinki, still week 53 of 2026'],
    ['2027-01-03T21:59:59Z', '2026-W53', 'Sunday 23:59:59 in Helsinki (UTC+2)'],
    ['2027-01-03T22:00:00Z', '2027-W01', 'Monday 00:00 in Helsinki while still Sunday in UTC'],
    ['2026-03-22T21:59:59Z', '2026-W12', 'Sunday 23:59:59 before summer time (UTC+2)'],
    ['2026-03-22T22:00:00Z', '2026-W13', 'Monday 00:00 before summer time'],
    ['2026-03-29T20:59:59Z', '2026-W13', 'Sunday 23:59:59 on the day summer time begins (UTC+3)'],
    ['2026-03-29T21:00:00Z', '2026-W14', 'Monday 00:00 in summer time, an hour earlier in UTC'],
    ['2026-10-25T21:59:59Z', '2026-W43', 'Sunday 23:59:59 on the day summer time ends (UTC+2 again)'],
    ['2026-10-25T22:00:00Z', '2026-W44', 'Monday 00:00 after summer time'],
  ])('%s → %s (%s)', (iso, week) => {
    expect(helsinkiWeek(at(iso))).toBe(week);
  });

  it('property: the ISO week and the calendar-day difference of the Helsinki dates (Intl as the oracle)', () => {
    const helsinkiDate = new Intl.DateTimeFormat('en-CA', {
      timeZone: HELSINKI,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    /** The Helsinki calendar date as midnight UTC of that day. */
    const dayOf = (d: Date) => {
      const [y, m, day] = helsinkiDate.format(d).split('-').map(Number);
      return Date.UTC(y!, m! - 1, day!);
    };
    const isoWeek = (utcDay: number) => {
      const weekday = (new Date(utcDay).getUTCDay() + 6) % 7; // Monday 0
      const thursday = new Date(utcDay + (3 - weekday) * DAY_MS);
      const year = thursday.getUTCFullYear();
      const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
      return `${year}-W${String(week).padStart(2, '0')}`;
    };
    const from = Date.UTC(2020, 0, 1);
    const span = Date.UTC(2036, 0, 1) - from;

    const instant = fc.integer({ min: 0, max: span - 1 }).map((offset) => new Date(from + offset));
    fc.assert(
      fc.property(instant, instant, (date, now) => {
        expect(helsinkiWeek(date)).toBe(isoWeek(dayOf(date)));
        expect(daysUntil(date, now)).toBe(Math.round((dayOf(date) - dayOf(now)) / DAY_MS));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('daysUntil: whole Helsinki calendar days', () => {
  it.each<[string, string, number, string]>([
    ['2026-06-10T12:00:00Z', '2026-06-10T12:00:00Z', 0, 'the same instant'],
    ['2026-06-10T20:30:00Z', '2026-06-10T21:30:00Z', 1, 'an hour across midnight in Helsinki'],
    ['2026-06-10T21:30:00Z', '2026-06-11T20:29:00Z', 0, 'almost a day within one Helsinki day'],
    ['2026-03-28T22:30:00Z', '2026-03-29T21:30:00Z', 1, '23 hours across the start of summer time'],
    ['2026-10-24T21:30:00Z', '2026-10-25T22:30:00Z', 1, '25 hours across the end of summer time'],
    ['2026-01-01T10:00:00Z', '2027-01-01T10:00:00Z', 365, 'a year'],
    ['2026-06-11T21:30:00Z', '2026-06-10T20:30:00Z', -2, 'a date already past'],
  ])('from %s to %s: %s (%s)', (now, date, days) => {
    expect(daysUntil(at(date), at(now))).toBe(days);
  });
});

describe('planView: what each audience sees of the plan (F28)', () => {
  const supervisor = { name: 'Ville Valvoja', email: 'ville.valvoja@example.test', phone: '+358 40 123 4567' };
  // Sunday 22:30 in UTC is already Monday of the next week in Helsinki.
  const entry = { ...planAfterInspection(LAST, event.r2), dueAt: at('2027-01-03T22:30:00Z') };

  it('the public sees the kind and the ISO week only: no date, reason or supervisor contact', () => {
    const view = planView(entry, supervisor, 'public');

    expect(view).toEqual({ kind: 'recurring', week: '2027-W01' });
    const text = JSON.stringify(view);
    for (const secret of [entry.dueAt.toISOString(), '2027-01-04', '2027-01-03', ...Object.values(supervisor)]) {
      expect(text).not.toContain(secret);
    }
  });

  it('the parties see the exact date, the week, the reason and the supervisor', () => {
    const view = planView(entry, supervisor, 'party');

    expect(view).toEqual({
      kind: 'recurring',
      dueAt: '2027-01-03T22:30:00.000Z',
      week: helsinkiWeek(entry.dueAt),
      supervisor,
      reason: entry.reason,
    });
  });

  it('property: the public view of any date is its Helsinki week and nothing else', () => {
    const dueAt = fc
      .integer({ min: 0, max: 3 * 365 * DAY_MS - 1 })
      .map((offset) => new Date(Date.UTC(2025, 0, 1) + offset));
    fc.assert(
      fc.property(dueAt, (date) => {
        const view = planView({ ...entry, kind: 'followUp', dueAt: date }, supervisor, 'public');
        expect(view).toEqual({ kind: 'followUp', week: helsinkiWeek(date) });
      }),
      { numRuns: 500 },
    );
  });
});
