/**
 * Archiving (F22) on a real Temporal server and PostgreSQL: a project driven to closure is
 * archived once as one package, then each record type is disposed at the end of its (shortened)
 * retention — exactly that type of exactly that project, in the rows and in the stored package.
 */
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../activities';
import type { ArchivePackageContent } from '../../activities/archive';
import { ANONYMISED, type RetentionOverride } from '../../domain/retention';
import { DEMO } from '../../prisma/seed';
import { archiveWorkflowId, retentionSweeperId } from '../../workflows/archive/messages';
import { projectWorkflowId } from '../../workflows/permit-project/messages';
import { until, temporalAddress } from '../support/env';
import { useTemporal } from '../support/temporal';
import { CaseDriver, MEDIUM_RISK, hearingCommand, key } from '../support/cases';
import { Histories } from '../support/histories';

const temporal = useTemporal();
const histories = new Histories();
const logger = pino({ level: 'silent' });
const NOISE = { permitType: 'noise', authorityCode: 'CITY-TRE' };

/** Retention in seconds after closure: three distinct dates, so each disposal is seen on its own. */
const RETENTION: RetentionOverride = {
  comment: 4,
  notification: 4,
  message: 14,
  auditLog: 14,
  application: 24,
  document: 24,
  timeline: 24,
};

let connection: NativeConnection;
let cases: CaseDriver;
const db = () => temporal.db.handle.db;

beforeAll(async () => {
  connection = await NativeConnection.connect({ address: temporalAddress() });
  cases = new CaseDriver(db(), temporal.client);
});
afterAll(async () => {
  await connection?.close();
});

const deps = () => ({
  db: db(),
  logger,
  events: { publish: () => undefined },
  archive: { retentionOverrideSeconds: RETENTION },
});

