import {
  ADVICE_QUESTIONS,
  ZAdviceAnswers,
  explorePermitNeeds,
  questionsFor,
  type AdviceAnswers,
} from '../../domain/advice';
import { ANSWER_TYPES, PERMIT_TYPES } from '../../domain/catalogue';

const FESTIVAL: AdviceAnswers = {
  kind: 'event',
  attendance: 5000,
  alcohol: true,
  foodSales: true,
  fireworks: true,
  temporaryStructures: true,
  amplifiedSound: true,
  nightTime: true,
};
const CHEMICAL_PLANT: AdviceAnswers = { kind: 'facility', hazardousChemicalsTonnes: 25, emissions: true };

const catalogueIndex = (id: string) => PERMIT_TYPES.findIndex((t) => t.permitType === id);

describe('permit-need exploration (F04)', () => {
  it('a 5000-person night festival with alcohol, food, fireworks and stages needs police, city, AVI and rescue permits', () => {
    // Act
    const { permits, recommendations } = explorePermitNeeds(FESTIVAL);

    // Assert
    expect(permits.map((p) => p.permitType)).toEqual([
      'public-event',
      'noise',
      'food-sales',
      'rescue-plan',
      'alcohol-serving',
      'temporary-structure',
      'fireworks',
    ]);
    expect(new Set(permits.map((p) => p.authorityCode))).toEqual(
      new Set(['POLICE-SISA', 'CITY-TRE', 'AVI-LSU', 'RESCUE-PIR']),
    );
    expect(recommendations).toContainEqual(expect.objectContaining({ kind: 'service', id: 'kickoff-meeting' }));
  });

  it('a small chemical plant with emissions needs Tukes, AVI and rescue-service permits', () => {
    const { permits, recommendations } = explorePermitNeeds(CHEMICAL_PLANT);

    expect(permits.map((p) => [p.permitType, p.authorityCode])).toEqual([
      ['rescue-plan', 'RESCUE-PIR'],
      ['environmental', 'AVI-LSU'],
      ['chemicals', 'TUKES'],
    ]);
    expect(recommendations.map((r) => r.id)).toEqual(['building', 'kickoff-meeting', 'self-monitoring']);
  });

  it.each<[string, AdviceAnswers, string[]]>([
    ['a private gathering of 20', { kind: 'event', attendance: 20 }, []],
    [
      'a 150-person evening concert',
      { kind: 'event', attendance: 150, amplifiedSound: true, nightTime: true },
      ['public-event', 'noise'],
    ],
    [
      'a daytime concert of 500',
      { kind: 'event', attendance: 500, amplifiedSound: true },
      ['public-event', 'rescue-plan'],
    ],
    [
      'a market in a park',
      { kind: 'event', attendance: 100, foodSales: true, publicArea: true },
      ['public-event', 'food-sales', 'area-use'],
    ],
    ['fireworks at a small wedding', { kind: 'event', attendance: 40, fireworks: true }, ['rescue-plan', 'fireworks']],
    ['a plant with 2 t of chemicals', { kind: 'facility', hazardousChemicalsTonnes: 2 }, ['rescue-plan']],
    ['a plant with exactly 10 t', { kind: 'facility', hazardousChemicalsTonnes: 10 }, ['rescue-plan', 'chemicals']],
    ['a new warehouse', { kind: 'facility', newBuilding: true }, ['building']],
    ['a quay in a lake', { kind: 'facility', waterWorks: true, newBuilding: true }, ['building', 'water']],
    ['a facility with no answers yet', { kind: 'facility' }, []],
  ])('%s needs %j', (_name, answers, expected) => {
    expect(explorePermitNeeds(answers).permits.map((p) => p.permitType)).toEqual(expected);
  });

  it.each([FESTIVAL, CHEMICAL_PLANT])(
    'lists permits in catalogue order and explains each in both languages',
    (answers) => {
      const { permits } = explorePermitNeeds(answers);

      const order = permits.map((p) => catalogueIndex(p.permitType));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      for (const p of permits) {
        expect(p.reasonFi).toMatch(/^Tarvitaan vastaustesi perusteella: .+\.$/);
        expect(p.reasonEn).toMatch(/^Needed because of your answers: .+\.$/);
      }
    },
  );

  it('explains a threshold rule with the answer and the threshold', () => {
    const rescue = explorePermitNeeds({ kind: 'event', attendance: 5000 }).permits.find(
      (p) => p.permitType === 'rescue-plan',
    );

    expect(rescue?.reasonEn).toBe('Needed because of your answers: 5000 attendees (threshold ≥ 200).');
    expect(rescue?.reasonFi).toBe('Tarvitaan vastaustesi perusteella: osallistujia 5000 (raja ≥ 200).');
  });

  it('writes decimals the Finnish way in Finnish', () => {
    const rescue = explorePermitNeeds({ kind: 'facility', hazardousChemicalsTonnes: 0.5 }).permits[0];

    expect(rescue?.reasonFi).toBe('Tarvitaan vastaustesi perusteella: vaarallisia kemikaaleja 0,5 t (raja > 0).');
    expect(rescue?.reasonEn).toBe('Needed because of your answers: 0.5 t of hazardous chemicals (threshold > 0).');
  });

  it('is deterministic: the same answers give the same result', () => {
    expect(explorePermitNeeds({ ...FESTIVAL })).toEqual(explorePermitNeeds(FESTIVAL));
  });
});

