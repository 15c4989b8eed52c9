import http from 'node:http';
import { Server as SocketServer } from 'socket.io';
import { z } from 'zod';
import type { TimelineEventMessage, EventPublisher } from '../activities';
import { createApp, type AppDeps } from './app';
import { installSocketAuth } from './auth/sockets';

export interface ServerToClientEvents {
  'timeline:event': (event: TimelineEventMessage) => void;
}
export interface ClientToServerEvents {
  'project:join': (projectId: string, ack?: (result: { ok: boolean; error?: string }) => void) => void;
}

/**
 * HTTP server with socket.io; returns a publisher that pushes committed events to project rooms.
 * A server that already listens can be passed in, so its address can be the public URL.
 */
export async function createServer(
  deps: AppDeps,
  server: http.Server = http.createServer(),
): Promise<{ server: http.Server; publisher: EventPublisher; io: SocketServer }> {
  const { app, sessions } = await createApp(deps);
  server.on('request', app);
  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents>(server, { serveClient: false });
  const { canJoinProject } = installSocketAuth(io, deps.db, sessions);
  io.on('connection', (socket) => {
    socket.on('project:join', (projectId, ack) => {
      void (async () => {
        if (!z.uuid().safeParse(projectId).success) return { ok: false, error: 'not a project id' };
        if (!(await canJoinProject(socket, projectId))) {
          deps.logger.warn({ projectId, actorId: socket.data.actor?.userId ?? null }, 'socket join refused');
          return { ok: false, error: 'not allowed' };
        }
        await socket.join(`project:${projectId}`);
        return { ok: true };
      })()
        .catch((err: unknown) => {
          deps.logger.error({ err }, 'socket join failed');
          return { ok: false, error: 'unavailable' };
        })
        .then((result) => (typeof ack === 'function' ? ack(result) : undefined));
    });
  });
  const publisher: EventPublisher = {
    publish(event) {
      io.to(`project:${event.projectId}`).emit('timeline:event', event);
    },
  };
  return { server, publisher, io };
}
