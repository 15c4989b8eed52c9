/** The supervision views' logic (ui/src/views/supervision/*.ts): calendar weeks, chart geometry, inspection form, reports. */
import fc from 'fast-check';
import { TZDate } from '@date-fns/tz';
import {
  daysFrom,
  dueWithin,
  groupByWeek,
  mapLimited,
  parseWeek,
  weekRange,
  type CalendarEntry,
} from '../../ui/src/views/supervision/calendar';
import { axisFor, layoutChart, niceMax, stackSegments, wrapLabel } from '../../ui/src/views/supervision/chart';
import {
  checkInspection,
  currentGrades,
  derivedFactors,
  fieldId,
  gradedAreas,
  inspectionCommand,
  intervalDays as uiInterval,
  isFormField,
  presenceChoices,
  presentInEffect,
  togglePresent,
  type InspectionDraft,
} from '../../ui/src/views/supervision/risk';
import {
  classCountChart,
  csvHref,
  groupName,
  groupRanked,
  highestFrequency,
  rankingPath,
  reportQuery,
  topAreasChart,
  type RankedSite,
} from '../../ui/src/views/supervision/reports';
import { RISK_MODELS, assess, riskModel } from '../../domain/risk';
import { HELSINKI, helsinkiWeek, intervalDays } from '../../domain/supervision';

const food = riskModel('food-2008')!;
const facility = riskModel('facility-example')!;
const pickFi = (fi: string) => fi;
const pickEn = (_fi: string, en: string) => en;

