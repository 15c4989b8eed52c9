import path from 'node:path';
import { z } from 'zod';

/** Every setting the platform reads, validated once at start. */
const ZConfig = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Unset: the embedded PGlite database under DATA_DIR. Set: a real PostgreSQL server. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('permits'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Appeal periods in seconds instead of each permit type's days: for demos and tests only. */
  APPEAL_PERIOD_SECONDS: z.coerce.number().int().min(1).max(31_536_000).optional(),
  /** Shortest public notice period an authority may set, in days (0 lets tests use seconds). */
  NOTICE_MIN_DAYS: z.coerce.number().min(0).max(365).default(14),
  /** Serve the built UI from this folder (empty: API only). */
  UI_DIST: z.string().default(path.join('dist', 'ui')),
});

export type Config = z.infer<typeof ZConfig>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; the error names each bad variable and what is wrong with it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = ZConfig.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  return result.data;
}
