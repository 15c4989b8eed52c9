import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { DEMO } from '../../prisma/seed';
import { assess, riskModel, type Grade } from '../../domain/risk';
import { DAY_MS, DEFAULT_RULES, intervalDays } from '../../domain/supervision';
import {
  supervisionCommandUpdate,
  supervisionReportSignal,
  supervisionStateQuery,
  supervisionWorkflowId,
  type FindingInput,
  type SupervisionCommandBody,
  type SupervisionReport,
  type SupervisionView,
} from '../../workflows/supervision-cycle/messages';
import { supervisionCycleWorkflow } from '../../workflows/supervision-cycle/workflow';
import { until } from '../support/env';
import { useTemporal, type TemporalHarness } from '../support/temporal';
import { Histories } from '../support/histories';

const temporal = useTemporal();
const withWorker = temporal.withWorker;
let db: TemporalHarness['db'];
let client: Client;
let bundle: { code: string };
beforeAll(() => ({ db, client, bundle } = temporal));
/** Supervision runs for the replay test (and, with RECORD_HISTORIES, as fixtures). */
const histories = new Histories();

/** One simulated day per this many real milliseconds: years of supervision run in seconds. */
const msPerDay = (ms: number) => DAY_MS / ms;

async function newSite(model: string, targetGroup: string, activity: string[]) {
  return db.handle.db.site.create({
    data: {
      organisationId: DEMO.organisationId,
      name: `Site ${randomUUID().slice(0, 8)}`,
      address: 'Hämeenkatu 1',
      municipality: 'Tampere',
      latitude: 61.4981,
      longitude: 23.761,
      riskModel: model,
      targetGroup,
      activity,
    },
  });
}

/** Every graded factor the group asks for, at one grade. */
function gradesFor(model: string, targetGroup: string, present: string[], grade: Grade) {
  const { missing } = assess(riskModel(model)!, { targetGroup, present });
  return Object.fromEntries(missing.map((id) => [id, grade])) as Record<string, Grade>;
}

/** An on-site inspection grading every factor the group asks for at one grade. */
function inspection(
  model: string,
  targetGroup: string,
  present: string[],
  grade: Grade,
  findings: FindingInput[] = [],
): SupervisionCommandBody {
  const inspector = model === 'food-2008' ? 'Ville Valvoja' : 'Tarja Tarkastaja';
  const grades = gradesFor(model, targetGroup, present, grade);
  return { action: 'recordInspection', inspector, method: 'onSite', grades, present: [], findings };
}

class Cycle {
  constructor(readonly handle: WorkflowHandle<typeof supervisionCycleWorkflow>) {}
  send(body: SupervisionCommandBody, idempotencyKey = randomUUID()): Promise<SupervisionView> {
    return this.handle.executeUpdate(supervisionCommandUpdate, { args: [{ ...body, idempotencyKey } as never] });
  }
  report(r: Omit<SupervisionReport, 'idempotencyKey'>, idempotencyKey = randomUUID()) {
    return this.handle.signal(supervisionReportSignal, { ...r, idempotencyKey });
  }
  state(): Promise<SupervisionView> {
    return this.handle.query(supervisionStateQuery);
  }
}

async function startCycle(taskQueue: string, siteId: string, scale: number) {
  const handle = await client.workflow.start(supervisionCycleWorkflow, {
    taskQueue,
    workflowId: supervisionWorkflowId(siteId),
    args: [{ siteId, authorityCode: 'CITY-TRE', settings: { timeScale: scale } }],
  });
  const cycle = new Cycle(handle);
  await until('the cycle to open', async () => (await cycle.state()).cycleId);
  return cycle;
}

const notifications = (kind: string) =>
  db.handle.db.notification.findMany({ where: { kind }, orderBy: { createdAt: 'asc' } });

const latestAssessment = (siteId: string) =>
  db.handle.db.siteAssessment.findFirstOrThrow({ where: { siteId }, orderBy: { assessedAt: 'desc' } });

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

