/**
 * One event for one authority's system, delivered until acknowledged: the delivery activity
 * is retried with exponential backoff and no limit on attempts, so a receiver that is down
 * for hours gets the event once it is back. A receiver that refuses the event for good ends
 * the workflow with the event marked failed (activities/bridge.ts).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { DeliveryResult } from '../../activities/bridge';
import type { BridgeDeliveryInput } from './messages';

export async function bridgeDeliveryWorkflow(input: BridgeDeliveryInput): Promise<DeliveryResult> {
  const { deliverBridgeEvent } = proxyActivities<Pick<Activities, 'deliverBridgeEvent'>>({
    // One HTTP request (15 s timeout) and two short writes.
    startToCloseTimeout: '45 seconds',
    retry: {
      initialInterval: input.retry.initialIntervalMs,
      maximumInterval: input.retry.maximumIntervalMs,
      backoffCoefficient: 2,
      // Until acknowledged: no maximumAttempts (unlimited).
      nonRetryableErrorTypes: ['NotFound'],
    },
  });
  return deliverBridgeEvent({ eventId: input.eventId });
}
