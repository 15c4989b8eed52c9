/**
 * A site's risk data in the UI: which factors an inspection grades (the site's model and
 * target group, as the engine applies them), the grades and presence factors in effect,
 * and the recordInspection command built from the form, with the checks the API would
 * make first so the user hears about a missing description before a round trip.
 */
import type { Grade, RiskArea, RiskFactor, RiskModel, TargetGroup } from '../../../../domain/risk/model';
import type { Assessment } from '../../../../domain/risk/engine';
import { applicableFactors } from '../../../../domain/risk/factors';

export type { Assessment, Grade, RiskArea, RiskFactor, RiskModel, TargetGroup };
export { applicableFactors };
export const GRADE_LETTERS: readonly Grade[] = ['A', 'B', 'C', 'D'];

/** GET /api/sites/:id/assessment */
export interface SiteAssessment {
  site: { id: string; name: string; targetGroup: string; monthsOpen: number | null };
  window: { from: string | null; to: string | null };
  inspectionsUsed: number;
  lastInspectionAt: string | null;
  assessment: Assessment;
}

export interface AreaFactors {
  area: RiskArea;
  factors: RiskFactor[];
}

export const groupOf = (model: RiskModel, groupId: string): TargetGroup | undefined =>
  model.groups.find((g) => g.id === groupId);

/**
 * The graded factors an inspection of the group grades, area by area: those that apply,
 * without the ones that require a presence factor the site does not have.
 */
export function gradedAreas(model: RiskModel, groupId: string, present: readonly string[]): AreaFactors[] {
  const group = groupOf(model, groupId);
  if (!group) return [];
  return model.areas
    .filter((a) => a.kind === 'graded')
    .map((area) => ({
      area,
      factors: applicableFactors(model, group, area.id).filter(
        (f) => !f.requires || f.requires.some((r) => present.includes(r)),
      ),
    }))
    .filter((a) => a.factors.length > 0);
}

/** Presence factors the model derives from reports (incidents, citizen observations): never recorded by hand. */
export function derivedFactors(model: RiskModel): Set<string> {
  const o = model.observations;
  return new Set(
    [o?.incident, o?.nearMiss, ...(o?.citizen ?? []).map((c) => c.factor)].filter((id): id is string => !!id),
  );
}

/** Presence factors an inspector may find present, area by area (those in effect are left out). */
export function presenceChoices(model: RiskModel, groupId: string, inEffect: readonly string[]): AreaFactors[] {
  const group = groupOf(model, groupId);
  if (!group) return [];
  const derived = derivedFactors(model);
  return model.areas
    .filter((a) => a.kind === 'presence')
    .map((area) => ({
      area,
      factors: applicableFactors(model, group, area.id).filter((f) => !derived.has(f.id) && !inEffect.includes(f.id)),
    }))
    .filter((a) => a.factors.length > 0);
}

/** Checks or unchecks a presence factor; checking one of alternatives (same `exclusive` key) unchecks the others. */
export function togglePresent(model: RiskModel, present: readonly string[], id: string, on: boolean): string[] {
  if (!on) return present.filter((p) => p !== id);
  const key = model.factors.find((f) => f.id === id)?.exclusive;
  const kept = key ? present.filter((p) => model.factors.find((f) => f.id === p)?.exclusive !== key) : [...present];
  return kept.includes(id) ? kept : [...kept, id];
}

/** The grade of every graded factor in the assessment (the latest inspection's grade of each). */
export function currentGrades(assessment: Assessment): Record<string, Grade> {
  const grades: Record<string, Grade> = {};
  for (const area of assessment.areas) {
    for (const f of area.factors) if (f.kind === 'graded' && f.grade) grades[f.id] = f.grade;
  }
  return grades;
}

/** The presence factors in effect in the assessment (activity profile, earlier findings, reports). */
export function presentInEffect(assessment: Assessment): string[] {
  return assessment.areas.flatMap((a) => a.factors.filter((f) => f.kind === 'presence').map((f) => f.id));
}

export interface FindingDraft {
  /** Local key for the list (never sent). */
  key: string;
  factorId: string;
  description: string;
  grade: Grade | '';
  action: boolean;
  actionDescription: string;
  /** What the number input holds (a number, or null while empty). */
  deadlineDays: string | number | null;
}

