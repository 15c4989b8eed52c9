import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { overrideProblems, type RetentionOverride } from '../domain/retention';
import { PAYTRAIL_TEST_ACCOUNT, PAYTRAIL_TEST_SECRET } from './payments/provider';

/** Every setting the platform reads, validated once at start. */
const ZConfig = z
  .object({
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
    /** A venue's preliminary reservation holds this many seconds instead of its hold days: demos and tests only. */
    VENUE_HOLD_SECONDS: z.coerce.number().int().min(1).max(31_536_000).optional(),
    /** Shortest public notice period an authority may set, in days (0 lets tests use seconds). */
    NOTICE_MIN_DAYS: z.coerce.number().min(0).max(365).default(14),
    /** Largest document a user may upload to the shared workspace (F36), in megabytes. */
    DOCUMENT_MAX_MB: z.coerce.number().min(1).max(500).default(25),
    /** Serve the built UI from this folder (empty: API only). */
    UI_DIST: z.string().default(path.join('dist', 'ui')),
    /** The address users reach the platform at (sign-in redirects); default http://127.0.0.1:PORT. */
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Signs session cookies (at least 32 characters); unset outside production: one kept under DATA_DIR. */
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** The OpenID Connect provider (e.g. Suomi.fi); unset: the embedded local provider with the seeded users. */
    OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** Alerts by e-mail (F39–F41): smtp:// or smtps:// with credentials; unset keeps e-mails pending. */
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    MAIL_FROM: z.string().min(3).default('Lupapalvelu <no-reply@localhost>'),
    /**
     * Virtual kickoff meetings: the provider's link with {room} for an unguessable room name
     * made per project and time; unset: the customer or the authority gives the link.
     */
    MEETING_URL_TEMPLATE: z
      .string()
      .regex(/^https:\/\/[^\s]*\{room\}[^\s]*$/, 'must be an https URL containing {room}')
      .optional(),
    /**
     * How many reverse proxies in front of the API to trust for the client's address
     * (X-Forwarded-For): rate limits and security events use it. 0 when clients connect directly.
     */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** Sign-in starts per minute per client address (api/limits.ts). */
    RATE_LIMIT_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
    /** Third-party comments and citizen observations per minute per client address. */
    RATE_LIMIT_PUBLIC_WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(10),
    /** Security events of one kind stored per user or address and minute; the rest become one summary row. */
    SECURITY_EVENTS_PER_SOURCE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
    /**
     * Online payment (F21): the Paytrail Payment API (https://services.paytrail.com) or a compatible
     * provider. Unset outside production: the local test provider mounted at /local-payments.
     */
    PAYMENT_API_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** The merchant account at the provider; default: Paytrail's public test account. */
    PAYMENT_ACCOUNT: z.string().min(1).max(40).default(PAYTRAIL_TEST_ACCOUNT),
    /** The HMAC secret shared with the provider; default: Paytrail's public test secret. */
    PAYMENT_SECRET: z.string().min(8).default(PAYTRAIL_TEST_SECRET),
    /** How often the alert dispatcher delivers, in seconds. */
    ALERT_INTERVAL_SECONDS: z.coerce.number().min(1).max(3600).default(15),
    /** How often the bridge relay looks for new events for authorities' systems when idle, in seconds (F37). */
    BRIDGE_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(3600).default(5),
    /** Longest wait between two delivery attempts to an authority's system that is down, in seconds. */
    BRIDGE_RETRY_MAX_SECONDS: z.coerce.number().min(0.1).max(86_400).default(300),
    /**
     * Archiving (F22), demos and tests only: seconds after closure per record type instead of the
     * retention table's years (domain/retention.ts), as JSON, e.g. {"comment":5,"message":10}.
     */
    ARCHIVE_RETENTION_OVERRIDE_SECONDS: z
      .string()
      .transform((text, ctx) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = null;
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object of record type to seconds' });
          return z.NEVER;
        }
        const problems = overrideProblems(parsed as Record<string, unknown>);
        if (problems.length > 0) {
          ctx.addIssue({ code: 'custom', message: problems.join('; ') });
          return z.NEVER;
        }
        return parsed as RetentionOverride;
      })
      .optional(),
    /** Security events (refused and withheld access) are deleted after this many days. */
    SECURITY_EVENT_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(365),
    /** Socket rooms' event logs (live updates, catch-up after a reconnect) are deleted after this many days. */
    ROOM_EVENT_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(30),
    /** How often the retention sweeper deletes expired security events and room events, in seconds. */
    RETENTION_SWEEP_INTERVAL_SECONDS: z.coerce.number().min(1).max(86_400).default(3600),
    /**
     * The MapLibre style the UI's maps use: the offline basemap shipped with the UI by default,
     * a tile service's style in production (its origin is then allowed by the CSP).
     */
    MAP_STYLE_URL: z
      .string()
      .regex(/^(\/[^\s]*|https?:\/\/[^\s]+)$/, 'must be a path starting with / or an http(s) URL')
      .default('/basemap/style.json'),
  })
  .superRefine((c, ctx) => {
    if (c.OIDC_ISSUER && !c.OIDC_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_ID'], message: 'is required with OIDC_ISSUER' });
    }
    if (c.NODE_ENV === 'production') {
      if (!c.SESSION_SECRET)
        ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required in production' });
      if (!c.PAYMENT_API_URL) {
        ctx.addIssue({
          code: 'custom',
          path: ['PAYMENT_API_URL'],
          message: 'is required in production (the local payment provider is for development)',
        });
      } else if (c.PAYMENT_SECRET === PAYTRAIL_TEST_SECRET) {
        ctx.addIssue({ code: 'custom', path: ['PAYMENT_SECRET'], message: 'must be your own secret in production' });
      }
      if (!c.OIDC_ISSUER) {
        ctx.addIssue({
          code: 'custom',
          path: ['OIDC_ISSUER'],
          message: 'is required in production (the local provider is for development)',
        });
      }
    }
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

/**
 * The identity settings: PUBLIC_URL (default http://127.0.0.1:PORT), the session secret
 * (outside production one is generated once and kept in DATA_DIR/session-secret) and the
 * external OpenID Connect provider, when one is configured.
 */
export function authSettings(config: Config) {
  let sessionSecret = config.SESSION_SECRET;
  if (!sessionSecret) {
    const file = path.join(config.DATA_DIR, 'session-secret');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(config.DATA_DIR, { recursive: true });
      fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    }
    sessionSecret = fs.readFileSync(file, 'utf8').trim();
  }
  return {
    // 127.0.0.1, not localhost: Node may resolve localhost to ::1, where the platform does not listen.
    publicUrl: config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`,
    sessionSecret,
    ...(config.OIDC_ISSUER
      ? {
          oidc: {
            issuer: config.OIDC_ISSUER,
            clientId: config.OIDC_CLIENT_ID!,
            ...(config.OIDC_CLIENT_SECRET ? { clientSecret: config.OIDC_CLIENT_SECRET } : {}),
          },
        }
      : {}),
  };
}
