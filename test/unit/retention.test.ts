import { addYears } from 'date-fns';
import {
  ANONYMISED,
  RECORD_TYPES,
  RETENTION,
  anonymiseComment,
  anonymiseCommentEvent,
  anonymiseMessage,
  disposalSchedule,
  overrideProblems,
  packageStatus,
  retainUntil,
} from '../../domain/retention';
import { disposeInPackage, type ArchivePackageContent } from '../../activities/archive';
import { loadConfig } from '../../platform/config';

const closedAt = new Date('2026-03-15T10:00:00Z');

describe('retention table', () => {
  it('gives every record type a disposal, a period unless permanent, and a basis', () => {
    for (const type of RECORD_TYPES) {
      const rule = RETENTION[type];
      expect(rule.basis.length).toBeGreaterThan(20);
      expect(rule.years === null).toBe(rule.disposal === 'permanent');
    }
    expect(RETENTION.decision.disposal).toBe('permanent');
    expect(RETENTION.comment.disposal).toBe('anonymise');
  });

  it.each(RECORD_TYPES.filter((t) => RETENTION[t].years !== null))('%s is kept its years after closure', (type) => {
    expect(retainUntil(type, closedAt)).toEqual(addYears(closedAt, RETENTION[type].years!));
  });

  it('keeps permanent records without an end, even with an override', () => {
    expect(retainUntil('decision', closedAt, { comment: 1 })).toBeNull();
    expect(retainUntil('notice', closedAt)).toBeNull();
  });

  it('counts an override in seconds from closure, for that record type only', () => {
    const override = { comment: 30, message: 0 };
    expect(retainUntil('comment', closedAt, override)).toEqual(new Date(closedAt.getTime() + 30_000));
    expect(retainUntil('message', closedAt, override)).toEqual(closedAt);
    expect(retainUntil('auditLog', closedAt, override)).toEqual(addYears(closedAt, RETENTION.auditLog.years!));
  });

  it('names what is wrong in an override', () => {
    expect(overrideProblems({ comment: 5, timeline: 10 })).toEqual([]);
    expect(overrideProblems({ nonsense: 5 })[0]).toMatch(/^nonsense: not a record type/);
    expect(overrideProblems({ decision: 5 })).toEqual(['decision: is kept permanently']);
    expect(overrideProblems({ comment: -1 })).toEqual(['comment: must be a number of seconds, 0 or more']);
    expect(overrideProblems({ comment: '5' })).toEqual(['comment: must be a number of seconds, 0 or more']);
  });

  it('reads the override from the configuration, refusing a bad one with the variable named', () => {
    expect(
      loadConfig({ ARCHIVE_RETENTION_OVERRIDE_SECONDS: '{"comment":5}' }).ARCHIVE_RETENTION_OVERRIDE_SECONDS,
    ).toEqual({ comment: 5 });
    expect(() => loadConfig({ ARCHIVE_RETENTION_OVERRIDE_SECONDS: '{"decision":5}' })).toThrow(
      /ARCHIVE_RETENTION_OVERRIDE_SECONDS: decision: is kept permanently/,
    );
    expect(() => loadConfig({ ARCHIVE_RETENTION_OVERRIDE_SECONDS: '[1]' })).toThrow(
      /ARCHIVE_RETENTION_OVERRIDE_SECONDS/,
    );
    expect(() => loadConfig({ SECURITY_EVENT_RETENTION_DAYS: '0' })).toThrow(/SECURITY_EVENT_RETENTION_DAYS/);
  });
});

describe('disposal schedule', () => {
  const at = (s: number) => new Date(closedAt.getTime() + s * 1000).toISOString();
  it('groups the record types due at the same moment, in time order, skipping permanent and disposed ones', () => {
    const records = [
      { recordType: 'timeline', retainUntil: at(30), disposedAt: null },
      { recordType: 'comment', retainUntil: at(10), disposedAt: null },
      { recordType: 'decision', retainUntil: null, disposedAt: null },
      { recordType: 'notification', retainUntil: at(10), disposedAt: null },
      { recordType: 'application', retainUntil: at(30), disposedAt: null },
      { recordType: 'message', retainUntil: at(20), disposedAt: at(21) },
    ];
    expect(disposalSchedule(records)).toEqual([
      { at: at(10), recordTypes: ['comment', 'notification'] },
      { at: at(30), recordTypes: ['application', 'timeline'] },
    ]);
  });

  it('needs no timer when everything is permanent or done', () => {
    expect(disposalSchedule([{ recordType: 'decision', retainUntil: null, disposedAt: null }])).toEqual([]);
  });

  it('reports the package as archived, partially disposed or disposed; permanent records never count', () => {
    const r = (disposal: string, disposedAt: Date | null) => ({ disposal, disposedAt });
    expect(packageStatus([r('permanent', null), r('delete', null)])).toBe('archived');
    expect(packageStatus([r('permanent', null), r('delete', closedAt), r('anonymise', null)])).toBe(
      'partiallyDisposed',
    );
    expect(packageStatus([r('permanent', null), r('delete', closedAt), r('anonymise', closedAt)])).toBe('disposed');
  });
});

