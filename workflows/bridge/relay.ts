/**
 * One per task queue: reads the timeline after its cursor (the relay activity writes the
 * events for authorities connected by webhook) and starts one delivery workflow per event.
 * The permit workflows are untouched: their activities' timeline is the outbox. The cursor
 * lives in the workflow's state and is carried through continue-as-new, so the history stays
 * bounded and a restart resumes where the last run stopped.
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  proxyActivities,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../../activities';
import { bridgeDeliveryId, type BridgeRelaySettings } from './messages';
import { bridgeDeliveryWorkflow } from './delivery';

const { relayBridgeEvents } = proxyActivities<Pick<Activities, 'relayBridgeEvents'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

export async function bridgeRelayWorkflow(settings: BridgeRelaySettings): Promise<void> {
  const rounds = settings.roundsPerRun ?? 500;
  let cursor = settings.cursor ?? null;
  for (let round = 0; round < rounds && !workflowInfo().continueAsNewSuggested; round++) {
    const { cursor: next, deliver } = await relayBridgeEvents({
      after: cursor,
      ...(settings.settleMs !== undefined ? { settleMs: settings.settleMs } : {}),
      ...(settings.sweepMs !== undefined ? { sweepMs: settings.sweepMs } : {}),
    });
    cursor = next;
    for (const eventId of deliver) {
      try {
        await startChild(bridgeDeliveryWorkflow, {
          workflowId: bridgeDeliveryId(eventId),
          args: [{ eventId, retry: settings.retry }],
          // Deliveries outlive this run (continue-as-new) and are never started twice.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
    if (deliver.length === 0) await sleep(settings.intervalMs);
  }
  await continueAsNew<typeof bridgeRelayWorkflow>({ ...settings, cursor });
}
