import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';

export interface TimelineEventMessage {
  id: string;
  projectId: string;
  type: string;
  permitType: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** Where committed timeline events go live (socket.io in the API; a no-op in a bare worker). */
export interface EventPublisher {
  publish(event: TimelineEventMessage): void;
}

export interface ActivityDeps {
  db: Db;
  logger: Logger;
  events: EventPublisher;
  clock?: () => Date;
}
