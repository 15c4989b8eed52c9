import {
  AUTHORITY_CODES,
  COMMON_FIELDS,
  PERMIT_STEPS,
  PERMIT_TYPES,
  UnknownPermitType,
  ZCatalogue,
  evaluateCondition,
  matchingLeaves,
  permitType,
  requirePermitType,
  type Condition,
  type PermitTypeDef,
} from '../../domain/catalogue';
import data from '../../domain/permit-types.json';
import { riskModel } from '../../domain/risk';

type RawType = Record<string, unknown> & { fields: Array<Record<string, unknown>>; norms: Record<string, unknown> };
type RawCatalogue = { common: Array<Record<string, unknown>>; types: RawType[] };
const clone = () => structuredClone(data) as unknown as RawCatalogue;
const rawType = (c: RawCatalogue, id: string) => c.types.find((t) => t.permitType === id)!;

describe('permit catalogue data', () => {
  it('validates on load and holds 8–12 permit types from all five authorities of the seed', () => {
    // Arrange + Act: the module has already parsed the JSON; parse it again to see the result
    const result = ZCatalogue.safeParse(data);

    // Assert
    expect(result.success).toBe(true);
    expect(PERMIT_TYPES.length).toBeGreaterThanOrEqual(8);
    expect(PERMIT_TYPES.length).toBeLessThanOrEqual(12);
    expect(new Set(PERMIT_TYPES.map((t) => t.authorityCode))).toEqual(new Set(AUTHORITY_CODES));
  });

  it.each(PERMIT_TYPES.map((t) => [t.permitType, t] as const))('%s is well formed', (id, def: PermitTypeDef) => {
    expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(AUTHORITY_CODES).toContain(def.authorityCode);
    expect(def.nameFi).not.toBe(def.nameEn);
    expect(Object.keys(def.norms).sort()).toEqual([...PERMIT_STEPS].sort());
    expect(def.norms.processing).toBeGreaterThan(0);
    expect(def.norms.decision).toBeGreaterThan(0);
    // 30 days to appeal to a court, 14 for a rectification request to a municipal authority
    expect([14, 30]).toContain(def.appealDays);
    expect(def.norms.appeal).toBe(def.appealDays);
    if (def.hearing) {
      expect(def.noticeDays).toBeGreaterThan(0);
      expect(def.norms.hearing).toBeGreaterThanOrEqual(def.noticeDays);
    } else {
      expect([def.noticeDays, def.norms.hearing, def.norms.replies]).toEqual([0, 0, 0]);
    }
    expect(def.fields.length).toBeGreaterThan(0);
    expect(def.fields.some((f) => f.required)).toBe(true);
  });

  it.each<[string, string, boolean, boolean]>([
    ['public-event', 'POLICE-SISA', false, true],
    ['noise', 'CITY-TRE', true, false],
    ['food-sales', 'CITY-TRE', false, true],
    ['rescue-plan', 'RESCUE-PIR', false, false],
    ['alcohol-serving', 'AVI-LSU', false, false],
    ['area-use', 'CITY-TRE', false, true],
    ['temporary-structure', 'CITY-TRE', false, false],
    ['fireworks', 'RESCUE-PIR', false, true],
    ['environmental', 'AVI-LSU', true, false],
    ['chemicals', 'TUKES', true, false],
    ['building', 'CITY-TRE', true, false],
    ['water', 'AVI-LSU', true, false],
  ])('%s is handled by %s (hearing %s, notification %s)', (id, authority, hearing, notification) => {
    expect(permitType(id)).toMatchObject({ authorityCode: authority, hearing, notificationAllowed: notification });
  });

  it('has the common project description every application shares', () => {
    const keys = COMMON_FIELDS.map((f) => f.key);

    expect(keys).toEqual(
      expect.arrayContaining([
        'title',
        'description',
        'startDate',
        'endDate',
        'address',
        'municipality',
        'contactName',
        'contactEmail',
        'contactPhone',
        'attendance',
      ]),
    );
    expect(COMMON_FIELDS.find((f) => f.key === 'attendance')?.askWhen).toBe('attendance');
  });

  it('hands supervised types to an existing risk model and one of its target groups, both models in use', () => {
    const supervised = PERMIT_TYPES.filter((t) => t.supervision);

    const problems = supervised.flatMap(({ permitType: id, supervision }) => {
      const model = riskModel(supervision!.model);
      if (!model) return [`${id}: unknown risk model "${supervision!.model}"`];
      return model.groups.some((g) => g.id === supervision!.targetGroup)
        ? []
        : [`${id}: "${supervision!.targetGroup}" is not a target group of ${model.id}`];
    });

    expect(problems).toEqual([]);
    expect(supervised.map((t) => t.supervision!.model)).toEqual(
      expect.arrayContaining(['food-2008', 'facility-example']),
    );
  });

  it('is frozen, so one caller cannot change the catalogue for every other case', () => {
    const noise = permitType('noise')!;

    expect(Object.isFrozen(PERMIT_TYPES)).toBe(true);
    expect(Object.isFrozen(noise.norms)).toBe(true);
    expect(Object.isFrozen(noise.fields[0])).toBe(true);
  });
});

