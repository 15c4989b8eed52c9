/**
 * Process entry point. ROLE=embedded runs API and worker in one process over the
 * embedded database (PGlite allows one process); ROLE=api and ROLE=worker are the
 * production processes, any number of each, over PostgreSQL.
 */
import { authSettings, loadConfig, ConfigError } from './config';
import { logger } from './logger';
import { EmbeddedDbError, openDb } from './db';
import {
  connectClient,
  createWorker,
  ensureAlertDispatcher,
  ensureBridgeRelay,
  ensureRetentionSweeper,
} from './temporal';
import { smtpMailer } from './mail';
import type { EventPublisher } from '../activities';

const role = process.env.ROLE ?? 'embedded';

async function main(): Promise<void> {
  const config = loadConfig();
  const handle = await openDb(config);
  const closers: Array<() => Promise<void>> = [];
  let publisher: EventPublisher = { publish: () => undefined };

  if (role === 'api' || role === 'embedded') {
    const { createServer } = await import('../api/server');
    const temporal = await connectClient(config);
    const {
      server,
      publisher: live,
      io,
      feed,
    } = await createServer({
      db: handle.db,
      temporal,
      logger,
      config: {
        ...config,
        auth: authSettings(config),
        rateLimits: {
          signInPerMinute: config.RATE_LIMIT_SIGN_IN_PER_MINUTE,
          publicWritesPerMinute: config.RATE_LIMIT_PUBLIC_WRITES_PER_MINUTE,
          securityEventsPerSourcePerMinute: config.SECURITY_EVENTS_PER_SOURCE_PER_MINUTE,
        },
      },
    });
    publisher = live;
    // Workers in other processes: PostgreSQL announces their committed room events.
    if (config.DATABASE_URL) await feed.listen(config.DATABASE_URL);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, resolve);
    });
    logger.info({ port: config.PORT }, 'api listening');
    closers.push(async () => {
      await feed.close();
      await io.close();
      await temporal.connection.close();
    });
  }
  let workerRun: Promise<void> | undefined;
  if (role === 'worker' || role === 'embedded') {
    const publicUrl = config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`;
    const mail = config.SMTP_URL
      ? {
          mailer: smtpMailer(config.SMTP_URL, config.MAIL_FROM),
          settings: { publicUrl, mailDomain: new URL(publicUrl).hostname },
        }
      : undefined;
    if (!mail) logger.warn('SMTP_URL is not set: alerts stay in the app and e-mails wait until it is');
    const { worker, connection } = await createWorker(config, {
      db: handle.db,
      logger,
      events: publisher,
      mail,
      archive: { retentionOverrideSeconds: config.ARCHIVE_RETENTION_OVERRIDE_SECONDS },
    });
    workerRun = worker.run();
    const client = await connectClient(config);
    await ensureAlertDispatcher(client, config);
    await ensureRetentionSweeper(client, config);
    await ensureBridgeRelay(client, config);
    closers.push(() => client.connection.close());
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
    closers.push(async () => {
      worker.shutdown();
      await workerRun;
      await connection.close();
    });
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    for (const close of closers.reverse()) await close().catch((err: unknown) => logger.error({ err }, 'close failed'));
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (process.send) process.send({ ready: true });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof EmbeddedDbError) {
    process.stderr.write(`${err.message}\n`);
  } else if (typeof err === 'object' && err && 'code' in err && (err as { code: string }).code === 'EADDRINUSE') {
    process.stderr.write(`Port ${process.env.PORT ?? 3000} is already in use: stop the other program or set PORT.\n`);
  } else {
    logger.fatal({ err }, 'start failed');
  }
  process.exit(1);
});
