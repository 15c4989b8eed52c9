/**
 * Live rooms over one socket.io connection. A view subscribes to a room and gets each event
 * once, in order; after a reconnect the room is joined again with the last seq seen, so the
 * server replays exactly what was missed (ADR 0006).
 */
import { io, type Socket } from 'socket.io-client';

export interface RoomEvent<T = unknown> {
  room: string;
  seq: number;
  kind: string;
  data: T;
}
type Handler = (event: RoomEvent) => void;

let socket: Socket | null = null;
const handlers = new Map<string, Set<Handler>>();
const lastSeq = new Map<string, number>();

function connection(): Socket {
  if (socket) return socket;
  const s = io({ transports: ['websocket', 'polling'] });
  s.on('room:event', (event: RoomEvent) => {
    const seen = lastSeq.get(event.room);
    if (seen !== undefined && event.seq <= seen) return;
    lastSeq.set(event.room, event.seq);
    for (const handler of handlers.get(event.room) ?? []) handler(event);
  });
  s.on('connect', () => {
    // On the first connect the rooms were joined by subscribe(); on a reconnect ask for the gap.
    for (const room of handlers.keys()) s.emit('room:join', { room, since: lastSeq.get(room) });
  });
  socket = s;
  return s;
}

/**
 * Joins `room` and calls `handler` for every event from now on; resolves once joined (false
 * when the server refused the room). Read the stored state after this resolves: events that
 * happen around the read arrive here too, so callers merge by id.
 */
export async function subscribe(room: string, handler: Handler): Promise<{ ok: boolean; leave: () => void }> {
  const s = connection();
  const set = handlers.get(room) ?? new Set<Handler>();
  const first = set.size === 0;
  set.add(handler);
  handlers.set(room, set);
  const leave = () => {
    set.delete(handler);
    if (set.size === 0) {
      handlers.delete(room);
      lastSeq.delete(room);
      s.emit('room:leave', room);
    }
  };
  if (!first) return { ok: true, leave };
  const ack = (await s.timeout(10_000).emitWithAck('room:join', { room })) as { ok: boolean; seq?: number };
  if (ack.ok && ack.seq !== undefined && !lastSeq.has(room)) lastSeq.set(room, ack.seq);
  return { ok: ack.ok, leave };
}

/** Whether the socket is connected right now (shown as "live" in views that update by themselves). */
export function connected(): boolean {
  return socket?.connected ?? false;
}
