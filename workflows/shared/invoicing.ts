import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

/**
 * The invoicing activity as every billing workflow calls it (a section's decision, a recorded
 * inspection): it waits out an unavailable database; a fee the table lacks is not retried.
 */
export const { createInvoice } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['NotFound', 'UnknownFee'],
  },
});
