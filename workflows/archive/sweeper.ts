/**
 * One per task queue: deletes security events and room event logs older than their retention
 * every interval (the activity is idempotent: a second sweeper or a retry deletes nothing more),
 * continuing as new after a bounded number of rounds.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { RetentionSweepSettings } from './messages';

const { purgeExpiredLogs } = proxyActivities<Pick<Activities, 'purgeExpiredLogs'>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});

export async function retentionSweepWorkflow(settings: RetentionSweepSettings): Promise<void> {
  const rounds = settings.roundsPerRun ?? 200;
  for (let round = 0; round < rounds && !workflowInfo().continueAsNewSuggested; round++) {
    await purgeExpiredLogs({ securityEventDays: settings.securityEventDays, roomEventDays: settings.roomEventDays });
    await sleep(settings.intervalMs);
  }
  await continueAsNew<typeof retentionSweepWorkflow>(settings);
}
