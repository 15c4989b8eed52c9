import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import type { AlertSettings, Mailer } from './alerts';
import type { ArchiveSettings } from './archive';

export interface TimelineEventMessage {
  id: string;
  projectId: string;
  type: string;
  permitType: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
  /** The socket rooms whose logs got this event (api/live.ts delivers from those logs). */
  rooms?: string[];
}

/** Where committed timeline events go live (socket.io in the API; a no-op in a bare worker). */
export interface EventPublisher {
  publish(event: TimelineEventMessage): void;
  /** Rooms whose logs got something other than a timeline event (alerts); optional. */
  wake?(room: string): void;
}

export interface ActivityDeps {
  db: Db;
  logger: Logger;
  events: EventPublisher;
  /** E-mail for alerts; without it alerts stay in the app and e-mails wait. */
  mail?: { mailer: Mailer; settings: AlertSettings };
  clock?: () => Date;
  /** Archiving (F22): retention overrides for tests and demos. */
  archive?: ArchiveSettings;
}
