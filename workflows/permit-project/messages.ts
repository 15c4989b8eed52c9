import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Decision, PermitSection, ProjectStep } from '../../domain/permit-project';

/** Input of permitProjectWorkflow; the API starts it with this. */
export interface PermitProjectInput {
  projectId: string;
  permits: Array<Pick<PermitSection, 'permitType' | 'authorityCode'>>;
}

export interface CommandMeta {
  idempotencyKey: string;
  actorId?: string;
  onBehalfOfId?: string;
}

export interface AdvanceCommand extends CommandMeta {
  action: 'completeAdvice' | 'submitDraft' | 'holdKickoff';
}
export interface ConfirmReceiptCommand extends CommandMeta {
  permitType: string;
  caseNumber: string;
}
export interface DecideCommand extends CommandMeta {
  permitType: string;
  decision: Decision;
}

export interface ProjectView {
  projectId: string;
  step: ProjectStep;
  permits: PermitSection[];
}

export const advanceUpdate = defineUpdate<ProjectView, [AdvanceCommand]>('advance');
export const confirmReceiptUpdate = defineUpdate<ProjectView, [ConfirmReceiptCommand]>('confirmReceipt');
export const decideUpdate = defineUpdate<ProjectView, [DecideCommand]>('decide');
export const cancelUpdate = defineUpdate<ProjectView, [CommandMeta]>('cancel');
export const stateQuery = defineQuery<ProjectView>('state');
