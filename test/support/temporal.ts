/**
 * The workflow suites' Temporal setup: a fresh database with the demo data, the workflow
 * bundle built once per file, connections to the real server that scripts/test.mjs
 * started, and workers on fresh task queues running the real activities.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import pino from 'pino';
import { createActivities, type TimelineEventMessage } from '../../activities';
import { seed } from '../../prisma/seed';
import { freshDatabase, temporalAddress } from './env';

const silent = { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} };
const logger = pino({ level: 'silent' });

export interface TemporalHarness {
  db: Awaited<ReturnType<typeof freshDatabase>>;
  client: Client;
  bundle: { code: string };
  /** Every timeline event the activities published, in order. */
  published: TimelineEventMessage[];
  /** Runs `fn` while a worker polls `taskQueue` (a fresh queue unless given), then stops it. */
  withWorker<T>(fn: (taskQueue: string) => Promise<T>, taskQueue?: string): Promise<T>;
}

/** Registers beforeAll/afterAll for the calling test file; read the fields inside tests. */
export function useTemporal(): TemporalHarness {
  let connection: NativeConnection | undefined;
  const harness = {
    published: [] as TimelineEventMessage[],
    async withWorker<T>(fn: (taskQueue: string) => Promise<T>, taskQueue = `test-${randomUUID()}`): Promise<T> {
      const worker = await Worker.create({
        connection: connection!,
        taskQueue,
        workflowBundle: harness.bundle,
        shutdownGraceTime: '5 seconds',
        activities: createActivities({
          db: harness.db.handle.db,
          logger,
          events: { publish: (e) => harness.published.push(e) },
        }),
      });
      return worker.runUntil(fn(taskQueue));
    },
  } as TemporalHarness;

  beforeAll(async () => {
    harness.db = await freshDatabase();
    await seed(harness.db.handle.db);
    harness.bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: silent });
    connection = await NativeConnection.connect({ address: temporalAddress() });
    harness.client = new Client({ connection: await Connection.connect({ address: temporalAddress() }) });
  });

  afterAll(async () => {
    await harness.client?.connection.close();
    await connection?.close();
    await harness.db?.drop();
  });

  return harness;
}
