import type { Prisma } from '../prisma/generated/client';
import type { Db, RawSql, Tx } from '../platform/db';
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
  const details = auditDetails(change.details);
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

/** What an audit entry keeps of a change: all but the activity's stored `result`, which is internal. */
function auditDetails(details: Record<string, unknown>): Record<string, unknown> {
  const { result: _result, ...rest } = details;
  return rest;
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
export async function appendRoomEvent(tx: RawSql, room: string, kind: string, payload: object): Promise<number> {
  return (await appendRoomEvents(tx, [{ room, kind, payload }]))[0]!;
}

export interface RoomEventEntry {
  room: string;
  kind: string;
  payload: object;
}

/**
 * Several room events in two statements: the rooms' locks taken in one global (sorted) order,
 * so two transactions never wait on each other's locks in a cycle; then each room's events
 * numbered in the given order, inserted and announced. The seq of each entry, in order.
 */
export async function appendRoomEvents(tx: RawSql, entries: RoomEventEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const rooms = [...new Set(entries.map((e) => e.room))].sort();
  // A lock is held until commit, so every writer to a busy room (an authority's work queue)
  // waits for it; the numbering reads the room's last seq only after holding it.
  await tx.$executeRaw`
    SELECT pg_advisory_xact_lock(hashtextextended(room, 0))
    FROM unnest(${rooms}::text[]) WITH ORDINALITY AS r(room, n) ORDER BY n`;
  const rows = entries.map((e, i) => ({ i, room: e.room, kind: e.kind, payload: e.payload }));
  const added = await tx.$queryRaw<Array<{ i: number; seq: number }>>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(i int, room text, kind text, payload jsonb)
    ),
    numbered AS (
      SELECT input.*, (SELECT COALESCE(MAX(seq), 0) FROM "RoomEvent" r WHERE r.room = input.room)
                      + row_number() OVER (PARTITION BY input.room ORDER BY input.i) AS seq
      FROM input
    ),
    added AS (
      INSERT INTO "RoomEvent" (room, seq, kind, payload)
      SELECT room, seq, kind, payload FROM numbered ORDER BY i
      RETURNING room, seq
    ),
    announced AS (SELECT pg_notify(${ROOM_EVENTS_CHANNEL}, room) FROM unnest(${rooms}::text[]) AS room)
    SELECT i, seq::int AS seq, (SELECT count(*) FROM announced)::int AS announced FROM numbered ORDER BY i`;
  const seqs: number[] = [];
  for (const row of added) seqs[row.i] = Number(row.seq);
  return seqs;
}

/**
 * A project's timeline goes to its room and to the work queues of the authorities it
 * concerns.
 */
async function timelineRooms(tx: RawSql, projectId: string, permitType: string | null): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ code: string }>>`
    SELECT DISTINCT a.code FROM "Permit" p JOIN "Authority" a ON a.id = p."authorityId"
    WHERE p."projectId" = ${projectId}::uuid AND (${permitType}::text IS NULL OR p."permitType" = ${permitType}::text)`;
  return [`project:${projectId}`, ...rows.map((r) => `authority:${r.code}`)];
}

/** A Date as PostgreSQL's `timestamp(3)` columns keep it: UTC without a zone. */
const UTC = (at: Date) => at.toISOString();

export async function appendEvent(tx: Tx, e: NewTimelineEvent): Promise<TimelineEventMessage> {
  return (await appendEvents(tx, [e]))[0]!;
}

/**
 * Events of one project (and permit) appended in the given order with their audit entries,
 * in four statements however many there are (a busy hearing's comments come in batches):
 * audit entries and timeline rows in one, then the rooms' events (appendRoomEvents).
 * `extraRooms` adds other room events (a notice's public room) under the same locks.
 */
export async function appendEvents(
  tx: RawSql,
  events: NewTimelineEvent[],
  extraRooms: RoomEventEntry[] = [],
): Promise<TimelineEventMessage[]> {
  if (events.length === 0) return [];
  const { projectId, permitType = null } = events[0]!;
  if (events.some((e) => e.projectId !== projectId || (e.permitType ?? null) !== permitType))
    throw new Error('appendEvents: events of one project and permit only');
  const rows = events.map((e, i) => {
    // An answer's requestId names the information request it answers, not an HTTP request: it
    // stays in the timeline entry, and the audit entry has no HTTP request id of its own.
    const { requestId, rest: payload } =
      e.type === 'answerInfo' ? { requestId: null, rest: e.payload } : takeRequestId(e.payload);
    const details = auditDetails(payload);
    return {
      i,
      type: e.type,
      key: e.key,
      payload,
      details,
      actorId: e.actorId ?? null,
      onBehalfOfId: e.onBehalfOfId ?? null,
      requestId,
      at: UTC(e.at),
    };
  });
  const entity = permitType ? 'Permit' : 'PermitProject';
  const entityId = permitType ? `${projectId}/${permitType}` : projectId;
  const added = await tx.$queryRaw<Array<{ i: number; id: string }>>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
        i int, type text, key text, payload jsonb, details jsonb,
        "actorId" uuid, "onBehalfOfId" uuid, "requestId" text, at timestamptz)
    ),
    audit AS (
      INSERT INTO "AuditEntry" ("actorId", "onBehalfOfId", "requestId", action, entity, "entityId", details, at)
      SELECT "actorId", "onBehalfOfId", "requestId", type, ${entity}, ${entityId}, details, at AT TIME ZONE 'UTC'
      FROM input ORDER BY i
    ),
    added AS (
      INSERT INTO "TimelineEvent"
        ("projectId", "permitType", type, payload, "actorId", "onBehalfOfId", "idempotencyKey", "occurredAt")
      SELECT ${projectId}::uuid, ${permitType}::text, type, payload, "actorId", "onBehalfOfId", key,
             at AT TIME ZONE 'UTC'
      FROM input ORDER BY i
      RETURNING id, "idempotencyKey"
    )
    SELECT input.i, added.id::text AS id FROM added JOIN input ON input.key = added."idempotencyKey"
    ORDER BY input.i`;
  const messages = rows.map((row) => ({
    id: added[row.i]!.id,
    projectId,
    type: row.type,
    permitType,
    occurredAt: row.at,
    payload: row.payload,
  }));
  const rooms = await timelineRooms(tx, projectId, permitType);
  await appendRoomEvents(tx, [
    ...rooms.flatMap((room) => messages.map((payload) => ({ room, kind: 'timeline', payload }))),
    ...extraRooms,
  ]);
  return messages.map((m) => ({ ...m, rooms }));
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

/**
 * The codes an error carries wherever it was raised: Prisma's own (P2002), the driver's SQLSTATE
 * (node-postgres on the hot path, ADR 0015) and the SQLSTATE under Prisma's adapter error.
 */
function errorCodes(err: unknown): Array<string | undefined> {
  const e = err as {
    code?: string;
    cause?: { code?: string };
    meta?: { driverAdapterError?: { cause?: { originalCode?: string } } };
  } | null;
  return [e?.code, e?.cause?.code, e?.meta?.driverAdapterError?.cause?.originalCode];
}

/** PostgreSQL's unique_violation, as Prisma reports it (P2002) or as the driver does (23505). */
export function isUniqueViolation(err: unknown): boolean {
  return errorCodes(err).some((c) => c === 'P2002' || c === '23505');
}

/** A deadlock (40P01) or serialization failure (40001): the transaction may simply run again. */
export function isRetryableConflict(err: unknown): boolean {
  return errorCodes(err).some((c) => c === '40P01' || c === '40001');
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
