/**
 * Archiving (F22): a closed project becomes one package — its structured data, document
 * metadata with content hashes and storage keys, decisions, the audit log — stored as JSON with
 * its SHA-256, one ArchiveRecord per record type with its retention, and an authority-only search
 * document. When a record type's retention ends, exactly that type of exactly that project is
 * deleted or anonymised, in the rows and in the stored package, in one transaction.
 *
 * Both activities are idempotent: the package is written once per project (a retry returns the
 * first one), and a record type already disposed is skipped.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Prisma } from '../prisma/generated/client';
import type { Db, Tx } from '../platform/db';
import {
  RECORD_TYPES,
  RETENTION,
  anonymiseComment,
  anonymiseCommentEvent,
  ANONYMISED,
  anonymiseMessage,
  isRecordType,
  packageStatus,
  retainUntil,
  type RecordType,
  type RetentionOverride,
  type ScheduledRecord,
} from '../domain/retention';
import type { ActivityDeps } from './types';
import { auditChange, isUniqueViolation } from './timeline';

/** Tuning of archiving: production leaves it empty. */
export interface ArchiveSettings {
  /** Seconds after closure per record type instead of the retention table's years (tests, demos). */
  retentionOverrideSeconds?: RetentionOverride;
}

export interface ArchiveProjectInput {
  projectId: string;
  /** When the project closed (the project workflow's time): retention is counted from it. */
  closedAt: string;
  workflowId: string;
}

export interface ArchiveProjectResult {
  packageId: string;
  sha256: string;
  size: number;
  records: ScheduledRecord[];
}

export interface DisposeInput {
  projectId: string;
  recordTypes: string[];
}

export interface DisposeResult {
  disposed: string[];
  status: string;
}

/** The stored package's format; `records[type]` is null once a deleted type's retention ended. */
export interface ArchivePackageContent {
  format: 'permit-archive/1';
  projectId: string;
  closedAt: string;
  archivedAt: string;
  project: Record<string, unknown>;
  retention: Record<string, { disposal: string; retainUntil: string | null; basis: string }>;
  records: Record<RecordType, unknown>;
  disposed: Partial<Record<RecordType, { at: string; disposal: string }>>;
}

export const archiveStorageKey = (projectId: string) => `archive/${projectId}.json`;

