/**
 * Pure rules of a permit project's steps (no I/O). The workflow and the API both use
 * these, so "what may happen next" is decided in one place.
 */
export const PROJECT_STEPS = [
  'advice',
  'draft',
  'kickoff',
  'submission',
  'processing',
  'completed',
  'cancelled',
] as const;
export type ProjectStep = (typeof PROJECT_STEPS)[number];

export const PROJECT_ACTIONS = [
  'completeAdvice',
  'submitDraft',
  'holdKickoff',
  'confirmReceipt',
  'decide',
  'cancel',
] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

export type Decision = 'approved' | 'approvedWithConditions' | 'rejected';

export interface PermitSection {
  permitType: string;
  authorityCode: string;
  received: boolean;
  decision?: Decision;
}

export interface ProjectState {
  step: ProjectStep;
  permits: PermitSection[];
}

const ACTIONS_BY_STEP: Record<ProjectStep, readonly ProjectAction[]> = {
  advice: ['completeAdvice', 'cancel'],
  draft: ['submitDraft', 'cancel'],
  kickoff: ['holdKickoff', 'cancel'],
  submission: ['confirmReceipt', 'cancel'],
  processing: ['decide', 'cancel'],
  completed: [],
  cancelled: ['cancel'],
};

export function allowedActions(step: ProjectStep): readonly ProjectAction[] {
  return ACTIONS_BY_STEP[step];
}

export class TransitionRejected extends Error {
  override readonly name = 'TransitionRejected';
  constructor(
    readonly step: ProjectStep,
    readonly action: ProjectAction,
    reason?: string,
  ) {
    super(
      reason ??
        `Action "${action}" is not allowed in step "${step}"; allowed: ${allowedActions(step).join(', ') || 'none'}`,
    );
  }
}

/** Throws TransitionRejected when the action does not fit the state; returns nothing otherwise. */
export function assertAllowed(state: ProjectState, action: ProjectAction, permitType?: string): void {
  if (!allowedActions(state.step).includes(action)) throw new TransitionRejected(state.step, action);
  if (action === 'confirmReceipt' || action === 'decide') {
    const permit = state.permits.find((p) => p.permitType === permitType);
    if (!permit) {
      throw new TransitionRejected(state.step, action, `Unknown permit section "${permitType ?? ''}"`);
    }
    if (action === 'confirmReceipt' && permit.received) {
      throw new TransitionRejected(state.step, action, `Receipt of "${permit.permitType}" is already confirmed`);
    }
    if (action === 'decide' && permit.decision) {
      throw new TransitionRejected(state.step, action, `Permit "${permit.permitType}" is already decided`);
    }
  }
}

/** The step that follows once an allowed action has been applied. */
export function nextStep(state: ProjectState, action: ProjectAction): ProjectStep {
  switch (action) {
    case 'completeAdvice':
      return 'draft';
    case 'submitDraft':
      return 'kickoff';
    case 'holdKickoff':
      return 'submission';
    case 'confirmReceipt':
      return state.permits.every((p) => p.received) ? 'processing' : 'submission';
    case 'decide':
      return state.permits.every((p) => p.decision) ? 'completed' : 'processing';
    case 'cancel':
      return 'cancelled';
  }
}
