import type { Prisma } from '../prisma/generated/client';
import type { Db, Tx } from '../platform/db';
import type { Logger } from '../platform/logger';
import type { EventPublisher, TimelineEventMessage } from './types';

export interface NewTimelineEvent {
  projectId: string;
  permitType?: string | null;
  type: string;
  key: string;
  payload: Record<string, unknown>;
  actorId?: string;
  onBehalfOfId?: string;
  at: Date;
}

/** The stored result of an earlier run of the same activity, when the key was already written. */
export async function earlierResult<T>(tx: Tx, key: string): Promise<T | null> {
  const existing = await tx.timelineEvent.findUnique({ where: { idempotencyKey: key } });
  if (!existing) return null;
  const payload = existing.payload as { result?: T };
  return (payload.result ?? {}) as T;
}

/**
 * One audit entry for a change written by an activity, in the change's own transaction: who
 * (no actor: the system, e.g. a timer), on whose behalf, from which API request, what.
 */
export async function auditChange(
  tx: Db | Tx,
  change: {
    action: string;
    entity: string;
    entityId: string;
    details: Record<string, unknown>;
    actorId?: string | null;
    onBehalfOfId?: string | null;
    requestId?: string | null;
    at: Date;
  },
): Promise<void> {
  const { result: _result, ...details } = change.details;
  await tx.auditEntry.create({
    data: {
      actorId: change.actorId ?? null,
      onBehalfOfId: change.onBehalfOfId ?? null,
      requestId: change.requestId ?? null,
      action: change.action,
      entity: change.entity,
      entityId: change.entityId,
      details: details as Prisma.InputJsonValue,
      at: change.at,
    },
  });
}

/** The API's request id rides on the command; it belongs in the audit log, not in the event. */
export function takeRequestId<T extends object>(payload: T): { requestId: string | null; rest: T } {
  const { requestId, ...rest } = payload as T & { requestId?: unknown };
  return { requestId: typeof requestId === 'string' ? requestId : null, rest: rest as T };
}

/** The channel on which PostgreSQL announces committed room events to every API process. */
export const ROOM_EVENTS_CHANNEL = 'room_events';

/**
 * Appends an event to a socket room's log with the room's next sequence number. A per-room
 * transaction lock makes numbers follow commit order, so a reader that saw seq n has seen
 * every event before it; the notification goes out on commit (and never on rollback).
 */
export async function appendRoomEvent(tx: Tx, room: string, kind: string, payload: object): Promise<number> {
  // The room's lock is held until commit, so every writer to a busy room (an authority's work
  // queue) waits for it: after taking it, one statement numbers, inserts and announces.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${room}, 0))`;
  const added = await tx.$queryRaw<Array<{ seq: number }>>`
    WITH added AS (
      INSERT INTO "RoomEvent" (room, seq, kind, payload)
      SELECT ${room}, COALESCE(MAX(seq), 0) + 1, ${kind}, ${JSON.stringify(payload)}::jsonb
      FROM "RoomEvent" WHERE room = ${room}
      RETURNING seq
    )
    SELECT added.seq FROM added, LATERAL (SELECT pg_notify(${ROOM_EVENTS_CHANNEL}, ${room})) AS announced`;
  return added[0]!.seq;
}

/**
 * A project's timeline goes to its room and to the work queues of the authorities it
 * concerns. Sorted: every transaction appends one event and locks its rooms in this one
 * global order, so two transactions never wait on each other's locks in a cycle.
 */
async function timelineRooms(tx: Tx, projectId: string, permitType: string | null): Promise<string[]> {
  const permits = await tx.permit.findMany({
    where: { projectId, ...(permitType ? { permitType } : {}) },
    select: { authority: { select: { code: true } } },
  });
  const authorities = new Set(permits.map((p) => `authority:${p.authority.code}`));
  return [`project:${projectId}`, ...authorities].sort();
}