/** Package JSON: BigInt ids (timeline, audit log) as strings, dates as ISO strings. */
export function serialisePackage(content: ArchivePackageContent): Buffer {
  return Buffer.from(
    JSON.stringify(content, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
    'utf8',
  );
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Audit entries about the project itself and its permit sections (never the archive's own entries). */
async function auditWhere(db: Db | Tx, projectId: string): Promise<Prisma.AuditEntryWhereInput> {
  const permits = await db.permit.findMany({ where: { projectId }, select: { id: true } });
  return {
    OR: [
      { entity: 'PermitProject', entityId: projectId },
      { entity: 'Permit', entityId: { startsWith: `${projectId}/` } },
      { entity: 'Permit', entityId: { in: permits.map((p) => p.id) } },
    ],
  };
}

/** Everything of one project, read in the archiving transaction. */
async function collect(tx: Tx, projectId: string) {
  const project = await tx.permitProject.findUnique({
    where: { id: projectId },
    include: {
      organisation: { select: { id: true, name: true, businessId: true } },
      permits: {
        include: { authority: { select: { code: true } }, forecastOverrides: true },
        orderBy: { permitType: 'asc' },
      },
      steps: { orderBy: [{ permitType: 'asc' }, { name: 'asc' }] },
      events: { orderBy: { id: 'asc' } },
      infoRequests: { orderBy: { askedAt: 'asc' } },
      notices: { include: { comments: { orderBy: { createdAt: 'asc' } } }, orderBy: { permitType: 'asc' } },
      documents: { include: { versions: { orderBy: { version: 'asc' } } }, orderBy: { createdAt: 'asc' } },
      meeting: true,
      messages: { orderBy: { createdAt: 'asc' } },
      viewMarks: true,
    },
  });
  if (!project) return null;
  const auditLog = await tx.auditEntry.findMany({ where: await auditWhere(tx, projectId), orderBy: { id: 'asc' } });
  const notifications = await tx.notification.findMany({ where: { projectId }, orderBy: { createdAt: 'asc' } });
  const alerts = await tx.alert.findMany({ where: { projectId }, orderBy: { createdAt: 'asc' } });
  return { project, auditLog, notifications, alerts };
}

type Collected = NonNullable<Awaited<ReturnType<typeof collect>>>;

/** The signed decision's text is in the 'decide' event; the decision record keeps it permanently. */
function decisionText(c: Collected, permitType: string): string | null {
  const decide = c.project.events.filter((e) => e.type === 'decide' && e.permitType === permitType).at(-1);
  const text = (decide?.payload as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? text : null;
}

function recordsOf(c: Collected): { records: Record<RecordType, unknown>; counts: Record<RecordType, number> } {
  const p = c.project;
  const comments = p.notices.flatMap((n) => n.comments);
  const records: Record<RecordType, unknown> = {
    decision: p.permits.map((x) => ({
      permitType: x.permitType,
      authorityCode: x.authority.code,
      procedure: x.procedure,
      step: x.step,
      status: x.status,
      caseNumber: x.caseNumber,
      externalCaseNumber: x.externalCaseNumber,
      receivedAt: x.receivedAt,
      decision: x.decision,
      conditions: x.conditions,
      text: decisionText(c, x.permitType),
      signedBy: x.signedBy,
      signedAt: x.signedAt,
      documentHash: x.documentHash,
      decidedAt: x.decidedAt,
      servedAt: x.servedAt,
      appealEndsAt: x.appealEndsAt,
      finalAt: x.finalAt,
    })),
    notice: p.notices.map(({ comments: _comments, ...notice }) => notice),
    application: {
      description: p.description,
      adviceAnswers: p.adviceAnswers,
      adviceResult: p.adviceResult,
      draft: p.draft,
      draftCheck: p.draftCheck,
      permits: p.permits.map((x) => ({
        permitType: x.permitType,
        riskLevel: x.riskLevel,
        riskScore: x.riskScore,
        priority: x.priority,
        risk: x.risk,
        draftDecision: x.draftDecision,
        draftReview: x.draftReview,
      })),
      infoRequests: p.infoRequests,
      meeting: p.meeting,
    },
    document: p.documents,
    timeline: {
      events: p.events,
      steps: p.steps,
      forecastOverrides: p.permits.flatMap((x) => x.forecastOverrides),
      viewMarks: p.viewMarks,
    },
    message: p.messages,
    auditLog: c.auditLog,
    comment: comments,
    notification: { notifications: c.notifications, alerts: c.alerts },
  };
  const counts: Record<RecordType, number> = {
    decision: p.permits.length,
    notice: p.notices.length,
    application: 1 + p.infoRequests.length + (p.meeting ? 1 : 0),
    document: p.documents.reduce((n, d) => n + d.versions.length, 0),
    timeline: p.events.length + p.steps.length,
    message: p.messages.length,
    auditLog: c.auditLog.length,
    comment: comments.length,
    notification: c.notifications.length + c.alerts.length,
  };
  return { records, counts };
}

/** The package's content with one record type disposed: deleted, or its people anonymised. */
export function disposeInPackage(content: ArchivePackageContent, type: RecordType, at: Date): ArchivePackageContent {
  const disposal = RETENTION[type].disposal;
  const records = { ...content.records };
  if (disposal === 'delete') records[type] = null;
  if (type === 'comment') {
    records.comment = (records.comment as Parameters<typeof anonymiseComment>[0][]).map(anonymiseComment);
    // The name given with a comment is also in its timeline event and audit entry.
    const timeline = records.timeline as { events: Array<Record<string, unknown>> } | null;
    if (timeline) {
      records.timeline = {
        ...timeline,
        events: timeline.events.map((e) => anonymiseCommentEvent(e, 'type', 'payload')),
      };
    }
    const auditLog = records.auditLog as Array<Record<string, unknown>> | null;
    if (auditLog) records.auditLog = auditLog.map((e) => anonymiseCommentEvent(e, 'action', 'details'));
  }
  if (type === 'message')
    records.message = (records.message as Parameters<typeof anonymiseMessage>[0][]).map(anonymiseMessage);
  return { ...content, records, disposed: { ...content.disposed, [type]: { at: at.toISOString(), disposal } } };
}

/** Deletes or anonymises one record type of one project in the rows. Returns how many rows changed. */
async function disposeRows(tx: Tx, projectId: string, type: RecordType): Promise<number> {
  switch (type) {
    case 'application': {
      const project = await tx.permitProject.updateMany({
        where: { id: projectId },
        data: {
          description: '',
          adviceAnswers: Prisma.DbNull,
          adviceResult: Prisma.DbNull,
          draft: Prisma.DbNull,
          draftCheck: Prisma.DbNull,
        },
      });
      const permits = await tx.permit.updateMany({
        where: { projectId },
        data: { draftDecision: null, draftReview: Prisma.DbNull, risk: Prisma.DbNull },
      });
      const requests = await tx.infoRequest.deleteMany({ where: { projectId } });
      const meeting = await tx.meeting.deleteMany({ where: { projectId } });
      return project.count + permits.count + requests.count + meeting.count;
    }
    case 'document': {
      const versions = await tx.documentVersion.findMany({
        where: { document: { projectId } },
        select: { storageKey: true },
      });
      const removed = await tx.document.deleteMany({ where: { projectId } });
      // Content is stored under its hash: another project's identical file keeps the blob.
      const keys = [...new Set(versions.map((v) => v.storageKey))];
      const stillUsed = await tx.documentVersion.findMany({
        where: { storageKey: { in: keys } },
        select: { storageKey: true },
      });
      const used = new Set(stillUsed.map((v) => v.storageKey));
      await tx.documentBlob.deleteMany({ where: { key: { in: keys.filter((k) => !used.has(k)) } } });
      return removed.count;
    }
    case 'timeline': {
      const events = await tx.timelineEvent.deleteMany({ where: { projectId } });
      const steps = await tx.step.deleteMany({ where: { projectId } });
      const overrides = await tx.forecastOverride.deleteMany({ where: { permit: { projectId } } });
      const marks = await tx.projectViewMark.deleteMany({ where: { projectId } });
      return events.count + steps.count + overrides.count + marks.count;
    }
    case 'message': {
      const changed = await tx.message.updateMany({
        where: { projectId },
        data: anonymiseMessage({ author: '', authorId: null, onBehalfOfId: null }),
      });
      return changed.count;
    }
    case 'comment': {
      const changed = await tx.comment.updateMany({
        where: { notice: { projectId } },
        data: anonymiseComment({ authorName: '', anonymous: false }),
      });
      // The name is also in the comment's timeline event, its audit entry and the live logs'
      // copies (updated in place: the rooms' sequence numbers stay as they are).
      const anonymised = JSON.stringify(ANONYMISED);
      await tx.$executeRaw`
        UPDATE "TimelineEvent" SET payload = jsonb_set(payload, '{authorName}', ${anonymised}::jsonb)
        WHERE "projectId" = ${projectId}::uuid AND type = 'comment' AND payload->>'authorName' IS NOT NULL`;
      await tx.$executeRaw`
        UPDATE "AuditEntry" SET details = jsonb_set(details, '{authorName}', ${anonymised}::jsonb)
        WHERE entity = 'Permit' AND "entityId" LIKE ${`${projectId}/%`} AND action = 'comment'
          AND details->>'authorName' IS NOT NULL`;
      const notices = await tx.notice.findMany({ where: { projectId }, select: { id: true } });
      const permits = await tx.permit.findMany({
        where: { projectId },
        select: { authority: { select: { code: true } } },
      });
      const rooms = [`project:${projectId}`, ...permits.map((p) => `authority:${p.authority.code}`)];
      await tx.$executeRaw`
        UPDATE "RoomEvent" SET payload = jsonb_set(payload, '{authorName}', ${anonymised}::jsonb)
        WHERE room = ANY(${notices.map((n) => `notice:${n.id}`)}::text[]) AND payload->>'authorName' IS NOT NULL`;
      await tx.$executeRaw`
        UPDATE "RoomEvent" SET payload = jsonb_set(payload, '{payload,authorName}', ${anonymised}::jsonb)
        WHERE room = ANY(${rooms}::text[]) AND kind = 'timeline' AND payload->>'projectId' = ${projectId}
          AND payload->>'type' = 'comment'
          AND payload->'payload'->>'authorName' IS NOT NULL`;
      return changed.count;
    }
    case 'auditLog':
      return (await tx.auditEntry.deleteMany({ where: await auditWhere(tx, projectId) })).count;
    case 'notification': {
      const alerts = await tx.alert.deleteMany({ where: { projectId } });
      const notifications = await tx.notification.deleteMany({ where: { projectId } });
      return alerts.count + notifications.count;
    }
    case 'decision':
    case 'notice':
      return 0;
  }
}

const scheduled = (records: Array<{ recordType: string; retainUntil: Date | null; disposedAt: Date | null }>) =>
  RECORD_TYPES.flatMap((type) => {
    const r = records.find((x) => x.recordType === type);
    return r
      ? [
          {
            recordType: r.recordType,
            retainUntil: r.retainUntil?.toISOString() ?? null,
            disposedAt: r.disposedAt?.toISOString() ?? null,
          },
        ]
      : [];
  });

export function createArchiveActivities({
  db,
  logger,
  archive = {},
  clock = () => new Date(),
}: ActivityDeps & { archive?: ArchiveSettings }) {
  const existing = async (projectId: string): Promise<ArchiveProjectResult | null> => {
    const pkg = await db.archivePackage.findUnique({ where: { projectId }, include: { records: true } });
    return pkg ? { packageId: pkg.id, sha256: pkg.sha256, size: pkg.size, records: scheduled(pkg.records) } : null;
  };

  return {
    /** Builds, stores and indexes the package once; a retry (or a second start) returns the first one. */
    async archiveProject(input: ArchiveProjectInput): Promise<ArchiveProjectResult> {
      const earlier = await existing(input.projectId);
      if (earlier) return earlier;
      const closedAt = new Date(input.closedAt);
      const archivedAt = clock();
      const override = archive.retentionOverrideSeconds ?? {};
      try {
        await db.$transaction(async (tx) => {
          const c = await collect(tx, input.projectId);
          if (!c) throw ApplicationFailure.nonRetryable(`Project ${input.projectId} not found`, 'NotFound');
          const { records, counts } = recordsOf(c);
          const until = Object.fromEntries(RECORD_TYPES.map((t) => [t, retainUntil(t, closedAt, override)])) as Record<
            RecordType,
            Date | null
          >;
          const p = c.project;
          const content: ArchivePackageContent = {
            format: 'permit-archive/1',
            projectId: p.id,
            closedAt: closedAt.toISOString(),
            archivedAt: archivedAt.toISOString(),
            project: {
              id: p.id,
              title: p.title,
              municipality: p.municipality,
              organisation: p.organisation,
              step: p.step,
              status: p.status,
              createdAt: p.createdAt,
              submittedAt: p.submittedAt,
              cancelledAt: p.cancelledAt,
              receiptNumber: p.receiptNumber,
            },
            retention: Object.fromEntries(
              RECORD_TYPES.map((t) => [
                t,
                {
                  disposal: RETENTION[t].disposal,
                  retainUntil: until[t]?.toISOString() ?? null,
                  basis: RETENTION[t].basis,
                },
              ]),
            ),
            records,
            disposed: {},
          };
          const data = serialisePackage(content);
          const key = archiveStorageKey(p.id);
          await tx.documentBlob.upsert({
            where: { key },
            create: { key, data: new Uint8Array(data) },
            update: { data: new Uint8Array(data) },
          });
          const authorityCodes = [...new Set(p.permits.map((x) => x.authority.code))].sort();
          const permitTypes = p.permits.map((x) => x.permitType);
          await tx.archivePackage.create({
            data: {
              projectId: p.id,
              workflowId: input.workflowId,
              organisationId: p.organisationId,
              title: p.title,
              municipality: p.municipality,
              authorityCodes,
              permitTypes,
              closedAt,
              archivedAt,
              storageKey: key,
              sha256: sha256(data),
              size: data.length,
              manifest: {
                format: content.format,
                recordTypes: RECORD_TYPES.map((t) => ({ recordType: t, count: counts[t], holds: RETENTION[t].holds })),
              },
              records: {
                create: RECORD_TYPES.map((t) => ({
                  recordType: t,
                  count: counts[t],
                  retainUntil: until[t],
                  disposal: RETENTION[t].disposal,
                })),
              },
            },
          });
          // Authorities find archived projects by title, place, permit types and decision texts.
          const decisions = p.permits.map((x) =>
            [x.permitType, x.decision, x.conditions, decisionText(c, x.permitType)].filter(Boolean).join(' '),
          );
          await tx.searchDocument.upsert({
            where: { id: `archive:${p.id}:fi` },
            create: {
              id: `archive:${p.id}:fi`,
              kind: 'archive',
              refId: p.id,
              lang: 'fi',
              title: p.title,
              body: [p.municipality, p.receiptNumber, ...permitTypes, ...decisions].filter(Boolean).join('\n'),
              permitTypes,
              authorityCode: authorityCodes[0] ?? null,
              region: p.municipality || null,
              audience: 'authority',
            },
            update: {},
          });
          await auditChange(tx, {
            action: 'archiveProject',
            entity: 'ArchivePackage',
            entityId: p.id,
            details: { sha256: sha256(data), size: data.length, counts },
            at: archivedAt,
          });
        });
      } catch (err) {
        // Another attempt committed the same project's package first: that one stands.
        if (!isUniqueViolation(err)) throw err;
      }
      const result = await existing(input.projectId);
      logger.info({ projectId: input.projectId, sha256: result!.sha256 }, 'project archived');
      return result!;
    },

    /**
     * Disposes the given record types of one project whose retention has ended: the rows, then
     * the stored package rewritten without them, the records marked, the package's status, an
     * audit entry — one transaction. Refuses (retryably) a record type whose time has not come.
     */
    async disposeArchivedRecords(input: DisposeInput): Promise<DisposeResult> {
      const types = input.recordTypes.filter(isRecordType);
      return db.$transaction(async (tx) => {
        const now = clock();
        const locked = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT id FROM "ArchivePackage" WHERE "projectId" = ${input.projectId}::uuid FOR UPDATE`;
        if (!locked[0]) throw ApplicationFailure.nonRetryable(`No archive package for ${input.projectId}`, 'NotFound');
        const pkg = await tx.archivePackage.findUniqueOrThrow({
          where: { id: locked[0].id },
          include: { records: true },
        });
        const due = pkg.records.filter(
          (r) => types.includes(r.recordType as RecordType) && r.disposal !== 'permanent' && r.disposedAt === null,
        );
        const early = due.filter((r) => r.retainUntil!.getTime() > now.getTime());
        if (early.length > 0) {
          // The worker's clock may trail the server's timer by a moment: try again shortly.
          throw ApplicationFailure.retryable(
            `Retention of ${early.map((r) => r.recordType).join(', ')} has not ended yet`,
            'NotDueYet',
          );
        }
        if (due.length === 0) return { disposed: [], status: pkg.status };
        const blob = await tx.documentBlob.findUnique({ where: { key: pkg.storageKey } });
        let content = blob ? (JSON.parse(Buffer.from(blob.data).toString('utf8')) as ArchivePackageContent) : null;
        const changed: Record<string, number> = {};
        for (const r of due) {
          const type = r.recordType as RecordType;
          changed[type] = await disposeRows(tx, input.projectId, type);
          if (content) content = disposeInPackage(content, type, now);
          await tx.archiveRecord.update({ where: { id: r.id }, data: { disposedAt: now } });
        }
        const records = pkg.records.map((r) => (due.some((d) => d.id === r.id) ? { ...r, disposedAt: now } : r));
        const status = packageStatus(records);
        const data = content ? serialisePackage(content) : null;
        if (data) {
          await tx.documentBlob.update({ where: { key: pkg.storageKey }, data: { data: new Uint8Array(data) } });
        }
        await tx.archivePackage.update({
          where: { id: pkg.id },
          data: { status, ...(data ? { sha256: sha256(data), size: data.length } : {}) },
        });
        await auditChange(tx, {
          action: 'disposeArchivedRecords',
          entity: 'ArchivePackage',
          entityId: input.projectId,
          details: { recordTypes: due.map((r) => r.recordType), changed, status },
          at: now,
        });
        logger.info(
          { projectId: input.projectId, recordTypes: Object.keys(changed), status },
          'archived records disposed',
        );
        return { disposed: due.map((r) => r.recordType), status };
      });
    },
  };
}

/**
 * The security log and the socket rooms' event logs are kept for a number of days: older rows
 * are deleted in batches. Each room keeps its newest event, so its sequence numbers carry on
 * where they were (a reconnecting client asks for what came after its last seq).
 */
export function createRetentionSweepActivities({ db, logger, clock = () => new Date() }: ActivityDeps) {
  const BATCH = 5000;
  return {
    async purgeExpiredLogs(input: {
      securityEventDays: number;
      roomEventDays: number;
    }): Promise<{ securityEvents: number; roomEvents: number }> {
      const now = clock().getTime();
      const DAY = 24 * 60 * 60 * 1000;
      const securityBefore = new Date(now - input.securityEventDays * DAY);
      const roomBefore = new Date(now - input.roomEventDays * DAY);
      let securityEvents = 0;
      for (;;) {
        const n = await db.$executeRaw`
          DELETE FROM "SecurityEvent" WHERE id IN (
            SELECT id FROM "SecurityEvent" WHERE at < ${securityBefore} LIMIT ${BATCH})`;
        securityEvents += n;
        if (n < BATCH) break;
      }
      let roomEvents = 0;
      for (;;) {
        const n = await db.$executeRaw`
          DELETE FROM "RoomEvent" WHERE id IN (
            SELECT e.id FROM "RoomEvent" e
            WHERE e.at < ${roomBefore}
              AND EXISTS (SELECT 1 FROM "RoomEvent" n WHERE n.room = e.room AND n.seq > e.seq)
            LIMIT ${BATCH})`;
        roomEvents += n;
        if (n < BATCH) break;
      }
      if (securityEvents + roomEvents > 0) logger.info({ securityEvents, roomEvents }, 'expired log rows purged');
      return { securityEvents, roomEvents };
    },
  };
}
