/**
 * Invoices issued by the supervision workflow on a real Temporal server: the inspection fee
 * follows the risk class the inspection assessed (a riskier site gets more inspections a year
 * and pays more), and a createInvoice activity that committed but whose worker lost the result
 * is retried without a second invoice; the run's history replays without issuing anything.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DEMO } from '../../prisma/seed';
import { assess, riskModel, type Grade, type RiskClass } from '../../domain/risk';
import { authorityBilling, inspectionHours, yearlySupervisionCents, type InvoiceLine } from '../../domain/fees';
import { createActivities } from '../../activities';
import type { InvoiceDue } from '../../activities/invoices';
import {
  supervisionCommandUpdate,
  supervisionStateQuery,
  supervisionWorkflowId,
  type SupervisionCommandBody,
} from '../../workflows/supervision-cycle/messages';
import { supervisionCycleWorkflow } from '../../workflows/supervision-cycle/workflow';
import { temporalAddress, until } from '../support/env';
import { useTemporal, type TemporalHarness } from '../support/temporal';
import { Histories } from '../support/histories';

const temporal = useTemporal();
let db: TemporalHarness['db'];
let connection: NativeConnection;
beforeAll(async () => {
  db = temporal.db;
  connection = await NativeConnection.connect({ address: temporalAddress() });
});
afterAll(() => connection?.close());

const GROUP = 'centralKitchen';
const histories = new Histories();

/** A worker with the real activities, except that createInvoice may lose its first result. */
async function withWorker<T>(fn: (taskQueue: string) => Promise<T>, loseFirstResult: Set<string> | null) {
  const taskQueue = `invoicing-${randomUUID()}`;
  const activities = createActivities({
    db: db.handle.db,
    logger: pino({ level: 'silent' }),
    events: { publish: () => undefined },
  });
  const lost = new Set<string>();
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: temporal.bundle,
    shutdownGraceTime: '5 seconds',
    activities: {
      ...activities,
      async createInvoice(due: InvoiceDue) {
        const result = await activities.createInvoice(due);
        const key = JSON.stringify(due);
        // The invoice is committed, then the worker "dies" before Temporal hears of it: a retry follows.
        if (loseFirstResult && !lost.has(key)) {
          lost.add(key);
          loseFirstResult.add(key);
          throw new Error('worker lost after the commit');
        }
        return result;
      },
    },
  });
  return worker.runUntil(fn(taskQueue));
}

async function inspectedSite(grade: Grade, loseFirstResult: Set<string> | null = null) {
  const site = await db.handle.db.site.create({
    data: {
      organisationId: DEMO.organisationId,
      name: `Keittiö ${randomUUID().slice(0, 8)}`,
      address: 'Hämeenkatu 1',
      municipality: 'Tampere',
      riskModel: 'food-2008',
      targetGroup: GROUP,
      activity: [],
    },
  });
  const { missing } = assess(riskModel('food-2008')!, { targetGroup: GROUP, present: [] });
  const grades = Object.fromEntries(missing.map((id) => [id, grade]));
  const inspection: SupervisionCommandBody = {
    action: 'recordInspection',
    inspector: 'Ville Valvoja',
    method: 'onSite',
    grades,
    present: [],
    findings: [],
  };
  return withWorker(async (taskQueue) => {
    const handle = await temporal.client.workflow.start(supervisionCycleWorkflow, {
      taskQueue,
      workflowId: supervisionWorkflowId(site.id),
      args: [{ siteId: site.id, authorityCode: 'CITY-TRE' }],
    });
    await until('the cycle to open', async () => (await handle.query(supervisionStateQuery)).cycleId);
    const send = () =>
      handle.executeUpdate(supervisionCommandUpdate, { args: [{ ...inspection, idempotencyKey: randomUUID() }] });
    const nextRun = (after: string) =>
      until('the next inspection round', async () => {
        const runId = (await handle.describe()).runId;
        return runId !== after && runId;
      });
    // The commissioning inspection, then the first recurring one, whose fee follows the class;
    // each ends its run (continue-as-new), and each run is kept for the replay.
    const firstRun = (await handle.describe()).runId;
    await send();
    const secondRun = await nextRun(firstRun);
    const view = await send();
    await nextRun(secondRun);
    await histories.record(`invoicing-${grade}-commissioning`, handle, firstRun);
    await histories.record(`invoicing-${grade}-recurring`, handle, secondRun);
    const invoices = await db.handle.db.invoice.findMany({ where: { siteId: site.id }, orderBy: { seq: 'asc' } });
    await handle.executeUpdate(supervisionCommandUpdate, {
      args: [{ action: 'close', reason: 'permitClosed', idempotencyKey: randomUUID() }],
    });
    return { site, view, invoices };
  }, loseFirstResult);
}

