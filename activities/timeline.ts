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

export async function appendEvent(tx: Tx, e: NewTimelineEvent): Promise<TimelineEventMessage> {
  const row = await tx.timelineEvent.create({
    data: {
      projectId: e.projectId,
      permitType: e.permitType ?? null,
      type: e.type,
      payload: e.payload as Prisma.InputJsonValue,
      actorId: e.actorId ?? null,
      onBehalfOfId: e.onBehalfOfId ?? null,
      idempotencyKey: e.key,
      occurredAt: e.at,
    },
  });
  return {
    id: row.id.toString(),
    projectId: row.projectId,
    type: row.type,
    permitType: row.permitType,
    occurredAt: row.occurredAt.toISOString(),
    payload: e.payload,
  };
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
 * The shape of every read-model write: in one transaction, return the first run's result
 * when the key is already written, otherwise write and append the timeline event; publish
 * only after the commit, so a retried activity never writes or announces anything twice.
 */
export async function writeOnce<R>(
  deps: { db: Db; events: EventPublisher; logger: Logger },
  key: string,
  write: (tx: Tx) => Promise<{ result: R; message: TimelineEventMessage }>,
): Promise<R> {
  const written = await deps.db.$transaction(async (tx) => {
    const earlier = await earlierResult<R>(tx, key);
    if (earlier) return { result: earlier, message: null };
    return write(tx);
  });
  if (written.message) {
    publishAll(deps.events, [written.message], (err) => deps.logger.warn({ err }, 'live publish failed'));
  }
  return written.result;
}
