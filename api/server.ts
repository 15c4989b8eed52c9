import http from 'node:http';
import { Server as SocketServer } from 'socket.io';
import type { TimelineEventMessage, EventPublisher } from '../activities';
import { createApp, type AppDeps } from './app';
import { installSocketAuth } from './auth/sockets';
import { LiveFeed, type RoomEventMessage } from './live';

type JoinAck = (result: { ok: boolean; error?: string; seq?: number }) => void;

export interface ServerToClientEvents {
  /** An event of a joined room: `seq` grows by one per event of that room. */
  'room:event': (event: RoomEventMessage) => void;
}
export interface ClientToServerEvents {
  /**
   * Join `project:<id>`, `authority:<code>`, `notice:<id>`, `site:<id>` or `user:<own id>` (authorised like the matching GET); with `since`,
   * first receive every event after that seq. The ack carries the last seq sent.
   */
  'room:join': (request: { room: string; since?: number }, ack?: JoinAck) => void;
  'room:leave': (room: string) => void;
  /** Shorthand for room:join of project:<id> without replay. */
  'project:join': (projectId: string, ack?: JoinAck) => void;
}

/**
 * HTTP server with socket.io; room events reach sockets through the live feed (api/live.ts).
 * A server that already listens can be passed in, so its address can be the public URL.
 */
export async function createServer(
  deps: AppDeps,
  server: http.Server = http.createServer(),
): Promise<{ server: http.Server; publisher: EventPublisher; io: SocketServer; feed: LiveFeed }> {
  // The app wakes rooms it writes to itself; the feed needs the socket server made below.
  const waker: { feed?: LiveFeed } = {};
  const { app, sessions, security } = await createApp({
    ...deps,
    live: { wake: (room) => void waker.feed?.wake(room) },
  });
  server.on('request', app);
  // Summaries of suppressed security events are written before the process lets go.
  server.once('close', () => void security.close());
  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents>(server, { serveClient: false });
  const { authoriseJoin } = installSocketAuth(io, deps.db, sessions, security);
  const live = new LiveFeed(io, deps.db, deps.logger);
  waker.feed = live;
  io.on('connection', (socket) => {
    const join = (request: unknown, ack: unknown) => {
      void (async () => {
        const decision = await authoriseJoin(socket, request);
        if (!decision.ok) return decision;
        return { ok: true, seq: await live.join(socket, decision.room, decision.since) };
      })()
        .catch((err: unknown) => {
          deps.logger.error({ err }, 'socket join failed');
          return { ok: false, error: 'unavailable' };
        })
        .then((result) => (typeof ack === 'function' ? (ack as JoinAck)(result) : undefined));
    };
    socket.on('room:join', join);
    socket.on('project:join', (projectId, ack) => join({ room: `project:${String(projectId)}` }, ack));
    socket.on('room:leave', (room) => void live.leave(socket, String(room)));
  });
  const publisher: EventPublisher = {
    // In-process hint from a worker in this process; other processes hear PostgreSQL's NOTIFY.
    publish(event: TimelineEventMessage) {
      for (const room of event.rooms ?? [`project:${event.projectId}`]) void live.wake(room);
    },
    wake(room: string) {
      void live.wake(room);
    },
  };
  return { server, publisher, io, feed: live };
}