describe('anonymisation', () => {
  it('removes the writer of a comment and of a message, keeping the text', () => {
    expect(anonymiseComment({ authorName: 'Riikka Rantanen', anonymous: false, text: 'Too loud' })).toEqual({
      authorName: ANONYMISED,
      anonymous: true,
      text: 'Too loud',
    });
    expect(
      anonymiseMessage({ author: 'Olli', authorId: 'u1', onBehalfOfId: 'o1', side: 'customer', body: 'Hi' }),
    ).toEqual({ author: ANONYMISED, authorId: null, onBehalfOfId: null, side: 'customer', body: 'Hi' });
  });

  it('removes a named commenter from the comment event and audit entry only', () => {
    const comment = { type: 'comment', payload: { authorName: 'Riikka', text: 'x' } };
    const decide = { type: 'decide', payload: { authorName: 'Not a commenter' } };
    const anonymous = { type: 'comment', payload: { authorName: null, text: 'x' } };
    expect(anonymiseCommentEvent(comment, 'type', 'payload').payload.authorName).toBe(ANONYMISED);
    expect(anonymiseCommentEvent(decide, 'type', 'payload')).toBe(decide);
    expect(anonymiseCommentEvent(anonymous, 'type', 'payload')).toBe(anonymous);
    const audit = { action: 'comment', details: { authorName: 'Riikka' } };
    expect(anonymiseCommentEvent(audit, 'action', 'details').details.authorName).toBe(ANONYMISED);
  });
});

describe('disposal in the stored package', () => {
  const content = (): ArchivePackageContent => ({
    format: 'permit-archive/1',
    projectId: 'p1',
    closedAt: closedAt.toISOString(),
    archivedAt: closedAt.toISOString(),
    project: { id: 'p1' },
    retention: {},
    records: {
      decision: [{ permitType: 'noise', decision: 'approved', text: 'Decision' }],
      notice: [{ id: 'n1' }],
      application: { draft: { common: { contactName: 'Olli' } } },
      document: [{ id: 'd1' }],
      timeline: { events: [{ type: 'comment', payload: { authorName: 'Riikka' } }], steps: [] },
      message: [{ author: 'Olli', authorId: 'u1', onBehalfOfId: null, body: 'Hi' }],
      auditLog: [{ action: 'comment', details: { authorName: 'Riikka' } }],
      comment: [{ authorName: 'Riikka', anonymous: false, text: 'Too loud' }],
      notification: { notifications: [], alerts: [] },
    },
    disposed: {},
  });
  const at = new Date('2028-03-15T10:00:00Z');

  it('deletes exactly the record type that is due and records when', () => {
    const after = disposeInPackage(content(), 'application', at);
    expect(after.records.application).toBeNull();
    expect({ ...after.records, application: content().records.application }).toEqual(content().records);
    expect(after.disposed).toEqual({ application: { at: at.toISOString(), disposal: 'delete' } });
  });

  it('anonymises comments everywhere the name was, and nothing else', () => {
    const after = disposeInPackage(content(), 'comment', at);
    expect(JSON.stringify(after.records)).not.toContain('Riikka');
    expect(after.records.message).toEqual(content().records.message);
    expect(after.records.decision).toEqual(content().records.decision);
  });

  it('anonymises messages and keeps their bodies', () => {
    const after = disposeInPackage(content(), 'message', at);
    expect(after.records.message).toEqual([{ author: ANONYMISED, authorId: null, onBehalfOfId: null, body: 'Hi' }]);
    expect(JSON.stringify(after.records.comment)).toContain('Riikka');
  });
});