/** A worker whose activities use the short retention (the harness's worker uses the real one). */
async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `archive-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: temporal.bundle,
    shutdownGraceTime: '5 seconds',
    activities: createActivities(deps()),
  });
  return worker.runUntil(fn(taskQueue));
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const CONTENT = Buffer.from('Site plan of the festival area\n');
const SHARED = Buffer.from('Standard noise survey template\n');

/** What the API writes for an uploaded document (the upload route is tested in test/api/documents). */
async function addDocument(projectId: string, title: string, content: Buffer) {
  const hash = sha256(content);
  const storageKey = `sha256/${hash}`;
  await db().documentBlob.upsert({
    where: { key: storageKey },
    create: { key: storageKey, data: new Uint8Array(content) },
    update: {},
  });
  const createdById = (await db().user.findFirstOrThrow({ where: { organisationId: DEMO.festivalOrgId } })).id;
  await db().document.create({
    data: {
      projectId,
      title,
      createdById,
      versions: {
        create: {
          version: 1,
          fileName: `${title}.txt`,
          contentType: 'text/plain',
          size: content.length,
          sha256: hash,
          storageKey,
          scan: 'clean',
          uploadedById: createdById,
          idempotencyKey: key(),
        },
      },
    },
  });
  return storageKey;
}

async function addMessage(projectId: string, author: string) {
  const authorId = (await db().user.findFirstOrThrow({ where: { organisationId: DEMO.festivalOrgId } })).id;
  await db().message.create({
    data: {
      projectId,
      kind: 'message',
      author,
      authorId,
      side: 'customer',
      body: 'The stage faces the lake.',
      createdAt: new Date(),
      idempotencyKey: key(),
    },
  });
}

/** Another organisation's project that is not archived: nothing of it may change. */
async function otherProject() {
  const id = randomUUID();
  const authority = await db().authority.findFirstOrThrow({ where: { code: 'CITY-TRE' } });
  await db().permitProject.create({
    data: {
      id,
      workflowId: projectWorkflowId(id),
      organisationId: DEMO.organisationId,
      title: 'Another project',
      step: 'processing',
      status: 'active',
      draft: { common: { title: 'Another' } },
      permits: { create: { permitType: 'noise', step: 'hearing', status: 'active', authorityId: authority.id } },
      notices: {
        create: {
          permitType: 'noise',
          titleFi: 'Kuulutus',
          titleEn: 'Notice',
          textFi: 'Teksti',
          textEn: 'Text',
          area: { type: 'Circle', center: [23.76, 61.49], radiusMeters: 300 },
          opensAt: new Date(),
          closesAt: new Date(Date.now() + 86_400_000),
          comments: {
            create: {
              kind: 'opinion',
              authorName: 'Rauni Naapuri',
              text: 'Fine by me.',
              createdAt: new Date(),
              idempotencyKey: key(),
            },
          },
        },
      },
      events: {
        create: { type: 'submit', payload: {}, idempotencyKey: key(), occurredAt: new Date() },
      },
    },
  });
  await addMessage(id, 'Maija Manageri');
  await db().auditEntry.create({
    data: { action: 'saveDraft', entity: 'PermitProject', entityId: id, details: {} },
  });
  await db().notification.create({
    data: {
      projectId: id,
      recipientKind: 'authority',
      recipient: 'CITY-TRE',
      kind: 'submitted',
      payload: {},
      createdAt: new Date(),
      idempotencyKey: key(),
    },
  });
  await addDocument(id, 'survey', SHARED);
  return id;
}

/** Everything of a project that retention touches, to compare before and after. */
async function snapshot(projectId: string) {
  const d = db();
  const project = await d.permitProject.findUnique({
    where: { id: projectId },
    select: { draft: true, adviceAnswers: true, description: true },
  });
  return {
    project,
    permits: await d.permit.findMany({
      where: { projectId },
      select: { permitType: true, decision: true, conditions: true, documentHash: true, finalAt: true },
    }),
    notices: await d.notice.count({ where: { projectId } }),
    comments: await d.comment.findMany({
      where: { notice: { projectId } },
      select: { authorName: true, anonymous: true, text: true },
      orderBy: { createdAt: 'asc' },
    }),
    messages: await d.message.findMany({
      where: { projectId },
      select: { author: true, authorId: true, body: true },
      orderBy: { createdAt: 'asc' },
    }),
    infoRequests: await d.infoRequest.count({ where: { projectId } }),
    documents: await d.document.count({ where: { projectId } }),
    events: await d.timelineEvent.count({ where: { projectId } }),
    steps: await d.step.count({ where: { projectId } }),
    audit: await d.auditEntry.count({
      where: {
        OR: [
          { entity: 'PermitProject', entityId: projectId },
          { entity: 'Permit', entityId: { startsWith: `${projectId}/` } },
        ],
      },
    }),
    notifications: await d.notification.count({ where: { projectId } }),
  };
}

async function storedPackage(projectId: string) {
  const pkg = await db().archivePackage.findUniqueOrThrow({ where: { projectId }, include: { records: true } });
  const blob = await db().documentBlob.findUniqueOrThrow({ where: { key: pkg.storageKey } });
  return {
    pkg,
    record: (type: string) => pkg.records.find((r) => r.recordType === type)!,
    hash: sha256(blob.data),
    content: JSON.parse(Buffer.from(blob.data).toString('utf8')) as ArchivePackageContent,
  };
}

const disposed = (projectId: string, type: string) =>
  until(
    `${type} disposed`,
    async () =>
      (await db().archiveRecord.findFirst({
        where: { package: { projectId }, recordType: type, disposedAt: { not: null } },
      })) ?? null,
    60_000,
  );

describe('archiving a closed project', () => {
  it('archives once, then disposes each record type at its time and nothing else', async () => {
    await withWorker(async (taskQueue) => {
      // Arrange: another project that must stay as it is, sharing one document's content.
      const other = await otherProject();
      const otherBefore = await snapshot(other);

      // A project with an information request, a hearing with a named comment, messages,
      // documents, a decision — driven to closure through its workflows.
      const { id, handle } = await cases.create(taskQueue, [NOISE], MEDIUM_RISK, { appealPeriodSeconds: 1 });
      await cases.toProcessing(id, [NOISE], MEDIUM_RISK);
      const noise = cases.section(id, 'noise');
      const asked = await noise.send({ action: 'requestInfo', authorityCode: 'CITY-TRE', question: 'Speaker layout?' });
      await noise.send({ action: 'answerInfo', requestId: asked.createdId!, answer: 'Two stacks facing the lake.' });
      await noise.send(hearingCommand(2000));
      await noise.send({
        action: 'comment',
        kind: 'objection',
        authorName: 'Riikka Rantanen',
        anonymous: false,
        text: 'Too loud at night.',
      });
      await addMessage(id, 'Olli Oksanen');
      const ownKey = await addDocument(id, 'site-plan', CONTENT);
      const sharedKey = await addDocument(id, 'survey', SHARED);
      await noise.waitFor('replies');
      await noise.send({ action: 'closeReplies' });
      await noise.send({ action: 'proposeDraft', text: 'Draft decision' });
      await noise.send({ action: 'reviewDraft', accepted: true });
      await noise.send({
        action: 'decide',
        decision: 'approvedWithConditions',
        conditions: 'Music ends at 23:00',
        text: 'Decision: the festival may use amplified sound until 23:00.',
        signedBy: 'Kaisa Käsittelijä',
      });

      // Act: the project completes and starts its archive.
      expect((await handle.result()).step).toBe('completed');
      const archive = temporal.client.workflow.getHandle(archiveWorkflowId(id));
      const pkgRow = await until('the archive package', () =>
        db().archivePackage.findUnique({ where: { projectId: id } }),
      );
      const before = await snapshot(id);

      // Assert: one package, its SHA-256 matching the stored content, every record type with its count.
      const first = await storedPackage(id);
      expect(first.hash).toBe(pkgRow.sha256);
      expect(first.pkg.size).toBe(
        (await db().documentBlob.findUniqueOrThrow({ where: { key: pkgRow.storageKey } })).data.length,
      );
      expect(first.content.projectId).toBe(id);
      expect(first.record('comment').count).toBe(1);
      expect(first.record('message').count).toBe(before.messages.length); // the kickoff minutes and ours
      expect(before.messages.map((m) => m.author)).toContain('Olli Oksanen');
      expect(first.record('document').count).toBe(2);
      const meetings = await db().meeting.count({ where: { projectId: id } });
      expect(first.record('application').count).toBe(1 + before.infoRequests + meetings);
      expect(before.infoRequests).toBe(1);
      expect(first.record('decision')).toMatchObject({ count: 1, disposal: 'permanent', retainUntil: null });
      expect(first.record('auditLog').count).toBe(before.audit);
      expect(first.record('timeline').count).toBe(before.events + before.steps);
      const closedAt = first.pkg.closedAt.getTime();
      for (const [type, seconds] of Object.entries(RETENTION)) {
        expect(first.record(type).retainUntil!.getTime()).toBe(closedAt + seconds * 1000);
      }
      const decisions = first.content.records.decision as Array<{ text: string; documentHash: string }>;
      expect(decisions[0]!.text).toBe('Decision: the festival may use amplified sound until 23:00.');
      expect((first.content.records.comment as Array<{ authorName: string }>)[0]!.authorName).toBe('Riikka Rantanen');
      const searchable = await db().searchDocument.findMany({ where: { kind: 'archive', refId: id } });
      expect(searchable.map((s) => [s.audience, s.lang, s.title])).toEqual([['authority', 'fi', 'Workflow test']]);

      // The package exists once: the activity run again (a retry) and a second start change nothing.
      const again = await createActivities(deps()).archiveProject({
        projectId: id,
        closedAt: first.pkg.closedAt.toISOString(),
        workflowId: archiveWorkflowId(id),
      });
      expect([again.packageId, again.sha256]).toEqual([first.pkg.id, first.pkg.sha256]);
      await expect(
        temporal.client.workflow.start('archiveWorkflow', {
          taskQueue,
          workflowId: archiveWorkflowId(id),
          args: [{ projectId: id, closedAt: new Date().toISOString() }],
        }),
      ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      expect(await db().archivePackage.count({ where: { projectId: id } })).toBe(1);
      expect(await db().searchDocument.count({ where: { kind: 'archive', refId: id } })).toBe(1);
      // Archived, the project reads as before.
      expect(before.project!.draft).not.toBeNull();
      // Nothing is disposed before its time, even when asked.
      await expect(
        createActivities(deps()).disposeArchivedRecords({ projectId: id, recordTypes: ['application', 'document'] }),
      ).rejects.toMatchObject({ type: 'NotDueYet' });
      expect((await snapshot(id)).documents).toBe(before.documents);

      // First date: comments anonymised, notifications deleted; nothing else yet.
      const comments = await disposed(id, 'comment');
      expect(comments.disposedAt!.getTime()).toBeGreaterThanOrEqual(comments.retainUntil!.getTime());
      const s1 = await snapshot(id);
      expect(Date.now()).toBeLessThan(first.record('message').retainUntil!.getTime());
      expect(s1.comments).toEqual([{ authorName: ANONYMISED, anonymous: true, text: 'Too loud at night.' }]);
      expect(s1.notifications).toBe(0);
      expect({ ...s1, comments: before.comments, notifications: before.notifications }).toEqual(before);
      const p1 = await storedPackage(id);
      expect(p1.pkg.status).toBe('partiallyDisposed');
      expect(p1.hash).toBe(p1.pkg.sha256);
      expect(JSON.stringify(p1.content)).not.toContain('Riikka Rantanen');
      expect(p1.content.records.notification).toBeNull();
      expect(p1.content.records.message).toEqual(first.content.records.message);

      // Second date: messages' writers removed, the project's audit log deleted (the archive's own entries stay).
      await disposed(id, 'message');
      await disposed(id, 'auditLog');
      const s2 = await snapshot(id);
      expect(Date.now()).toBeLessThan(first.record('application').retainUntil!.getTime());
      expect(s2.messages).toEqual(before.messages.map((m) => ({ author: ANONYMISED, authorId: null, body: m.body })));
      expect(s2.audit).toBe(0);
      expect(await db().auditEntry.count({ where: { entity: 'ArchivePackage', entityId: id } })).toBeGreaterThanOrEqual(
        3,
      );
      expect({ ...s2, messages: before.messages, audit: before.audit }).toEqual({
        ...s1,
        messages: before.messages,
        audit: before.audit,
      });
      const p2 = await storedPackage(id);
      expect(JSON.stringify(p2.content)).not.toContain('Olli Oksanen');
      expect(p2.content.records.auditLog).toBeNull();
      expect(p2.hash).toBe(p2.pkg.sha256);

      // Last date: the application, documents (and their own content) and the timeline deleted;
      // decisions and notices stay permanently.
      const finished = await archive.result();
      expect(finished.status).toBe('disposed');
      const s3 = await snapshot(id);
      expect(s3.project).toEqual({ draft: null, adviceAnswers: null, description: '' });
      expect([s3.infoRequests, s3.documents, s3.events, s3.steps]).toEqual([0, 0, 0, 0]);
      expect(await db().documentBlob.findUnique({ where: { key: ownKey } })).toBeNull();
      expect(await db().documentBlob.findUnique({ where: { key: sharedKey } })).not.toBeNull(); // the other project's
      expect(s3.permits).toEqual(before.permits);
      expect(s3.permits[0]).toMatchObject({ decision: 'approvedWithConditions', conditions: 'Music ends at 23:00' });
      expect(s3.notices).toBe(before.notices);
      const p3 = await storedPackage(id);
      expect(p3.pkg.status).toBe('disposed');
      expect(p3.hash).toBe(p3.pkg.sha256);
      expect(p3.content.records.decision).toEqual(first.content.records.decision);
      expect(p3.content.records.notice).toEqual(first.content.records.notice);
      for (const type of ['application', 'document', 'timeline', 'auditLog', 'notification']) {
        expect(p3.content.records[type as keyof typeof p3.content.records]).toBeNull();
      }
      expect(p3.record('decision').disposedAt).toBeNull();
      expect(p3.pkg.records.filter((r) => r.disposal !== 'permanent').every((r) => r.disposedAt)).toBe(true);

      // A repeated disposal (an activity retry) changes nothing.
      const repeated = await createActivities(deps()).disposeArchivedRecords({
        projectId: id,
        recordTypes: Object.keys(RETENTION),
      });
      expect(repeated).toEqual({ disposed: [], status: 'disposed' });
      expect((await storedPackage(id)).pkg.sha256).toBe(p3.pkg.sha256);
      expect(await snapshot(id)).toEqual(s3);

      // The other project is untouched.
      expect(await snapshot(other)).toEqual(otherBefore);

      await histories.record('archive-disposed', archive);
      await histories.record('archive-project-closed', cases.project(id).handle);
    });
  });

  it('deletes security events and room events past their retention, keeping each room’s newest event', async () => {
    await withWorker(async (taskQueue) => {
      // Arrange: old and recent rows; one room whose every event is old.
      const old = new Date(Date.now() - 40 * 86_400_000);
      const tag = randomUUID();
      await db().securityEvent.createMany({
        data: [
          { kind: 'http.refused', method: 'GET', resource: `/old/${tag}`, at: old },
          { kind: 'http.refused', method: 'GET', resource: `/new/${tag}` },
        ],
      });
      const roomA = `project:${randomUUID()}`;
      const roomB = `project:${randomUUID()}`;
      await db().roomEvent.createMany({
        data: [
          { room: roomA, seq: 1, kind: 'timeline', payload: {}, at: old },
          { room: roomA, seq: 2, kind: 'timeline', payload: {}, at: old },
          { room: roomA, seq: 3, kind: 'timeline', payload: {} },
          { room: roomB, seq: 1, kind: 'timeline', payload: {}, at: old },
          { room: roomB, seq: 2, kind: 'timeline', payload: {}, at: old },
        ],
      });

      // Act: the sweeper's first round.
      const sweeper = await temporal.client.workflow.start('retentionSweepWorkflow', {
        taskQueue,
        workflowId: `${retentionSweeperId(taskQueue)}`,
        args: [{ intervalMs: 60_000, securityEventDays: 30, roomEventDays: 30 }],
      });
      const seqs = async (room: string) =>
        (await db().roomEvent.findMany({ where: { room }, orderBy: { seq: 'asc' } })).map((e) => e.seq);
      await until('the first sweep', async () =>
        (await db().securityEvent.count({ where: { resource: `/old/${tag}` } })) === 0 &&
        (await seqs(roomB)).length === 1
          ? true
          : null,
      );

      // Assert
      expect(await db().securityEvent.count({ where: { resource: `/new/${tag}` } })).toBe(1);
      expect(await seqs(roomA)).toEqual([3]);
      expect(await seqs(roomB)).toEqual([2]);
      await sweeper.terminate('test done');
      await histories.record('archive-retention-sweeper', sweeper);
    });
  });

  it('replays recorded archive histories through the current workflow code', async () => {
    expect(histories.recorded.length).toBeGreaterThanOrEqual(3);
    histories.writeFixtures();
    const committed = histories.committed('archive-');
    expect(committed.length).toBeGreaterThanOrEqual(3);
    await expect(histories.replay(temporal.bundle, [...histories.recorded, ...committed])).resolves.toBeUndefined();
  });
});