describe('calendar weeks (F28)', () => {
  it('parses ISO weeks and refuses anything else', () => {
    expect(parseWeek('2027-W05')).toEqual({ year: 2027, number: 5 });
    expect(parseWeek('2026-W53')).toEqual({ year: 2026, number: 53 });
    for (const bad of ['2027-5', '2027-W00', '2027-W54', 'W05', '']) expect(parseWeek(bad)).toBeNull();
  });

  it('gives Monday to Sunday of a week, across year boundaries', () => {
    expect(weekRange(2027, 1)).toEqual({ monday: '2027-01-04', sunday: '2027-01-10' });
    expect(weekRange(2026, 53)).toEqual({ monday: '2026-12-28', sunday: '2027-01-03' });
    expect(weekRange(2025, 1)).toEqual({ monday: '2024-12-30', sunday: '2025-01-05' });
    expect(weekRange(2020, 53)).toEqual({ monday: '2020-12-28', sunday: '2021-01-03' });
  });

  it("puts every instant's Helsinki day inside the range of the week the API names for it", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
        const week = parseWeek(helsinkiWeek(new Date(ms)))!;
        const { monday, sunday } = weekRange(week.year, week.number);
        const local = new TZDate(ms, HELSINKI);
        const day = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`;
        return monday <= day && day <= sunday;
      }),
    );
  });

  const entry = (siteName: string, dueAt: string): CalendarEntry => ({
    siteId: siteName,
    siteName,
    kind: 'recurring',
    dueAt,
    week: helsinkiWeek(new Date(dueAt)),
    riskClass: null,
    supervisor: null,
  });
  const now = Date.parse('2027-03-10T12:00:00Z');

  it('lists overdue inspections first, then week by week in calendar order', () => {
    const entries = [
      entry('C', '2027-04-01T08:00:00Z'),
      entry('A', '2027-03-15T08:00:00Z'),
      entry('Late', '2027-03-01T08:00:00Z'),
      entry('B', '2027-03-16T08:00:00Z'),
      entry('Next year', '2028-01-02T08:00:00Z'),
      entry('Later', '2027-03-09T08:00:00Z'),
    ];
    const calendar = groupByWeek(entries, now);
    expect(calendar.overdue.map((e) => e.siteName)).toEqual(['Late', 'Later']);
    expect(calendar.weeks.map((w) => [w.week, w.entries.map((e) => e.siteName)])).toEqual([
      ['2027-W11', ['A', 'B']],
      ['2027-W13', ['C']],
      ['2027-W52', ['Next year']],
    ]);
    expect(calendar.weeks[0]).toMatchObject({ year: 2027, number: 11, monday: '2027-03-15', sunday: '2027-03-21' });
    expect(dueWithin(entries, now, 30)).toBe(3);
    expect(daysFrom('2027-03-15T12:00:00Z', now)).toBe(5);
    expect(daysFrom('2027-03-09T12:00:00Z', now)).toBe(-1);
  });

  it('keeps every entry exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 0, 1) }), { maxLength: 40 }),
        (times) => {
          const entries = times.map((ms, i) => entry(`S${i}`, new Date(ms).toISOString()));
          const calendar = groupByWeek(entries, now);
          const all = [...calendar.overdue, ...calendar.weeks.flatMap((w) => w.entries)];
          expect(all.map((e) => e.siteName).sort()).toEqual(entries.map((e) => e.siteName).sort());
          for (const w of calendar.weeks) for (const e of w.entries) expect(e.week).toBe(w.week);
          const order = calendar.weeks.map((w) => w.year * 100 + w.number);
          expect(order).toEqual([...order].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('runs site requests with bounded concurrency, keeping the order', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapLimited([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
    await expect(mapLimited([], 4, async () => 1)).resolves.toEqual([]);
  });
});

describe('chart geometry', () => {
  it('rounds the axis up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0, -3, 0.7, 1, 3, 7, 11, 23, 24.9, 61, 230].map((v) => niceMax(v))).toEqual([
      1, 1, 1, 1, 5, 10, 20, 25, 25, 100, 250,
    ]);
    expect(axisFor(23)).toEqual({ max: 30, step: 10, ticks: [0, 10, 20, 30] });
    expect(axisFor(10)).toEqual({ max: 10, step: 2.5, ticks: [0, 2.5, 5, 7.5, 10] });
    // Counts get whole-number ticks.
    expect(axisFor(2, 4, true)).toEqual({ max: 2, step: 1, ticks: [0, 1, 2] });
    expect(axisFor(10, 4, true)).toEqual({ max: 10, step: 5, ticks: [0, 5, 10] });
    expect(axisFor(230, 4, true).ticks.every(Number.isInteger)).toBe(true);
    const axis = axisFor(7);
    expect(axis.ticks[0]).toBe(0);
    expect(axis.ticks.at(-1)).toBe(axis.max);
    expect(axis.max).toBeGreaterThanOrEqual(7);
  });

  it('always covers the largest value with evenly spaced round ticks', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e6, noNaN: true }), (v) => {
        const axis = axisFor(v);
        // Within floating-point noise (0.1 × 3 is a nice 0.3, not 0.5).
        expect(axis.max).toBeGreaterThanOrEqual(v * (1 - 1e-9));
        expect(axis.ticks.length).toBeGreaterThanOrEqual(2);
        expect(axis.ticks.length).toBeLessThanOrEqual(11);
        axis.ticks.forEach((tick, i) => expect(tick).toBeCloseTo(i * axis.step, 6));
        expect(axis.ticks.at(-1)).toBeCloseTo(axis.max, 6);
      }),
    );
  });

  it('stacks segments side by side in proportion', () => {
    const placed = stackSegments(
      [
        { key: 'R1', value: 2 },
        { key: 'R2', value: 0 },
        { key: 'R3', value: 3 },
        { key: 'x', value: -1 },
      ],
      10,
      500,
      100,
    );
    expect(placed.map((s) => [s.key, s.x, s.width])).toEqual([
      ['R1', 100, 100],
      ['R2', 200, 0],
      ['R3', 200, 150],
      ['x', 350, 0],
    ]);
  });

  it('wraps long labels at spaces into at most two lines', () => {
    expect(wrapLabel('Ravintola', 20)).toEqual(['Ravintola']);
    expect(wrapLabel('Central kitchen and restaurant delivering food elsewhere', 20)).toEqual([
      'Central kitchen and',
      'restaurant deliveri…',
    ]);
    expect(wrapLabel('Supercalifragilisticexpialidocious', 10)).toEqual(['Supercali…']);
  });

  it('lays out groups and rows top down inside the plot, bars proportional to their totals', () => {
    const layout = layoutChart(
      [
        { id: 'g1', label: 'Group 1', rows: [{ id: 'a', label: 'A', segments: [{ key: 'v', value: 10 }] }] },
        {
          id: 'g2',
          rows: [
            { id: 'b', label: 'B', segments: [{ key: 'v', value: 5 }] },
            { id: 'c', label: 'C', segments: [{ key: 'v', value: 0 }] },
          ],
        },
      ],
      { width: 800, labelWidth: 200, noteWidth: 100 },
    );
    expect(layout.axis.max).toBe(10);
    expect(layout.plotWidth).toBe(500);
    expect(layout.headings).toEqual([{ id: 'g1', label: 'Group 1', y: 24 }]);
    expect(layout.rows.map((r) => [r.row.id, r.end])).toEqual([
      ['a', 700],
      ['b', 450],
      ['c', 200],
    ]);
    const ys = layout.rows.map((r) => r.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(layout.height).toBeGreaterThan(layout.rows.at(-1)!.y + layout.rows.at(-1)!.height - 1);
    expect(layout.ticks.at(-1)!.x).toBe(700);
    // A fixed maximum (an area's maximum points) scales every bar to it.
    expect(
      layoutChart([{ id: 'g', rows: [{ id: 'a', label: 'A', segments: [{ key: 'v', value: 5 }] }] }], { max: 20 }).axis
        .max,
    ).toBe(20);
  });
});

describe('inspection form', () => {
  it('grades exactly the factors the engine misses when nothing is graded', () => {
    const presenceIds = (model: typeof food, groupId: string) =>
      presenceChoices(model, groupId, []).flatMap((a) => a.factors.map((f) => f.id));
    fc.assert(
      fc.property(
        fc.constantFrom(...RISK_MODELS.flatMap((m) => m.groups.map((g) => [m, g.id] as const))),
        fc.infiniteStream(fc.boolean()),
        ([model, groupId], coin) => {
          // A valid presence list: some of the applicable factors, one of each set of alternatives.
          let present: string[] = [];
          for (const id of presenceIds(model, groupId))
            if (coin.next().value) present = togglePresent(model, present, id, true);
          const graded = gradedAreas(model, groupId, present).flatMap((a) => a.factors.map((f) => f.id));
          expect(graded.sort()).toEqual([...assess(model, { targetGroup: groupId, present }).missing].sort());
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never offers the factors the model derives from reports', () => {
    expect([...derivedFactors(facility)].sort()).toEqual([
      'history.incident',
      'history.nearMiss',
      'history.observations1to2',
      'history.observations3plus',
    ]);
    const offered = presenceChoices(facility, facility.groups[0]!.id, []).flatMap((a) => a.factors.map((f) => f.id));
    expect(offered.some((id) => derivedFactors(facility).has(id))).toBe(false);
    expect(derivedFactors(food).size).toBe(0);
    // Factors already in effect are not offered again.
    const inEffect = ['authority.requestsIssued'];
    expect(
      presenceChoices(food, 'restaurant', inEffect)
        .flatMap((a) => a.factors)
        .some((f) => f.id === 'authority.requestsIssued'),
    ).toBe(false);
  });

  it('keeps one of each set of alternatives', () => {
    let present = togglePresent(food, [], 'activity.portions50to300', true);
    present = togglePresent(food, present, 'authority.requestsIssued', true);
    present = togglePresent(food, present, 'activity.portionsOver300', true);
    expect(present).toEqual(['authority.requestsIssued', 'activity.portionsOver300']);
    expect(togglePresent(food, present, 'authority.requestsIssued', false)).toEqual(['activity.portionsOver300']);
    expect(togglePresent(food, present, 'activity.portionsOver300', true)).toEqual(present);
  });

  const site = { targetGroup: 'meatOver10Mkg', activity: ['activity.nationwide', 'activity.firstArrivalMeat'] };
  const draft = (over: Partial<InspectionDraft> = {}): InspectionDraft => ({
    inspector: 'Ville Valvoja',
    method: 'onSite',
    grades: {},
    present: [],
    notes: '',
    findings: [],
    ...over,
  });

  it('builds a command the engine accepts, with the presence factors its grades depend on', () => {
    const before = assess(food, { targetGroup: site.targetGroup, present: site.activity });
    const inEffect = presentInEffect(before);
    expect(inEffect.sort()).toEqual([...site.activity].sort());
    const grades = Object.fromEntries(
      gradedAreas(food, site.targetGroup, inEffect).flatMap((a) => a.factors.map((f) => [f.id, 'B' as const])),
    );
    expect(grades['ownCheckSpecial.firstArrival.plan']).toBe('B');
    const body = inspectionCommand(
      food,
      draft({
        inspector: '  Ville Valvoja ',
        grades: { ...grades, 'premises.adequacy': 'D', 'premises.crossContamination': '' },
        present: ['authority.requestsIssued'],
        notes: '  ',
        findings: [
          {
            key: 'f0',
            factorId: 'premises.adequacy',
            description: ' Rikkinäinen lattia ',
            grade: 'D',
            action: true,
            actionDescription: 'Korjaa lattia',
            deadlineDays: 30,
          },
          {
            key: 'f1',
            factorId: '',
            description: 'Hyvä',
            grade: 'A',
            action: false,
            actionDescription: 'ignored',
            deadlineDays: '5',
          },
        ],
      }),
      inEffect,
    );
    expect(body).toEqual({
      action: 'recordInspection',
      inspector: 'Ville Valvoja',
      method: 'onSite',
      grades: expect.objectContaining({ 'premises.adequacy': 'D' }),
      present: ['authority.requestsIssued', 'activity.firstArrivalMeat'],
      findings: [
        {
          factorId: 'premises.adequacy',
          description: 'Rikkinäinen lattia',
          grade: 'D',
          correctiveAction: { description: 'Korjaa lattia', deadlineDays: 30 },
        },
        { description: 'Hyvä', grade: 'A' },
      ],
    });
    expect(body.grades).not.toHaveProperty('premises.crossContamination');
    expect(() =>
      assess(food, { targetGroup: site.targetGroup, present: body.present, grades: body.grades }),
    ).not.toThrow();
    // Prefill: the grades in effect are the assessment's graded factors.
    const after = assess(food, { targetGroup: site.targetGroup, present: site.activity, grades: body.grades });
    expect(currentGrades(after)).toEqual(body.grades);
  });

  it('names what the API would refuse, on the paths the API uses', () => {
    const problems = checkInspection(
      draft({
        inspector: ' ',
        findings: [
          {
            key: 'a',
            factorId: '',
            description: '',
            grade: '',
            action: true,
            actionDescription: '',
            deadlineDays: '0',
          },
          {
            key: 'b',
            factorId: '',
            description: 'x',
            grade: 'B',
            action: true,
            actionDescription: 'y',
            deadlineDays: '2.5',
          },
          {
            key: 'c',
            factorId: '',
            description: 'x',
            grade: 'C',
            action: true,
            actionDescription: 'y',
            deadlineDays: 365,
          },
          // A number input binds a number, or null while it is empty.
          {
            key: 'd',
            factorId: '',
            description: 'x',
            grade: 'C',
            action: true,
            actionDescription: 'y',
            deadlineDays: null,
          },
        ],
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'inspector',
      'findings.0.description',
      'findings.0.grade',
      'findings.0.correctiveAction.description',
      'findings.0.correctiveAction.deadlineDays',
      'findings.1.correctiveAction.deadlineDays',
      'findings.3.correctiveAction.deadlineDays',
    ]);
    expect(checkInspection(draft())).toEqual([]);
  });

  it('places API errors on the fields the form shows', () => {
    const graded = gradedAreas(food, 'restaurant', []).flatMap((a) => a.factors);
    expect(isFormField('grades.premises.adequacy', graded, 0)).toBe(true);
    expect(isFormField('grades.no.such', graded, 0)).toBe(false);
    expect(isFormField('findings.1.correctiveAction.deadlineDays', graded, 2)).toBe(true);
    expect(isFormField('findings.2.description', graded, 2)).toBe(false);
    expect(isFormField('present.0', graded, 0)).toBe(false);
    expect(fieldId('insp', 'grades.premises.adequacy')).toBe('insp-grades-premises-adequacy');
  });

  it('counts the interval between inspections as the plan does', () => {
    for (const f of [0.1, 0.35, 0.7, 1, 1.25, 3, 4.5, 23, 34.5, 400]) expect(uiInterval(f)).toBe(intervalDays(f));
  });
});

describe('risk reports', () => {
  const window = { from: '2025-01-01', to: '2025-12-31', model: '' };

  it('builds queries and CSV links for a window', () => {
    expect(reportQuery({ from: '', to: '', model: '' })).toBe('');
    expect(reportQuery(window, { top: 5 })).toBe('?from=2025-01-01&to=2025-12-31&top=5');
    expect(csvHref('/api/risk-reports/class-counts', { ...window, model: 'food-2008' })).toBe(
      '/api/risk-reports/class-counts?from=2025-01-01&to=2025-12-31&model=food-2008&format=csv',
    );
    expect(rankingPath('')).toBe('/api/risk-reports/ranking');
    expect(rankingPath('a b')).toBe('/api/risk-reports/groups/a%20b');
  });

  const site = (siteName: string, targetGroup: string, frequencyPerYear: number | null, score: number | null = null) =>
    ({
      siteId: siteName,
      siteName,
      model: 'food-2008',
      targetGroup,
      score,
      riskClass: null,
      frequencyPerYear,
      assessedAt: null,
    }) satisfies RankedSite;

  it('regroups pages of the ranking and picks the highest frequencies', () => {
    const sites = [
      site('A', 'kiosk', 1),
      site('B', 'kiosk', 0.5),
      site('C', 'restaurant', 4, 50),
      site('D', 'restaurant', 4, 60),
      site('E', 'restaurant', null),
    ];
    expect(groupRanked(sites).map((g) => [g.targetGroup, g.sites.map((s) => s.siteName)])).toEqual([
      ['kiosk', ['A', 'B']],
      ['restaurant', ['C', 'D', 'E']],
    ]);
    expect(highestFrequency(sites, 3).map((s) => s.siteName)).toEqual(['D', 'C', 'A']);
    expect(highestFrequency(sites, 10).at(-1)!.siteName).toBe('E');
  });

  it('names groups and areas and turns reports into chart rows', () => {
    const models = [...RISK_MODELS];
    expect(groupName(models, 'food-2008', 'restaurant', pickEn)).toBe('Restaurant (cooking and serving on site)');
    expect(groupName(models, 'food-2008', 'unknown', pickEn)).toBe('unknown');
    const chart = classCountChart(
      [{ model: 'food-2008', targetGroup: 'kiosk', R1: 1, R2: 2, R3: 0, unclassified: 3, total: 6 }],
      models,
      pickFi,
    );
    expect(chart[0]!.rows[0]).toEqual({
      id: 'food-2008/kiosk',
      label: food.groups.find((g) => g.id === 'kiosk')!.nameFi,
      segments: [
        { key: 'R1', value: 1 },
        { key: 'R2', value: 2 },
        { key: 'R3', value: 0 },
        { key: 'unclassified', value: 3 },
      ],
    });
    const areas = topAreasChart(
      [
        {
          model: 'food-2008',
          targetGroup: 'kiosk',
          sites: 2,
          areas: [{ area: 'premises', points: 10, averagePoints: 5 }],
        },
        { model: 'food-2008', targetGroup: 'restaurant', sites: 0, areas: [] },
      ],
      models,
      pickEn,
      (n) => `${n} sites`,
    );
    expect(areas).toEqual([
      {
        id: 'food-2008/kiosk',
        label: `${food.groups.find((g) => g.id === 'kiosk')!.nameEn} (2 sites)`,
        rows: [{ id: 'food-2008/kiosk/premises', label: 'Premises', segments: [{ key: 'average', value: 5 }] }],
      },
    ]);
  });
});
