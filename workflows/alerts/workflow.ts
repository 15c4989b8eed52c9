/**
 * One per task queue: delivers alerts from the notification outbox every interval (the
 * dispatchAlerts activity is idempotent, so a retry or a second dispatcher does no harm),
 * continuing as new after a bounded number of rounds.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';

const { dispatchAlerts } = proxyActivities<Pick<Activities, 'dispatchAlerts'>>({
  startToCloseTimeout: '2 minutes',
  // The round heartbeats as it goes: a round whose worker died is run again after this, not after 2 minutes.
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

export interface AlertDispatchSettings {
  intervalMs: number;
  /** Rounds per run before continue-as-new. */
  roundsPerRun?: number;
}

export const alertDispatcherId = (taskQueue: string) => `alert-dispatcher-${taskQueue}`;

export async function alertDispatchWorkflow(settings: AlertDispatchSettings): Promise<void> {
  const rounds = settings.roundsPerRun ?? 500;
  for (let round = 0; round < rounds && !workflowInfo().continueAsNewSuggested; round++) {
    await dispatchAlerts();
    await sleep(settings.intervalMs);
  }
  await continueAsNew<typeof alertDispatchWorkflow>(settings);
}
