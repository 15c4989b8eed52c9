import http from 'node:http';
import { Server as SocketServer } from 'socket.io';
import { z } from 'zod';
import type { TimelineEventMessage, EventPublisher } from '../activities';
import { createApp, type AppDeps } from './app';

export interface ServerToClientEvents {
  'timeline:event': (event: TimelineEventMessage) => void;
}
export interface ClientToServerEvents {
  'project:join': (projectId: string) => void;
}

/** HTTP server with socket.io; returns a publisher that pushes committed events to project rooms. */
export function createServer(deps: AppDeps): { server: http.Server; publisher: EventPublisher; io: SocketServer } {
  const app = createApp(deps);
  const server = http.createServer(app);
  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents>(server, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('project:join', (projectId) => {
      if (z.uuid().safeParse(projectId).success) void socket.join(`project:${projectId}`);
    });
  });
  const publisher: EventPublisher = {
    publish(event) {
      io.to(`project:${event.projectId}`).emit('timeline:event', event);
    },
  };
  return { server, publisher, io };
}