describe('supervisionCycleWorkflow on a real Temporal server', () => {
  it('runs three years of a restaurant: commissioning, reminders, risk-based recurring inspections', async () => {
    const activity = ['activity.aLaCarte', 'activity.cookingFromRaw'];
    const site = await newSite('food-2008', 'restaurant', activity);
    await withWorker(async (taskQueue) => {
      const cycle = await startCycle(taskQueue, site.id, msPerDay(4));
      // The first run ends with the commissioning inspection (continue-as-new).
      const firstRun = (await cycle.handle.describe()).runId;
      const opened = await cycle.state();
      expect(opened.phase).toBe('commissioning');
      expect(opened.plan!.kind).toBe('commissioning');
      const started = await db.handle.db.supervisionCycle.findFirstOrThrow({ where: { siteId: site.id } });
      expect(daysBetween(started.startedAt.toISOString(), opened.plan!.dueAt)).toBe(DEFAULT_RULES.commissioningDays);

      // The customer and the authority co-edit the agenda before the commissioning inspection.
      await cycle.send({
        action: 'editAgenda',
        items: [
          { id: 'a1', text: 'Own-check plan', addedBy: 'authority' },
          { id: 'a2', text: 'New cold room', addedBy: 'customer' },
        ],
      });
      const row = await db.handle.db.supervisionCycle.findFirstOrThrow({ where: { siteId: site.id } });
      expect(row.agenda).toEqual([
        expect.objectContaining({ id: 'a1' }),
        expect.objectContaining({ addedBy: 'customer' }),
      ]);
      expect(row.supervisorName).toBeTruthy();

      const inspect = (grade: Grade) => cycle.send(inspection('food-2008', 'restaurant', activity, grade));

      let view = await inspect('B');
      expect(view.phase).toBe('supervising');
      const start = view.lastInspectionAt!;
      // Grades worsen in the third round: the engine's frequency rises and the interval shortens.
      const gradesByRound: Grade[] = ['B', 'B', 'D'];
      for (const grade of gradesByRound) {
        const assessed = await latestAssessment(site.id);
        expect(assessed.modelVersion).toBe(riskModel('food-2008')!.version);
        expect(daysBetween(view.lastInspectionAt!, view.plan!.dueAt)).toBe(intervalDays(assessed.frequencyPerYear!));
        const planned = view.plan!.plannedId;
        // F39: the reminder reaches the operator and the supervisor before the inspection.
        await until('the reminder', async () =>
          (await notifications('inspectionReminder')).some(
            (n) => (n.payload as { plannedId: string }).plannedId === planned && n.recipientKind === 'organisation',
          ),
        );
        view = await inspect(grade);
      }
      const final = await latestAssessment(site.id);
      const first = await db.handle.db.siteAssessment.findFirstOrThrow({
        where: { siteId: site.id },
        orderBy: { assessedAt: 'asc' },
      });
      expect(final.frequencyPerYear!).toBeGreaterThan(first.frequencyPerYear!);
      expect(daysBetween(view.lastInspectionAt!, view.plan!.dueAt)).toBe(intervalDays(final.frequencyPerYear!));
      // Over two simulated years passed; each inspection round was its own workflow run.
      expect(daysBetween(start, view.lastInspectionAt!)).toBeGreaterThan(2 * 365 - 60);
      const state = await until('the new run', async () => {
        const s = await cycle.state();
        return s.round === 4 && s;
      });
      expect(state.plan!.plannedId).toBe(view.plan!.plannedId);
      expect(await db.handle.db.inspection.count({ where: { siteId: site.id } })).toBe(4);
      expect(await db.handle.db.siteAssessment.count({ where: { siteId: site.id } })).toBe(4);
      const plans = await db.handle.db.plannedInspection.findMany({ where: { cycle: { siteId: site.id } } });
      expect(plans.map((p) => p.status).sort()).toEqual(['done', 'done', 'done', 'done', 'planned']);
      await cycle.send({ action: 'close', reason: 'businessClosed' });
      expect((await cycle.handle.result()).phase).toBe('closed');
      await histories.record('supervision-restaurant-commissioning', cycle.handle, firstRun);
      await histories.record('supervision-restaurant-closed', cycle.handle);
    });
  });

  it('brings the inspection forward when reports raise the risk, alerts on observations, never pushes it later', async () => {
    const profile = ['profile.chemicals10to200t'];
    const site = await newSite('facility-example', 'chemicalStorage', profile);
    await withWorker(async (taskQueue) => {
      const cycle = await startCycle(taskQueue, site.id, msPerDay(50));
      const inspected = await cycle.send(inspection('facility-example', 'chemicalStorage', profile, 'B'));
      const before = await latestAssessment(site.id);
      const dueBefore = inspected.plan!.dueAt;

      // Three citizen observations within the window: an alert to the supervisor (F30).
      for (let i = 0; i < 3; i++) await cycle.report({ kind: 'citizenObservation', description: `Smell ${i}` });
      await until('the alert', async () => (await notifications('observationAlert')).length === 1);
      const afterObservations = await latestAssessment(site.id);
      expect(afterObservations.score!).toBeGreaterThan(before.score!);
      expect(afterObservations.frequencyPerYear).toBe(before.frequencyPerYear); // same band: date stays
      expect((await cycle.state()).plan!.dueAt).toBe(dueBefore);

      // An incident on top raises the class: the inspection comes forward.
      await cycle.report({ kind: 'incident', description: 'Leak in the loading bay' });
      const forward = await until('the re-plan', async () => {
        const s = await cycle.state();
        return s.plan!.dueAt !== dueBefore && s;
      });
      const risen = await latestAssessment(site.id);
      expect(risen.frequencyPerYear!).toBeGreaterThan(before.frequencyPerYear!);
      expect(Date.parse(forward.plan!.dueAt)).toBeLessThan(Date.parse(dueBefore));
      expect(forward.plan!.reason).toMatchObject({
        code: 'broughtForward',
        trigger: 'incident',
        toRiskClass: risen.riskClass,
      });
      expect(daysBetween(inspected.lastInspectionAt!, forward.plan!.dueAt)).toBe(intervalDays(risen.frequencyPerYear!));
      // Residents following the area hear of the incident: one notification to the site's area,
      // naming the site, not the company's description (F41).
      const incidentAlerts = (await notifications('incidentReported')).filter((n) => n.recipient === site.id);
      expect(incidentAlerts.map((n) => [n.recipientKind, (n.payload as { title: string }).title])).toEqual([
        ['siteArea', site.name],
      ]);
      expect(JSON.stringify(incidentAlerts[0]!.payload)).not.toContain('Leak');

      // A clean self-monitoring report does not move the date later.
      await cycle.report({ kind: 'selfMonitoring', description: 'Monthly checks fine', deviation: false });
      await until(
        'the report',
        async () =>
          (await db.handle.db.observation.count({ where: { siteId: site.id, kind: 'selfMonitoring' } })) === 1,
      );
      await until(
        'the report to be processed',
        async () => (await db.handle.db.siteAssessment.count({ where: { siteId: site.id } })) === 6,
      );
      expect((await cycle.state()).plan!.dueAt).toBe(forward.plan!.dueAt);
      const told = await notifications('inspectionBroughtForward');
      expect(told.map((n) => n.recipientKind).sort()).toEqual(['organisation', 'supervisor']);
      await cycle.handle.terminate('test done');
    });
  });

  it('follows corrective actions: evidence reviewed remotely, an unmet deadline plans a follow-up (F27)', async () => {
    const activity = ['activity.aLaCarte'];
    const site = await newSite('food-2008', 'restaurant', activity);
    await withWorker(async (taskQueue) => {
      const cycle = await startCycle(taskQueue, site.id, msPerDay(40));
      const view = await cycle.send(
        inspection('food-2008', 'restaurant', activity, 'C', [
          {
            factorId: 'premises.adequacy',
            description: 'Cracked floor in the cold room',
            grade: 'C',
            correctiveAction: { description: 'Repair the floor', deadlineDays: 20 },
          },
          {
            description: 'Thermometer missing',
            grade: 'B',
            correctiveAction: { description: 'Install a thermometer', deadlineDays: 60 },
          },
        ]),
      );
      expect(view.actions).toHaveLength(2);
      const [floor, thermometer] = view.actions;

      // Unknown action: refused naming it, nothing changes.
      await expect(
        cycle.send({ action: 'reviewEvidence', actionId: randomUUID(), accepted: true }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(cycle.send({ action: 'editAgenda', items: [] })).rejects.toHaveProperty(
        'cause.message',
        expect.stringMatching(/editAgenda is not possible while the supervision is supervising/),
      );

      // The thermometer: photo evidence accepted remotely.
      await cycle.send({
        action: 'submitEvidence',
        actionId: thermometer!.id,
        evidence: [{ url: 'https://files.example/thermo.jpg', mediaType: 'image/jpeg', caption: 'Installed' }],
      });
      const accepted = await cycle.send({ action: 'reviewEvidence', actionId: thermometer!.id, accepted: true });
      expect(accepted.actions.map((a) => a.id)).toEqual([floor!.id]);

      // The floor: video evidence rejected, then the deadline passes → overdue and a follow-up inspection.
      await cycle.send({
        action: 'submitEvidence',
        actionId: floor!.id,
        evidence: [{ url: 'https://files.example/floor.mp4', mediaType: 'video/mp4' }],
      });
      await cycle.send({ action: 'reviewEvidence', actionId: floor!.id, accepted: false, note: 'Crack still visible' });
      const followUp = await until('the follow-up', async () => {
        const s = await cycle.state();
        return s.plan!.kind === 'followUp' && s;
      });
      expect(followUp.actions).toEqual([expect.objectContaining({ id: floor!.id, status: 'overdue' })]);
      const deadline = followUp.actions[0]!.deadline;
      expect(daysBetween(deadline, followUp.plan!.dueAt)).toBe(DEFAULT_RULES.followUpDays);
      expect(Date.parse(followUp.plan!.dueAt)).toBeLessThan(Date.parse(view.plan!.dueAt));
      const overdue = await notifications('correctiveActionOverdue');
      expect(overdue.map((n) => n.recipientKind).sort()).toEqual(['organisation', 'supervisor']);
      const rows = await db.handle.db.correctiveAction.findMany({ where: { cycle: { siteId: site.id } } });
      expect(rows.map((r) => [r.description, r.status]).sort()).toEqual([
        ['Install a thermometer', 'accepted'],
        ['Repair the floor', 'overdue'],
      ]);
      await histories.record('supervision-corrective-follow-up', cycle.handle);
      await cycle.handle.terminate('test done');
    });
  });

  it('survives a worker restart mid-cycle: reports wait, timers fire, nothing is written twice', async () => {
    const profile = ['profile.chemicals10to200t'];
    const site = await newSite('facility-example', 'chemicalStorage', profile);
    const taskQueue = `test-${randomUUID()}`;
    const cycle = await withWorker(async () => {
      const c = await startCycle(taskQueue, site.id, msPerDay(5));
      await c.send(inspection('facility-example', 'chemicalStorage', profile, 'B'));
      return c;
    }, taskQueue);
    const dueBefore = (await db.handle.db.supervisionCycle.findFirstOrThrow({ where: { siteId: site.id } })).nextDueAt!;

    // No worker: the incident waits in Temporal.
    await cycle.report({ kind: 'incident', description: 'Fire alarm, small fire' });
    await cycle.report({ kind: 'citizenObservation', description: 'Smoke seen' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await db.handle.db.observation.count({ where: { siteId: site.id } })).toBe(0);

    await withWorker(async () => {
      await until(
        'both reports',
        async () => (await db.handle.db.observation.count({ where: { siteId: site.id } })) === 2,
      );
      const state = await until('the re-plan', async () => {
        const s = await cycle.state();
        return Date.parse(s.plan!.dueAt) < dueBefore.getTime() && s;
      });
      // The reminder timer keeps running under the new worker.
      await until('the reminder', async () =>
        (await notifications('inspectionReminder')).some(
          (n) => (n.payload as { plannedId: string }).plannedId === state.plan!.plannedId,
        ),
      );
      await cycle.send({ action: 'close', reason: 'permitClosed' });
      expect((await cycle.handle.result()).phase).toBe('closed');
    }, taskQueue);
    expect(await db.handle.db.inspection.count({ where: { siteId: site.id } })).toBe(1);
    const events = await db.handle.db.supervisionEvent.findMany({ where: { cycle: { siteId: site.id } } });
    expect(events.filter((e) => e.type === 'incident')).toHaveLength(1);
    const row = await db.handle.db.supervisionCycle.findFirstOrThrow({ where: { siteId: site.id } });
    expect([row.phase, row.closeReason, row.nextDueAt]).toEqual(['closed', 'permitClosed', null]);
    const planned = await db.handle.db.plannedInspection.count({ where: { cycleId: row.id, status: 'planned' } });
    expect(planned).toBe(0);
    await histories.record('supervision-restart-closed', cycle.handle);
  });

  it('replays recorded supervision histories through the current workflow code', async () => {
    expect(histories.recorded.length).toBeGreaterThanOrEqual(4);
    histories.writeFixtures();
    const committed = histories.committed('supervision-');
    expect(committed.length).toBeGreaterThanOrEqual(3);
    await expect(histories.replay(bundle, [...histories.recorded, ...committed])).resolves.toBeUndefined();
  });
});
