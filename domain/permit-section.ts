/**
 * Pure rules of one permit section's own cycle (no I/O): processing with information
 * requests (F14), public hearing (F18/F23), the customer's replies, draft-decision review,
 * decision (F17/F31), service (F19) and the appeal period; or the low-risk notification
 * procedure (F16) that goes straight to supervision.
 */
import { TransitionRejected, type Decision } from './permit-project';

export const SECTION_STEPS = [
  'processing',
  'hearing',
  'replies',
  'draftReview',
  'decision',
  'service',
  'appeal',
  'final',
  'notified',
  'cancelled',
] as const;
export type SectionStep = (typeof SECTION_STEPS)[number];

export const SECTION_ACTIONS = [
  'requestInfo',
  'answerInfo',
  'startHearing',
  'comment',
  'reply',
  'closeReplies',
  'proposeDraft',
  'reviewDraft',
  'decide',
  'cancel',
] as const;
export type SectionAction = (typeof SECTION_ACTIONS)[number];

export interface SectionState {
  step: SectionStep;
  hearingRequired: boolean;
  openInfoRequests: string[];
  notice: { opensAt: string; closesAt: string } | null;
  decision: Decision | null;
}

const INFO: readonly SectionAction[] = ['requestInfo', 'answerInfo'];
const ACTIONS_BY_STEP: Record<SectionStep, readonly SectionAction[]> = {
  processing: [...INFO, 'startHearing', 'proposeDraft', 'cancel'],
  hearing: [...INFO, 'comment', 'cancel'],
  replies: [...INFO, 'reply', 'closeReplies', 'cancel'],
  draftReview: [...INFO, 'reviewDraft', 'proposeDraft', 'cancel'],
  decision: ['decide', 'proposeDraft', 'cancel'],
  service: ['cancel'],
  appeal: ['cancel'],
  final: [],
  notified: [],
  cancelled: ['cancel'],
};

export interface SectionCommandContext {
  /** Workflow time in epoch milliseconds. */
  now: number;
  requestId?: string;
  closesAt?: string;
}

export function initialSectionState(hearingRequired: boolean): SectionState {
  return { step: 'processing', hearingRequired, openInfoRequests: [], notice: null, decision: null };
}

/** A hearing accepts comments only while open_at <= now < close_at and it has not been closed. */
export function noticeOpen(state: SectionState, now: number): boolean {
  if (state.step !== 'hearing' || !state.notice) return false;
  return Date.parse(state.notice.opensAt) <= now && now < Date.parse(state.notice.closesAt);
}

function guard(state: SectionState, action: SectionAction, ctx: SectionCommandContext): string | null {
  const blockedByInfo =
    state.openInfoRequests.length > 0
      ? `${state.openInfoRequests.length} information request(s) are still unanswered`
      : null;
  switch (action) {
    case 'answerInfo':
      if (state.openInfoRequests.length === 0) return 'There is no open information request';
      return ctx.requestId === undefined || state.openInfoRequests.includes(ctx.requestId)
        ? null
        : `Information request "${ctx.requestId}" is not open`;
    case 'startHearing':
      if (!state.hearingRequired) return 'This permit type has no public hearing: propose the draft decision';
      if (blockedByInfo) return blockedByInfo;
      return ctx.closesAt === undefined || Date.parse(ctx.closesAt) > ctx.now
        ? null
        : 'The notice period must end in the future';
    case 'proposeDraft':
      if (state.step === 'processing' && state.hearingRequired) return 'Hold the public hearing first';
      return blockedByInfo;
    case 'decide':
      return blockedByInfo;
    case 'comment':
      return noticeOpen(state, ctx.now) ? null : 'The notice period is closed';
    default:
      return null;
  }
}

export function allowedSectionActions(state: SectionState, now: number): readonly SectionAction[] {
  return ACTIONS_BY_STEP[state.step].filter((action) => guard(state, action, { now }) === null);
}

/** Throws TransitionRejected (naming the step and the allowed actions) when the action does not fit. */
export function assertSectionAllowed(state: SectionState, action: SectionAction, ctx: SectionCommandContext): void {
  const allowed = () => allowedSectionActions(state, ctx.now);
  if (!ACTIONS_BY_STEP[state.step].includes(action)) throw new TransitionRejected(state.step, action, allowed());
  const reason = guard(state, action, ctx);
  if (reason) throw new TransitionRejected(state.step, action, allowed(), reason);
}

/** The step after an accepted command (timers move hearing → replies and appeal → final). */
export function nextSectionStep(state: SectionState, action: SectionAction, accepted?: boolean): SectionStep {
  switch (action) {
    case 'startHearing':
      return 'hearing';
    case 'closeReplies':
      return 'draftReview';
    case 'proposeDraft':
      return 'draftReview';
    case 'reviewDraft':
      // The customer accepts the draft or comments on it; either way the decision-maker decides next.
      return accepted === undefined ? state.step : 'decision';
    case 'decide':
      return 'service';
    case 'cancel':
      return 'cancelled';
    default:
      return state.step;
  }
}

export function sectionSettled(step: SectionStep): boolean {
  return step === 'final' || step === 'notified' || step === 'cancelled';
}
