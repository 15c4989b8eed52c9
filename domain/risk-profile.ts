/**
 * F16 risk profiling of applications: an explainable points score that sets the work-queue
 * priority and decides whether the low-risk notification procedure applies.
 */
import { permitType } from './catalogue';
import type { AdviceAnswers } from './advice';
import type { ProjectDraft } from './draft';

export type RiskLevel = 'low' | 'medium' | 'high';
export interface RiskProfile {
  level: RiskLevel;
  score: number;
  priority: 1 | 2 | 3;
  notification: boolean;
  reasons: Array<{ factor: string; points: number; fi: string; en: string }>;
}

export class UnknownPermitType extends Error {
  override readonly name = 'UnknownPermitType';
  constructor(readonly permitType: string) {
    super(`Unknown permit type "${permitType}"`);
  }
}

/** Low up to this score, medium up to MEDIUM_MAX, high above. */
export const LOW_MAX = 2;
export const MEDIUM_MAX = 5;

export function profileApplication(type: string, answers: AdviceAnswers, draft?: ProjectDraft): RiskProfile {
  const def = permitType(type);
  if (!def) throw new UnknownPermitType(type);
  const reasons: RiskProfile['reasons'] = [];
  const add = (factor: string, points: number, fi: string, en: string) => {
    if (points > 0) reasons.push({ factor, points, fi, en });
  };
  const draftAttendance = draft?.common.attendance;
  const attendance = typeof draftAttendance === 'number' ? draftAttendance : (answers.attendance ?? 0);
  const attendancePoints = attendance >= 10_000 ? 4 : attendance >= 2000 ? 2 : attendance >= 200 ? 1 : 0;
  add('attendance', attendancePoints, `Osallistujia ${attendance}`, `Attendance ${attendance}`);
  if (answers.alcohol) add('alcohol', 2, 'Alkoholin anniskelu', 'Alcohol served');
  if (answers.nightTime) add('nightTime', 1, 'Jatkuu yöhön', 'Runs into the night');
  if (answers.fireworks) add('fireworks', 3, 'Ilotulitus', 'Fireworks');
  const tonnes = answers.hazardousChemicalsTonnes ?? 0;
  add(
    'chemicals',
    tonnes >= 10 ? 4 : tonnes > 0 ? 2 : 0,
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
