import { randomUUID } from 'node:crypto';
import { hotTransaction, type RawSql } from '../platform/db';
import type { ActivityDeps, TimelineEventMessage } from './types';
import { appendEvents, isRetryableConflict, isUniqueViolation, publishAll } from './timeline';

/** One third party's comment on a public notice, as the API accepted it (F23). */
export interface IncomingComment {
  /** The write's idempotency key: the section workflow's id and the client's Idempotency-Key. */
  key: string;
  kind: 'opinion' | 'objection';
  authorName: string;
  anonymous: boolean;
  text: string;
  requestId?: string | null;
  actorId?: string;
  onBehalfOfId?: string;
}

export interface CommentedNotice {
  id: string;
  projectId: string;
  permitType: string;
}

/** A comment that arrived when the permit's public hearing was not open (the API answers 409). */
export class HearingClosedError extends Error {
  constructor(readonly step: string) {
    super('The notice period is closed');
  }
}

/**
 * The name others may read: an anonymous commenter's stays in the comment row, out of the
 * timeline the company and everyone in the project's rooms read, and out of the notice's room.
 */
export function publicAuthorName(c: { anonymous: boolean; authorName: string }): string | null {
  return c.anonymous ? null : c.authorName;
}

/** A comment as the notice's public room shows it (F23): what GET /api/notices/:id lists. */
export function noticeRoomComment(c: {
  id: string;
  kind: string;
  authorName: string;
  anonymous: boolean;
  text: string;
  createdAt: Date;
}) {
  return {
    id: c.id,
    kind: c.kind,
    authorName: publicAuthorName(c),
    text: c.text,
    createdAt: c.createdAt.toISOString(),
  };
}

interface Written {
  /** The comment id of each key written, now or before. */
  ids: Map<string, string>;
  messages: TimelineEventMessage[];
  /** Set when the hearing had closed: the keys not in `ids` were refused. */
  closed?: HearingClosedError;
}

/** How often a batch is written again after another process wrote one of its keys first. */
const ATTEMPTS = 3;

/**
 * The permit's row read locked, so the hearing's close (a transition, which updates that row)
 * and a batch of comments are ordered: a batch committed before the close is counted, one
 * after it refused. Returns the organisation to alert, or the step when the hearing is not open.
 */
async function lockOpenHearing(
  tx: RawSql,
  notice: CommentedNotice,
  now: Date,
): Promise<{ open: true; organisationId: string } | { open: false; step: string }> {
  const at = now.toISOString();
  const [row] = await tx.$queryRaw<Array<{ step: string; organisationId: string; open: boolean }>>`
    SELECT pe.step, p."organisationId"::text AS "organisationId",
           (pe.step = 'hearing' AND n."closedAt" IS NULL
             AND n."opensAt" <= (${at}::timestamptz AT TIME ZONE 'UTC')
             AND (${at}::timestamptz AT TIME ZONE 'UTC') < n."closesAt") IS TRUE AS open
    FROM "Permit" pe
    JOIN "PermitProject" p ON p.id = pe."projectId"
    LEFT JOIN "Notice" n ON n.id = ${notice.id}::uuid
    WHERE pe."projectId" = ${notice.projectId}::uuid AND pe."permitType" = ${notice.permitType}
    FOR UPDATE OF pe`;
  return row?.open ? { open: true, organisationId: row.organisationId } : { open: false, step: row?.step ?? 'unknown' };
}

/**
 * Third-party comments written a batch at a time (group commit): the comments waiting for one
 * notice go into one transaction of six statements, whatever their number — each with its own
 * row, timeline event, audit entry, alert to the organisation and room events, as the
 * section's own writer records an event (activities/section.ts). A batch after the hearing's
 * close is refused whole (HearingClosedError). Keys already written (a client's retry, the
 * other API process) answer the first write's comment id and write nothing.
 */
