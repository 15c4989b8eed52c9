/**
 * Live updates from the room logs (RoomEvent): every socket receives each event of the rooms
 * it joined exactly once and in order, also across reconnections and API processes.
 *
 * - Activities append events to room logs with per-room sequence numbers in commit order and
 *   PostgreSQL announces the room on commit (activities/timeline.ts). Each API process listens
 *   (`listen`) and is also woken in-process when the worker runs in the same process.
 * - A wake-up is only a hint: delivery reads the log from each socket's last delivered seq, so
 *   a lost or repeated notification can delay an event but never lose or repeat one.
 * - Deliveries of one room run one after another; a socket's last seq only grows.
 * - A client joins with the last seq it saw and first gets what it missed.
 */
import { Client as PgClient } from 'pg';
import type { Server, Socket } from 'socket.io';
import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import { ROOM_EVENTS_CHANNEL } from '../activities/timeline';

export interface RoomEventMessage {
  room: string;
  seq: number;
  kind: string;
  data: unknown;
}

/** Events kept per room in memory for the sockets that are up to date (the rest read the log). */
const RECENT = 200;
/** Events sent to one socket per read while it catches up. */
const PAGE = 500;

type SocketSeqs = Map<string, number>;

export class LiveFeed {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly recent = new Map<string, RoomEventMessage[]>();
  private listener: PgClient | null = null;
  private closed = false;

  constructor(
    private readonly io: Server,
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  private static seqs(socket: Socket): SocketSeqs {
    return ((socket.data as { seqs?: SocketSeqs }).seqs ??= new Map());
  }

  /** Runs `task` after every earlier task of the room. */
  private serial(room: string, task: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(room) ?? Promise.resolve()).then(task).catch((err: unknown) => {
      this.logger.warn({ err, room }, 'live delivery failed');
    });
    this.chains.set(room, next);
    void next.then(() => {
      if (this.chains.get(room) === next) this.chains.delete(room);
    });
    return next;
  }

  private async read(room: string, after: number, limit: number): Promise<RoomEventMessage[]> {
    const rows = await this.db.roomEvent.findMany({
      where: { room, seq: { gt: after } },
      orderBy: { seq: 'asc' },
      take: limit,
    });
    return rows.map((r) => ({ room, seq: r.seq, kind: r.kind, data: r.payload }));
  }

  /** Sends the socket every event of the room after its last seq, in order. */
  private async catchUp(socket: Socket, room: string): Promise<void> {
    const seqs = LiveFeed.seqs(socket);
    for (;;) {
      const last = seqs.get(room);
      if (last === undefined || !socket.connected) return;
      const recent = this.recent.get(room) ?? [];
      const fromMemory = recent.length > 0 && recent[0]!.seq <= last + 1;
      const events = fromMemory ? recent.filter((e) => e.seq > last) : await this.read(room, last, PAGE);
      for (const event of events) socket.emit('room:event', event);
      if (events.length > 0) seqs.set(room, events[events.length - 1]!.seq);
      if (fromMemory || events.length < PAGE) return;
    }
  }

  /** This process's sockets in the room (each API process serves its own connections). */
  private localSockets(room: string): Socket[] {
    const namespace = this.io.of('/');
    return [...(namespace.adapter.rooms.get(room) ?? [])]
      .map((id) => namespace.sockets.get(id))
      .filter((s): s is Socket => s !== undefined);
  }

  /** Something was appended to the room's log: deliver it to this process's sockets in the room. */
  wake(room: string): Promise<void> {
    return this.serial(room, async () => {
      const sockets = this.localSockets(room);
      if (sockets.length === 0) {
        this.recent.delete(room);
        return;
      }
      const recent = this.recent.get(room) ?? [];
      const newest = recent.at(-1)?.seq ?? Math.min(...sockets.map((s) => LiveFeed.seqs(s).get(room) ?? 0));
      const fresh = await this.read(room, newest, PAGE);
      this.recent.set(room, [...recent, ...fresh].slice(-RECENT));
      // The sockets that had everything up to `newest` (usually all of them) get the fresh
      // events as one broadcast, encoded once; any others catch up one by one from their seq.
      const upToDate = sockets.filter((s) => s.connected && LiveFeed.seqs(s).get(room) === newest);
      if (fresh.length > 0 && upToDate.length > 1) {
        const ids = upToDate.map((s) => s.id);
        for (const event of fresh) this.io.to(ids).emit('room:event', event);
        for (const socket of upToDate) LiveFeed.seqs(socket).set(room, fresh[fresh.length - 1]!.seq);
      }
      for (const socket of sockets) await this.catchUp(socket, room);
    });
  }

  /**
   * Joins the socket to the room (already authorised by the caller) and sends what it missed
   * after `since`; without `since` it receives only what comes next. Returns the last seq sent.
   */
  join(socket: Socket, room: string, since?: number): Promise<number> {
    let last = 0;
    return this.serial(room, async () => {
      const seqs = LiveFeed.seqs(socket);
      if (since === undefined) {
        const newest = await this.db.roomEvent.findFirst({ where: { room }, orderBy: { seq: 'desc' } });
        seqs.set(room, Math.max(seqs.get(room) ?? 0, newest?.seq ?? 0));
      } else {
        seqs.set(room, Math.max(seqs.get(room) ?? 0, since));
      }
      await socket.join(room);
      await this.catchUp(socket, room);
      last = seqs.get(room) ?? 0;
    }).then(() => last);
  }

  leave(socket: Socket, room: string): Promise<void> {
    LiveFeed.seqs(socket).delete(room);
    return socket.leave(room) ?? Promise.resolve();
  }

  /**
   * Listens for PostgreSQL's announcements of committed room events (every API process does),
   * reconnecting after a lost connection and then waking every room with sockets here, so
   * nothing committed meanwhile is left undelivered.
   */
  async listen(databaseUrl: string): Promise<void> {
    const connect = async (): Promise<void> => {
      const client = new PgClient({ connectionString: databaseUrl });
      client.on('notification', (n) => {
        if (n.channel === ROOM_EVENTS_CHANNEL && n.payload) void this.wake(n.payload);
      });
      client.on('error', (err) => {
        this.logger.warn({ err }, 'live listener lost its connection');
        this.listener = null;
        void client.end().catch(() => undefined);
        if (!this.closed) setTimeout(() => void reconnect(), 1000);
      });
      await client.connect();
      await client.query(`LISTEN ${ROOM_EVENTS_CHANNEL}`);
      this.listener = client;
      for (const room of this.io.of('/').adapter.rooms.keys()) if (room.includes(':')) void this.wake(room);
    };
    const reconnect = async (): Promise<void> => {
      try {
        await connect();
      } catch (err) {
        this.logger.warn({ err }, 'live listener could not reconnect; retrying');
        if (!this.closed) setTimeout(() => void reconnect(), 2000);
      }
    };
    await connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
    await Promise.all([...this.chains.values()]);
  }
}
