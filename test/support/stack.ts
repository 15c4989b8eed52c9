/**
 * The API suites' stack: a fresh database with the demo data, a Temporal client and a worker
 * running the real workflows and activities on a fresh task queue, and the HTTP server with
 * its identity provider and socket rooms. Activities publish to the server's rooms.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities, type EventPublisher } from '../../activities';
import { seed, DEMO } from '../../prisma/seed';
import type { ApiClient } from '../../api/client';
import { freshDatabase, temporalAddress } from './env';
import { startApi, type RunningApi } from './api';

export interface ApiStack {
  db: Awaited<ReturnType<typeof freshDatabase>>;
  client: Client;
  api: RunningApi;
  base: string;
  taskQueue: string;
}

type StackConfig = Parameters<typeof startApi>[2];

/** Registers beforeAll/afterAll for the calling file; read the fields inside tests. */
export function useApiStack(config: Partial<StackConfig> = {}): ApiStack {
  const stack = { taskQueue: `api-${randomUUID()}` } as ApiStack;
  let nativeConnection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;

  beforeAll(async () => {
    stack.db = await freshDatabase();
    await seed(stack.db.handle.db);
    stack.client = new Client({ connection: await Connection.connect({ address: temporalAddress() }) });
    nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
    const live: EventPublisher = {
      publish: (e) => stack.api?.publisher.publish(e),
      wake: (room) => stack.api?.publisher.wake?.(room),
    };
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: stack.taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities({ db: stack.db.handle.db, logger: pino({ level: 'silent' }), events: live }),
    });
    workerRun = worker.run();
    stack.api = await startApi(stack.db.handle.db, stack.client, {
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      UI_DIST: '',
      APPEAL_PERIOD_SECONDS: 1,
      NOTICE_MIN_DAYS: 0,
      ...config,
    });
    stack.base = stack.api.base;
  });

  afterAll(async () => {
    await stack.api?.close();
    worker?.shutdown();
    await workerRun;
    await nativeConnection?.close();
    await stack.client?.connection.close();
    await stack.db?.drop();
  });

  return stack;
}

/** A festival project with a noise permit (City of Tampere) and a public-event permit (police). */
export async function twoAuthorityProject(client: ApiClient, title: string): Promise<string> {
  const { id } = await client.createProject({
    organisationId: DEMO.festivalOrgId,
    title,
    permits: [
      { permitType: 'noise', authorityCode: 'CITY-TRE' },
      { permitType: 'public-event', authorityCode: 'POLICE-SISA' },
    ],
  });
  return id;
}
