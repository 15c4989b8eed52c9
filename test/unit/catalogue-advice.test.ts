import { COMMON_FIELDS, PERMIT_TYPES, ZCatalogue, evaluateCondition, permitType } from '../../domain/catalogue';
import { ADVICE_QUESTIONS, ZAdviceAnswers, explorePermitNeeds, type AdviceAnswers } from '../../domain/advice';
import data from '../../domain/permit-types.json';

describe('permit catalogue (data, validated on load)', () => {
  it('covers both pilot groups with every authority of the seed', () => {
    expect(new Set(PERMIT_TYPES.map((t) => t.authorityCode))).toEqual(
      new Set(['CITY-TRE', 'POLICE-SISA', 'RESCUE-PIR', 'AVI-LSU', 'TUKES']),
    );
    expect(PERMIT_TYPES.filter((t) => t.hearing).map((t) => t.permitType)).toEqual(
      expect.arrayContaining(['noise', 'environmental', 'chemicals']),
    );
    expect(COMMON_FIELDS.map((f) => f.key)).toEqual(expect.arrayContaining(['title', 'startDate', 'contactEmail']));
  });

  it('refuses malformed data, naming what is wrong', () => {
    const broken = structuredClone(data) as { types: Array<Record<string, unknown>> };
    broken.types[0]!.authorityCode = 'NOBODY';
    const result = ZCatalogue.safeParse(broken);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['types', 0, 'authorityCode']);
    const noNotice = structuredClone(data) as { types: Array<Record<string, unknown>> };
    noNotice.types.find((t) => t.permitType === 'noise')!.noticeDays = 0;
    expect(ZCatalogue.safeParse(noNotice).success).toBe(false);
  });

  it.each<[object, Record<string, unknown>, boolean]>([
    [{ answer: 'kind', eq: 'event' }, { kind: 'event' }, true],
    [{ answer: 'attendance', gte: 200 }, { attendance: 200 }, true],
    [{ answer: 'attendance', gt: 200 }, { attendance: 200 }, false],
    [{ answer: 'attendance', gte: 1 }, {}, false],
    [
      {
        all: [
          { answer: 'alcohol', eq: true },
          { answer: 'kind', eq: 'event' },
        ],
      },
      { alcohol: true, kind: 'facility' },
      false,
    ],
    [
      {
        any: [
          { answer: 'alcohol', eq: true },
          { answer: 'kind', eq: 'event' },
        ],
      },
      { alcohol: true, kind: 'facility' },
      true,
    ],
  ])('condition %j on %j is %s', (condition, answers, expected) => {
    expect(evaluateCondition(condition as never, answers)).toBe(expected);
  });
});

describe('permit-need exploration (F04) and recommendations (F05)', () => {
  const needs = (a: AdviceAnswers) => explorePermitNeeds(a).permits.map((p) => p.permitType);

  it('a 5000-person night festival with alcohol, food, fireworks and stages needs police, city, AVI and rescue permits', () => {
    const result = explorePermitNeeds({
      kind: 'event',
      attendance: 5000,
      alcohol: true,
      foodSales: true,
      fireworks: true,
      temporaryStructures: true,
      amplifiedSound: true,
      nightTime: true,
    });
    expect(result.permits.map((p) => p.permitType)).toEqual([
      'public-event',
      'noise',
      'food-sales',
      'rescue-plan',
      'alcohol-serving',
      'temporary-structure',
      'fireworks',
    ]);
    expect(new Set(result.permits.map((p) => p.authorityCode))).toEqual(
      new Set(['POLICE-SISA', 'CITY-TRE', 'AVI-LSU', 'RESCUE-PIR']),
    );
    expect(result.recommendations.map((r) => r.id)).toContain('kickoff-meeting');
  });

  it('a chemical plant with emissions needs Tukes and AVI permits and gets the self-monitoring guide', () => {
    const result = explorePermitNeeds({ kind: 'facility', hazardousChemicalsTonnes: 25, emissions: true });
    expect(result.permits.map((p) => p.permitType)).toEqual(['rescue-plan', 'environmental', 'chemicals']);
    expect(result.recommendations.map((r) => r.id)).toContain('self-monitoring');
  });

  it('recommends what is likely needed without requiring it', () => {
    const result = explorePermitNeeds({ kind: 'facility', hazardousChemicalsTonnes: 2 });
    expect(needs({ kind: 'facility', hazardousChemicalsTonnes: 2 })).not.toContain('chemicals');
    expect(result.recommendations).toContainEqual(expect.objectContaining({ kind: 'permit', id: 'chemicals' }));
  });

  it('a small private gathering needs nothing', () => {
    expect(needs({ kind: 'event', attendance: 20 })).toEqual([]);
  });

  it('validates answers strictly and asks event questions only for events', () => {
    expect(ZAdviceAnswers.safeParse({ kind: 'event', attendance: -1 }).success).toBe(false);
    expect(ZAdviceAnswers.safeParse({ kind: 'event', surprise: true }).success).toBe(false);
    const eventOnly = ADVICE_QUESTIONS.filter((q) => q.askWhen?.eq === 'event').map((q) => q.key);
    expect(eventOnly).toEqual(expect.arrayContaining(['attendance', 'alcohol']));
    expect(permitType('noise')?.authorityCode).toBe('CITY-TRE');
    expect(permitType('nope')).toBeUndefined();
  });
});
