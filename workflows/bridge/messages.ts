/** The bridge's workflows (F37): ids and settings, defined once for the platform and the tests. */

export interface BridgeRetrySettings {
  /** First retry of a delivery after this long; doubling up to `maximumIntervalMs`. */
  initialIntervalMs: number;
  maximumIntervalMs: number;
}

export interface BridgeRelaySettings {
  /** How long the relay sleeps after a round that found nothing to relay. */
  intervalMs: number;
  retry: BridgeRetrySettings;
  /** Rounds per run before continue-as-new. */
  roundsPerRun?: number;
  /** The durable cursor: the last settled timeline id, carried through continue-as-new. */
  cursor?: string | null;
  /** Passed on to the relay activity (tests shorten them). */
  settleMs?: number;
  sweepMs?: number;
}

export interface BridgeDeliveryInput {
  eventId: string;
  retry: BridgeRetrySettings;
}

export const bridgeRelayId = (taskQueue: string) => `bridge-relay-${taskQueue}`;
export const bridgeDeliveryId = (eventId: string) => `bridge-delivery-${eventId}`;

/** Production retry policy of deliveries: retried until acknowledged, at most every five minutes. */
export const DEFAULT_BRIDGE_RETRY: BridgeRetrySettings = { initialIntervalMs: 5_000, maximumIntervalMs: 300_000 };