export async function appendEvent(tx: Tx, e: NewTimelineEvent): Promise<TimelineEventMessage> {
  // An answer's requestId names the information request it answers, not an HTTP request: it
  // stays in the timeline entry, and the audit entry has no HTTP request id of its own.
  const { requestId, rest: payload } =
    e.type === 'answerInfo' ? { requestId: null, rest: e.payload } : takeRequestId(e.payload);
  await auditChange(tx, {
    action: e.type,
    entity: e.permitType ? 'Permit' : 'PermitProject',
    entityId: e.permitType ? `${e.projectId}/${e.permitType}` : e.projectId,
    details: payload,
    actorId: e.actorId,
    onBehalfOfId: e.onBehalfOfId,
    requestId,
    at: e.at,
  });
  const row = await tx.timelineEvent.create({
    data: {
      projectId: e.projectId,
      permitType: e.permitType ?? null,
      type: e.type,
      payload: payload as Prisma.InputJsonValue,
      actorId: e.actorId ?? null,
      onBehalfOfId: e.onBehalfOfId ?? null,
      idempotencyKey: e.key,
      occurredAt: e.at,
    },
  });
  const message = {
    id: row.id.toString(),
    projectId: row.projectId,
    type: row.type,
    permitType: row.permitType,
    occurredAt: row.occurredAt.toISOString(),
    payload,
  };
  const rooms = await timelineRooms(tx, e.projectId, e.permitType ?? null);
  for (const room of rooms) await appendRoomEvent(tx, room, 'timeline', message);
  return { ...message, rooms };
}

/** Publishes after commit; a failing socket must never undo or retry a committed change. */
export function publishAll(events: EventPublisher, messages: TimelineEventMessage[], onError: (err: unknown) => void) {
  for (const m of messages) {
    try {
      events.publish(m);
    } catch (err) {
      onError(err);
    }
  }
}

/** Closes the step left and opens the step entered (project level: permitType ''). */
export async function moveStep(tx: Tx, projectId: string, permitType: string, from: string, to: string, at: Date) {
  if (from === to) return;
  await tx.step.upsert({
    where: { projectId_permitType_name: { projectId, permitType, name: from } },
    create: { projectId, permitType, name: from, actualEnd: at },
    update: { actualEnd: at },
  });
  await tx.step.upsert({
    where: { projectId_permitType_name: { projectId, permitType, name: to } },
    create: { projectId, permitType, name: to, actualStart: at },
    update: { actualStart: at, actualEnd: null },
  });
}

export async function notify(
  tx: Tx,
  n: {
    projectId: string | null;
    recipientKind: string;
    recipient: string;
    kind: string;
    payload: object;
    key: string;
    at: Date;
  },
) {
  await tx.notification.upsert({
    where: { idempotencyKey: n.key },
    create: {
      projectId: n.projectId,
      recipientKind: n.recipientKind,
      recipient: n.recipient,
      kind: n.kind,
      payload: n.payload as Prisma.InputJsonValue,
      createdAt: n.at,
      idempotencyKey: n.key,
    },
    update: {},
  });
}

/** PostgreSQL's unique_violation, as Prisma reports it (P2002) or as the driver does (23505). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as {
    code?: string;
    cause?: { code?: string };
    meta?: { driverAdapterError?: { cause?: { originalCode?: string } } };
  };
  return (
    e?.code === 'P2002' ||
    e?.code === '23505' ||
    e?.cause?.code === '23505' ||
    e?.meta?.driverAdapterError?.cause?.originalCode === '23505'
  );
}

/**
 * The shape of every read-model write: in one transaction, return the first run's result
 * when the key is already written, otherwise write and append the timeline event; publish
 * only after the commit, so a retried activity never writes or announces anything twice.
 */
export async function writeOnce<R>(
  deps: { db: Db; events: EventPublisher; logger: Logger },
  key: string,
  write: (tx: Tx) => Promise<{ result: R; message: TimelineEventMessage }>,
): Promise<R> {
  const attempt = () =>
    deps.db.$transaction(async (tx) => {
      const earlier = await earlierResult<R>(tx, key);
      if (earlier) return { result: earlier, message: null };
      return write(tx);
    });
  let written: Awaited<ReturnType<typeof attempt>>;
  try {
    written = await attempt();
  } catch (err) {
    // The same key written at the same moment by another process: its transaction committed
    // first and ours hit the unique key. Once more, the earlier result is there to return.
    if (!isUniqueViolation(err)) throw err;
    written = await attempt();
  }
  if (written.message) {
    publishAll(deps.events, [written.message], (err) => deps.logger.warn({ err }, 'live publish failed'));
  }
  return written.result;
}