describe('malformed catalogue data fails loudly', () => {
  it.each<[string, (c: RawCatalogue) => void, Array<string | number>]>([
    [
      'an unknown authority',
      (c) => {
        c.types[0]!.authorityCode = 'NOBODY';
      },
      ['types', 0, 'authorityCode'],
    ],
    [
      'an id that is not kebab-case',
      (c) => {
        c.types[0]!.permitType = 'Public_Event';
      },
      ['types', 0, 'permitType'],
    ],
    [
      'a hearing without a notice period',
      (c) => {
        rawType(c, 'noise').noticeDays = 0;
      },
      ['types', 1, 'noticeDays'],
    ],
    [
      'a hearing norm shorter than the notice',
      (c) => {
        rawType(c, 'noise').norms.hearing = 3;
      },
      ['types', 1, 'norms', 'hearing'],
    ],
    [
      'hearing steps on a type without a hearing',
      (c) => {
        rawType(c, 'public-event').norms.replies = 5;
      },
      ['types', 0, 'norms'],
    ],
    [
      'an appeal norm that is not the appeal period',
      (c) => {
        rawType(c, 'public-event').norms.appeal = 14;
      },
      ['types', 0, 'norms', 'appeal'],
    ],
    [
      'a missing norm step',
      (c) => {
        delete rawType(c, 'public-event').norms.appeal;
      },
      ['types', 0, 'norms', 'appeal'],
    ],
    [
      'a field asked on an answer that does not exist',
      (c) => {
        rawType(c, 'public-event').fields[0]!.askWhen = 'crowdSize';
      },
      ['types', 0, 'fields', 0, 'askWhen'],
    ],
    [
      'two fields with one key',
      (c) => {
        const fields = rawType(c, 'public-event').fields;
        fields.push({ ...fields[0]! });
      },
      ['types', 0, 'fields'],
    ],
    [
      'an unexpected property',
      (c) => {
        c.types[0]!.hearingDays = 3;
      },
      ['types', 0],
    ],
    [
      'a duplicate permit type',
      (c) => {
        c.types.push(structuredClone(c.types[0]!));
      },
      [],
    ],
  ])('%s', (_name, breakIt, path) => {
    // Arrange
    const broken = clone();
    breakIt(broken);

    // Act
    const result = ZCatalogue.safeParse(broken);

    // Assert
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(path);
  });

  it.each<[string, unknown]>([
    ['a misspelt answer key', { answer: 'alcohool', eq: true }],
    ['a threshold on a yes/no answer', { answer: 'alcohol', gte: 1 }],
    ['a kind that does not exist', { answer: 'kind', eq: 'festival' }],
    ['a number compared with text', { answer: 'attendance', eq: 'many' }],
    ['an empty all', { all: [] }],
    ['an unknown operator', { answer: 'attendance', lte: 10 }],
  ])('refuses a rule with %s', (_name, rule) => {
    const broken = clone();
    rawType(broken, 'food-sales').neededWhen = { any: [{ answer: 'foodSales', eq: true }, rule] };

    expect(ZCatalogue.safeParse(broken).success).toBe(false);
  });
});

describe('permit type lookup', () => {
  it('finds a known type and answers undefined for an unknown one', () => {
    expect(permitType('chemicals')?.authorityCode).toBe('TUKES');
    expect(permitType('teleport')).toBeUndefined();
  });

  it('requirePermitType names the unknown type in a domain error', () => {
    const act = () => requirePermitType('teleport');

    expect(act).toThrow(UnknownPermitType);
    expect(act).toThrow('Unknown permit type "teleport"');
  });
});

describe('condition rules', () => {
  const festival = { kind: 'event', attendance: 5000, alcohol: true } as const;

  it.each<[string, Condition, Record<string, unknown>, boolean]>([
    ['eq on a choice', { answer: 'kind', eq: 'event' }, { kind: 'event' }, true],
    ['eq on a different choice', { answer: 'kind', eq: 'facility' }, { kind: 'event' }, false],
    ['eq true on an unanswered question', { answer: 'alcohol', eq: true }, { kind: 'event' }, false],
    ['gte at the threshold', { answer: 'attendance', gte: 200 }, { attendance: 200 }, true],
    ['gte below the threshold', { answer: 'attendance', gte: 200 }, { attendance: 199 }, false],
    ['gt at the threshold', { answer: 'attendance', gt: 200 }, { attendance: 200 }, false],
    ['gt above zero', { answer: 'hazardousChemicalsTonnes', gt: 0 }, { hazardousChemicalsTonnes: 0.1 }, true],
    ['gte on a missing number', { answer: 'attendance', gte: 0 }, {}, false],
    [
      'all with one false',
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
      'any with one true',
      {
        any: [
          { answer: 'alcohol', eq: true },
          { answer: 'kind', eq: 'event' },
        ],
      },
      { alcohol: true, kind: 'facility' },
      true,
    ],
    [
      'nested all inside any',
      {
        any: [
          { answer: 'fireworks', eq: true },
          {
            all: [
              { answer: 'kind', eq: 'event' },
              { answer: 'attendance', gte: 200 },
            ],
          },
        ],
      },
      festival,
      true,
    ],
  ])('%s', (_name, condition, answers, expected) => {
    expect(evaluateCondition(condition, answers)).toBe(expected);
  });

  it('explains a match by the leaves that made it true', () => {
    const rule: Condition = {
      all: [
        { answer: 'kind', eq: 'event' },
        {
          any: [
            { answer: 'nightTime', eq: true },
            { answer: 'attendance', gte: 1000 },
          ],
        },
      ],
    };

    expect(matchingLeaves(rule, festival)).toEqual([
      { answer: 'kind', eq: 'event' },
      { answer: 'attendance', gte: 1000 },
    ]);
    expect(matchingLeaves(rule, { kind: 'event', attendance: 10 })).toEqual([]);
  });
});
