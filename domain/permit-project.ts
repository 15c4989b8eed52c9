/**
 * Pure rules of a permit project's steps (no I/O). The workflow validates updates with
 * these and the API reports the same allowed actions, so "what may happen next" is
 * decided in one place.
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
  'answerAdvice',
  'completeAdvice',
  'saveDraft',
  'submitDraft',
  'editAgenda',
  'confirmKickoff',
  'scheduleKickoff',
  'holdKickoff',
  'submit',
  'confirmReceipt',
  'cancel',
] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

export type Decision = 'approved' | 'approvedWithConditions' | 'rejected';

/** How a permit section ended: a final decision, the low-risk notification path, or cancellation. */
export type PermitOutcome = 'final' | 'notified' | 'cancelled';

export interface PermitSection {
  permitType: string;
  authorityCode: string;
  received: boolean;
  caseNumber?: string;
  outcome?: PermitOutcome;
  decision?: Decision;
}

export interface DraftSummary {
  light: 'green' | 'amber' | 'red';
  complete: boolean;
  issues: number;
}

export interface KickoffConfirmation {
  dataSufficient: boolean;
  attends: boolean;
}

export interface ProjectState {
  step: ProjectStep;
  permits: PermitSection[];
  draft: DraftSummary | null;
  kickoff: { confirmations: Record<string, KickoffConfirmation>; scheduledAt: string | null };
  submitted: boolean;
}

/** Norm durations of the project-level steps in days, used for the plan until history exists. */
export const PROJECT_STEP_NORM_DAYS: Record<'advice' | 'draft' | 'kickoff' | 'submission', number> = {
  advice: 7,
  draft: 21,
  kickoff: 14,
  submission: 5,
};

const ACTIONS_BY_STEP: Record<ProjectStep, readonly ProjectAction[]> = {
  advice: ['answerAdvice', 'completeAdvice', 'cancel'],
  draft: ['saveDraft', 'submitDraft', 'cancel'],
  kickoff: ['saveDraft', 'editAgenda', 'confirmKickoff', 'scheduleKickoff', 'holdKickoff', 'cancel'],
  submission: ['saveDraft', 'submit', 'confirmReceipt', 'cancel'],
  processing: ['cancel'],
  completed: [],
  cancelled: ['cancel'],
};

export function initialProjectState(permits: Array<Pick<PermitSection, 'permitType' | 'authorityCode'>>): ProjectState {
  return {
    step: 'advice',
    permits: permits.map((p) => ({ permitType: p.permitType, authorityCode: p.authorityCode, received: false })),
    draft: null,
    kickoff: { confirmations: {}, scheduledAt: null },
    submitted: false,
  };
}

/** The actions of the step that the state's guards accept right now. */
export function allowedActions(state: ProjectState): readonly ProjectAction[] {
  return ACTIONS_BY_STEP[state.step].filter((action) => guard(state, action, {}) === null);
}

export class TransitionRejected extends Error {
  override readonly name = 'TransitionRejected';
  constructor(
    readonly step: string,
    readonly action: string,
    readonly allowed: readonly string[],
    reason?: string,
  ) {
    super(
      reason
        ? `${reason} (step "${step}"; allowed: ${allowed.join(', ') || 'none'})`
        : `Action "${action}" is not allowed in step "${step}"; allowed: ${allowed.join(', ') || 'none'}`,
    );
  }
}

export interface ProjectCommandContext {
  permitType?: string;
  authorityCode?: string;
}

/** Why the action does not fit the state, or null when it does. */
function guard(state: ProjectState, action: ProjectAction, ctx: ProjectCommandContext): string | null {
  const authorities = new Set(state.permits.map((p) => p.authorityCode));
  switch (action) {
    case 'completeAdvice':
      return state.permits.length > 0 ? null : 'The advice found no permits: answer the questionnaire first';
    case 'submitDraft':
    case 'submit':
      if (action === 'submit' && state.submitted) return 'The application is already submitted';
      if (!state.draft) return 'The draft has not been saved yet';
      return state.draft.complete
        ? null
        : `The draft has ${state.draft.issues} open issue(s): fill the required fields and resolve obstacles`;
    case 'saveDraft':
      return state.step === 'submission' && state.submitted ? 'The application is already submitted' : null;
    case 'confirmKickoff':
      if (ctx.authorityCode === undefined) return null;
      return authorities.has(ctx.authorityCode)
        ? null
        : `Authority "${ctx.authorityCode}" has no permit in this project`;
    case 'holdKickoff': {
      const missing = [...authorities].filter((a) => !state.kickoff.confirmations[a]?.dataSufficient);
      if (missing.length > 0) return `Authorities have not confirmed the data is sufficient: ${missing.join(', ')}`;
      const anyAttends = Object.values(state.kickoff.confirmations).some((c) => c.attends);
      return anyAttends && !state.kickoff.scheduledAt ? 'Agree the meeting time first' : null;
    }
    case 'confirmReceipt': {
      if (!state.submitted) return 'The application has not been submitted yet';
      if (ctx.permitType === undefined) return null;
      const permit = state.permits.find((p) => p.permitType === ctx.permitType);
      if (!permit) return `Unknown permit section "${ctx.permitType}"`;
      return permit.received ? `Receipt of "${permit.permitType}" is already confirmed` : null;
    }
    default:
      return null;
  }
}

/** Throws TransitionRejected (naming the step and the allowed actions) when the action does not fit. */
export function assertAllowed(state: ProjectState, action: ProjectAction, ctx: ProjectCommandContext = {}): void {
  if (!ACTIONS_BY_STEP[state.step].includes(action)) {
    throw new TransitionRejected(state.step, action, allowedActions(state));
  }
  const reason = guard(state, action, ctx);
  if (reason) throw new TransitionRejected(state.step, action, allowedActions(state), reason);
}

/** The step that follows once an allowed action has been applied to the state. */
export function nextStep(state: ProjectState, action: ProjectAction): ProjectStep {
  switch (action) {
    case 'completeAdvice':
      return 'draft';
    case 'submitDraft':
      return 'kickoff';
    case 'holdKickoff':
      return 'submission';
    case 'confirmReceipt':
      return state.permits.every((p) => p.received) ? 'processing' : state.step;
    case 'cancel':
      return 'cancelled';
    default:
      return state.step;
  }
}

/** After a permit section has ended: the project is complete once every section has. */
export function stepAfterSettlement(state: ProjectState): ProjectStep {
  if (state.step === 'cancelled') return 'cancelled';
  return state.permits.every((p) => p.outcome) ? 'completed' : state.step;
}
