import { Router } from 'express';
import { z } from 'zod';
import type { Prisma } from '../prisma/generated/client';
import { PERMIT_TYPES } from '../domain/catalogue';
import { ADVICE_QUESTIONS, explorePermitNeeds, ZAdviceAnswers } from '../domain/advice';
import { sectionWorkflowId } from '../workflows/permit-section/messages';
import {
  createCommentWriter,
  HearingClosedError,
  type CommentedNotice,
  type IncomingComment,
} from '../activities/comments';
import { GroupCommit } from './group-commit';
import { AppError } from './errors';
import { ZCommentRequest, ZIdParam } from './schemas';
import { idempotencyKey } from './projects';
import { asyncRoute, type AppDeps } from './shared';
import { commandMeta } from './audit';

/** The offline basemap shipped with the UI (ui/public/basemap, ADR 0007). */
export const DEFAULT_MAP_STYLE_URL = '/basemap/style.json';

/** Catalogue, advice and public notices: what anyone may read, and third-party comments (F18, F23). */
export const ZDecisionsQuery = z
  .object({
    municipality: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export function publicRoutes({ db, logger, live, config }: AppDeps): Router {
  const router = Router();
  // Comments are written by the API a batch per notice (group commit); their rooms are woken here.
  const writer = createCommentWriter({
    db,
    logger,
    events: { publish: (m) => (m.rooms ?? [`project:${m.projectId}`]).forEach((room) => live?.wake(room)) },
  });
  const commentBatches = new GroupCommit<
    { notice: CommentedNotice; comment: IncomingComment },
    string | HearingClosedError
  >(
    (_noticeId, batch) =>
      writer.recordComments(
        batch[0]!.notice,
        batch.map((b) => b.comment),
      ),
    { busy: 'Too many comments arriving at once; try again in a moment' },
  );

  // Which case a notice belongs to never changes: kept in memory, a busy hearing's comments
  // do not each spend a database connection on it. Whether it is open is read in the write.
  const knownNotices = new Map<string, CommentedNotice>();
  async function commentedNotice(id: string): Promise<CommentedNotice> {
    const known = knownNotices.get(id);
    if (known) return known;
    const notice = await db.notice.findUnique({
      where: { id },
      select: { id: true, projectId: true, permitType: true },
    });
    if (!notice) throw new AppError('NOT_FOUND', 'Notice not found');
    if (knownNotices.size >= 10_000) knownNotices.delete(knownNotices.keys().next().value!);
    knownNotices.set(id, notice);
    return notice;
  }

  /** GET /api/ui-config — 200 with the UI's runtime settings: the map style (MAP_STYLE_URL). */
  router.get('/ui-config', (_req, res) => {
    res.json({ mapStyleUrl: config.MAP_STYLE_URL ?? DEFAULT_MAP_STYLE_URL });
  });

  /** GET /api/permit-types — 200 with the permit types, their authorities, fields and norms. */
  router.get('/permit-types', (_req, res) => {
    res.json(PERMIT_TYPES);
  });

  /** GET /api/advice/questions — 200 with the permit-need questionnaire (F04). */
  router.get('/advice/questions', (_req, res) => {
    res.json(ADVICE_QUESTIONS);
  });

  /** POST /api/advice/explore — 200 with the permits needed and recommendations (F04, F05); 400. Writes nothing. */
  router.post('/advice/explore', (req, res) => {
    res.json(explorePermitNeeds(ZAdviceAnswers.parse(req.body)));
  });

  const publicNotice = (n: Prisma.NoticeGetPayload<{ include: { project: { select: { title: true } } } }>) => ({
    id: n.id,
    projectId: n.projectId,
    projectTitle: n.project.title,
    permitType: n.permitType,
    titleFi: n.titleFi,
    titleEn: n.titleEn,
    textFi: n.textFi,
    textEn: n.textEn,
    area: n.area,
    opensAt: n.opensAt.toISOString(),
    closesAt: n.closesAt.toISOString(),
    open: !n.closedAt && n.opensAt.getTime() <= Date.now() && Date.now() < n.closesAt.getTime(),
  });

  /** GET /api/notices — 200 with public notices, open ones first (F18). */
  /** GET /api/authorities — 200 with every authority and its public contacts (the service's directory). */
  router.get(
    '/authorities',
    asyncRoute(async (_req, res) => {
      const authorities = await db.authority.findMany({ orderBy: { code: 'asc' } });
      res.json(
        authorities.map((a) => ({ code: a.code, nameFi: a.nameFi, nameEn: a.nameEn, email: a.email, phone: a.phone })),
      );
    }),
  );

  /**
   * GET /api/decisions?municipality&limit — 200 with the public parts of signed decisions,
   * newest first: what was decided, on what, by whom and when, the conditions and the appeal
   * period. The application itself (and its trade secrets) stays with the parties.
   */
  router.get(
    '/decisions',
    asyncRoute(async (req, res) => {
      const q = ZDecisionsQuery.parse(req.query);
      const permits = await db.permit.findMany({
        where: { decidedAt: { not: null }, ...(q.municipality ? { project: { municipality: q.municipality } } : {}) },
        include: { authority: true, project: { include: { organisation: { select: { name: true, kind: true } } } } },
        orderBy: { decidedAt: 'desc' },
        take: q.limit,
      });
      res.json(
        permits.map((p) => ({
          projectTitle: p.project.title,
          municipality: p.project.municipality,
          applicant: p.project.organisation.name,
          permitType: p.permitType,
          authority: { code: p.authority.code, nameFi: p.authority.nameFi, nameEn: p.authority.nameEn },
          decision: p.decision,
          conditions: p.conditions,
          signedBy: p.signedBy,
          decidedAt: p.decidedAt?.toISOString() ?? null,
          servedAt: p.servedAt?.toISOString() ?? null,
          appealEndsAt: p.appealEndsAt?.toISOString() ?? null,
          finalAt: p.finalAt?.toISOString() ?? null,
          documentHash: p.documentHash,
        })),
      );
    }),
  );

  router.get(
    '/notices',
    asyncRoute(async (_req, res) => {
      const notices = await db.notice.findMany({
        orderBy: { closesAt: 'desc' },
        take: 500,
        include: { project: { select: { title: true } } },
      });
      const list = notices.map(publicNotice);
      list.sort((a, b) => Number(b.open) - Number(a.open));
      res.json(list);
    }),
  );

  /** GET /api/notices/:id — 200 with the notice and its comments (names of anonymous commenters hidden); 404. */
  router.get(
    '/notices/:id',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const notice = await db.notice.findUnique({
        where: { id },
        include: { project: { select: { title: true } }, comments: { orderBy: { createdAt: 'asc' } } },
      });
      if (!notice) throw new AppError('NOT_FOUND', 'Notice not found');
      res.json({
        ...publicNotice(notice),
        comments: notice.comments.map((c) => ({
          id: c.id,
          kind: c.kind,
          authorName: c.anonymous ? null : c.authorName,
          text: c.text,
          replyToId: c.replyToId,
          createdAt: c.createdAt.toISOString(),
        })),
      });
    }),
  );

  /**
   * POST /api/notices/:id/comments — 201 with the comment id while the notice period is
   * open (F23); 400 invalid input or missing Idempotency-Key; 404; 409 once it has closed.
   */
  router.post(
    '/notices/:id/comments',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = idempotencyKey(req);
      const body = ZCommentRequest.parse(req.body);
      const notice = await commentedNotice(id);
      // Written here, not as an update of the section's workflow: a hearing that draws a
      // thousand comments must not become one workflow's queue of updates. Each batch is ordered
      // against the workflow's own transitions (closing the hearing, a cancellation) by the
      // permit row's lock, and is idempotent on the key the workflow would have used.
      const { requestId, actorId, onBehalfOfId } = commandMeta(res);
      const written = await commentBatches.submit(notice.id, {
        notice,
        comment: {
          key: `${sectionWorkflowId(notice.projectId, notice.permitType)}:${key}`,
          ...body,
          requestId,
          actorId,
          onBehalfOfId,
        },
      });
      if (written instanceof HearingClosedError) {
        throw new AppError('CONFLICT', 'The notice period is closed', { step: written.step, allowed: [] });
      }
      res.status(201).json({ id: written });
    }),
  );

  return router;
}
