import { Router } from 'express';
import { z } from 'zod';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import type { Db } from '../platform/db';
import {
  assess,
  classCounts,
  groupRanking,
  rankingByGroup,
  riskModel,
  siteInputFromInspections,
  topAreas,
  type AssessedSite,
} from '../domain/risk';
import { AppError } from './errors';
import { ZIdParam } from './schemas';
import { asyncRoute, type AppDeps } from './shared';

const ZDate = z.iso.date();
export const ZAssessmentQuery = z
  .object({ from: ZDate.optional(), to: ZDate.optional(), model: z.string().max(60).optional() })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });

export const ZReportQuery = z
  .object({ from: ZDate.optional(), to: ZDate.optional(), format: z.enum(['json', 'csv']).default('json') })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });

function windowOf(q: { from?: string; to?: string }) {
  return {
    from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
    to: q.to ? new Date(`${q.to}T23:59:59.999Z`) : undefined,
  };
}

/** Assesses every site of the default model from its inspections in the window. */
async function assessAll(db: Db, q: { from?: string; to?: string }): Promise<AssessedSite[]> {
  const window = windowOf(q);
  const sites = await db.site.findMany({
    include: {
      inspections: {
        where: {
          inspectedAt: { ...(window.from ? { gte: window.from } : {}), ...(window.to ? { lte: window.to } : {}) },
        },
      },
    },
  });
  return sites.flatMap((site) => {
    const model = riskModel(site.riskModel);
    if (!model) return [];
    const { input } = siteInputFromInspections(
      site,
      site.inspections.map((i) => ({
        inspectedAt: i.inspectedAt,
        grades: i.grades as Record<string, string>,
        present: i.present,
      })),
    );
    return [{ siteId: site.id, siteName: site.name, assessment: assess(model, input) }];
  });
}

/** JSON, or CSV with one row per record (nested lists flattened by the caller). */
function send(res: Response, format: 'json' | 'csv', name: string, json: unknown, rows: object[]) {
  if (format === 'json') {
    res.json(json);
    return;
  }
  res
    .type('text/csv; charset=utf-8')
    .attachment(`${name}.csv`)
    .send(stringify(rows, { header: true, bom: true }));
}

/** Use case 2 reports over every site (JSON or CSV): ranking, one group, class counts, top areas. */
export function riskReportRoutes({ db }: AppDeps): Router {
  const router = Router();

  /** GET /api/risk-reports/ranking?from&to&format — 200: sites ranked by frequency, grouped by target group; 400. */
  router.get(
    '/ranking',
    asyncRoute(async (req, res) => {
      const q = ZReportQuery.parse(req.query);
      const groups = rankingByGroup(await assessAll(db, q));
      send(
        res,
        q.format,
        'ranking',
        groups,
        groups.flatMap((g) => g.sites),
      );
    }),
  );

  /** GET /api/risk-reports/groups/:group?from&to&format — 200: one group's sites ranked; 400; 404 unknown group. */
  router.get(
    '/groups/:group',
    asyncRoute(async (req, res) => {
      const { group } = z.object({ group: z.string().min(1).max(60) }).parse(req.params);
      const q = ZReportQuery.parse(req.query);
      if (!riskModel()?.groups.some((g) => g.id === group)) {
        throw new AppError('NOT_FOUND', `Unknown target group "${group}"`, { field: 'group' });
      }
      const sites = groupRanking(await assessAll(db, q), group);
      send(res, q.format, `group-${group}`, sites, sites);
    }),
  );

  /** GET /api/risk-reports/class-counts?from&to&format — 200: per group sites in R1/R2/R3 and unclassified; 400. */
  router.get(
    '/class-counts',
    asyncRoute(async (req, res) => {
      const q = ZReportQuery.parse(req.query);
      const counts = classCounts(await assessAll(db, q));
      send(res, q.format, 'class-counts', counts, counts);
    }),
  );

  /** GET /api/risk-reports/top-areas?from&to&format — 200: per group the areas causing the most points; 400. */
  router.get(
    '/top-areas',
    asyncRoute(async (req, res) => {
      const q = ZReportQuery.parse(req.query);
      const top = topAreas(await assessAll(db, q));
      send(
        res,
        q.format,
        'top-areas',
        top,
        top.flatMap((g) =>
          g.areas.map((a, rank) => ({ targetGroup: g.targetGroup, sites: g.sites, rank: rank + 1, ...a })),
        ),
      );
    }),
  );

  return router;
}

/** Supervised sites and their risk assessments (use case 1 of the risk method). */
export function siteRoutes({ db }: AppDeps): Router {
  const router = Router();

  /** GET /api/sites — 200 with the supervised sites. */
  router.get(
    '/',
    asyncRoute(async (_req, res) => {
      const sites = await db.site.findMany({ orderBy: { name: 'asc' }, take: 1000 });
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
