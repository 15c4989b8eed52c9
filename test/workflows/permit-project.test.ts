import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import pino from 'pino';
import { createActivities, type TimelineEventMessage } from '../../activities';
import { seed, DEMO } from '../../prisma/seed';
import {
  advanceUpdate,
  cancelUpdate,
  confirmReceiptUpdate,
  decideUpdate,
  stateQuery,
  type PermitProjectInput,
} from '../../workflows/permit-project/messages';
import { freshDatabase, temporalAddress } from '../support/env';

const logger = pino({ level: 'silent' });
let db: Awaited<ReturnType<typeof freshDatabase>>;
let client: Client;
let connection: NativeConnection;
let bundle: { code: string };
const published: TimelineEventMessage[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  await seed(db.handle.db);
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: {
      log: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
      trace: () => undefined,
    },
  });
  connection = await NativeConnection.connect({ address: temporalAddress() });
  client = new Client({ connection: await Connection.connect({ address: temporalAddress() }) });
});

afterAll(async () => {
  await client?.connection.close();
  await connection?.close();
  await db?.drop();
});

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: bundle,
    activities: createActivities({ db: db.handle.db, logger, events: { publish: (e) => published.push(e) } }),
  });
  return worker.runUntil(fn(taskQueue));
}

async function newProject(taskQueue: string, permits: PermitProjectInput['permits']) {
  const project = await db.handle.db.permitProject.create({
    data: {
      workflowId: `project-${randomUUID()}`,
      organisationId: DEMO.organisationId,
      title: 'Workflow test',
      step: 'advice',
      status: 'active',
      permits: {
        create: await Promise.all(
          permits.map(async (p) => ({
            permitType: p.permitType,
            step: 'draft',
            status: 'active',
            authorityId: (await db.handle.db.authority.findUniqueOrThrow({ where: { code: p.authorityCode } })).id,
          })),
        ),
      },
    },
  });
  const handle = await client.workflow.start('permitProjectWorkflow', {
    taskQueue,
    workflowId: project.workflowId,
    args: [{ projectId: project.id, permits }],
  });
  return { project, handle };
}

const key = () => randomUUID();

describe('permitProjectWorkflow on a real Temporal server', () => {
  it('runs from advice to completion with two authorities deciding at different times', async () => {
    await withWorker(async (taskQueue) => {
      const { project, handle } = await newProject(taskQueue, [
        { permitType: 'noise', authorityCode: 'CITY-TRE' },
        { permitType: 'public-event', authorityCode: 'POLICE-SISA' },
      ]);
      for (const action of ['completeAdvice', 'submitDraft', 'holdKickoff'] as const) {
        await handle.executeUpdate(advanceUpdate, { args: [{ idempotencyKey: key(), action }] });
      }
      await handle.executeUpdate(confirmReceiptUpdate, {
        args: [{ idempotencyKey: key(), permitType: 'noise', caseNumber: 'TRE/1' }],
      });
      expect((await handle.query(stateQuery)).step).toBe('submission');
      await handle.executeUpdate(confirmReceiptUpdate, {
        args: [{ idempotencyKey: key(), permitType: 'public-event', caseNumber: 'POL/9' }],
      });
      await handle.executeUpdate(decideUpdate, {
        args: [{ idempotencyKey: key(), permitType: 'public-event', decision: 'approved' }],
      });
      expect((await handle.query(stateQuery)).step).toBe('processing');
      await handle.executeUpdate(decideUpdate, {
        args: [{ idempotencyKey: key(), permitType: 'noise', decision: 'approvedWithConditions' }],
      });

      const result = await handle.result();
      expect(result.step).toBe('completed');
      const row = await db.handle.db.permitProject.findUniqueOrThrow({
        where: { id: project.id },
        include: { permits: true },
      });
      expect(row.step).toBe('completed');
      expect(row.permits.map((p) => [p.permitType, p.decision, p.caseNumber]).sort()).toEqual([
        ['noise', 'approvedWithConditions', 'TRE/1'],
        ['public-event', 'approved', 'POL/9'],
      ]);
      const events = await db.handle.db.timelineEvent.findMany({
        where: { projectId: project.id },
        orderBy: { id: 'asc' },
      });
      expect(events.map((e) => e.type)).toEqual([
        'completeAdvice',
        'submitDraft',
        'holdKickoff',
        'confirmReceipt',
        'confirmReceipt',
        'decide',
        'decide',
      ]);
      expect(published.filter((e) => e.projectId === project.id)).toHaveLength(7);
    });
  });

  it('rejects an update that does not fit the step, naming the step, and changes nothing', async () => {
    await withWorker(async (taskQueue) => {
      const { project, handle } = await newProject(taskQueue, [{ permitType: 'noise', authorityCode: 'CITY-TRE' }]);
      const attempt = handle.executeUpdate(decideUpdate, {
        args: [{ idempotencyKey: key(), permitType: 'noise', decision: 'approved' }],
      });
      await expect(attempt).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(attempt).rejects.toHaveProperty('cause.message', expect.stringMatching(/step "advice"/));
      expect((await handle.query(stateQuery)).step).toBe('advice');
      expect(await db.handle.db.timelineEvent.count({ where: { projectId: project.id } })).toBe(0);
      const history = await handle.fetchHistory();
      expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
    });
  });

  it('applies a repeated command once', async () => {
    await withWorker(async (taskQueue) => {
      const { project, handle } = await newProject(taskQueue, [{ permitType: 'noise', authorityCode: 'CITY-TRE' }]);
      const idempotencyKey = key();
      const first = await handle.executeUpdate(advanceUpdate, { args: [{ idempotencyKey, action: 'completeAdvice' }] });
      const again = await handle.executeUpdate(advanceUpdate, { args: [{ idempotencyKey, action: 'completeAdvice' }] });
      expect(again).toEqual(first);
      expect(await db.handle.db.timelineEvent.count({ where: { projectId: project.id } })).toBe(1);
    });
  });

  it('cancels in one step, and cancelling again is harmless', async () => {
    await withWorker(async (taskQueue) => {
      const { project, handle } = await newProject(taskQueue, [{ permitType: 'noise', authorityCode: 'CITY-TRE' }]);
      await handle.executeUpdate(advanceUpdate, { args: [{ idempotencyKey: key(), action: 'completeAdvice' }] });
      await handle.executeUpdate(cancelUpdate, { args: [{ idempotencyKey: key() }] });
      expect((await handle.result()).step).toBe('cancelled');
      const row = await db.handle.db.permitProject.findUniqueOrThrow({
        where: { id: project.id },
        include: { permits: true },
      });
      expect(row.status).toBe('cancelled');
      expect(row.permits.every((p) => p.step === 'cancelled')).toBe(true);
    });
  });

  it('replays the recorded history of a completed project through the current code', async () => {
    const history = await withWorker(async (taskQueue) => {
      const { handle } = await newProject(taskQueue, [{ permitType: 'noise', authorityCode: 'CITY-TRE' }]);
      for (const action of ['completeAdvice', 'submitDraft', 'holdKickoff'] as const) {
        await handle.executeUpdate(advanceUpdate, { args: [{ idempotencyKey: key(), action }] });
      }
      await handle.executeUpdate(confirmReceiptUpdate, {
        args: [{ idempotencyKey: key(), permitType: 'noise', caseNumber: 'X/1' }],
      });
      await handle.executeUpdate(decideUpdate, {
        args: [{ idempotencyKey: key(), permitType: 'noise', decision: 'rejected' }],
      });
      await handle.result();
      return handle.fetchHistory();
    });
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history)).resolves.toBeUndefined();
  });
});
