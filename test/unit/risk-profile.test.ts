import type { AdviceAnswers } from '../../domain/advice';
import type { ProjectDraft } from '../../domain/draft';
import { LOW_MAX, MEDIUM_MAX, UnknownPermitType, profileApplication } from '../../domain/risk-profile';

const event = (more: Partial<AdviceAnswers> = {}): AdviceAnswers => ({ kind: 'event', ...more });
const facility = (more: Partial<AdviceAnswers> = {}): AdviceAnswers => ({ kind: 'facility', ...more });

describe('risk factors (F16)', () => {
  it.each<[string, AdviceAnswers, string | null, number]>([
    ['no answers', event(), null, 0],
    ['199 attendees', event({ attendance: 199 }), null, 0],
    ['200 attendees', event({ attendance: 200 }), 'attendance', 1],
    ['1999 attendees', event({ attendance: 1999 }), 'attendance', 1],
    ['2000 attendees', event({ attendance: 2000 }), 'attendance', 2],
    ['9999 attendees', event({ attendance: 9999 }), 'attendance', 2],
    ['10 000 attendees', event({ attendance: 10_000 }), 'attendance', 4],
    ['alcohol', event({ alcohol: true }), 'alcohol', 2],
    ['night time', event({ nightTime: true }), 'nightTime', 1],
    ['fireworks', event({ fireworks: true }), 'fireworks', 3],
    ['temporary structures', event({ temporaryStructures: true }), 'structures', 1],
    ['no hazardous chemicals', facility({ hazardousChemicalsTonnes: 0 }), null, 0],
    ['0.2 t of hazardous chemicals', facility({ hazardousChemicalsTonnes: 0.2 }), 'chemicals', 2],
    ['9.9 t of hazardous chemicals', facility({ hazardousChemicalsTonnes: 9.9 }), 'chemicals', 2],
    ['10 t of hazardous chemicals', facility({ hazardousChemicalsTonnes: 10 }), 'chemicals', 4],
    ['emissions', facility({ emissions: true }), 'emissions', 3],
    ['a Natura 2000 area', facility({ naturaArea: true }), 'natura', 3],
    ['a "no" answer', event({ alcohol: false, fireworks: false }), null, 0],
  ])('%s alone scores its points', (_name, answers, factor, points) => {
    // Act
    const profile = profileApplication('noise', answers);

    // Assert
    expect(profile.score).toBe(points);
    expect(profile.reasons.map((r) => [r.factor, r.points])).toEqual(factor ? [[factor, points]] : []);
  });

  it('lists every contributing factor, explained in Finnish and English, and they sum to the score', () => {
    const answers = event({
      attendance: 5000,
      alcohol: true,
      nightTime: true,
      fireworks: true,
      temporaryStructures: true,
    });

    const profile = profileApplication('public-event', answers);

    expect(profile.reasons.map((r) => r.factor)).toEqual([
      'attendance',
      'alcohol',
      'nightTime',
      'fireworks',
      'structures',
    ]);
    expect(profile.score).toBe(2 + 2 + 1 + 3 + 1);
    expect(profile.reasons.reduce((sum, r) => sum + r.points, 0)).toBe(profile.score);
    for (const r of profile.reasons) expect(r.fi && r.en && r.fi !== r.en).toBeTruthy();
    expect(profile.reasons[0]).toMatchObject({
      fi: 'Osallistujia 5000 (2000–9999)',
      en: 'Attendance 5000 (2000–9999)',
    });
  });
});

describe('risk level, priority and the notification procedure', () => {
  it.each<[AdviceAnswers, number, 'low' | 'medium' | 'high', 1 | 2 | 3]>([
    [event(), 0, 'low', 3],
    [event({ alcohol: true }), LOW_MAX, 'low', 3],
    [event({ fireworks: true }), LOW_MAX + 1, 'medium', 2],
    [event({ attendance: 10_000, nightTime: true }), MEDIUM_MAX, 'medium', 2],
    [event({ attendance: 10_000, alcohol: true }), MEDIUM_MAX + 1, 'high', 1],
    [facility({ hazardousChemicalsTonnes: 25, emissions: true, naturaArea: true }), 10, 'high', 1],
  ])('%j scores %d: %s, priority %d', (answers, score, level, priority) => {
    const profile = profileApplication('noise', answers);

    expect([profile.score, profile.level, profile.priority]).toEqual([score, level, priority]);
  });

  it.each<[string, string, AdviceAnswers, boolean]>([
    ['a low-risk public event', 'public-event', event({ attendance: 80 }), true],
    ['a fireworks display, never low risk', 'fireworks', event({ fireworks: true }), false],
    ['a low-risk event at the limit', 'public-event', event({ attendance: 150, alcohol: true }), true],
    ['a low-risk food stall', 'food-sales', event({ attendance: 300, nightTime: true }), true],
    ['a low-risk noise case (the type has a hearing)', 'noise', event({ attendance: 80 }), false],
    ['a medium-risk public event', 'public-event', event({ attendance: 3000, nightTime: true }), false],
    ['a high-risk public event', 'public-event', event({ attendance: 12_000, alcohol: true, fireworks: true }), false],
  ])('%s takes the notification path: %s', (_name, type, answers, notification) => {
    expect(profileApplication(type, answers).notification).toBe(notification);
  });

  it("uses the application's attendance over the advice's, since it was given later", () => {
    const draft: ProjectDraft = { common: { attendance: 12_000 }, sections: {} };

    const profile = profileApplication('public-event', event({ attendance: 150 }), draft);

    expect(profile.reasons).toEqual([expect.objectContaining({ factor: 'attendance', points: 4 })]);
    expect(profileApplication('public-event', event({ attendance: 150 }), { common: {}, sections: {} }).score).toBe(0);
  });

  it('refuses an unknown permit type with a named domain error', () => {
    const thrown = (() => {
      try {
        profileApplication('teleport', event());
      } catch (e) {
        return e;
      }
    })();

    expect(thrown).toBeInstanceOf(UnknownPermitType);
    expect(thrown).toMatchObject({ name: 'UnknownPermitType', permitType: 'teleport' });
  });
});
