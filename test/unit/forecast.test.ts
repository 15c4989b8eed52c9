import fc from 'fast-check';
import { PERMIT_STEPS, permitType, type PermitStepName } from '../../domain/catalogue';
import { MIN_SAMPLES, forecastPermit, percentile, remainingForecast, type StepForecast } from '../../domain/forecast';

const noise = permitType('noise')!; // norms 10 / 14 / 7 / 5 / 5 / 1 / 30, with a hearing
const publicEvent = permitType('public-event')!; // no hearing

describe('percentile (linear interpolation, as numpy)', () => {
  it.each<[number[], number, number]>([
    [[1, 2, 3, 4], 80, 3.4],
    [[1, 2, 3, 4], 50, 2.5],
    [[1, 2, 3, 4], 25, 1.75],
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 100, 4],
    [[1, 2, 3, 4, 5], 80, 4.2],
    [[4, 1, 3, 2], 80, 3.4],
    [[10, 1, 5], 50, 5],
    [[7], 80, 7],
    [[2, 2, 2], 37, 2],
    [[0, 10], 33, 3.3],
  ])('%j at p%d is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });

  it.each<[string, number[], number]>([
    ['no values', [], 50],
    ['p below 0', [1, 2], -1],
    ['p above 100', [1, 2], 101],
    ['p not a number', [1, 2], Number.NaN],
    ['a value not a number', [1, Number.NaN], 50],
  ])('throws on %s', (_name, values, p) => {
    expect(() => percentile(values, p)).toThrow(RangeError);
  });

  it('leaves its input as it was', () => {
    const values = [3, 1, 2];

    percentile(values, 80);

    expect(values).toEqual([3, 1, 2]);
  });

  it('property: monotone in p and within the data for any durations in days', () => {
    const values = fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(values, (data) => {
        const ps = Array.from({ length: 101 }, (_, i) => i);

        const results = ps.map((p) => percentile(data, p));

        for (let i = 1; i < results.length; i++) expect(results[i]!).toBeGreaterThanOrEqual(results[i - 1]!);
        expect(results[0]).toBe(Math.min(...data));
        expect(results[100]).toBe(Math.max(...data));
      }),
      { numRuns: 300 },
    );
  });
});

