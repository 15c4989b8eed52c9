// The baseline's worker process: Worker.create with the options platform/temporal.ts
// createWorker gives ours (connection, namespace, task queue, shutdownGraceTime, bundled
// workflowsPath), but the bare workflow and no activities. Reports ready over IPC like
// dist/platform/main.js; SIGTERM drains and exits.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';

const here = path.dirname(fileURLToPath(import.meta.url));
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  taskQueue: process.env.TEMPORAL_TASK_QUEUE,
  shutdownGraceTime: '10 seconds',
  activities: {},
  workflowsPath: path.join(here, 'bare-workflow.js'),
});
const running = worker.run();
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  worker.shutdown();
  await running;
  await connection.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.send?.({ ready: true });
await running;
