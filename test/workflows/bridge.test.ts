/**
 * The bridge's workflows on a real Temporal server and PostgreSQL: the relay continues as new
 * after a bounded number of rounds and carries its cursor, so nothing is relayed twice or
 * skipped across runs; each delivery runs once per event; and the recorded runs (with the
 * committed bridge fixtures, if any) replay through the current workflow code.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { CaseSystem } from '../../adapters/reference-case-system/src/case-system';
import { newSecret } from '../../api/bridge';
import { bridgeRelayWorkflow } from '../../workflows/bridge/relay';
import { bridgeDeliveryId, type BridgeRelaySettings } from '../../workflows/bridge/messages';
import { until } from '../support/env';
import { useTemporal } from '../support/temporal';
import { CaseDriver, MEDIUM_RISK } from '../support/cases';
import { Histories } from '../support/histories';

const temporal = useTemporal();
const histories = new Histories();
const db = () => temporal.db.handle.db;
const STRUCTURE = { permitType: 'temporary-structure', authorityCode: 'CITY-TRE' };
let system: CaseSystem;

beforeAll(async () => {
  const secret = newSecret();
  system = new CaseSystem({ secret, platformUrl: 'http://127.0.0.1:9', authorityCode: 'CITY-TRE' });
  const url = await system.listen();
  const city = await db().authority.findUniqueOrThrow({ where: { code: 'CITY-TRE' } });
  await db().authorityConnection.create({
    data: { authorityId: city.id, mode: 'webhook', webhookUrl: `${url}/webhook`, secret },
  });
});
afterAll(() => system.close());

/** The settings a run of the relay was started with (the first event of its history). */
async function startedWith(handle: WorkflowHandle, runId: string): Promise<BridgeRelaySettings> {
  const history = await handle.client.getHandle(handle.workflowId, runId).fetchHistory();
  const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  return JSON.parse(Buffer.from(payload.data!).toString('utf8')) as BridgeRelaySettings;
}

it('the relay continues as new with its cursor; each event is delivered once; the runs replay', async () => {
  await temporal.withWorker(async (taskQueue) => {
    const cases = new CaseDriver(db(), temporal.client);
    const [{ max }] = await db().$queryRaw<[{ max: string }]>`
      SELECT COALESCE(MAX(id), 0)::text AS max FROM "TimelineEvent"`;
    const relay = await temporal.client.workflow.start(bridgeRelayWorkflow, {
      taskQueue,
      workflowId: `bridge-relay-${randomUUID()}`,
      // A short run and no settling: the cursor moves every round and every run is short.
      args: [
        {
          intervalMs: 100,
          roundsPerRun: 3,
          settleMs: 0,
          cursor: max,
          retry: { initialIntervalMs: 100, maximumIntervalMs: 500 },
        },
      ],
    });
    const firstRunId = relay.firstExecutionRunId;
    try {
      const { id } = await cases.create(taskQueue, [STRUCTURE], MEDIUM_RISK);
      await cases.toProcessing(id, [STRUCTURE], MEDIUM_RISK);
      await cases.section(id, STRUCTURE.permitType).send({
        action: 'requestInfo',
        authorityCode: 'CITY-TRE',
        question: 'Rakennepiirustukset?',
      });
      const events = await until(
        'both events delivered',
        async () => {
          const rows = await db().bridgeEvent.findMany({ where: { projectId: id } });
          return rows.length === 2 && rows.every((r) => r.status === 'delivered') ? rows : null;
        },
        30_000,
      );
      // Several runs later (continue-as-new every three rounds), nothing arrived twice.
      const current = await until('a few runs of the relay', async () => {
        const d = await relay.describe();
        return d.runId !== firstRunId ? d : null;
      });
      await new Promise((r) => setTimeout(r, 1500));
      expect(system.state.duplicates).toBe(0);
      expect(system.state.received.filter((e) => (e.body.project as { id: string }).id === id)).toHaveLength(2);
      expect(await db().bridgeEvent.count({ where: { projectId: id } })).toBe(2);
      // A later run starts from the cursor the run before it reached: past the relayed entries.
      const last = await db().timelineEvent.findFirstOrThrow({ where: { projectId: id, type: 'requestInfo' } });
      await until('a run started past the relayed entries', async () => {
        const carried = await startedWith(relay, (await relay.describe()).runId);
        return carried.cursor !== undefined && carried.cursor !== null && BigInt(carried.cursor) >= last.id;
      });
      expect(current.runId).not.toBe(firstRunId);
      expect(system.state.duplicates).toBe(0);

      await histories.record('bridge-relay-continued', relay, firstRunId);
      for (const e of events) {
        await histories.record(`bridge-delivery-${e.type}`, temporal.client.workflow.getHandle(bridgeDeliveryId(e.id)));
      }
    } finally {
      await relay.terminate('test done');
    }
  });
  const committed = histories.committed('bridge-');
  histories.writeFixtures();
  await expect(histories.replay(temporal.bundle, [...histories.recorded, ...committed])).resolves.toBeUndefined();
});
