import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  Decision,
  DraftSummary,
  PermitOutcome,
  PermitSection,
  ProjectAction,
  ProjectState,
  ProjectStep,
} from '../../domain/permit-project';
import type { CommandMeta, WorkflowSettings } from '../shared/commands';

/** Input of permitProjectWorkflow; the API starts it with this. `carried` is set only by continue-as-new. */
export interface PermitProjectInput {
  projectId: string;
  permits: Array<Pick<PermitSection, 'permitType' | 'authorityCode'>>;
  settings?: WorkflowSettings;
  carried?: ProjectCarry;
}

export interface ProjectCarry {
  state: ProjectState;
  seen: string[];
  receiptNumber: string | null;
}

export type FieldValue = string | number | boolean | null;
export interface DraftPatch {
  common?: Record<string, FieldValue>;
  sections?: Record<string, Record<string, FieldValue>>;
  /** Mark or unmark field paths as trade secrets (visible only to the customer and the authorities). */
  secret?: { mark?: string[]; unmark?: string[] };
}

/** F04 questionnaire answers (validated by the API with the advice schema). */
export type AdviceAnswersInput = Record<string, unknown>;

export type ProjectCommandBody =
  | { action: 'answerAdvice'; answers: AdviceAnswersInput }
  | { action: 'completeAdvice'; previousProjectId?: string }
  | { action: 'saveDraft'; patch: DraftPatch }
  | { action: 'submitDraft' }
  | { action: 'editAgenda'; op: 'upsert' | 'remove'; item: { id: string; title: string; notes?: string }; by: string }
  | { action: 'confirmKickoff'; authorityCode: string; dataSufficient: boolean; attends: boolean; note?: string }
  | { action: 'scheduleKickoff'; at: string; meetingUrl?: string }
  | { action: 'holdKickoff'; minutes: string }
  | { action: 'submit' }
  | { action: 'confirmReceipt'; permitType: string; caseNumber: string }
  | { action: 'cancel'; reason?: string };

export type ProjectCommand = CommandMeta & ProjectCommandBody;

/** Sent by a permit section's workflow when it has ended. */
export interface PermitSettled {
  permitType: string;
  outcome: PermitOutcome;
  decision?: Decision;
}

export interface ProjectView {
  projectId: string;
  step: ProjectStep;
  permits: PermitSection[];
  draft: DraftSummary | null;
  submitted: boolean;
  allowed: readonly ProjectAction[];
  receiptNumber: string | null;
}

export const projectCommandUpdate = defineUpdate<ProjectView, [ProjectCommand]>('command');
export const permitSettledSignal = defineSignal<[PermitSettled]>('permitSettled');
export const stateQuery = defineQuery<ProjectView>('state');

export function projectWorkflowId(projectId: string): string {
  return `project-${projectId}`;
}
