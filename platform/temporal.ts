import { Connection, Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from './config';
import { createActivities, type ActivityDeps } from '../activities';

export async function connectClient(config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>) {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}

/** Workflow code: prebuilt bundle in production, TypeScript source in development and tests. */
export function workflowSource(): { workflowsPath: string } {
  return { workflowsPath: require.resolve('../workflows') };
}

export async function createWorker(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE'>,
  deps: ActivityDeps,
  options: { workflowBundle?: { code: string } } = {},
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    // A deploy drains running activities instead of cancelling them mid-write.
    shutdownGraceTime: '10 seconds',
    activities: createActivities(deps),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : workflowSource()),
  });
  return { worker, connection };
}

/**
 * Starts this task queue's alert dispatcher unless it runs already (every worker tries; the
 * first one wins, the others find it running).
 */
export async function ensureAlertDispatcher(
  client: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'ALERT_INTERVAL_SECONDS'>,
): Promise<void> {
  const { alertDispatchWorkflow, alertDispatcherId } = await import('../workflows/alerts/workflow');
  await client.workflow.start(alertDispatchWorkflow, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: alertDispatcherId(config.TEMPORAL_TASK_QUEUE),
    args: [{ intervalMs: config.ALERT_INTERVAL_SECONDS * 1000 }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/**
 * Starts this task queue's retention sweeper (security events and room event logs) unless it
 * runs already, as the alert dispatcher is started.
 */
export async function ensureRetentionSweeper(
  client: Client,
  config: Pick<
    Config,
    | 'TEMPORAL_TASK_QUEUE'
    | 'RETENTION_SWEEP_INTERVAL_SECONDS'
    | 'SECURITY_EVENT_RETENTION_DAYS'
    | 'ROOM_EVENT_RETENTION_DAYS'
  >,
): Promise<void> {
  const { retentionSweepWorkflow } = await import('../workflows/archive/sweeper');
  const { retentionSweeperId } = await import('../workflows/archive/messages');
  await client.workflow.start(retentionSweepWorkflow, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: retentionSweeperId(config.TEMPORAL_TASK_QUEUE),
    args: [
      {
        intervalMs: config.RETENTION_SWEEP_INTERVAL_SECONDS * 1000,
        securityEventDays: config.SECURITY_EVENT_RETENTION_DAYS,
        roomEventDays: config.ROOM_EVENT_RETENTION_DAYS,
      },
    ],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/**
 * Starts this task queue's bridge relay (events for the authorities' own systems, F37) unless
 * it runs already, as the alert dispatcher is started.
 */
export async function ensureBridgeRelay(
  client: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'BRIDGE_INTERVAL_SECONDS' | 'BRIDGE_RETRY_MAX_SECONDS'>,
): Promise<void> {
  const { bridgeRelayWorkflow } = await import('../workflows/bridge/relay');
  const { bridgeRelayId } = await import('../workflows/bridge/messages');
  const maximumIntervalMs = config.BRIDGE_RETRY_MAX_SECONDS * 1000;
  await client.workflow.start(bridgeRelayWorkflow, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: bridgeRelayId(config.TEMPORAL_TASK_QUEUE),
    args: [
      {
        intervalMs: config.BRIDGE_INTERVAL_SECONDS * 1000,
        retry: { initialIntervalMs: Math.min(5_000, maximumIntervalMs), maximumIntervalMs },
      },
    ],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
