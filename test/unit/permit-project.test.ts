import {
  allowedActions,
  assertAllowed,
  initialProjectState,
  nextStep,
  stepAfterSettlement,
  TransitionRejected,
  type ProjectAction,
  type ProjectState,
} from '../../domain/permit-project';

const state = (over: Partial<ProjectState> = {}): ProjectState => ({
  ...initialProjectState([
    { permitType: 'noise', authorityCode: 'CITY' },
    { permitType: 'public-event', authorityCode: 'POLICE' },
  ]),
  ...over,
});
const complete = { light: 'green' as const, complete: true, issues: 0 };
const confirmed = { dataSufficient: true, attends: false };

describe('permit project rules', () => {
  it.each<[ProjectState['step'], ProjectAction, Partial<ProjectState>, ProjectState['step']]>([
    ['advice', 'completeAdvice', {}, 'draft'],
    ['draft', 'submitDraft', { draft: complete }, 'kickoff'],
    ['draft', 'saveDraft', {}, 'draft'],
    [
      'kickoff',
      'holdKickoff',
      { kickoff: { confirmations: { CITY: confirmed, POLICE: confirmed }, scheduledAt: null } },
      'submission',
    ],
    ['submission', 'submit', { draft: complete }, 'submission'],
    ['advice', 'cancel', {}, 'cancelled'],
    ['processing', 'cancel', {}, 'cancelled'],
  ])('in %s, %s leads to %s', (step, action, over, expected) => {
    const s = state({ step, ...over });
    expect(() => assertAllowed(s, action)).not.toThrow();
    expect(nextStep(s, action)).toBe(expected);
  });

  it('rejects an action of another step, naming the step and what is allowed', () => {
    const s = state({ step: 'draft', draft: { light: 'red', complete: false, issues: 2 } });
    expect(() => assertAllowed(s, 'confirmReceipt', { permitType: 'noise' })).toThrow(TransitionRejected);
    expect(() => assertAllowed(s, 'confirmReceipt', { permitType: 'noise' })).toThrow(
      'Action "confirmReceipt" is not allowed in step "draft"; allowed: saveDraft, cancel',
    );
  });

  it('will not submit an incomplete draft and says why', () => {
    const s = state({ step: 'draft', draft: { light: 'red', complete: false, issues: 3 } });
    expect(() => assertAllowed(s, 'submitDraft')).toThrow(/3 open issue/);
    expect(allowedActions(s)).not.toContain('submitDraft');
  });

  it('holds the kickoff only when every authority confirmed the data and a time is agreed if anyone attends', () => {
    const half = state({ step: 'kickoff', kickoff: { confirmations: { CITY: confirmed }, scheduledAt: null } });
    expect(() => assertAllowed(half, 'holdKickoff')).toThrow(/POLICE/);
    const attends = state({
      step: 'kickoff',
      kickoff: {
        confirmations: { CITY: confirmed, POLICE: { dataSufficient: true, attends: true } },
        scheduledAt: null,
      },
    });
    expect(() => assertAllowed(attends, 'holdKickoff')).toThrow(/meeting time/);
    expect(() =>
      assertAllowed(
        { ...attends, kickoff: { ...attends.kickoff, scheduledAt: '2026-12-01T10:00:00Z' } },
        'holdKickoff',
      ),
    ).not.toThrow();
  });

  it('confirms receipt only after submission, once per permit, and moves to processing when all are received', () => {
    const s = state({ step: 'submission', draft: complete });
    expect(() => assertAllowed(s, 'confirmReceipt', { permitType: 'noise' })).toThrow(/not been submitted/);
    s.submitted = true;
    expect(() => assertAllowed(s, 'confirmReceipt', { permitType: 'elsewhere' })).toThrow(/Unknown permit section/);
    s.permits[0]!.received = true;
    expect(() => assertAllowed(s, 'confirmReceipt', { permitType: 'noise' })).toThrow(/already confirmed/);
    expect(nextStep(s, 'confirmReceipt')).toBe('submission');
    s.permits[1]!.received = true;
    expect(nextStep(s, 'confirmReceipt')).toBe('processing');
  });

  it('completes once every permit section has an outcome', () => {
    const s = state({ step: 'processing' });
    s.permits[0]!.outcome = 'final';
    expect(stepAfterSettlement(s)).toBe('processing');
    s.permits[1]!.outcome = 'notified';
    expect(stepAfterSettlement(s)).toBe('completed');
  });

  it('lets a cancelled project be cancelled again and nothing else', () => {
    expect(allowedActions(state({ step: 'cancelled' }))).toEqual(['cancel']);
    expect(allowedActions(state({ step: 'completed' }))).toEqual([]);
  });
});
