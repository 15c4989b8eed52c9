/**
 * Risk-based supervision rules (pure): when the next inspection is due, when a re-plan may
 * bring it forward (never push it back past the date already promised), which presence
 * factors follow from what was reported between inspections, when citizen observations
 * become an alert, corrective actions and the public (week-precision) view of the plan.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, differenceInCalendarDays, getISOWeek, getISOWeekYear, subMonths } from 'date-fns';
import type { Assessment, RiskModel } from './risk';

export const DAY_MS = 24 * 60 * 60 * 1000;
const YEAR_DAYS = 365.25;
export const HELSINKI = 'Europe/Helsinki';

export type SupervisionPhase = 'commissioning' | 'supervising' | 'closed';
export type InspectionKind = 'commissioning' | 'recurring' | 'followUp';
export type ReportKind = 'selfMonitoring' | 'incident' | 'citizenObservation' | 'profileChange';

/** Days and thresholds of the supervision rules; an authority may tune them. */
export interface SupervisionRules {
  /** The commissioning inspection is planned this many days after the cycle starts. */
  commissioningDays: number;
  /** Reminders go out this many days before an inspection is due (F39). */
  reminderDays: number;
  /** A brought-forward inspection is never planned sooner than this many days from now. */
  minLeadDays: number;
  /** A follow-up inspection this many days after a corrective action's deadline passes unmet. */
  followUpDays: number;
  /** Citizen observations: this many within the window raise an alert to the supervisor (F30). */
  observationAlertCount: number;
  observationAlertWindowDays: number;
}

export const DEFAULT_RULES: SupervisionRules = {
  commissioningDays: 30,
  reminderDays: 14,
  minLeadDays: 3,
  followUpDays: 14,
  observationAlertCount: 3,
  observationAlertWindowDays: 30,
};

/** Why the plan says what it says — shown to the operator and the supervisor. */
export type PlanReason =
  | { code: 'commissioning' }
  | { code: 'frequency'; frequencyPerYear: number; intervalDays: number; riskClass: string | null; classified: boolean }
  | {
      code: 'broughtForward';
      trigger: string;
      fromRiskClass: string | null;
      toRiskClass: string | null;
      frequencyPerYear: number;
      previousDueAt: string;
    }
  | { code: 'followUp'; correctiveActionId: string; deadline: string };

export interface PlanEntry {
  kind: InspectionKind;
  dueAt: Date;
  reason: PlanReason;
  riskClass: string | null;
  frequencyPerYear: number | null;
}

/**
 * Planning frequency: the assessed one, or the group's baseline while data is missing.
 * The baseline is pro-rated by the months open and rounded as the engine rounds its
 * frequencies, so it is exactly the engine's R2 (×1) frequency of the same site: the
 * rounded seasonal factor would give e.g. 3 × 0.333 = 0.999/yr (366 days) for 3 × 4/12 = 1/yr.
 */
export function planningFrequency(assessment: Assessment): { frequencyPerYear: number; classified: boolean } {
  if (assessment.classified && assessment.frequencyPerYear) {
    return { frequencyPerYear: assessment.frequencyPerYear, classified: true };
  }
  const monthsOpen = Math.round((assessment.seasonalFactor || 1) * 12);
  const frequencyPerYear = assessment.targetGroup.baselinePerYear * (monthsOpen / 12);
  return { frequencyPerYear: Math.round((frequencyPerYear + Number.EPSILON) * 1000) / 1000, classified: false };
}

export function intervalDays(frequencyPerYear: number): number {
  return Math.max(1, Math.round(YEAR_DAYS / frequencyPerYear));
}

/** After an inspection: the next one is due one interval of the new frequency later. */
export function planAfterInspection(inspectedAt: Date, assessment: Assessment): PlanEntry {
  const { frequencyPerYear, classified } = planningFrequency(assessment);
  const days = intervalDays(frequencyPerYear);
  return {
    kind: 'recurring',
    dueAt: addDays(inspectedAt, days),
    reason: { code: 'frequency', frequencyPerYear, intervalDays: days, riskClass: assessment.riskClass, classified },
    riskClass: assessment.riskClass,
    frequencyPerYear,
  };
}

const CLASS_RANK: Record<string, number> = { R3: 1, R2: 2, R1: 3 };

/**
 * Between inspections: a new assessment may bring the due date forward when the risk rose
 * (a higher class or a higher frequency), to one interval of the new frequency after the
 * last inspection, but not sooner than the minimum lead time. It never moves a date later:
 * a falling risk waits for the next inspection to lengthen the interval.
 */
export function replanBetweenInspections(args: {
  current: PlanEntry;
  lastInspectionAt: Date | null;
  assessment: Assessment;
  now: Date;
  trigger: string;
  rules?: SupervisionRules;
}): PlanEntry | null {
  const { current, assessment, now, trigger } = args;
  const rules = args.rules ?? DEFAULT_RULES;
  if (current.kind === 'commissioning') return null;
  const { frequencyPerYear } = planningFrequency(assessment);
  const rankNow = CLASS_RANK[assessment.riskClass ?? ''] ?? 0;
  const rankBefore = CLASS_RANK[current.riskClass ?? ''] ?? 0;
  const rose = rankNow > rankBefore || frequencyPerYear > (current.frequencyPerYear ?? Infinity);
  if (!rose) return null;
  const from = args.lastInspectionAt ?? now;
  const earliest = addDays(now, rules.minLeadDays);
  const candidate = addDays(from, intervalDays(frequencyPerYear));
  const dueAt = new Date(Math.max(candidate.getTime(), earliest.getTime()));
  if (dueAt >= current.dueAt) return null;
  return {
    kind: current.kind,
    dueAt,
    reason: {
      code: 'broughtForward',
      trigger,
      fromRiskClass: current.riskClass,
      toRiskClass: assessment.riskClass,
      frequencyPerYear,
      previousDueAt: current.dueAt.toISOString(),
    },
    riskClass: assessment.riskClass,
    frequencyPerYear,
  };
}