const basisOf = (invoice: { lines: unknown }) => (invoice.lines as InvoiceLine[])[0]!.basis;

describe('inspection invoices from supervisionCycleWorkflow', () => {
  it('charges each inspection by the class it assessed: the riskier site pays more, and more often', async () => {
    const rate = authorityBilling('CITY-TRE').hourlyRateCents;
    const good = await inspectedSite('A');
    const poor = await inspectedSite('D');

    for (const { invoices, site } of [good, poor]) {
      // One invoice per inspection: the commissioning one and the recurring one.
      expect(invoices.map((i) => basisOf(i).kind)).toEqual(['commissioning', 'recurring']);
      expect(invoices[0]!.totalCents).toBe(rate * inspectionHours('commissioning', null));
      const assessment = await db.handle.db.siteAssessment.findFirstOrThrow({
        where: { siteId: site.id, reason: 'inspection' },
        orderBy: { assessedAt: 'desc' },
      });
      const recurring = invoices[1]!;
      const riskClass = assessment.riskClass as RiskClass;
      expect(basisOf(recurring)).toMatchObject({ riskClass, frequencyPerYear: assessment.frequencyPerYear });
      expect(recurring.totalCents).toBe(rate * inspectionHours('recurring', riskClass));
      expect(basisOf(recurring).yearlyCents).toBe(
        yearlySupervisionCents('CITY-TRE', riskClass, assessment.frequencyPerYear!),
      );
      expect(recurring.idempotencyKey).toMatch(/^invoice:inspection:/);
    }
    expect([basisOf(good.invoices[1]!).riskClass, basisOf(poor.invoices[1]!).riskClass]).toEqual(['R3', 'R1']);
    expect(poor.view.plan!.frequencyPerYear!).toBeGreaterThan(good.view.plan!.frequencyPerYear!);
    expect(poor.invoices[1]!.totalCents).toBeGreaterThan(good.invoices[1]!.totalCents);
    expect(basisOf(poor.invoices[1]!).yearlyCents as number).toBeGreaterThan(
      basisOf(good.invoices[1]!).yearlyCents as number,
    );
  });

  it('a createInvoice retried after its worker lost the result issues one invoice, and the history replays', async () => {
    const lost = new Set<string>();
    const { invoices, site } = await inspectedSite('B', lost);
    // Both inspections' invoices were committed, lost, retried — and are still one each.
    expect(lost.size).toBe(2);
    expect(invoices).toHaveLength(2);
    expect(await db.handle.db.invoice.count({ where: { siteId: site.id } })).toBe(2);
    expect(
      await db.handle.db.notification.count({
        where: { kind: 'invoiceIssued', payload: { path: ['title'], equals: site.name } },
      }),
    ).toBe(2);
    // Replaying the recorded runs (patched code) runs no activity: still two invoices.
    await histories.replay(temporal.bundle, histories.recorded);
    expect(await db.handle.db.invoice.count({ where: { siteId: site.id } })).toBe(2);
  });
});
