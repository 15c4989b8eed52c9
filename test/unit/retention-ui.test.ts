/** The archive pages' pure helpers (ui/src/views/archive/archive.ts). */
import { archiveQuery, recordState, type ArchiveRecordRow } from '../../ui/src/views/archive/archive';

const row = (over: Partial<ArchiveRecordRow>): ArchiveRecordRow => ({
  recordType: 'comment',
  count: 1,
  disposal: 'anonymise',
  retainUntil: '2028-03-15T10:00:00.000Z',
  disposedAt: null,
  holds: '',
  basis: '',
  ...over,
});

describe('archive search query', () => {
  it('sends only the filters that are set, trimmed and encoded', () => {
    expect(
      archiveQuery({ q: '  kesäkonsertti ', municipality: '', permitType: 'noise', from: '', to: '2026-12-31' }),
    ).toBe('?q=kes%C3%A4konsertti&permitType=noise&to=2026-12-31');
  });

  it('sends nothing when no filter is set', () => {
    expect(archiveQuery({ q: ' ', municipality: '', permitType: '', from: '', to: '' })).toBe('');
  });
});

describe('record state', () => {
  it.each([
    [{ disposal: 'permanent', retainUntil: null } as const, 'permanent'],
    [{}, 'retained'],
    [{ disposedAt: '2028-03-15T10:00:01.000Z' }, 'disposed'],
  ])('%o is %s', (over, state) => {
    expect(recordState(row(over))).toBe(state);
  });
});
