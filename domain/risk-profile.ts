/**
 * F16 risk profiling of applications: an explainable points score that sets the work-queue
 * priority and decides whether the low-risk notification procedure applies. Every factor
 * that adds points is listed, so the authority can see (and defend) why a case is urgent.
 */
import { requirePermitType } from './catalogue';
import type { AdviceAnswers } from './advice';
import type { ProjectDraft } from './draft';

export { UnknownPermitType } from './catalogue';

export type RiskLevel = 'low' | 'medium' | 'high';
export interface RiskProfile {
  level: RiskLevel;
  score: number;
  /** 1 = urgent. */
  priority: 1 | 2 | 3;
  /** Low risk and the type allows the notification procedure. */
  notification: boolean;
  reasons: Array<{ factor: string; points: number; fi: string; en: string }>;
}

/** Low up to this score, medium up to MEDIUM_MAX, high above. */
export const LOW_MAX = 2;
export const MEDIUM_MAX = 5;

/** Attendance bands, largest first: the first band the attendance reaches gives its points. */
const ATTENDANCE_BANDS: ReadonlyArray<{ from: number; points: number; label: string }> = [
  { from: 10_000, points: 4, label: '≥ 10 000' },
  { from: 2000, points: 2, label: '2000–9999' },
  { from: 200, points: 1, label: '200–1999' },
];
const CHEMICALS_LARGE_TONNES = 10;

/**
 * Profiles one permit application. The draft's attendance, when given, wins over the
 * advice answer: it was given later, in the application itself.
 * @throws UnknownPermitType when the permit type is not in the catalogue
 */
export function profileApplication(permitType: string, answers: AdviceAnswers, draft?: ProjectDraft): RiskProfile {
  const def = requirePermitType(permitType);
  const reasons: RiskProfile['reasons'] = [];
  const add = (factor: string, points: number, fi: string, en: string) => {
    if (points > 0) reasons.push({ factor, points, fi, en });
  };

  const draftAttendance = draft?.common.attendance;
  const attendance = typeof draftAttendance === 'number' ? draftAttendance : (answers.attendance ?? 0);
  const band = ATTENDANCE_BANDS.find((b) => attendance >= b.from);
  if (band) {
    add(
      'attendance',
      band.points,
      `Osallistujia ${attendance} (${band.label})`,
      `Attendance ${attendance} (${band.label})`,
    );
  }
  if (answers.alcohol) add('alcohol', 2, 'Alkoholin anniskelu', 'Alcohol served');
  if (answers.nightTime) add('nightTime', 1, 'Jatkuu yöhön', 'Runs into the night');
  if (answers.fireworks) add('fireworks', 3, 'Ilotulitus', 'Fireworks');
  const tonnes = answers.hazardousChemicalsTonnes ?? 0;
  add(
    'chemicals',
    tonnes >= CHEMICALS_LARGE_TONNES ? 4 : tonnes > 0 ? 2 : 0,
    `Vaarallisia kemikaaleja ${tonnes} t`,
    `Hazardous chemicals ${tonnes} t`,
  );
  if (answers.emissions) add('emissions', 3, 'Päästöjä ympäristöön', 'Emissions to the environment');
  if (answers.naturaArea) add('natura', 3, 'Natura 2000 -alue', 'Natura 2000 area');
  if (answers.temporaryStructures) add('structures', 1, 'Tilapäisiä rakennelmia', 'Temporary structures');

  const score = reasons.reduce((sum, r) => sum + r.points, 0);
  const level: RiskLevel = score <= LOW_MAX ? 'low' : score <= MEDIUM_MAX ? 'medium' : 'high';
  return {
    level,
    score,
    priority: level === 'high' ? 1 : level === 'medium' ? 2 : 3,
    notification: level === 'low' && def.notificationAllowed,
    reasons,
  };
}
