import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { until } from '../support/env';
import { useTemporal, type TemporalHarness } from '../support/temporal';
import { CaseDriver, LOW_RISK, MEDIUM_RISK, hearingCommand, key } from '../support/cases';
import { Histories } from '../support/histories';

const temporal = useTemporal();
const withWorker = temporal.withWorker;
let db: TemporalHarness['db'];
let client: Client;
let bundle: { code: string };
let cases: CaseDriver;
const published = temporal.published;
/** Finished workflows' histories for the replay test (and, with RECORD_HISTORIES, as fixtures). */
const histories = new Histories();

const NOISE = { permitType: 'noise', authorityCode: 'CITY-TRE' };
const EVENT = { permitType: 'public-event', authorityCode: 'POLICE-SISA' };
const settings = { appealPeriodSeconds: 1 };

beforeAll(() => {
  ({ db, client, bundle } = temporal);
  cases = new CaseDriver(db.handle.db, client);
});

const rows = (projectId: string) =>
  db.handle.db.permitProject.findUniqueOrThrow({
    where: { id: projectId },
    include: { permits: { orderBy: { permitType: 'asc' } }, steps: true },
  });

describe('permit projects on a real Temporal server', () => {
  it('runs advice → final decisions with two authorities deciding at different times', async () => {
    await withWorker(async (taskQueue) => {
      const { id, handle } = await cases.create(taskQueue, [NOISE, EVENT], MEDIUM_RISK, settings);
      await cases.toProcessing(id, [NOISE, EVENT], MEDIUM_RISK);
      expect((await cases.project(id).state()).step).toBe('processing');

      await cases.decideWithoutHearing(id, 'public-event');
      await cases.section(id, 'public-event').waitFor('final');
      expect((await cases.project(id).state()).step).toBe('processing'); // noise is still open
      await cases.decideWithHearing(id, 'noise');

      const result = await handle.result();
      expect(result.step).toBe('completed');
      const row = await rows(id);
      expect(row.status).toBe('completed');
      expect(row.permits.map((p) => [p.permitType, p.step, p.decision, p.caseNumber])).toEqual([
        ['noise', 'final', 'approvedWithConditions', 'CASE/1'],
        ['public-event', 'final', 'approved', 'CASE/2'],
      ]);
      for (const p of row.permits) {
        expect(p.documentHash).toMatch(/^[0-9a-f]{64}$/);
        expect(p.appealEndsAt!.getTime()).toBeGreaterThan(p.servedAt!.getTime());
        expect(p.finalAt!.getTime()).toBeGreaterThanOrEqual(p.appealEndsAt!.getTime());
      }
      const eventDecided = row.permits[1]!.decidedAt!.getTime();
      expect(row.permits[0]!.decidedAt!.getTime()).toBeGreaterThan(eventDecided);
      // Planned, forecast and actual dates side by side for each permit step (F10).
      const processing = row.steps.find((s) => s.permitType === 'noise' && s.name === 'processing')!;
      expect(processing.plannedEnd).not.toBeNull();
      expect(processing.forecastSource).toMatch(/norm|history/);
      expect(processing.actualStart).not.toBeNull();
      expect(processing.actualEnd).not.toBeNull();
      // Both final permits handed over to supervision.
      const starts = await db.handle.db.supervisionStart.findMany({ where: { projectId: id } });
      expect(starts.map((s) => [s.permitType, s.procedure]).sort()).toEqual([
        ['noise', 'permit'],
        ['public-event', 'permit'],
      ]);
      // The supervised permit type starts its supervision cycle on a new site (issue 4).
      const cycle = await until('the supervision cycle', () =>
        db.handle.db.supervisionCycle.findFirst({ where: { projectId: id }, include: { site: true } }),
      );
      expect([cycle.permitType, cycle.phase, cycle.site.targetGroup]).toEqual([
        'public-event',
        'commissioning',
        'largePublicEvent',
      ]);
      await client.workflow.getHandle(cycle.workflowId).terminate('test done');
      expect(published.filter((e) => e.projectId === id).map((e) => e.type)).toEqual(
        expect.arrayContaining([
          'submit',
          'riskProfiled',
          'startHearing',
          'hearingClosed',
          'decide',
          'served',
          'final',
        ]),
      );
      await histories.record('project-happy-path', handle);
      await histories.record('section-with-hearing', cases.section(id, 'noise').handle);
    });
  });

  it('answers an information request while the other permit proceeds; every authority sees the answer', async () => {
    await withWorker(async (taskQueue) => {
      const { id } = await cases.create(taskQueue, [NOISE, EVENT], MEDIUM_RISK, settings);
      await cases.toProcessing(id, [NOISE, EVENT], MEDIUM_RISK);
      const noise = cases.section(id, 'noise');
      const asked = await noise.send({ action: 'requestInfo', authorityCode: 'CITY-TRE', question: 'Speaker layout?' });
      const requestId = asked.createdId!;
      expect(asked.openInfoRequests).toEqual([requestId]);
      await expect(noise.send(hearingCommand(60_000))).rejects.toHaveProperty(
        'cause.message',
        expect.stringMatching(/1 information request/),
      );

      await cases.decideWithoutHearing(id, 'public-event');
      await cases.section(id, 'public-event').waitFor('final');
      expect((await noise.state()).step).toBe('processing');

      await noise.send({ action: 'answerInfo', requestId, answer: 'Two stacks facing the lake.' });
      expect((await noise.send(hearingCommand(60_000))).step).toBe('hearing');
      const request = await db.handle.db.infoRequest.findUniqueOrThrow({ where: { id: requestId } });
      expect(request.answer).toBe('Two stacks facing the lake.');
      // The timeline names the request answered; its audit entry has no made-up HTTP request id.
      const answered = await db.handle.db.timelineEvent.findFirstOrThrow({
        where: { projectId: id, type: 'answerInfo' },
      });
      expect(answered.payload).toMatchObject({ requestId });
      const audited = await db.handle.db.auditEntry.findFirstOrThrow({
        where: { action: 'answerInfo', entityId: `${id}/noise` },
      });
      expect(audited).toMatchObject({ requestId: null, details: expect.objectContaining({ requestId }) });
      const seenBy = await db.handle.db.notification.findMany({
        where: { projectId: id, kind: 'infoAnswered' },
        select: { recipient: true },
      });
      expect(seenBy.map((n) => n.recipient).sort()).toEqual(['CITY-TRE', 'POLICE-SISA']);
      await cases.project(id).send({ action: 'cancel' });
    });
  });

  it('stores a comment inside the notice period exactly once and rejects one a second after it closes', async () => {
    await withWorker(async (taskQueue) => {
      const { id } = await cases.create(taskQueue, [NOISE], MEDIUM_RISK, settings);
      await cases.toProcessing(id, [NOISE], MEDIUM_RISK);
      const noise = cases.section(id, 'noise');
      const { notice } = await noise.send(hearingCommand(2500));
      const comment = {
        action: 'comment',
        kind: 'objection',
        authorName: 'Riikka Rantanen',
        anonymous: true,
        text: 'Too loud at night.',
      } as const;
      const commentKey = key();
      const first = await noise.send(comment, commentKey);
      const again = await noise.send(comment, commentKey);
      expect(first.createdId).toBeDefined();
      expect(again.createdId).toBeUndefined();
      expect(await db.handle.db.comment.count({ where: { notice: { projectId: id } } })).toBe(1);

      await new Promise((r) => setTimeout(r, Date.parse(notice!.closesAt) + 1000 - Date.now()));
      const late = noise.send(comment);
      await expect(late).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(late).rejects.toHaveProperty('cause.type', 'TransitionRejected');
      expect(await db.handle.db.comment.count({ where: { notice: { projectId: id } } })).toBe(1);
      expect((await noise.waitFor('replies')).allowed).toContain('reply');
      await cases.project(id).send({ action: 'cancel' });
    });
  });

  it('rejects decide before the hearing, naming the step and the allowed actions, and changes nothing', async () => {
    await withWorker(async (taskQueue) => {
      const { id } = await cases.create(taskQueue, [NOISE], MEDIUM_RISK, settings);
      await cases.toProcessing(id, [NOISE], MEDIUM_RISK);
      const noise = cases.section(id, 'noise');
      const before = await db.handle.db.timelineEvent.count({ where: { projectId: id } });
      const attempt = noise.send({ action: 'decide', decision: 'approved', text: 'x', signedBy: 'Kaisa' });
      await expect(attempt).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(attempt).rejects.toHaveProperty('cause.message', expect.stringMatching(/step "processing"/));
      const failure = await attempt.then(
        () => null,
        (err: WorkflowUpdateFailedError) => err.cause as unknown as { details: unknown[] },
      );
      expect(failure?.details[0]).toEqual({ step: 'processing', allowed: ['requestInfo', 'startHearing', 'cancel'] });
      expect((await noise.state()).step).toBe('processing');
      expect(await db.handle.db.timelineEvent.count({ where: { projectId: id } })).toBe(before);
      const history = await noise.handle.fetchHistory();
      expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
      await cases.project(id).send({ action: 'cancel' });
    });
  });

  it('cancels during a hearing: every section stops, every authority is notified, the customer gets a receipt', async () => {
    await withWorker(async (taskQueue) => {
      const { id, handle } = await cases.create(taskQueue, [NOISE, EVENT], MEDIUM_RISK, settings);
      await cases.toProcessing(id, [NOISE, EVENT], MEDIUM_RISK);
      await cases.section(id, 'noise').send(hearingCommand(60_000));
      const view = await cases.project(id).send({ action: 'cancel', reason: 'Event moved to 2028' });
      expect(view.step).toBe('cancelled');
      expect(view.receiptNumber).toMatch(/^PER-\d{4}-/);
      expect((await handle.result()).step).toBe('cancelled');

      for (const permitType of ['noise', 'public-event']) {
        const section = cases.section(id, permitType).handle;
        await section.result().catch(() => undefined);
        expect((await section.describe()).status.name).toBe('CANCELLED');
      }
      const row = await rows(id);
      expect(row.permits.map((p) => p.step)).toEqual(['cancelled', 'cancelled']);
      const notes = await db.handle.db.notification.findMany({
        where: { projectId: id, kind: { in: ['projectCancelled', 'cancellationReceipt'] } },
      });
      expect(notes.map((n) => [n.kind, n.recipient]).sort()).toEqual(
        [
          ['cancellationReceipt', row.organisationId],
          ['projectCancelled', 'CITY-TRE'],
          ['projectCancelled', 'POLICE-SISA'],
        ].sort(),
      );
      await histories.record('project-cancelled-in-hearing', handle);
    });
  });

  it('takes a low-risk notification straight to supervision without hearing or decision', async () => {
    await withWorker(async (taskQueue) => {
      const { id, handle } = await cases.create(taskQueue, [EVENT], LOW_RISK, settings);
      await cases.toProcessing(id, [EVENT], LOW_RISK);
      expect((await handle.result()).step).toBe('completed');
      const [permit] = (await rows(id)).permits;
      expect([permit!.step, permit!.procedure, permit!.riskLevel, permit!.decision]).toEqual([
        'notified',
        'notification',
        'low',
        null,
      ]);
      const start = await db.handle.db.supervisionStart.findFirstOrThrow({ where: { projectId: id } });
      expect(start.procedure).toBe('notification');
      await histories.record('section-notification', cases.section(id, 'public-event').handle);
    });
  });

  it('continues a long hearing as new and keeps accepting comments with its state', async () => {
    await withWorker(async (taskQueue) => {
      const { id } = await cases.create(taskQueue, [NOISE], MEDIUM_RISK, { ...settings, historyLimit: 40 });
      await cases.toProcessing(id, [NOISE], MEDIUM_RISK);
      const noise = cases.section(id, 'noise');
      const firstRun = (await noise.handle.describe()).runId;
      await noise.send(hearingCommand(60_000));
      for (let i = 0; i < 12; i++) {
        await noise.send({
          action: 'comment',
          kind: 'opinion',
          authorName: `Resident ${i}`,
          anonymous: false,
          text: 'Ok',
        });
      }
      const latest = await noise.handle.describe();
      expect(latest.runId).not.toBe(firstRun);
      expect((await noise.state()).step).toBe('hearing');
      expect(await db.handle.db.comment.count({ where: { notice: { projectId: id } } })).toBe(12);
      await cases.project(id).send({ action: 'cancel' });
    });
  });

  it('continues a long-lived project as new with its state and its running sections', async () => {
    await withWorker(async (taskQueue) => {
      const { id, handle } = await cases.create(taskQueue, [EVENT], MEDIUM_RISK, { ...settings, historyLimit: 60 });
      const firstRun = (await handle.describe()).runId;
      const project = await cases.toProcessing(id, [EVENT], MEDIUM_RISK);
      expect((await handle.describe()).runId).not.toBe(firstRun);
      const view = await project.state();
      expect([view.step, view.submitted, view.permits[0]?.received, view.permits[0]?.caseNumber]).toEqual([
        'processing',
        true,
        true,
        'CASE/1',
      ]);
      // The section started by an earlier run reports its end to the latest run.
      await cases.decideWithoutHearing(id, 'public-event');
      expect((await handle.result()).step).toBe('completed');
    });
  });

  it('replays recorded histories through the current workflow code', async () => {
    expect(histories.recorded.length).toBeGreaterThanOrEqual(4);
    histories.writeFixtures();
    const committed = histories.committed('project-', 'section-');
    expect(committed.length).toBeGreaterThanOrEqual(4);
    await expect(histories.replay(bundle, [...histories.recorded, ...committed])).resolves.toBeUndefined();
  });
});
