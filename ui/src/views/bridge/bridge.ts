/** Types of the bridge settings page (api/bridge.ts answers) and its small pure helpers. */

export interface Connection {
  authorityCode: string;
  mode: 'portal' | 'webhook';
  webhookUrl: string | null;
  version: number;
  hasSecret: boolean;
  secretFingerprint: string | null;
  updatedAt: string | null;
  inboundUrl: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface BridgeDelivery {
  id: string;
  type: string;
  version: number;
  projectId: string;
  projectTitle: string | null;
  permitType: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  externalCaseNumber: string | null;
}

/** The CSS class of a delivery's status (colour is never the only cue: the text says it too). */
export function deliveryStatusClass(status: string): string {
  return status === 'delivered' || status === 'failed' || status === 'pending' ? `status-${status}` : 'status-pending';
}
