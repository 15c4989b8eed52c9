import {
  allowedActions,
  assertAllowed,
  nextStep,
  TransitionRejected,
  type ProjectAction,
  type ProjectState,
} from '../../domain/permit-project';

const state = (over: Partial<ProjectState> = {}): ProjectState => ({
  step: 'advice',
  permits: [
    { permitType: 'noise', authorityCode: 'CITY', received: false },
    { permitType: 'event', authorityCode: 'POLICE', received: false },
  ],
  ...over,
});

describe('permit project rules', () => {
  it.each<[ProjectState['step'], ProjectAction, ProjectState['step']]>([
    ['advice', 'completeAdvice', 'draft'],
    ['draft', 'submitDraft', 'kickoff'],
    ['kickoff', 'holdKickoff', 'submission'],
    ['advice', 'cancel', 'cancelled'],
    ['processing', 'cancel', 'cancelled'],
  ])('in %s, %s leads to %s', (step, action, expected) => {
    const s = state({ step });
    expect(() => assertAllowed(s, action)).not.toThrow();
    expect(nextStep(s, action)).toBe(expected);
  });

  it('rejects an action outside its step and names the step and the allowed actions', () => {
    expect(() => assertAllowed(state(), 'decide', 'noise')).toThrow(TransitionRejected);
    expect(() => assertAllowed(state(), 'decide', 'noise')).toThrow(/step "advice".*completeAdvice, cancel/);
  });

  it('moves to processing only when every authority has confirmed receipt', () => {
    const s = state({ step: 'submission' });
    s.permits[0]!.received = true;
    expect(nextStep(s, 'confirmReceipt')).toBe('submission');
    s.permits[1]!.received = true;
    expect(nextStep(s, 'confirmReceipt')).toBe('processing');
  });

  it('completes only when every permit is decided', () => {
    const s = state({ step: 'processing' });
    s.permits[0]!.decision = 'approved';
    expect(nextStep(s, 'decide')).toBe('processing');
    s.permits[1]!.decision = 'rejected';
    expect(nextStep(s, 'decide')).toBe('completed');
  });

  it('refuses unknown permit sections and second decisions', () => {
    const s = state({ step: 'processing' });
    expect(() => assertAllowed(s, 'decide', 'building')).toThrow(/Unknown permit section "building"/);
    s.permits[0]!.decision = 'approved';
    expect(() => assertAllowed(s, 'decide', 'noise')).toThrow(/already decided/);
  });

  it('allows nothing after completion', () => {
    expect(allowedActions('completed')).toEqual([]);
  });
});
