/**
 * Messages between the customer and the authorities on a project (F24, F36), threaded per
 * permit (and one common thread). Not a workflow command: a message changes no step, so the
 * API writes it, its audit entry and its room events in one transaction and wakes the rooms.
 */
import { Router } from 'express';
import { z } from 'zod';
import { Prisma } from '../prisma/generated/client';
import { appendRoomEvent } from '../activities/timeline';
import { asyncRoute, type AppDeps } from './shared';
import { writeAudit, commandMeta } from './audit';
import { isProjectCustomer } from './auth/policy';
import { factsOf, idempotencyKey, readableProject, threadWriter } from './projects';
import { ZIdParam, ZPermitTypeId } from './schemas';

export const ZPostMessage = z
  .object({
    /** The thread: a permit of the project, or omitted for the common thread. */
    permitType: ZPermitTypeId.optional(),
    body: z.string().trim().min(1).max(10_000),
  })
  .strict();

export const ZMessagesQuery = z.object({ permitType: ZPermitTypeId.optional() }).strict();

type MessageRow = Prisma.MessageGetPayload<object>;

const messageOut = (m: MessageRow) => ({
  id: m.id,
  kind: m.kind,
  thread: m.permitType,
  author: m.author,
  side: m.side,
  authorityCode: m.authorityCode,
  onBehalfOfId: m.onBehalfOfId,
  body: m.body,
  createdAt: m.createdAt.toISOString(),
});

export function messageRoutes({ db, live }: AppDeps): Router {
  const router = Router();

  /** GET /api/projects/:id/messages?permitType — 200 with the messages (one thread when asked), oldest first. */
  router.get(
    '/projects/:id/messages',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const { permitType } = ZMessagesQuery.parse(req.query);
      await readableProject(db, res, id);
      const rows = await db.message.findMany({
        where: { projectId: id, ...(permitType ? { permitType } : {}) },
        orderBy: { createdAt: 'asc' },
      });
      res.json(rows.map(messageOut));
    }),
  );

  /**
   * POST /api/projects/:id/messages {permitType?, body} + Idempotency-Key — 201 with the
   * message (the same one again for a repeated key); 400 naming the field; 403; 404.
   */
  router.post(
    '/projects/:id/messages',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = idempotencyKey(req);
      const body = ZPostMessage.parse(req.body);
      const { actor, project, permit } = await threadWriter(
        db,
        res,
        id,
        body.permitType ?? null,
        'messages in this thread',
      );
      const facts = factsOf(project);
      const idempotencyKeyOf = `message:${id}:${actor.userId}:${key}`;
      const earlier = await db.message.findUnique({ where: { idempotencyKey: idempotencyKeyOf } });
      if (earlier) {
        res.status(201).json(messageOut(earlier));
        return;
      }
      const customer = isProjectCustomer(actor, facts);
      const meta = commandMeta(res);
      const rooms = [`project:${id}`];
      const write = () =>
        db.$transaction(async (tx) => {
          const authorities = await tx.authority.findMany({
            where: { id: { in: permit ? [permit.authorityId] : facts.authorityIds.slice() } },
            select: { code: true },
          });
          rooms.push(...authorities.map((a) => `authority:${a.code}`));
          rooms.sort();
          const row = await tx.message.create({
            data: {
              projectId: id,
              kind: 'message',
              author: actor.name,
              permitType: body.permitType ?? null,
              authorId: actor.userId,
              side: customer ? 'customer' : 'authority',
              authorityCode: customer ? null : actor.authorityCode,
              onBehalfOfId: meta.onBehalfOfId ?? null,
              body: body.body,
              createdAt: new Date(),
              idempotencyKey: idempotencyKeyOf,
            },
          });
          await writeAudit(tx, res, {
            action: 'postMessage',
            entity: 'PermitProject',
            entityId: id,
            details: { messageId: row.id, thread: row.permitType },
          });
          for (const room of rooms) await appendRoomEvent(tx, room, 'message', { projectId: id, ...messageOut(row) });
          return row;
        });
      let message: MessageRow;
      try {
        message = await write();
      } catch (err) {
        // The same key sent twice at once: the other request wrote it.
        if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
        res
          .status(201)
          .json(messageOut(await db.message.findUniqueOrThrow({ where: { idempotencyKey: idempotencyKeyOf } })));
        return;
      }
      for (const room of rooms) live?.wake(room);
      res.status(201).location(`/api/projects/${id}/messages`).json(messageOut(message));
    }),
  );

  return router;
}
