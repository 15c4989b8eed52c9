import { Router } from 'express';
import { z } from 'zod';
import { assess, riskModel, siteInputFromInspections } from '../domain/risk';
import { AppError } from './errors';
import { DAY_WINDOW_ORDER, ZDayWindow, ZIdParam, dayWindowInOrder, windowOf } from './schemas';
import { asyncRoute, type AppDeps } from './shared';
import { actorOf, allow, viewerOf } from './auth/actor';
import { canReadSite, siteScope } from './auth/policy';
import { siteFacts } from './supervision';

export const ZAssessmentQuery = z
  .object({ ...ZDayWindow, model: z.string().max(60).optional() })
  .strict()
  .refine(dayWindowInOrder, DAY_WINDOW_ORDER);

/** Supervised sites and their risk assessments (use case 1 of the risk method). */
export function siteRoutes({ db }: AppDeps): Router {
  const router = Router();

  /** GET /api/sites — 200 with the supervised sites. */
  router.get(
    '/',
    asyncRoute(async (_req, res) => {
      const scope = siteScope(actorOf(res));
      if ('none' in scope) {
        res.json([]);
        return;
      }
      const sites = await db.site.findMany({
        where: 'organisationId' in scope ? { organisationId: scope.organisationId } : {},
        orderBy: { name: 'asc' },
        take: 1000,
      });
      res.json(
        sites.map((s) => ({
          id: s.id,
          name: s.name,
          address: s.address,
          municipality: s.municipality,
          latitude: s.latitude,
          longitude: s.longitude,
          targetGroup: s.targetGroup,
          riskModel: s.riskModel,
          monthsOpen: s.monthsOpen,
        })),
      );
    }),
  );

  /**
   * GET /api/sites/:id/assessment?from=YYYY-MM-DD&to=YYYY-MM-DD — 200 with the site's
   * assessment from the inspections in the window (score, class, frequency, every point
   * explained; `classified: false` with `missing` when grades are missing); 400 bad query;
   * 404 unknown site.
   */
  router.get(
    '/:id/assessment',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const query = ZAssessmentQuery.parse(req.query);
      const site = await db.site.findUnique({ where: { id }, include: { inspections: true } });
      if (!site) throw new AppError('NOT_FOUND', 'Site not found');
      allow(res, canReadSite(viewerOf(res), await siteFacts(db, site)), 'this site');
      const model = riskModel(query.model ?? site.riskModel);
      if (!model) throw new AppError('VALIDATION', `Unknown risk model "${query.model}"`, { field: 'model' });
      const window = windowOf(query);
      const { input, inspectionsUsed, lastInspectionAt } = siteInputFromInspections(
        site,
        site.inspections.map((i) => ({
          inspectedAt: i.inspectedAt,
          grades: i.grades as Record<string, string>,
          present: i.present,
        })),
        window,
      );
      res.json({
        site: { id: site.id, name: site.name, targetGroup: site.targetGroup, monthsOpen: site.monthsOpen },
        window: { from: query.from ?? null, to: query.to ?? null },
        inspectionsUsed,
        lastInspectionAt: lastInspectionAt?.toISOString() ?? null,
        assessment: assess(model, input),
      });
    }),
  );

  return router;
}