/** A corrective action's deadline passed unmet: a follow-up inspection, unless one is due sooner. */
export function followUpFor(
  current: PlanEntry,
  action: { id: string; deadline: Date },
  rules: SupervisionRules = DEFAULT_RULES,
): PlanEntry | null {
  const dueAt = addDays(action.deadline, rules.followUpDays);
  if (dueAt >= current.dueAt) return null;
  return {
    kind: 'followUp',
    dueAt,
    reason: { code: 'followUp', correctiveActionId: action.id, deadline: action.deadline.toISOString() },
    riskClass: current.riskClass,
    frequencyPerYear: current.frequencyPerYear,
  };
}

export interface ReportedEvent {
  kind: ReportKind;
  observedAt: Date;
  deviation: boolean;
  nearMiss: boolean;
}

/**
 * The presence factors a model derives from reports in its window (e.g. the facility
 * model's "incident reported" and "3 or more citizen observations"). Models without an
 * `observations` section derive nothing; their risk changes through inspections and profile.
 */
export function observationFactors(model: RiskModel, reports: ReportedEvent[], now: Date): string[] {
  const rules = model.observations;
  if (!rules) return [];
  const from = subMonths(now, rules.windowMonths);
  const recent = reports.filter((r) => r.observedAt > from && r.observedAt <= now);
  const factors: string[] = [];
  const incident = (r: ReportedEvent) =>
    (r.kind === 'incident' && !r.nearMiss) || (r.kind === 'selfMonitoring' && r.deviation);
  if (rules.incident && recent.some(incident)) factors.push(rules.incident);
  if (rules.nearMiss && recent.some((r) => r.kind === 'incident' && r.nearMiss)) factors.push(rules.nearMiss);
  const citizen = recent.filter((r) => r.kind === 'citizenObservation').length;
  const level = [...(rules.citizen ?? [])].sort((a, b) => b.atLeast - a.atLeast).find((c) => citizen >= c.atLeast);
  if (level) factors.push(level.factor);
  return factors;
}

/** Several citizen observations within the window raise an alert to the supervisor (F30). */
export function observationAlert(
  observedAt: Date[],
  now: Date,
  rules: SupervisionRules = DEFAULT_RULES,
): { count: number; windowDays: number } | null {
  const from = addDays(now, -rules.observationAlertWindowDays);
  const count = observedAt.filter((t) => t > from && t <= now).length;
  return count >= rules.observationAlertCount ? { count, windowDays: rules.observationAlertWindowDays } : null;
}

/** When to remind the operator and the supervisor of an inspection (F39); never in the past. */
export function reminderAt(dueAt: Date, now: Date, rules: SupervisionRules = DEFAULT_RULES): Date {
  const at = addDays(dueAt, -rules.reminderDays);
  return at < now ? now : at;
}

export type ActionStatus = 'open' | 'evidenceSubmitted' | 'accepted' | 'overdue';

/** What may happen to a corrective action in its status; the error names the status. */
export function assertActionChange(status: ActionStatus, change: 'submitEvidence' | 'reviewEvidence'): void {
  const allowed: Record<typeof change, ActionStatus[]> = {
    submitEvidence: ['open', 'overdue', 'evidenceSubmitted'],
    reviewEvidence: ['evidenceSubmitted'],
  };
  if (!allowed[change].includes(status)) {
    throw new Error(`a corrective action that is ${status} does not take ${change}`);
  }
}

/** ISO week in Helsinki, e.g. "2027-W05": what third parties see of a planned date (F28). */
export function helsinkiWeek(date: Date): string {
  const local = new TZDate(date.getTime(), HELSINKI);
  return `${getISOWeekYear(local)}-W${String(getISOWeek(local)).padStart(2, '0')}`;
}

/** Whole days from now until the date, in Helsinki calendar days. */
export function daysUntil(date: Date, now: Date): number {
  return differenceInCalendarDays(new TZDate(date.getTime(), HELSINKI), new TZDate(now.getTime(), HELSINKI));
}

export interface PlanView {
  kind: InspectionKind;
  dueAt?: string;
  week: string;
  supervisor?: { name: string; email: string; phone: string };
  reason?: PlanReason;
}

/**
 * The plan as each audience sees it: the operator and the authority get the date, the
 * reason and the supervisor's contacts; third parties get the week only (F28).
 */
export function planView(
  entry: { kind: InspectionKind; dueAt: Date; reason: PlanReason },
  supervisor: { name: string; email: string; phone: string },
  audience: 'party' | 'public',
): PlanView {
  const week = helsinkiWeek(entry.dueAt);
  if (audience === 'public') return { kind: entry.kind, week };
  return { kind: entry.kind, dueAt: entry.dueAt.toISOString(), week, supervisor, reason: entry.reason };
}
