import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Decision } from '../../domain/permit-project';
import type { SectionAction, SectionState, SectionStep } from '../../domain/permit-section';
import type { CommandMeta, WorkflowSettings } from '../shared/commands';

/** The impact area of a public notice: a GeoJSON polygon, or a centre and a radius in metres. */
export type ImpactArea =
  { type: 'Polygon'; coordinates: number[][][] } | { type: 'Circle'; center: [number, number]; radiusMeters: number };

export type SectionCommandBody =
  | { action: 'requestInfo'; authorityCode: string; question: string; dueAt?: string }
  | { action: 'answerInfo'; requestId: string; answer: string }
  | {
      action: 'startHearing';
      closesAt: string;
      titleFi: string;
      titleEn: string;
      textFi: string;
      textEn: string;
      area: ImpactArea;
    }
  | { action: 'comment'; kind: 'opinion' | 'objection'; authorName: string; anonymous: boolean; text: string }
  | { action: 'reply'; text: string; replyToId?: string }
  | { action: 'closeReplies' }
  | { action: 'proposeDraft'; text: string }
  | { action: 'reviewDraft'; accepted: boolean; comment?: string }
  | { action: 'decide'; decision: Decision; conditions?: string; text: string; signedBy: string }
  | { action: 'cancel'; reason?: string };

export type SectionCommand = CommandMeta & SectionCommandBody;

/** Input of permitSectionWorkflow; started by the project when an authority confirms receipt. */
export interface PermitSectionInput {
  projectId: string;
  permitType: string;
  authorityCode: string;
  parentWorkflowId: string;
  settings?: WorkflowSettings;
  carried?: SectionCarry;
}

export interface SectionCarry {
  state: SectionState;
  seen: string[];
  appealEndsAt: string | null;
  appealDays: number;
}

export interface SectionView {
  projectId: string;
  permitType: string;
  step: SectionStep;
  /** False until the risk profile and plan are written (the first moments after receipt). */
  ready: boolean;
  openInfoRequests: string[];
  notice: SectionState['notice'];
  decision: Decision | null;
  appealEndsAt: string | null;
  allowed: readonly SectionAction[];
  /** Set on commands that create something (an information request, a comment). */
  createdId?: string;
}

export const sectionCommandUpdate = defineUpdate<SectionView, [SectionCommand]>('command');
export const sectionStateQuery = defineQuery<SectionView>('state');

export function sectionWorkflowId(projectId: string, permitType: string): string {
  return `project-${projectId}-permit-${permitType}`;
}