describe('recommendations (F05)', () => {
  it.each<[string, AdviceAnswers, string[]]>([
    [
      'chemicals below the large-scale limit',
      { kind: 'facility', hazardousChemicalsTonnes: 2 },
      ['environmental', 'chemicals'],
    ],
    ['amplified sound in daytime for few', { kind: 'event', attendance: 100, amplifiedSound: true }, ['noise']],
    ['a big event without food sales', { kind: 'event', attendance: 3000 }, ['food-sales', 'area-use']],
    ['large chemical stores', { kind: 'facility', hazardousChemicalsTonnes: 50 }, ['environmental', 'building']],
  ])('%s: recommends %j as likely needed', (_name, answers, expected) => {
    const { recommendations } = explorePermitNeeds(answers);

    expect(recommendations.filter((r) => r.kind === 'permit').map((r) => r.id)).toEqual(expected);
  });

  it.each([FESTIVAL, CHEMICAL_PLANT, { kind: 'facility', hazardousChemicalsTonnes: 2 } as AdviceAnswers])(
    'never recommends a permit that is already needed',
    (answers) => {
      const { permits, recommendations } = explorePermitNeeds(answers);

      const needed = new Set(permits.map((p) => p.permitType));
      expect(recommendations.filter((r) => needed.has(r.id))).toEqual([]);
    },
  );

  it.each<[string, AdviceAnswers, boolean]>([
    ['four authorities', FESTIVAL, true],
    ['three authorities', CHEMICAL_PLANT, true],
    ['two authorities', { kind: 'event', attendance: 150, amplifiedSound: true, nightTime: true }, false],
  ])('a kickoff meeting with %s: %s', (_name, answers, expected) => {
    const ids = explorePermitNeeds(answers).recommendations.map((r) => r.id);

    expect(ids.includes('kickoff-meeting')).toBe(expected);
  });

  it('guides facilities to self-monitoring and Natura sites to an assessment screening', () => {
    const facility = explorePermitNeeds({ kind: 'facility', naturaArea: true }).recommendations;
    const event = explorePermitNeeds({ kind: 'event', attendance: 20 }).recommendations;

    expect(facility.map((r) => [r.kind, r.id])).toEqual([
      ['guide', 'self-monitoring'],
      ['guide', 'natura-assessment'],
    ]);
    expect(event).toEqual([]);
  });

  it('titles and reasons every recommendation in Finnish and English', () => {
    for (const r of explorePermitNeeds({ ...CHEMICAL_PLANT, hazardousChemicalsTonnes: 2, naturaArea: true })
      .recommendations) {
      expect([r.titleFi, r.titleEn, r.reasonFi, r.reasonEn].every((s) => s.length > 0)).toBe(true);
    }
  });
});

describe('advice answers and the questionnaire', () => {
  it.each<[string, unknown, boolean]>([
    ['a minimal event', { kind: 'event' }, true],
    ['a full festival', FESTIVAL, true],
    ['fractional tonnes', { kind: 'facility', hazardousChemicalsTonnes: 0.5 }, true],
    ['no kind', { attendance: 10 }, false],
    ['an unknown kind', { kind: 'party' }, false],
    ['negative attendance', { kind: 'event', attendance: -1 }, false],
    ['fractional attendance', { kind: 'event', attendance: 12.5 }, false],
    ['negative tonnes', { kind: 'facility', hazardousChemicalsTonnes: -0.1 }, false],
    ['a yes/no as text', { kind: 'event', alcohol: 'yes' }, false],
    ['an unknown answer', { kind: 'event', surprise: true }, false],
  ])('%s is valid: %s', (_name, input, valid) => {
    expect(ZAdviceAnswers.safeParse(input).success).toBe(valid);
  });

  it('asks about every answer once, with a question type that fits the answer', () => {
    const expectedType = { kind: 'choice', boolean: 'boolean', number: 'number', text: 'text' } as const;

    expect(ADVICE_QUESTIONS.map((q) => q.key).sort()).toEqual(Object.keys(ANSWER_TYPES).sort());
    for (const q of ADVICE_QUESTIONS) expect([q.key, q.type]).toEqual([q.key, expectedType[ANSWER_TYPES[q.key]]]);
  });

  it('asks event questions only of events and facility questions only of facilities', () => {
    const event = questionsFor({ kind: 'event' }).map((q) => q.key);
    const facility = questionsFor({ kind: 'facility' }).map((q) => q.key);

    expect(event).toEqual(expect.arrayContaining(['attendance', 'alcohol', 'fireworks', 'naturaArea']));
    expect(event).not.toEqual(expect.arrayContaining(['hazardousChemicalsTonnes']));
    expect(facility).toEqual(expect.arrayContaining(['hazardousChemicalsTonnes', 'emissions', 'naturaArea']));
    expect(facility).not.toContain('attendance');
    expect(questionsFor({}).map((q) => q.key)).toEqual(['kind', 'municipality', 'naturaArea']);
  });
});
