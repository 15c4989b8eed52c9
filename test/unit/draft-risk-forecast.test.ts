import { checkDraft, prefillDraft, requiredFields, type ProjectDraft } from '../../domain/draft';
import { profileApplication, UnknownPermitType } from '../../domain/risk-profile';
import { forecastPermit, MIN_SAMPLES, percentile, remainingForecast } from '../../domain/forecast';
import { permitType } from '../../domain/catalogue';

const filled = (permitTypes: string[]): ProjectDraft => {
  const fields = requiredFields(permitTypes, { kind: 'event', attendance: 500 });
  const value = (type: string, key: string) =>
    type === 'number'
      ? 10
      : type === 'boolean'
        ? false
        : type === 'date'
          ? key === 'endDate'
            ? '2027-06-02'
            : '2027-06-01'
          : 'x';
  return {
    common: Object.fromEntries(fields.common.map((f) => [f.key, value(f.type, f.key)])),
    sections: Object.fromEntries(
      Object.entries(fields.sections).map(([t, defs]) => [
        t,
        Object.fromEntries(defs.map((f) => [f.key, value(f.type, f.key)])),
      ]),
    ),
  };
};

describe('smart entry (F07)', () => {
  it('a complete draft is green', () => {
    const check = checkDraft(filled(['noise']), ['noise'], { kind: 'event', attendance: 500 }, '2027-01-01');
    expect(check).toMatchObject({ light: 'green', complete: true, issues: [] });
  });

  it('a missing required field is red and names the path', () => {
    const draft = filled(['noise']);
    delete draft.sections.noise!.quietHours;
    const check = checkDraft(draft, ['noise'], { kind: 'event', attendance: 500 });
    expect(check.light).toBe('red');
    expect(check.complete).toBe(false);
    expect(check.issues).toEqual([expect.objectContaining({ path: 'sections.noise.quietHours', level: 'missing' })]);
    expect(check.perSection).toMatchObject({ common: 'green', noise: 'red' });
  });

  it('warnings are amber: end before start, police lead time, a missing critical optional field', () => {
    const draft = filled(['public-event']);
    draft.common.endDate = '2027-05-01';
    draft.common.contactPhone = null;
    delete draft.sections['public-event']!.trafficArrangements;
    const check = checkDraft(draft, ['public-event'], { kind: 'event', attendance: 500 }, '2027-05-25');
    expect(check.light).toBe('amber');
    expect(check.complete).toBe(true);
    expect(check.issues.map((i) => i.path).sort()).toEqual([
      'common.contactPhone',
      'common.endDate',
      'common.startDate',
      'sections.public-event.trafficArrangements',
    ]);
  });

  it('fireworks in a Natura 2000 area is an absolute obstacle', () => {
    const check = checkDraft(filled(['fireworks']), ['fireworks'], {
      kind: 'event',
      fireworks: true,
      naturaArea: true,
    });
    expect(check.light).toBe('red');
    expect(check.issues).toContainEqual(expect.objectContaining({ level: 'obstacle', path: 'sections.fireworks' }));
  });

  it('asks attendance only when the advice concerned attendance', () => {
    expect(requiredFields([], { kind: 'facility' }).common.map((f) => f.key)).not.toContain('attendance');
    expect(requiredFields([], { kind: 'event', attendance: 100 }).common.map((f) => f.key)).toContain('attendance');
  });
});

describe('prefill (F08)', () => {
  it('copies the profile and a previous project, never dates, never empties', () => {
    const previous: ProjectDraft = {
      common: { title: 'Kesäfest 2026', startDate: '2026-06-01', contactName: '' },
      sections: { noise: { quietHours: '23-07', soundLevelDb: 95 }, fireworks: { pyrotechnician: 'P' } },
    };
    const { draft, prefilled } = prefillDraft(
      ['noise'],
      { organisationName: 'Tammerfest ry', contactName: 'Olli' },
      previous,
    );
    expect(draft.common).toEqual({ contactName: 'Olli', title: 'Kesäfest 2026' });
    expect(draft.sections).toEqual({ noise: { quietHours: '23-07', soundLevelDb: 95 } });
    expect(prefilled).toEqual([
      'common.contactName',
      'common.title',
      'sections.noise.quietHours',
      'sections.noise.soundLevelDb',
    ]);
  });
});

describe('risk profiling of applications (F16)', () => {
  it.each<[object, 'low' | 'medium' | 'high', number]>([
    [{ kind: 'event', attendance: 80 }, 'low', 0],
    [{ kind: 'event', attendance: 3000, nightTime: true }, 'medium', 3],
    [{ kind: 'event', attendance: 12000, alcohol: true, fireworks: true }, 'high', 9],
  ])('%j is %s with %d points', (answers, level, score) => {
    const profile = profileApplication('public-event', answers as never);
    expect([profile.level, profile.score]).toEqual([level, score]);
    expect(profile.reasons.reduce((s, r) => s + r.points, 0)).toBe(score);
  });

  it('takes the notification path only when low risk and the type allows it', () => {
    expect(profileApplication('public-event', { kind: 'event', attendance: 80 }).notification).toBe(true);
    expect(profileApplication('noise', { kind: 'event', attendance: 80 }).notification).toBe(false);
    expect(profileApplication('public-event', { kind: 'event', attendance: 3000, nightTime: true }).notification).toBe(
      false,
    );
  });

  it('names an unknown permit type', () => {
    expect(() => profileApplication('teleport', { kind: 'event' })).toThrow(UnknownPermitType);
  });
});

describe('processing-time forecast (F06)', () => {
  const noise = permitType('noise')!;

  it.each<[number[], number, number]>([
    [[1, 2, 3, 4], 80, 3.4],
    [[1, 2, 3, 4], 50, 2.5],
    [[7], 80, 7],
    [[10, 1, 5], 0, 1],
    [[10, 1, 5], 100, 10],
  ])('percentile of %j at %d is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });

  it('uses the norm below MIN_SAMPLES and history from MIN_SAMPLES on', () => {
    const thin = forecastPermit(noise, { processing: [1, 2, 3, 4] });
    expect(thin.steps[0]).toMatchObject({ step: 'processing', source: 'norm', medianDays: noise.norms.processing });
    const rich = forecastPermit(noise, { processing: [1, 2, 3, 4, 5] });
    expect(MIN_SAMPLES).toBe(5);
    expect(rich.steps[0]).toMatchObject({ source: 'history', medianDays: 3, p80Days: 4.2, samples: 5 });
  });

  it('an override wins and keeps its reason', () => {
    const f = forecastPermit(noise, { processing: [1, 2, 3, 4, 5] }, [
      { step: 'processing', days: 20, reason: 'Summer holidays' },
    ]);
    expect(f.steps[0]).toMatchObject({ source: 'override', medianDays: 20, p80Days: 20, reason: 'Summer holidays' });
  });

  it('leaves out hearing steps for types without a hearing and sums the totals', () => {
    const event = permitType('public-event')!;
    const f = forecastPermit(event, {});
    expect(f.steps.map((s) => s.step)).not.toContain('hearing');
    expect(f.totalMedianDays).toBe(f.steps.reduce((s, x) => s + x.medianDays, 0));
  });

  it('remaining time is never negative and counts every later step', () => {
    const { steps } = forecastPermit(noise, {});
    const later = steps.slice(1).reduce((s, x) => s + x.medianDays, 0);
    expect(remainingForecast(steps, 'processing', 0).medianDays).toBe(steps[0]!.medianDays + later);
    expect(remainingForecast(steps, 'processing', 1000).medianDays).toBe(later);
  });
});
