/** The project read model as GET /api/projects/:id returns it (the parts the UI uses). */
import type { ProjectDraft } from './draft-form';
import type { AdviceAnswers } from '../../../../domain/advice';

export interface Authority {
  id: string;
  code: string;
  nameFi: string;
  nameEn: string;
}
export interface Permit {
  id: string;
  permitType: string;
  step: string;
  status: string;
  caseNumber: string | null;
  /** The authority's own case-management system's number, once it acknowledged the submission (F37). */
  externalCaseNumber?: string | null;
  receivedAt: string | null;
  procedure: string;
  riskLevel: string | null;
  riskScore: number | null;
  priority: number | null;
  draftDecision: string | null;
  draftReview: { accepted: boolean; comment?: string } | null;
  decision: 'approved' | 'approvedWithConditions' | 'rejected' | null;
  conditions: string | null;
  signedBy: string | null;
  signedAt: string | null;
  documentHash: string | null;
  decidedAt: string | null;
  servedAt: string | null;
  appealEndsAt: string | null;
  finalAt: string | null;
  authority: Authority;
  forecastOverrides: Array<{ step: string; days: number; reason: string }>;
}
export interface InfoRequest {
  id: string;
  permitType: string;
  authorityCode: string;
  question: string;
  dueAt: string | null;
  answer: string | null;
  answeredAt: string | null;
  askedAt: string;
}
export interface Notice {
  id: string;
  permitType: string;
  opensAt: string;
  closesAt: string;
  closedAt: string | null;
  titleFi: string;
  titleEn: string;
}
export interface AgendaItem {
  id: string;
  title: string;
  notes?: string;
  by: string;
}
export interface Meeting {
  agenda: AgendaItem[];
  confirmations: Record<string, { dataSufficient: boolean; attends: boolean; note: string }>;
  scheduledAt: string | null;
  meetingUrl: string | null;
  heldAt: string | null;
  minutes: string | null;
}
export interface Project {
  id: string;
  title: string;
  description: string;
  municipality: string;
  step: string;
  status: string;
  organisationId: string;
  organisation: { id: string; name: string };
  adviceAnswers: AdviceAnswers | null;
  draft: ProjectDraft | null;
  redacted?: string[];
  submittedAt: string | null;
  cancelledAt: string | null;
  receiptNumber: string | null;
  permits: Permit[];
  infoRequests: InfoRequest[];
  notices: Notice[];
  meeting: Meeting | null;
}
export interface ProjectLive {
  step: string;
  allowed: string[];
  receiptNumber: string | null;
}
export interface SectionLive {
  step: string;
  ready: boolean;
  openInfoRequests: string[];
  notice: { opensAt: string; closesAt: string } | null;
  decision: string | null;
  appealEndsAt: string | null;
  allowed: string[];
}
export interface TimelineEvent {
  id: string;
  type: string;
  permitType: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}
