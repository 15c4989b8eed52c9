import pino from 'pino';

/** One structured logger for API, worker and activities. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: process.env.SERVICE_NAME ?? 'permits' },
});
export type Logger = typeof logger;
