import {
  allowedSectionActions,
  assertSectionAllowed,
  initialSectionState,
  nextSectionStep,
  noticeOpen,
  type SectionState,
} from '../../domain/permit-section';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const hearing = (over: Partial<SectionState> = {}): SectionState => ({
  ...initialSectionState(true),
  step: 'hearing',
  notice: { opensAt: '2026-11-22T10:00:00Z', closesAt: '2026-11-22T11:00:00Z' },
  ...over,
});

describe('permit section rules', () => {
  it('decide before the hearing is rejected, naming the step and the allowed actions', () => {
    const s = initialSectionState(true);
    expect(() => assertSectionAllowed(s, 'decide', { now: T0 })).toThrow(
      'Action "decide" is not allowed in step "processing"; allowed: requestInfo, startHearing, cancel',
    );
  });

  it.each<[number, boolean]>([
    [T0 - 1, false],
    [T0, true],
    [T0 + 3_599_999, true],
    [T0 + 3_600_000, false],
    [T0 + 3_601_000, false],
  ])('a comment at %d is accepted: %s (open_at <= now < close_at)', (now, open) => {
    expect(noticeOpen(hearing(), now)).toBe(open);
    const attempt = () => assertSectionAllowed(hearing(), 'comment', { now });
    if (open) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(/notice period is closed/);
  });

  it('comments are refused outside the hearing step even within the dates', () => {
    expect(noticeOpen(hearing({ step: 'replies' }), T0 + 1000)).toBe(false);
  });

  it('open information requests block the hearing, the draft and the decision', () => {
    const s = { ...initialSectionState(true), openInfoRequests: ['r1'] };
    expect(() => assertSectionAllowed(s, 'startHearing', { now: T0 })).toThrow(/1 information request/);
    expect(allowedSectionActions(s, T0)).toEqual(['requestInfo', 'answerInfo', 'cancel']);
    expect(() => assertSectionAllowed(s, 'answerInfo', { now: T0, requestId: 'r2' })).toThrow(/not open/);
    expect(() => assertSectionAllowed(s, 'answerInfo', { now: T0, requestId: 'r1' })).not.toThrow();
  });

  it('a type without hearing goes from processing to the draft decision', () => {
    const s = initialSectionState(false);
    expect(() => assertSectionAllowed(s, 'startHearing', { now: T0 })).toThrow(/no public hearing/);
    expect(nextSectionStep(s, 'proposeDraft')).toBe('draftReview');
  });

  it('a notice period must end in the future', () => {
    const s = initialSectionState(true);
    expect(() => assertSectionAllowed(s, 'startHearing', { now: T0, closesAt: '2026-11-22T09:59:59Z' })).toThrow(
      /end in the future/,
    );
  });

  it('follows review → decision → service', () => {
    const review = { ...initialSectionState(false), step: 'draftReview' as const };
    expect(nextSectionStep(review, 'reviewDraft', false)).toBe('decision');
    expect(nextSectionStep({ ...review, step: 'decision' }, 'decide')).toBe('service');
    expect(allowedSectionActions({ ...review, step: 'final' }, T0)).toEqual([]);
  });
});