export interface InspectionDraft {
  inspector: string;
  method: 'onSite' | 'remote';
  grades: Record<string, Grade | ''>;
  /** Presence factors found at this inspection. */
  present: string[];
  notes: string;
  findings: FindingDraft[];
}

export interface InspectionCommand {
  action: 'recordInspection';
  inspector: string;
  method: 'onSite' | 'remote';
  grades: Record<string, Grade>;
  present: string[];
  notes?: string;
  findings: Array<{
    factorId?: string;
    description: string;
    grade: Grade;
    correctiveAction?: { description: string; deadlineDays: number };
  }>;
}

export interface FieldProblem {
  path: string;
  /** An i18n key. */
  message: string;
}

/** A whole number of days; a number input binds a number (or null when empty), a text input a string. */
const deadline = (value: string | number | null | undefined) => {
  const text = String(value ?? '').trim();
  return /^\d+$/.test(text) ? Number(text) : NaN;
};

/** What the API would refuse, as i18n keys on the API's field paths (findings.0.description, …). */
export function checkInspection(d: InspectionDraft): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!d.inspector.trim()) problems.push({ path: 'inspector', message: 'site.inspection.required' });
  d.findings.forEach((f, i) => {
    if (!f.description.trim())
      problems.push({ path: `findings.${i}.description`, message: 'site.inspection.required' });
    if (!f.grade) problems.push({ path: `findings.${i}.grade`, message: 'site.inspection.required' });
    if (f.action) {
      if (!f.actionDescription.trim())
        problems.push({ path: `findings.${i}.correctiveAction.description`, message: 'site.inspection.required' });
      const days = deadline(f.deadlineDays);
      if (!(days >= 1 && days <= 365))
        problems.push({
          path: `findings.${i}.correctiveAction.deadlineDays`,
          message: 'site.inspection.deadlineRange',
        });
    }
  });
  return problems;
}

/**
 * The recordInspection command: only the factors given a grade, the presence factors found
 * plus those in effect that a sent grade depends on (the API checks each grade's
 * requirement against the command's own list), trimmed texts.
 */
export function inspectionCommand(
  model: RiskModel,
  d: InspectionDraft,
  inEffect: readonly string[],
): InspectionCommand {
  const grades: Record<string, Grade> = {};
  for (const [id, grade] of Object.entries(d.grades)) if (grade) grades[id] = grade;
  const present = [...d.present];
  for (const id of Object.keys(grades)) {
    const requires = model.factors.find((f) => f.id === id)?.requires ?? [];
    if (requires.some((r) => present.includes(r))) continue;
    const have = requires.find((r) => inEffect.includes(r));
    if (have) present.push(have);
  }
  const notes = d.notes.trim();
  return {
    action: 'recordInspection',
    inspector: d.inspector.trim(),
    method: d.method,
    grades,
    present,
    ...(notes ? { notes } : {}),
    findings: d.findings.map((f) => ({
      ...(f.factorId ? { factorId: f.factorId } : {}),
      description: f.description.trim(),
      grade: f.grade as Grade,
      ...(f.action
        ? { correctiveAction: { description: f.actionDescription.trim(), deadlineDays: deadline(f.deadlineDays) } }
        : {}),
    })),
  };
}

/** Whether an API error's path names a field the inspection form shows (else it is listed in the alert). */
export function isFormField(path: string, graded: readonly RiskFactor[], findings: number): boolean {
  if (path === 'inspector' || path === 'method' || path === 'notes') return true;
  if (path.startsWith('grades.')) return graded.some((f) => `grades.${f.id}` === path);
  const m =
    /^findings\.(\d+)\.(factorId|description|grade|correctiveAction\.description|correctiveAction\.deadlineDays)$/.exec(
      path,
    );
  return !!m && Number(m[1]) < findings;
}

/** The element id of a form field from its API path (factor ids contain dots). */
export const fieldId = (prefix: string, path: string) => `${prefix}-${path.replace(/[^\w-]/g, '-')}`;

/**
 * Days between inspections at a frequency: domain/supervision.ts intervalDays, repeated here
 * so the page does not bundle the time-zone library (a unit test keeps the two equal).
 */
export const intervalDays = (frequencyPerYear: number) => Math.max(1, Math.round(365.25 / frequencyPerYear));

/** Percent of the area's maximum points (for the explanation's bars). */
export const shareOfMax = (points: number, max: number) => (max > 0 ? Math.round((points / max) * 100) : 0);
