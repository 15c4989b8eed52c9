import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Grade } from '../../domain/risk/model';
import type {
  ActionStatus,
  InspectionKind,
  PlanReason,
  ReportKind,
  SupervisionPhase,
  SupervisionRules,
} from '../../domain/supervision';
import type { CommandMeta, WorkflowSettings } from '../shared/commands';
import type { ClockAnchor } from '../shared/clock';

export const supervisionWorkflowId = (siteId: string) => `supervision-site-${siteId}`;

export interface Supervisor {
  name: string;
  email: string;
  phone: string;
}

export interface FindingInput {
  /** The risk-model factor the finding concerns, when it concerns one. */
  factorId?: string;
  description: string;
  grade: Grade;
  /** A corrective action the operator must complete within deadlineDays. */
  correctiveAction?: { description: string; deadlineDays: number };
}

export interface EvidenceItem {
  url: string;
  /** image/… or video/… (remote inspection, F27). */
  mediaType: string;
  caption?: string;
}

export type SupervisionCommandBody =
  | { action: 'editAgenda'; items: { id: string; text: string; addedBy: 'customer' | 'authority' }[] }
  | { action: 'assignSupervisor'; supervisor: Supervisor }
  | {
      action: 'recordInspection';
      inspector: string;
      method: 'onSite' | 'remote';
      grades: Record<string, Grade>;
      present: string[];
      notes?: string;
      findings: FindingInput[];
    }
  | { action: 'submitEvidence'; actionId: string; evidence: EvidenceItem[] }
  | { action: 'reviewEvidence'; actionId: string; accepted: boolean; note?: string }
  | { action: 'close'; reason: 'permitClosed' | 'businessClosed' | 'other'; note?: string };

export type SupervisionCommand = CommandMeta & SupervisionCommandBody;
export type SupervisionAction = SupervisionCommand['action'];

/** What reaches supervision between inspections; signals, so reporters never wait on the workflow. */
export interface ObservationPhoto {
  key: string;
  contentType: string;
  size: number;
}

export interface SupervisionReport {
  kind: ReportKind;
  idempotencyKey: string;
  description: string;
  /** When it happened (ISO); defaults to when it was received. */
  observedAt?: string;
  /** Self-monitoring: the report shows a deviation. */
  deviation?: boolean;
  /** Incident: only a near miss. */
  nearMiss?: boolean;
  /** Profile change: the activity's presence factors from now on. */
  activity?: string[];
  /** Kept for the authority; shown to the operator only when `anonymous` is false (F30). */
  reporterId?: string;
  /** Citizen observations: hide the reporter from the company (the default). */
  anonymous?: boolean;
  /** Where it was observed, [longitude, latitude]. */
  location?: [number, number];
  /** The photo, already stored by the API: the workflow carries its key, never its bytes. */
  photo?: ObservationPhoto;
}

export interface SupervisionSettings extends WorkflowSettings {
  /** Simulated milliseconds per real millisecond (tests and demos run years in seconds). */
  timeScale?: number;
  rules?: Partial<SupervisionRules>;
}

export interface PlanState {
  plannedId: string;
  kind: InspectionKind;
  dueAt: string;
  reason: PlanReason;
  riskClass: string | null;
  frequencyPerYear: number | null;
}

export interface ActionState {
  id: string;
  deadline: string;
  status: ActionStatus;
}

export interface SupervisionCarry {
  cycleId: string;
  phase: SupervisionPhase;
  plan: PlanState;
  lastInspectionAt: string | null;
  actions: ActionState[];
  seen: string[];
  clock: ClockAnchor;
  remindedFor: string | null;
  overdueFor: string | null;
  /** How many inspection cycles this supervision has run (one workflow run each). */
  round: number;
}

export interface SupervisionCycleInput {
  siteId: string;
  authorityCode: string;
  projectId?: string;
  permitType?: string;
  settings?: SupervisionSettings;
  carried?: SupervisionCarry;
  /** Reports that arrived while the previous run was ending. */
  pendingReports?: SupervisionReport[];
}

export interface SupervisionView {
  siteId: string;
  cycleId: string | null;
  phase: SupervisionPhase;
  plan: PlanState | null;
  lastInspectionAt: string | null;
  actions: ActionState[];
  round: number;
  /** The workflow's (possibly simulated) time. */
  now: string;
  allowed: SupervisionAction[];
}

export const supervisionCommandUpdate = defineUpdate<SupervisionView, [SupervisionCommand]>('supervisionCommand');
export const supervisionReportSignal = defineSignal<[SupervisionReport]>('supervisionReport');
export const supervisionStateQuery = defineQuery<SupervisionView>('supervisionState');
