/** The archive pages' shared types and the search form's query string (pure, no Svelte). */
export interface ArchiveRecordRow {
  recordType: string;
  count: number;
  disposal: 'delete' | 'anonymise' | 'permanent';
  retainUntil: string | null;
  disposedAt: string | null;
  holds: string;
  basis: string;
}

export interface ArchiveSummary {
  projectId: string;
  title: string;
  municipality: string;
  authorityCodes: string[];
  permitTypes: string[];
  closedAt: string;
  archivedAt: string;
  status: 'archived' | 'partiallyDisposed' | 'disposed';
  sha256: string;
  size: number;
  records: ArchiveRecordRow[];
}

export interface ArchiveFilters {
  q: string;
  municipality: string;
  permitType: string;
  from: string;
  to: string;
}

/** The search's query string: only the filters that are set, trimmed. */
export function archiveQuery(filters: ArchiveFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    const v = value.trim();
    if (v) params.set(key, v);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Where a record type stands: kept for good, waiting for its date, or disposed. */
export function recordState(r: ArchiveRecordRow): 'permanent' | 'retained' | 'disposed' {
  if (r.disposal === 'permanent') return 'permanent';
  return r.disposedAt ? 'disposed' : 'retained';
}
