/**
 * Live updates over socket.io against the real stack: per-room sequence numbers, a client that
 * reconnects gets exactly what it missed, two API processes over one database each deliver an
 * event once to their own sockets (the second hears it only through PostgreSQL's NOTIFY), and
 * work-queue rooms are for their authority only.
 */
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { ApiClient } from '../../api/client';
import type { RoomEventMessage } from '../../api/live';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { startApi, type RunningApi } from '../support/api';
import { until } from '../support/env';
import { useApiStack } from '../support/stack';

const stack = useApiStack();
let second: RunningApi;
let organiser: ApiClient;
let projectId: string;
const sockets: Socket[] = [];
const ANSWERS = { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true };

beforeAll(async () => {
  // The first process is woken in-process by the worker and by NOTIFY; the second only by NOTIFY.
  await stack.api.feed.listen(stack.db.url);
  second = await startApi(stack.db.handle.db, stack.client, { TEMPORAL_TASK_QUEUE: stack.taskQueue, UI_DIST: '' });
  await second.feed.listen(stack.db.url);
  organiser = await ApiClient.signIn(stack.base, DEMO_USERS.organiser);
  projectId = (await organiser.createProject({ organisationId: DEMO.festivalOrgId, title: 'Live' })).id;
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await second?.close();
});

/** A socket of the client on the given server, with every room event it receives. */
function socketOf(client: ApiClient, base = stack.base) {
  const socket = connect(base, {
    transports: ['websocket'],
    extraHeaders: { cookie: client.cookieHeader() },
    reconnection: false,
  });
  sockets.push(socket);
  const received: RoomEventMessage[] = [];
  socket.on('room:event', (e: RoomEventMessage) => received.push(e));
  const join = (room: string, since?: number) =>
    socket.emitWithAck('room:join', { room, ...(since === undefined ? {} : { since }) }) as Promise<{
      ok: boolean;
      seq?: number;
    }>;
  return { socket, received, join };
}

const answer = () => organiser.command(projectId, { action: 'answerAdvice', answers: ANSWERS }, `live-${randomUUID()}`);
const roomCount = (room: string) => stack.db.handle.db.roomEvent.count({ where: { room } });
const seqs = (events: RoomEventMessage[], room: string) => events.filter((e) => e.room === room).map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('live project rooms', () => {
  const room = () => `project:${projectId}`;

  it('numbers each room event and gives a reconnecting client exactly what it missed', async () => {
    await answer();
    const first = socketOf(organiser);
    // Joining with since=0 replays the whole log.
    expect((await first.join(room(), 0)).ok).toBe(true);
    await until('the replay', async () => first.received.length === (await roomCount(room())));
    expect(seqs(first.received, room())).toEqual(range(1, await roomCount(room())));
    const lastSeen = first.received.at(-1)!.seq;
    first.socket.close();

    // Missed while disconnected.
    await answer();
    await answer();
    const total = await roomCount(room());
    expect(total).toBeGreaterThan(lastSeen);

    const again = socketOf(organiser);
    expect(await again.join(room(), lastSeen)).toMatchObject({ ok: true });
    await until('the missed events', async () => again.received.length === total - lastSeen);
    expect(seqs(again.received, room())).toEqual(range(lastSeen + 1, total));
    expect(again.received.every((e) => e.kind === 'timeline')).toBe(true);

    // And what comes next arrives live, numbered on.
    await answer();
    await until('the live event', async () => again.received.length === (await roomCount(room())) - lastSeen);
    expect(seqs(again.received, room())).toEqual(range(lastSeen + 1, await roomCount(room())));
  });

  it('a crowded room: sockets up to date share one broadcast, a late joiner catches up, each gets every event once in order', async () => {
    const start = await roomCount(room());
    const crowd = Array.from({ length: 12 }, () => socketOf(organiser));
    for (const s of crowd) expect((await s.join(room())).seq).toBe(start);
    await answer();
    await answer();
    // One joins from an older seq while the others are up to date: it is caught up on its own.
    const late = socketOf(organiser);
    expect((await late.join(room(), Math.max(0, start - 2))).ok).toBe(true);
    for (let i = 0; i < 3; i++) await answer();
    const total = await roomCount(room());
    await until('every socket', async () =>
      [...crowd, late].every((s) => s.received.length >= total - (s === late ? Math.max(0, start - 2) : start)),
    );
    await new Promise((r) => setTimeout(r, 300));
    for (const s of crowd) expect(seqs(s.received, room())).toEqual(range(start + 1, total));
    expect(seqs(late.received, room())).toEqual(range(Math.max(0, start - 2) + 1, total));
  });

  it('two API processes each deliver an event once to their own sockets', async () => {
    const onFirst = socketOf(organiser);
    const onSecond = socketOf(organiser, second.base);
    const start = await roomCount(room());
    expect((await onFirst.join(room())).seq).toBe(start);
    expect((await onSecond.join(room())).seq).toBe(start);
    for (let i = 0; i < 3; i++) await answer();
    const total = await roomCount(room());
    await until(
      'both sockets',
      async () => onFirst.received.length >= total - start && onSecond.received.length >= total - start,
    );
    // Give a duplicate every chance to show up.
    await new Promise((r) => setTimeout(r, 500));
    expect(seqs(onFirst.received, room())).toEqual(range(start + 1, total));
    expect(seqs(onSecond.received, room())).toEqual(range(start + 1, total));
    expect(onSecond.received.map((e) => (e.data as { id: string }).id)).toEqual(
      onFirst.received.map((e) => (e.data as { id: string }).id),
    );
  });
});

describe('authority work-queue rooms', () => {
  it('carry the events of the projects the authority is involved in, to its own users only', async () => {
    const clerk = await ApiClient.signIn(stack.base, AUTHORITY_USERS['CITY-TRE']!);
    const queue = socketOf(clerk);
    expect((await queue.join('authority:CITY-TRE')).ok).toBe(true);
    expect((await socketOf(organiser).join('authority:CITY-TRE')).ok).toBe(false);
    expect((await queue.join('authority:POLICE-SISA')).ok).toBe(false);
    expect((await queue.join('nonsense')).ok).toBe(false);
    await answer();
    await until('the queue event', async () => queue.received.length > 0);
    expect(queue.received[0]).toMatchObject({
      room: 'authority:CITY-TRE',
      kind: 'timeline',
      data: { projectId, type: 'answerAdvice' },
    });
  });
});
