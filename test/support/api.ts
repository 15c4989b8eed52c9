/** Starts the real HTTP server (app, local identity provider, socket.io) on a free port for API tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import type { Server as SocketServer } from 'socket.io';
import type { AppDeps } from '../../api/app';
import { createServer } from '../../api/server';
import type { EventPublisher } from '../../activities';
import type { LiveFeed } from '../../api/live';
import type { Db } from '../../platform/db';

export const TEST_SESSION_SECRET = 'test-session-secret-of-at-least-32-chars';

export interface RunningApi {
  base: string;
  server: http.Server;
  io: SocketServer;
  /** Pushes committed events to this server's socket rooms. */
  publisher: EventPublisher;
  feed: LiveFeed;
  close(): Promise<void>;
}

export async function startApi(
  db: Db,
  temporal: Client,
  config: Omit<AppDeps['config'], 'auth'> & { auth?: Partial<AppDeps['config']['auth']> },
): Promise<RunningApi> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { io, publisher, feed } = await createServer(
    {
      db,
      temporal,
      logger: pino({ level: 'silent' }),
      config: { ...config, auth: { publicUrl: base, sessionSecret: TEST_SESSION_SECRET, ...config.auth } },
    },
    server,
  );
  return {
    base,
    server,
    io,
    publisher,
    feed,
    close: async () => {
      await feed.close();
      server.closeAllConnections();
      await io.close();
    },
  };
}
