/** Live rooms from a test's side: a socket.io client of the API that joins a room and keeps its events. */
import { io as connect } from 'socket.io-client';
import type { ApiClient } from '../../api/client';
import type { RoomEventMessage } from '../../api/live';

/**
 * A socket on the API at `base`, signed in as `client` (null: the public), asking to join
 * `room`: `received` fills with the room's events as they come, `joined` is the join's answer.
 * Close `socket` at the end.
 */
export function listenToRoom(base: string, client: ApiClient | null, room: string) {
  const socket = connect(base, {
    transports: ['websocket'],
    ...(client ? { extraHeaders: { cookie: client.cookieHeader() } } : {}),
    reconnection: false,
  });
  const received: RoomEventMessage[] = [];
  socket.on('room:event', (e: RoomEventMessage) => received.push(e));
  const joined = socket.emitWithAck('room:join', { room }) as Promise<{ ok: boolean }>;
  return { socket, received, joined };
}