describe('permit forecast (F06)', () => {
  const step = (f: { steps: StepForecast[] }, name: PermitStepName) => f.steps.find((s) => s.step === name);

  it('falls back to the norm with one sample too few', () => {
    const history = { processing: [1, 2, 3, 4] };
    expect(history.processing).toHaveLength(MIN_SAMPLES - 1);

    const f = forecastPermit(noise, history);

    expect(step(f, 'processing')).toEqual({
      step: 'processing',
      medianDays: 10,
      p80Days: 10,
      source: 'norm',
      samples: 4,
    });
  });

  it('uses history from MIN_SAMPLES samples on', () => {
    const f = forecastPermit(noise, { processing: [5, 1, 4, 2, 3] });

    expect(step(f, 'processing')).toEqual({
      step: 'processing',
      medianDays: 3,
      p80Days: 4.2,
      source: 'history',
      samples: 5,
    });
  });

  it("an authority's override wins over history and keeps its reason", () => {
    const f = forecastPermit(noise, { decision: [1, 1, 1, 1, 1, 1] }, [
      { step: 'decision', days: 21, reason: 'Lautakunta kokoontuu vasta elokuussa' },
    ]);

    expect(step(f, 'decision')).toEqual({
      step: 'decision',
      medianDays: 21,
      p80Days: 21,
      source: 'override',
      samples: 6,
      reason: 'Lautakunta kokoontuu vasta elokuussa',
    });
  });

  it('the latest override of a step counts', () => {
    const f = forecastPermit(noise, {}, [
      { step: 'processing', days: 20, reason: 'Summer holidays' },
      { step: 'processing', days: 12, reason: 'Back from holidays' },
    ]);

    expect(step(f, 'processing')).toMatchObject({ medianDays: 12, reason: 'Back from holidays' });
  });

  it('refuses a negative override', () => {
    expect(() => forecastPermit(noise, {}, [{ step: 'processing', days: -1, reason: 'typo' }])).toThrow(RangeError);
  });

  it('all on norms, the totals are the sums of the norms', () => {
    const f = forecastPermit(noise, {});

    expect(f.steps.map((s) => [s.step, s.source, s.medianDays])).toEqual([
      ['processing', 'norm', 10],
      ['hearing', 'norm', 14],
      ['replies', 'norm', 7],
      ['draftReview', 'norm', 5],
      ['decision', 'norm', 5],
      ['service', 'norm', 1],
      ['appeal', 'norm', 30],
    ]);
    expect([f.totalMedianDays, f.totalP80Days]).toEqual([72, 72]);
  });

  it.each<[string, Parameters<typeof forecastPermit>, boolean]>([
    ['a type with a hearing', [noise, {}], true],
    ['a type with a hearing, this case without', [noise, {}, [], { hearing: false }], false],
    ['a type without a hearing', [publicEvent, {}], false],
    ['a type without a hearing, even when asked for one', [publicEvent, {}, [], { hearing: true }], false],
    [
      'a type without a hearing, even with hearing history',
      [publicEvent, { hearing: [3, 3, 3, 3, 3], replies: [2, 2, 2, 2, 2] }],
      false,
    ],
  ])('%s: hearing steps shown = %s', (_name, args, shown) => {
    const steps = forecastPermit(...args).steps.map((s) => s.step);

    expect(steps.includes('hearing')).toBe(shown);
    expect(steps.includes('replies')).toBe(shown);
  });

  it('omits a step the type skips unless enough history says it happens', () => {
    const def = { ...noise, norms: { ...noise.norms, draftReview: 0 } };

    const skipped = forecastPermit(def, { draftReview: [2, 2, 2] });
    const observed = forecastPermit(def, { draftReview: [2, 2, 2, 2, 2] });

    expect(step(skipped, 'draftReview')).toBeUndefined();
    expect(step(observed, 'draftReview')).toMatchObject({ source: 'history', medianDays: 2 });
  });

  it('rounds to one decimal and totals the rounded steps, so the timeline adds up', () => {
    const f = forecastPermit(publicEvent, {
      processing: [1.04, 1.04, 1.04, 1.04, 1.04],
      decision: [2.26, 2.26, 2.26, 2.26, 2.26],
    });

    expect(step(f, 'processing')?.medianDays).toBe(1);
    expect(step(f, 'decision')?.medianDays).toBe(2.3);
    expect(f.totalMedianDays).toBeCloseTo(
      f.steps.reduce((sum, s) => sum + s.medianDays, 0),
      10,
    );
    expect(f.totalMedianDays * 10).toBeCloseTo(Math.round(f.totalMedianDays * 10), 10);
  });

  it('does not count broken durations as evidence', () => {
    const f = forecastPermit(noise, { processing: [2, 2, 2, 2, -30, Number.NaN] });

    expect(step(f, 'processing')).toMatchObject({ source: 'norm', samples: 4 });
  });

  it('keeps steps in process order and the p80 never below the median', () => {
    const f = forecastPermit(noise, { processing: [1, 9, 30, 2, 4, 4], hearing: [14, 14, 15, 21, 14] });

    const order = f.steps.map((s) => PERMIT_STEPS.indexOf(s.step));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const s of f.steps) expect(s.p80Days).toBeGreaterThanOrEqual(s.medianDays);
  });
});

describe('remaining time (F10)', () => {
  const { steps } = forecastPermit(noise, {}, [{ step: 'decision', days: 5, reason: 'p80 differs' }]);
  const stepsWithSpread: StepForecast[] = steps.map((s) => (s.step === 'processing' ? { ...s, p80Days: 15 } : s));

  it.each<[PermitStepName, number, number, number]>([
    ['processing', 0, 72, 77],
    ['processing', 4, 68, 73],
    ['processing', 12, 62, 65],
    ['processing', 500, 62, 62],
    ['processing', -3, 72, 77],
    ['hearing', 7, 55, 55],
    ['appeal', 29, 1, 1],
    ['appeal', 31, 0, 0],
  ])('in %s for %d days: %d days left (p80 %d)', (current, days, median, p80) => {
    expect(remainingForecast(stepsWithSpread, current, days)).toEqual({ medianDays: median, p80Days: p80 });
  });

  it('a current step the forecast left out counts only the later steps', () => {
    const { steps: noHearing } = forecastPermit(publicEvent, {});

    const left = remainingForecast(noHearing, 'replies', 3);

    expect(left.medianDays).toBe(5 + 5 + 1 + 30);
  });

  it('is never negative, however late the case runs', () => {
    for (const current of PERMIT_STEPS) {
      for (const days of [0, 1, 10, 100, 10_000]) {
        const left = remainingForecast(stepsWithSpread, current, days);
        expect(Math.min(left.medianDays, left.p80Days)).toBeGreaterThanOrEqual(0);
      }
    }
  });
});
