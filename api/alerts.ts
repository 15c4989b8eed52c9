/**
 * A user's own alerts (F39–F41) and how they want them. Alerts are written by the dispatcher
 * (activities/alerts.ts); here the user reads them, marks them read and sets preferences.
 * Live: the socket room user:<own id> gets each new alert.
 */
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from './errors';
import { asyncRoute, type AppDeps } from './shared';
import { actorOf } from './auth/actor';
import { ZIdParam, ZImpactArea } from './schemas';

export const ZAlertsQuery = z.object({ unread: z.enum(['true', 'false']).optional() }).strict();
export const ZAlertPreferences = z
  .object({
    email: z.boolean(),
    digest: z.enum(['immediate', 'daily']),
    mutedKinds: z.array(z.string().regex(/^[a-zA-Z]{2,60}$/)).max(50),
  })
  .strict();

export const ZAreaSubscription = z
  .object({
    name: z.string().trim().min(1).max(100),
    area: ZImpactArea,
    kinds: z
      .array(z.enum(['noticePublished', 'decisionPublished', 'incidentReported']))
      .max(3)
      .default([]),
  })
  .strict();

const MAX_SUBSCRIPTIONS = 20;

export function alertRoutes({ db }: AppDeps): Router {
  const router = Router();

  /** GET /api/subscriptions — 200 with the user's areas ("my living environment", F41). */
  router.get(
    '/subscriptions',
    asyncRoute(async (_req, res) => {
      const { userId } = actorOf(res);
      const rows = await db.areaSubscription.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
      res.json(rows.map((r) => ({ id: r.id, name: r.name, area: r.area, kinds: r.kinds })));
    }),
  );

  /** POST /api/subscriptions {name, area, kinds} — 201; 400 naming the field (also beyond 20 areas). */
  router.post(
    '/subscriptions',
    asyncRoute(async (req, res) => {
      const { userId } = actorOf(res);
      const body = ZAreaSubscription.parse(req.body);
      if ((await db.areaSubscription.count({ where: { userId } })) >= MAX_SUBSCRIPTIONS) {
        throw new AppError('VALIDATION', `At most ${MAX_SUBSCRIPTIONS} areas`, { field: 'area' });
      }
      const row = await db.areaSubscription.create({
        data: { userId, name: body.name, area: body.area, kinds: body.kinds },
      });
      res.status(201).json({ id: row.id, name: row.name, area: row.area, kinds: row.kinds });
    }),
  );

  /** DELETE /api/subscriptions/:id — 204; 404 for anyone else's. */
  router.delete(
    '/subscriptions/:id',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const { userId } = actorOf(res);
      const { count } = await db.areaSubscription.deleteMany({ where: { id, userId } });
      if (count === 0) throw new AppError('NOT_FOUND', 'Subscription not found');
      res.status(204).end();
    }),
  );

  /** GET /api/alerts?unread — 200 with the unread count and the newest 100 alerts. */
  router.get(
    '/alerts',
    asyncRoute(async (req, res) => {
      const { userId } = actorOf(res);
      const { unread } = ZAlertsQuery.parse(req.query);
      const [count, alerts] = await Promise.all([
        db.alert.count({ where: { userId, readAt: null } }),
        db.alert.findMany({
          where: { userId, ...(unread === 'true' ? { readAt: null } : {}) },
          orderBy: { createdAt: 'desc' },
          take: 100,
        }),
      ]);
      res.json({
        unread: count,
        alerts: alerts.map((a) => ({
          id: a.id,
          kind: a.kind,
          projectId: a.projectId,
          payload: a.payload,
          createdAt: a.createdAt.toISOString(),
          readAt: a.readAt?.toISOString() ?? null,
          email: a.emailState,
        })),
      });
    }),
  );

  /** POST /api/alerts/:id/read — 200; marking again changes nothing; 404 for anyone else's alert. */
  router.post(
    '/alerts/:id/read',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const { userId } = actorOf(res);
      const alert = await db.alert.findFirst({ where: { id, userId } });
      if (!alert) throw new AppError('NOT_FOUND', 'Alert not found');
      const readAt = alert.readAt ?? new Date();
      if (!alert.readAt) await db.alert.update({ where: { id }, data: { readAt } });
      res.json({ id, readAt: readAt.toISOString() });
    }),
  );

  /** GET /api/alerts/preferences — 200 with the user's choices (defaults: e-mail at once). */
  router.get(
    '/alerts/preferences',
    asyncRoute(async (_req, res) => {
      const { userId } = actorOf(res);
      const pref = await db.alertPreference.findUnique({ where: { userId } });
      res.json({ email: pref?.email ?? true, digest: pref?.digest ?? 'immediate', mutedKinds: pref?.mutedKinds ?? [] });
    }),
  );

  /** PUT /api/alerts/preferences {email, digest, mutedKinds} — 200; 400 naming the field. */
  router.put(
    '/alerts/preferences',
    asyncRoute(async (req, res) => {
      const { userId } = actorOf(res);
      const body = ZAlertPreferences.parse(req.body);
      await db.alertPreference.upsert({ where: { userId }, create: { userId, ...body }, update: body });
      res.json(body);
    }),
  );

  return router;
}
