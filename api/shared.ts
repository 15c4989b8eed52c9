import type { Request, Response, NextFunction } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import type { Config } from '../platform/config';
import type { AuthConfig } from './auth';
import type { RateLimits } from './limits';
import type { DocumentSettings } from './documents';
import type { SecurityRecorder } from './security-events';

/** Wakes the live feed for rooms whose logs the API itself appended to (api/live.ts). */
export interface LiveWaker {
  wake(room: string): void;
}

export interface AppDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  live?: LiveWaker;
  /** Records refused and withheld access (api/security-events.ts); createApp makes one. */
  security?: SecurityRecorder;
  /** Document storage and the virus-scan hook; PostgreSQL and the test-signature scanner by default. */
  documents?: Partial<Pick<DocumentSettings, 'store' | 'scanner'>>;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'UI_DIST'> &
    Partial<
      Pick<
        Config,
        | 'APPEAL_PERIOD_SECONDS'
        | 'PAYMENT_API_URL'
        | 'PAYMENT_ACCOUNT'
        | 'PAYMENT_SECRET'
        | 'VENUE_HOLD_SECONDS'
        | 'NOTICE_MIN_DAYS'
        | 'DOCUMENT_MAX_MB'
        | 'MEETING_URL_TEMPLATE'
        | 'MAP_STYLE_URL'
        | 'TRUST_PROXY_HOPS'
      >
    > & {
      auth: AuthConfig;
      rateLimits?: RateLimits;
    };
}

/** Express 5 forwards rejected promises itself; this keeps the handler signature explicit. */
export const asyncRoute =
  (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
    fn(req, res).catch(next);
