import type { AdviceAnswers } from '../../domain/advice';
import { UnknownPermitType, permitType } from '../../domain/catalogue';
import {
  POLICE_LEAD_DAYS,
  checkDraft,
  prefillDraft,
  requiredFields,
  type DraftCheck,
  type ProjectDraft,
} from '../../domain/draft';

/** A night concert of 500 with fireworks: police, city and rescue services. */
const ANSWERS: AdviceAnswers = {
  kind: 'event',
  attendance: 500,
  amplifiedSound: true,
  nightTime: true,
  fireworks: true,
};
const PERMITS = ['public-event', 'noise', 'rescue-plan', 'fireworks'];
const TODAY = '2027-01-04';

/** A draft that answers everything the permits ask, with values no rule objects to. */
function completeDraft(permitTypes = PERMITS, answers: AdviceAnswers = ANSWERS): ProjectDraft {
  const fields = requiredFields(permitTypes, answers);
  const value = (type: string, key: string) => {
    if (key === 'attendance') return answers.attendance ?? 0;
    if (key === 'startDate') return '2027-06-01';
    if (key === 'endDate') return '2027-06-03';
    if (type === 'date') return '2027-06-02';
    if (type === 'number') return 10;
    if (type === 'boolean') return false;
    return `${key} value`;
  };
  return {
    common: Object.fromEntries(fields.common.map((f) => [f.key, value(f.type, f.key)])),
    sections: Object.fromEntries(
      Object.entries(fields.sections).map(([t, defs]) => [
        t,
        Object.fromEntries(defs.map((f) => [f.key, value(f.type, f.key)])),
      ]),
    ),
  };
}

const issuesOf = (check: DraftCheck) => check.issues.map((i) => [i.path, i.level]);

describe('asking only what is needed (F07)', () => {
  it.each<[string, AdviceAnswers | undefined, boolean]>([
    ['without advice everything is asked', undefined, true],
    ['an event with attendance', { kind: 'event', attendance: 300 }, true],
    ['a facility', { kind: 'facility' }, false],
    ['an event of unknown size', { kind: 'event' }, false],
  ])('%s: attendance asked = %s', (_name, answers, asked) => {
    const keys = requiredFields([], answers).common.map((f) => f.key);

    expect(keys.includes('attendance')).toBe(asked);
    expect(keys).toEqual(expect.arrayContaining(['title', 'startDate', 'contactEmail']));
  });

  it("gives each permit its own section with that permit's fields", () => {
    const { sections } = requiredFields(['noise', 'fireworks'], ANSWERS);

    expect(Object.keys(sections)).toEqual(['noise', 'fireworks']);
    expect(sections.noise).toEqual(permitType('noise')!.fields);
    expect(sections.fireworks!.map((f) => f.key)).toContain('displayDate');
  });

  it('refuses an unknown permit type', () => {
    expect(() => requiredFields(['teleport'])).toThrow(UnknownPermitType);
  });
});

