/**
 * Retention of an archived permit project (F22): how long each record type is kept after the
 * project closed and what happens when that time ends. Pure (no I/O): the archive activity
 * computes each record type's `retainUntil` with these rules, the archive workflow sleeps until
 * those dates, and the disposal activity applies the same anonymisation to the stored rows and to
 * the stored package. The figures are the service's proposal for the authorities' records
 * management plans (arkistonmuodostussuunnitelma) to confirm; docs/adr/0012 gives the basis.
 */
import { addYears } from 'date-fns';

export const RECORD_TYPES = [
  'decision',
  'notice',
  'application',
  'document',
  'timeline',
  'message',
  'auditLog',
  'comment',
  'notification',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export type Disposal = 'delete' | 'anonymise' | 'permanent';

export interface RetentionRule {
  /** Years after the project closed; null for records kept permanently. */
  years: number | null;
  disposal: Disposal;
  /** What the record type holds, for the manifest and the UI. */
  holds: string;
  /** Why this period: the practice or provision it follows. */
  basis: string;
}

export const RETENTION: Record<RecordType, RetentionRule> = {
  decision: {
    years: null,
    disposal: 'permanent',
    holds: 'Permit sections with their decisions, conditions, signer, document hash, case numbers and dates',
    basis:
      'Permit decisions (e.g. environmental permits) are kept permanently under the Archives Act (831/1994) and the National Archives decisions on permanent retention',
  },
  notice: {
    years: null,
    disposal: 'permanent',
    holds: 'Public notices (kuulutus) with their impact areas and periods',
    basis: 'Part of the decision record: shows how and when the decision was made public',
  },
  application: {
    years: 10,
    disposal: 'delete',
    holds:
      'The application: project description, advice answers, the draft and its checks, information requests, the kickoff meeting, draft decisions',
    basis:
      'Application records: 10 years after the case closed, the usual period in the authorities\u2019 records management plans',
  },
  document: {
    years: 10,
    disposal: 'delete',
    holds: 'Workspace documents, every version and its stored content',
    basis: 'Attachments of the application: kept as long as the application',
  },
  timeline: {
    years: 10,
    disposal: 'delete',
    holds: 'Timeline events, planned and actual step dates, forecast overrides, view marks',
    basis: 'Case processing history: kept as long as the application',
  },
  message: {
    years: 6,
    disposal: 'anonymise',
    holds: 'Messages between the customer and the authorities, kickoff minutes',
    basis: 'Correspondence: 6 years (the general limitation of claims and liability), then the writers removed',
  },
  auditLog: {
    years: 6,
    disposal: 'delete',
    holds: 'Audit log entries of the project and its permit sections',
    basis: 'Log data (Act on Information Management in Public Administration 906/2019, s. 17): 6 years',
  },
  comment: {
    years: 2,
    disposal: 'anonymise',
    holds: 'Opinions, objections and the customer\u2019s replies given during hearings',
    basis:
      'Hearing opinions are needed while the decision can be appealed and the appeal is heard; after 2 years the names are removed (GDPR art. 5(1)(e)), the texts stay with the decision',
  },
  notification: {
    years: 2,
    disposal: 'delete',
    holds: 'Notifications and alerts sent about the project',
    basis: 'Delivery records: no use after the decision is final and any appeal decided',
  },
};

/** Per record type, seconds after closure instead of the years: tests and demos only. */
export type RetentionOverride = Partial<Record<RecordType, number>>;

export const isRecordType = (value: string): value is RecordType => (RECORD_TYPES as readonly string[]).includes(value);

/** When a record type's retention ends, null when it is kept permanently. */
export function retainUntil(type: RecordType, closedAt: Date, override: RetentionOverride = {}): Date | null {
  const rule = RETENTION[type];
  if (rule.disposal === 'permanent') return null;
  const seconds = override[type];
  if (seconds !== undefined) return new Date(closedAt.getTime() + seconds * 1000);
  return addYears(closedAt, rule.years!);
}

/** Problems in an override (each names the record type), empty when it is fine. */
export function overrideProblems(override: Record<string, unknown>): string[] {
  return Object.entries(override).flatMap(([type, seconds]) => {
    if (!isRecordType(type)) return [`${type}: not a record type (${RECORD_TYPES.join(', ')})`];
    if (RETENTION[type].disposal === 'permanent') return [`${type}: is kept permanently`];
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
      return [`${type}: must be a number of seconds, 0 or more`];
    return [];
  });
}

export interface ScheduledRecord {
  recordType: string;
  /** ISO time; null for permanent records. */
  retainUntil: string | null;
  disposedAt: string | null;
}

/**
 * The disposals still to do, one per distinct date in time order, so a workflow needs one timer
 * per date however many record types share it.
 */
export function disposalSchedule(records: readonly ScheduledRecord[]): Array<{ at: string; recordTypes: string[] }> {
  const byDate = new Map<number, string[]>();
  for (const r of records) {
    if (r.retainUntil === null || r.disposedAt !== null) continue;
    const at = Date.parse(r.retainUntil);
    byDate.set(at, [...(byDate.get(at) ?? []), r.recordType]);
  }
  return [...byDate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, recordTypes]) => ({ at: new Date(at).toISOString(), recordTypes: recordTypes.sort() }));
}

/** The package's status once some or all of its disposable records are gone. */
export function packageStatus(records: ReadonlyArray<{ disposal: string; disposedAt: Date | string | null }>) {
  const disposable = records.filter((r) => r.disposal !== 'permanent');
  const done = disposable.filter((r) => r.disposedAt !== null).length;
  if (done === 0) return 'archived';
  return done === disposable.length ? 'disposed' : 'partiallyDisposed';
}

/** The name that replaces a person's in anonymised records. */
export const ANONYMISED = 'anonymised';

/** An anonymised hearing comment: the writer's name gone, the text stays with the decision. */
export function anonymiseComment<T extends { authorName: string; anonymous: boolean }>(c: T): T {
  return { ...c, authorName: ANONYMISED, anonymous: true };
}

/** An anonymised message: who wrote it and for whom gone; the side (customer/authority) stays. */
export function anonymiseMessage<T extends { author: string; authorId: string | null; onBehalfOfId: string | null }>(
  m: T,
): T {
  return { ...m, author: ANONYMISED, authorId: null, onBehalfOfId: null };
}

/**
 * A comment's timeline event or audit entry with the writer's name anonymised: the name given
 * with a (non-anonymous) comment is also in the 'comment' event's payload and its audit details.
 */
export function anonymiseCommentEvent<T extends Record<string, unknown>>(
  entry: T,
  kindKey: 'type' | 'action',
  dataKey: 'payload' | 'details',
): T {
  const data = entry[dataKey] as Record<string, unknown> | null | undefined;
  if (entry[kindKey] !== 'comment' || !data || typeof data.authorName !== 'string') return entry;
  return { ...entry, [dataKey]: { ...data, authorName: ANONYMISED } };
}
