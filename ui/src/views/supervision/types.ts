/** Shapes of the supervision API's answers as the UI reads them (api/supervision.ts, api/sites.ts). */
import type { PlanReason } from '../../../../domain/supervision';

export type { PlanReason };

/** GET /api/sites */
export interface SiteRow {
  id: string;
  name: string;
  address: string;
  municipality: string;
  targetGroup: string;
  riskModel: string;
  monthsOpen: number | null;
}

export interface PlanItem {
  id: string;
  kind: 'commissioning' | 'recurring' | 'followUp';
  dueAt: string;
  week: string;
  supervisor?: { name: string; email: string; phone: string };
  reason?: PlanReason;
}

export interface EvidenceRow {
  url: string;
  mediaType: string;
  caption?: string;
  submittedAt?: string;
}

export interface CorrectiveActionRow {
  id: string;
  description: string;
  deadline: string;
  status: 'open' | 'evidenceSubmitted' | 'accepted' | 'overdue';
  evidence: EvidenceRow[];
  reviewNote: string | null;
}

/** GET /api/sites/:id/supervision */
export interface Supervision {
  cycleId: string;
  workflowId: string;
  phase: 'commissioning' | 'supervising' | 'closed';
  authorityCode: string;
  projectId: string | null;
  startedAt: string;
  closedAt: string | null;
  closeReason: string | null;
  supervisor: { name: string; email: string; phone: string };
  lastInspectionAt: string | null;
  plan: PlanItem[];
  correctiveActions: CorrectiveActionRow[];
  assessment: {
    assessedAt: string;
    reason: string;
    model: string;
    classified: boolean;
    missing: string[];
    score: number | null;
    riskClass: string | null;
    band: string | null;
    frequencyPerYear: number | null;
  } | null;
  events: Array<{ type: string; at: string; payload: Record<string, unknown> }>;
}

/** GET /api/sites/:id/observations */
export interface ObservationRow {
  id: string;
  kind: 'selfMonitoring' | 'incident' | 'citizenObservation' | 'profileChange';
  description: string;
  deviation: boolean;
  nearMiss: boolean;
  observedAt: string;
  receivedAt: string;
  anonymous: boolean;
  reporter: { name: string; email?: string } | null;
  /** The report's photo, when it has one the viewer may see. */
  photoUrl?: string | null;
}

/** The answer of POST /api/sites/:id/supervision/commands (the workflow's view). */
export interface SupervisionView {
  phase: Supervision['phase'];
  plan: { plannedId: string; kind: PlanItem['kind']; dueAt: string; reason: PlanReason } | null;
  allowed: string[];
}

/** A live event in the site's room (activities/supervision.ts). */
export interface SiteEvent {
  siteId: string;
  cycleId: string;
  type: string;
  at: string;
  payload: Record<string, unknown>;
}