describe('traffic lights (F07)', () => {
  it('a complete draft is green and can be submitted', () => {
    const check = checkDraft(completeDraft(), PERMITS, ANSWERS, TODAY);

    expect(check).toEqual({
      light: 'green',
      complete: true,
      issues: [],
      perSection: {
        common: 'green',
        'public-event': 'green',
        noise: 'green',
        'rescue-plan': 'green',
        fireworks: 'green',
      },
    });
  });

  it.each<[string, (d: ProjectDraft) => void, 'red' | 'amber', Array<[string, string]>]>([
    ['a required field is null', (d) => (d.common.title = null), 'red', [['common.title', 'missing']]],
    ['a required field is blank', (d) => (d.common.description = '   '), 'red', [['common.description', 'missing']]],
    [
      'a required field is absent',
      (d) => delete d.sections.noise!.quietHours,
      'red',
      [['sections.noise.quietHours', 'missing']],
    ],
    [
      'a whole section is absent',
      (d) => delete d.sections['rescue-plan'],
      'red',
      [
        ['sections.rescue-plan.evacuationRoutes', 'missing'],
        ['sections.rescue-plan.firstAidPoints', 'missing'],
        ['sections.rescue-plan.safetyOfficer', 'missing'],
      ],
    ],
    [
      'a number given as text',
      (d) => (d.sections.noise!.soundLevelDb = '95'),
      'red',
      [['sections.noise.soundLevelDb', 'missing']],
    ],
    ['a text given as a number', (d) => (d.common.title = 2027), 'red', [['common.title', 'missing']]],
    [
      'a date that does not exist',
      (d) => (d.common.startDate = '2027-02-30'),
      'red',
      [['common.startDate', 'missing']],
    ],
    ['a date in another format', (d) => (d.common.endDate = '3.6.2027'), 'red', [['common.endDate', 'missing']]],
    [
      'a critical optional field is missing',
      (d) => delete d.common.contactPhone,
      'amber',
      [['common.contactPhone', 'warning']],
    ],
    ['the end is before the start', (d) => (d.common.endDate = '2027-05-31'), 'amber', [['common.endDate', 'warning']]],
    [
      'a permit date outside the project',
      (d) => (d.sections.fireworks!.displayDate = '2026-06-02'),
      'amber',
      [['sections.fireworks.displayDate', 'warning']],
    ],
    [
      'a negative count',
      (d) => (d.sections['public-event']!.securityGuards = -4),
      'amber',
      [['sections.public-event.securityGuards', 'warning']],
    ],
  ])('%s: %s', (_name, change, light, issues) => {
    // Arrange
    const draft = completeDraft();
    change(draft);

    // Act
    const check = checkDraft(draft, PERMITS, ANSWERS, TODAY);

    // Assert
    expect(check.light).toBe(light);
    expect(check.complete).toBe(light !== 'red');
    expect(issuesOf(check)).toEqual(issues);
  });

  it('a missing required field that is also critical is red, not merely amber', () => {
    const draft = completeDraft();
    delete draft.sections['public-event']!.securityGuards;

    const check = checkDraft(draft, PERMITS, ANSWERS, TODAY);

    expect(issuesOf(check)).toEqual([['sections.public-event.securityGuards', 'missing']]);
  });

  it('colours each section by its own issues', () => {
    const draft = completeDraft();
    delete draft.sections.noise!.quietHours;
    delete draft.sections['public-event']!.trafficArrangements;

    const check = checkDraft(draft, PERMITS, ANSWERS, TODAY);

    expect(check.perSection).toEqual({
      common: 'green',
      'public-event': 'amber',
      noise: 'red',
      'rescue-plan': 'green',
      fireworks: 'green',
    });
    expect(check.light).toBe('red');
  });

  it('messages every issue in Finnish and English', () => {
    const check = checkDraft({ common: {}, sections: {} }, PERMITS, ANSWERS, TODAY);

    expect(check.issues.length).toBeGreaterThan(10);
    for (const i of check.issues) expect(i.messageFi && i.messageEn && i.messageFi !== i.messageEn).toBeTruthy();
  });
});

describe("the police's notification lead time", () => {
  it.each<[string, string | undefined, string[], boolean]>([
    ['21 days ahead', '2027-05-11', PERMITS, false],
    [`exactly ${POLICE_LEAD_DAYS} days ahead`, '2027-05-18', PERMITS, false],
    ['13 days ahead', '2027-05-19', PERMITS, true],
    ['a week ahead', '2027-05-25', PERMITS, true],
    ['after the start', '2027-06-02', PERMITS, true],
    ['without a today', undefined, PERMITS, false],
    ['without a public-event permit', '2027-05-25', ['noise'], false],
  ])('%s (today %s): warned = %s', (_name, today, permits, warned) => {
    const check = checkDraft(completeDraft(permits), permits, ANSWERS, today);

    expect(check.issues.some((i) => i.path === 'common.startDate' && i.level === 'warning')).toBe(warned);
    expect(check.complete).toBe(true);
  });

  it('refuses a today that is not a date rather than guessing', () => {
    expect(() => checkDraft(completeDraft(), PERMITS, ANSWERS, 'tomorrow')).toThrow(RangeError);
  });
});

describe('attendance grown since the advice', () => {
  const small: AdviceAnswers = { kind: 'event', attendance: 150, amplifiedSound: true, nightTime: true };
  const permits = ['public-event', 'noise'];

  it('warns when the application now needs a permit the project lacks', () => {
    const draft = completeDraft(permits, small);
    draft.common.attendance = 800;

    const check = checkDraft(draft, permits, small, TODAY);

    expect(check.light).toBe('amber');
    expect(check.issues).toEqual([
      expect.objectContaining({
        path: 'common.attendance',
        level: 'warning',
        messageEn: expect.stringContaining('Rescue plan'),
      }),
    ]);
  });

  it.each<[string, number, string[]]>([
    ['the same attendance', 150, permits],
    ['a smaller attendance', 60, permits],
    ['the permit already in the project', 800, [...permits, 'rescue-plan']],
  ])('stays quiet with %s', (_name, attendance, inProject) => {
    const draft = completeDraft(inProject, small);
    draft.common.attendance = attendance;

    expect(checkDraft(draft, inProject, small, TODAY).light).toBe('green');
  });
});