export function createCommentWriter({ db, logger, events, clock = () => new Date() }: ActivityDeps) {
  async function write(tx: RawSql, notice: CommentedNotice, batch: IncomingComment[], now: Date): Promise<Written> {
    // The lock first, then the keys already written: every writer of this permit's comments
    // (another API process's batch, a section command) holds the same lock, so what is read
    // here stays true until this commit and no insert below can meet a key written meanwhile.
    const hearing = await lockOpenHearing(tx, notice, now);
    const keys = [...new Set(batch.map((c) => c.key))];
    const earlier = await tx.$queryRaw<Array<{ id: string; key: string }>>`
      SELECT id::text, "idempotencyKey" AS key FROM "Comment" WHERE "idempotencyKey" = ANY(${keys}::text[])`;
    const ids = new Map(earlier.map((c) => [c.key, c.id]));
    const fresh: Array<IncomingComment & { id: string }> = [];
    for (const c of batch) {
      if (ids.has(c.key)) continue;
      const id = randomUUID();
      ids.set(c.key, id);
      fresh.push({ ...c, id });
    }
    if (fresh.length === 0) return { ids, messages: [] };
    if (!hearing.open) {
      // Too late for the new ones; keys written before the close still answer their comment.
      for (const c of fresh) ids.delete(c.key);
      return { ids, messages: [], closed: new HearingClosedError(hearing.step) };
    }
    const rows = fresh.map((c) => ({
      id: c.id,
      key: c.key,
      kind: c.kind,
      authorName: c.authorName,
      anonymous: c.anonymous,
      text: c.text,
    }));
    // The comments, the organisation's alert for each and the project's version, in one go.
    await tx.$executeRaw`
      WITH input AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
          id uuid, key text, kind text, "authorName" text, anonymous boolean, text text)
      ),
      comments AS (
        INSERT INTO "Comment" (id, "noticeId", kind, "authorName", anonymous, text, "createdAt", "idempotencyKey")
        SELECT id, ${notice.id}::uuid, kind, "authorName", anonymous, text, ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC', key
        FROM input
      ),
      alerts AS (
        INSERT INTO "Notification"
          (id, "projectId", "recipientKind", recipient, kind, payload, "createdAt", "idempotencyKey")
        SELECT gen_random_uuid(), ${notice.projectId}::uuid, 'organisation', ${hearing.organisationId}, 'commentReceived',
               jsonb_build_object('permitType', ${notice.permitType}::text, 'kind', kind),
               ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC', key || ':org'
        FROM input
      )
      UPDATE "PermitProject" SET version = version + ${fresh.length}::int WHERE id = ${notice.projectId}::uuid`;
    const messages = await appendEvents(
      tx,
      fresh.map((c) => ({
        projectId: notice.projectId,
        permitType: notice.permitType,
        type: 'comment',
        key: c.key,
        payload: {
          kind: c.kind,
          authorName: publicAuthorName(c),
          anonymous: c.anonymous,
          text: c.text,
          createdId: c.id,
          ...(c.requestId ? { requestId: c.requestId } : {}),
          from: 'hearing',
          to: 'hearing',
          result: {},
        },
        actorId: c.actorId,
        onBehalfOfId: c.onBehalfOfId,
        at: now,
      })),
      fresh.map((c) => ({
        room: `notice:${notice.id}`,
        kind: 'comment',
        payload: noticeRoomComment({ ...c, createdAt: now }),
      })),
    );
    const noticeRoom = `notice:${notice.id}`;
    return { ids, messages: messages.map((m) => ({ ...m, rooms: [...(m.rooms ?? []), noticeRoom] })) };
  }

  return {
    /**
     * Writes a batch of comments on one notice in one commit: for each key its comment's id,
     * or the HearingClosedError that refused it.
     */
    async recordComments(
      notice: CommentedNotice,
      batch: IncomingComment[],
    ): Promise<Array<string | HearingClosedError>> {
      const now = clock();
      for (let attempt = 1; ; attempt++) {
        try {
          const { ids, messages, closed } = await hotTransaction(db, (tx) => write(tx, notice, batch, now));
          publishAll(events, messages, (err) => logger.warn({ err }, 'live publish failed'));
          return batch.map((c) => ids.get(c.key) ?? closed!);
        } catch (err) {
          // A deadlock victim runs again; so does a batch that met a key written meanwhile,
          // which the permit's lock should rule out (a writer that does not take it).
          if (!isUniqueViolation(err) && !isRetryableConflict(err)) throw err;
          if (attempt >= ATTEMPTS) throw err;
          logger.warn({ err, attempt, noticeId: notice.id, size: batch.length }, 'comment batch written again');
        }
      }
    },
  };
}