describe('absolute obstacles', () => {
  it.each<[string, AdviceAnswers, string[], string]>([
    ['fireworks in a Natura 2000 area', { ...ANSWERS, naturaArea: true }, PERMITS, 'sections.fireworks'],
    [
      'emissions into a Natura 2000 area',
      { kind: 'facility', emissions: true, naturaArea: true },
      ['environmental'],
      'sections.environmental',
    ],
    [
      'hazardous chemicals without a rescue plan',
      { kind: 'facility', hazardousChemicalsTonnes: 12 },
      ['chemicals'],
      'sections.rescue-plan',
    ],
  ])('%s cannot be submitted', (_name, answers, permits, path) => {
    const check = checkDraft(completeDraft(permits, answers), permits, answers, TODAY);

    expect(check.light).toBe('red');
    expect(check.complete).toBe(false);
    expect(issuesOf(check)).toEqual([[path, 'obstacle']]);
  });

  it.each<[string, AdviceAnswers, string[]]>([
    ['fireworks outside Natura areas', ANSWERS, PERMITS],
    [
      'a Natura-area event without fireworks',
      { kind: 'event', attendance: 500, naturaArea: true },
      ['public-event', 'rescue-plan'],
    ],
    ['chemicals with a rescue plan', { kind: 'facility', hazardousChemicalsTonnes: 12 }, ['rescue-plan', 'chemicals']],
  ])('%s is no obstacle', (_name, answers, permits) => {
    const check = checkDraft(completeDraft(permits, answers), permits, answers, TODAY);

    expect(check.issues.filter((i) => i.level === 'obstacle')).toEqual([]);
  });
});

describe('prefill (F08)', () => {
  const profile = {
    organisationName: 'Tammerfest ry',
    businessId: '1234567-8',
    contactName: 'Olli Organiser',
    contactEmail: 'olli@tammerfest.example',
    contactPhone: '',
    municipality: 'Tampere',
  };
  const previous: ProjectDraft = {
    common: {
      title: 'Tammerfest 2026',
      description: '   ',
      startDate: '2026-06-01',
      endDate: '2026-06-03',
      address: 'Laukontori 1',
      contactName: null,
      contactEmail: 'festival@tammerfest.example',
      attendance: 5000,
      organiserNotes: 'not a field',
    },
    sections: {
      fireworks: { pyrotechnician: 'Pia Pyro', displayDate: '2026-06-02', safetyDistanceMeters: 150 },
      noise: { quietHours: '23-07', soundLevelDb: 95, leftover: 'x' },
      'alcohol-serving': { servingArea: 'Beer garden' },
    },
  };

  it('copies the profile, then every non-date field the new project also asks', () => {
    // Act
    const { draft, prefilled } = prefillDraft(['noise', 'fireworks'], profile, previous);

    // Assert
    expect(draft).toEqual({
      common: {
        contactName: 'Olli Organiser',
        contactEmail: 'festival@tammerfest.example',
        municipality: 'Tampere',
        title: 'Tammerfest 2026',
        address: 'Laukontori 1',
        attendance: 5000,
      },
      sections: {
        noise: { quietHours: '23-07', soundLevelDb: 95 },
        fireworks: { pyrotechnician: 'Pia Pyro', safetyDistanceMeters: 150 },
      },
    });
    expect(prefilled).toEqual([
      'common.contactName',
      'common.contactEmail',
      'common.municipality',
      'common.title',
      'common.address',
      'common.attendance',
      'sections.noise.quietHours',
      'sections.noise.soundLevelDb',
      'sections.fireworks.pyrotechnician',
      'sections.fireworks.safetyDistanceMeters',
    ]);
  });

  it('never copies a date, common or section', () => {
    const { draft, prefilled } = prefillDraft(['fireworks'], profile, previous);

    expect(draft.common.startDate).toBeUndefined();
    expect(draft.common.endDate).toBeUndefined();
    expect(draft.sections.fireworks!.displayDate).toBeUndefined();
    expect(prefilled.filter((p) => /date/i.test(p))).toEqual([]);
  });

  it.each<[string, string | null]>([
    ['null', null],
    ['an empty string', ''],
    ['blanks', '  '],
  ])('never overwrites with %s', (_name, empty) => {
    const { draft } = prefillDraft([], profile, { common: { contactName: empty, contactEmail: empty }, sections: {} });

    expect(draft.common).toMatchObject({ contactName: 'Olli Organiser', contactEmail: 'olli@tammerfest.example' });
  });

  it('starts an empty section for every permit and leaves its inputs untouched', () => {
    const before = structuredClone(previous);

    const { draft, prefilled } = prefillDraft(['water'], { organisationName: 'Järvi Oy' }, previous);

    expect(draft).toEqual({ common: expect.any(Object), sections: { water: {} } });
    expect(prefilled.every((p) => p.startsWith('common.'))).toBe(true);
    expect(previous).toEqual(before);
  });

  it('a prefilled draft of a repeat event only lacks the new dates', () => {
    const { draft } = prefillDraft(PERMITS, profile, completeDraft());

    const check = checkDraft(draft, PERMITS, ANSWERS, TODAY);

    expect(issuesOf(check)).toEqual([
      ['common.startDate', 'missing'],
      ['common.endDate', 'missing'],
      ['sections.fireworks.displayDate', 'missing'],
    ]);
  });
});
