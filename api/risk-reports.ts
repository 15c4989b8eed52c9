/**
 * The seed's use case 2 reports over every active site, served as JSON or CSV:
 *   1. all sites ranked by inspection frequency, grouped by target group;
 *   2. one group's sites ranked with class and frequency;
 *   3. per group the number of sites in each class and unclassified;
 *   4. per group the subject areas that cause the most risk points.
 *
 * The time window selects inspection data through the assessments it produced: each site
 * counts with its latest stored assessment made inside the window (every inspection and
 * every re-assessment stores one, with its model version). A site without one is listed
 * as unclassified. The reports read covering indexes over each assessment's validity
 * (SiteAssessment.supersededAt) and never run the engine, so they stay fast over 100 000
 * sites and 1 000 000 inspections (bench/risk-reports.mjs, docs/performance.md). Use case 1 — one site over any window,
 * computed from its raw inspections — is GET /api/sites/:id/assessment.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { stringify } from 'csv-stringify/sync';
import { Prisma } from '../prisma/generated/client';
import type { Db } from '../platform/db';
import { RISK_MODELS, mergeAreaSums, rankAreas, riskModel, type RiskModel } from '../domain/risk';
import { AppError } from './errors';
import { DAY_WINDOW_ORDER, ZDayWindow, dayWindowInOrder, windowOf } from './schemas';
import { asyncRoute, type AppDeps } from './shared';
import { allow, viewerOf } from './auth/actor';
import { canReadRiskReports } from './auth/policy';

const ZModelId = z
  .string()
  .max(60)
  .refine((id) => riskModel(id) !== undefined, 'unknown risk model');

const window = {
  ...ZDayWindow,
  model: ZModelId.optional(),
  format: z.enum(['json', 'csv']).default('json'),
};

export const ZGroupParam = z.object({ group: z.string().min(1).max(60) });
export const ZReportQuery = z.object(window).strict().refine(dayWindowInOrder, DAY_WINDOW_ORDER);

export const ZRankingQuery = z
  .object({
    ...window,
    /** A JSON page; CSV is always the whole list. */
    limit: z.coerce.number().int().min(1).max(5000).default(500),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict()
  .refine(dayWindowInOrder, DAY_WINDOW_ORDER);

export const ZTopAreasQuery = z
  .object({ ...window, top: z.coerce.number().int().min(1).max(20).default(3) })
  .strict()
  .refine(dayWindowInOrder, DAY_WINDOW_ORDER);

type Window = { from?: string; to?: string; model?: string };

const COLUMNS = Prisma.sql`a."siteId", a."assessedAt", a."modelId", a."modelVersion", a."targetGroup",
  a.classified, a.score, a."riskClass", a."frequencyPerYear", a."areaPoints"`;

/**
 * Each site's latest assessment inside the window: the one current at the window's end
 * (assessedAt <= to < supersededAt, see SiteAssessment.supersededAt) if it was made on or
 * after the window's start. A condition on each row, so the database reads one index range
 * instead of sorting every assessment by site. Without `to`, the current assessments.
 */
function latest(q: Window, group?: string): Prisma.Sql {
  const window = windowOf(q);
  const from = window.from ? Prisma.sql`AND a."assessedAt" >= ${window.from}` : Prisma.empty;
  // One group's report reads only that group's sites (through SiteAssessment(siteId, assessedAt)).
  const sites = group
    ? Prisma.sql`AND a."siteId" IN (SELECT s.id FROM "Site" s ${sitesWhere(q, group)})`
    : Prisma.empty;
  const current = Prisma.sql`SELECT ${COLUMNS} FROM "SiteAssessment" a WHERE a."supersededAt" IS NULL ${from} ${sites}`;
  if (!window.to) return current;
  // Two branches so each reads its own index range: superseded after the window, or still current.
  return Prisma.sql`
    SELECT ${COLUMNS} FROM "SiteAssessment" a
    WHERE a."supersededAt" > ${window.to} AND a."assessedAt" <= ${window.to} ${from} ${sites}
    UNION ALL
    ${current} AND a."assessedAt" <= ${window.to}`;
}

/** Active sites, optionally of one model and one target group (the site's own group). */
function sitesWhere(q: Window, group?: string): Prisma.Sql {
  const model = q.model ? Prisma.sql`AND s."riskModel" = ${q.model}` : Prisma.empty;
  const inGroup = group ? Prisma.sql`AND s."targetGroup" = ${group}` : Prisma.empty;
  return Prisma.sql`WHERE s.status = 'active' ${model} ${inGroup}`;
}

interface RankedRow {
  siteId: string;
  siteName: string;
  model: string;
  targetGroup: string;
  score: number | null;
  riskClass: string | null;
  frequencyPerYear: number | null;
  assessedAt: Date | null;
}

async function ranked(db: Db, q: Window, page: { limit: number; offset: number } | null, group?: string) {
  const limit = page ? Prisma.sql`LIMIT ${page.limit} OFFSET ${page.offset}` : Prisma.empty;
  const [rows, [count]] = await Promise.all([
    db.$queryRaw<RankedRow[]>`
      WITH latest AS (${latest(q, group)})
      SELECT s.id AS "siteId", s.name AS "siteName", s."riskModel" AS model, s."targetGroup",
             l.score, l."riskClass", l."frequencyPerYear", l."assessedAt"
      FROM "Site" s LEFT JOIN latest l ON l."siteId" = s.id
      ${sitesWhere(q, group)}
      ORDER BY s."riskModel", s."targetGroup", l."frequencyPerYear" DESC NULLS LAST, l.score DESC NULLS LAST,
               s.name, s.id
      ${limit}`,
    db.$queryRaw<Array<{ total: number }>>`SELECT count(*)::int AS total FROM "Site" s ${sitesWhere(q, group)}`,
  ]);
  return {
    total: count?.total ?? 0,
    sites: rows.map(({ assessedAt, ...row }) => ({ ...row, assessedAt: assessedAt?.toISOString() ?? null })),
  };
}

async function classCounts(db: Db, q: Window) {
  return db.$queryRaw<
    Array<{
      model: string;
      targetGroup: string;
      R1: number;
      R2: number;
      R3: number;
      unclassified: number;
      total: number;
    }>
  >`
    WITH latest AS (${latest(q)})
    SELECT s."riskModel" AS model, s."targetGroup",
           count(*) FILTER (WHERE l."riskClass" = 'R1')::int AS "R1",
           count(*) FILTER (WHERE l."riskClass" = 'R2')::int AS "R2",
           count(*) FILTER (WHERE l."riskClass" = 'R3')::int AS "R3",
           count(*) FILTER (WHERE l."riskClass" IS NULL)::int AS unclassified,
           count(*)::int AS total
    FROM "Site" s LEFT JOIN latest l ON l."siteId" = s.id
    ${sitesWhere(q)}
    GROUP BY 1, 2
    ORDER BY 1, 2`;
}

const MAX_AREAS = Math.max(...RISK_MODELS.map((m) => m.areas.length));

/** The area ids of a model version: the loaded model, or the stored definition of an older version. */
async function areasOf(db: Db, modelId: string, version: string, cache: Map<string, string[]>) {
  const key = `${modelId}@${version}`;
  let areas = cache.get(key);
  if (!areas) {
    const current = riskModel(modelId);
    if (current?.version === version) areas = current.areas.map((a) => a.id);
    else {
      const stored = await db.riskModelVersion.findUnique({ where: { modelId_version: { modelId, version } } });
      areas = ((stored?.definition as unknown as RiskModel | undefined)?.areas ?? []).map((a) => a.id);
    }
    cache.set(key, areas);
  }
  return areas;
}

async function topAreas(db: Db, q: Window, top: number) {
  const sums = Prisma.join(
    Array.from({ length: MAX_AREAS }, (_, i) => Prisma.sql`COALESCE(sum(l."areaPoints"[${i + 1}]), 0)::float8`),
  );
  const rows = await db.$queryRaw<
    Array<{ modelId: string; modelVersion: string; targetGroup: string; sites: number; sums: number[] }>
  >`
    WITH latest AS (${latest(q)})
    SELECT l."modelId", l."modelVersion", l."targetGroup", count(*)::int AS sites, ARRAY[${sums}] AS sums
    FROM latest l JOIN "Site" s ON s.id = l."siteId"
    ${sitesWhere(q)} AND l.classified
    GROUP BY 1, 2, 3`;
  type Part = { areas: string[]; sums: number[] };
  const groups = new Map<string, { model: RiskModel; targetGroup: string; sites: number; parts: Part[] }>();
  const versions = new Map<string, string[]>();
  for (const row of rows) {
    const model = riskModel(row.modelId);
    if (!model) continue;
    const key = `${row.modelId}/${row.targetGroup}`;
    const group = groups.get(key) ?? { model, targetGroup: row.targetGroup, sites: 0, parts: [] };
    group.sites += row.sites;
    group.parts.push({ areas: await areasOf(db, row.modelId, row.modelVersion, versions), sums: row.sums });
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => a.model.id.localeCompare(b.model.id) || a.targetGroup.localeCompare(b.targetGroup))
    .map((g) => ({
      model: g.model.id,
      targetGroup: g.targetGroup,
      sites: g.sites,
      areas: rankAreas(g.model, mergeAreaSums(g.model, g.parts), g.sites, top),
    }));
}

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first)
 * gets a leading apostrophe: site and company names come from users (OWASP's CSV injection).
 */
export const csvSafe = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** JSON, or CSV with one row per record and a BOM so spreadsheet programs read å, ä and ö. */
function send(res: Response, format: 'json' | 'csv', name: string, json: unknown, rows: () => object[]) {
  if (format === 'json') {
    res.json(json);
    return;
  }
  res
    .type('text/csv; charset=utf-8')
    .attachment(`${name}.csv`)
    .send(stringify(rows(), { header: true, bom: true, cast: { string: csvSafe } }));
}

const windowOut = (q: Window) => ({ from: q.from ?? null, to: q.to ?? null, model: q.model ?? null });

export function riskReportRoutes({ db }: AppDeps): Router {
  const router = Router();
  // Reports across every site: authority users and administrators only.
  router.use((_req, res, next) => {
    allow(res, canReadRiskReports(viewerOf(res)), 'risk reports');
    next();
  });

  /**
   * GET /api/risk-reports/ranking?from&to&model&format&limit&offset — 200: active sites ranked
   * by frequency within each target group (JSON: one page, `total` for all; CSV: every site); 400.
   */
  router.get(
    '/ranking',
    asyncRoute(async (req, res) => {
      const q = ZRankingQuery.parse(req.query);
      const { total, sites } = await ranked(db, q, q.format === 'json' ? q : null);
      const groups: Array<{ model: string; targetGroup: string; sites: typeof sites }> = [];
      for (const site of sites) {
        const last = groups.at(-1);
        if (last?.model === site.model && last.targetGroup === site.targetGroup) last.sites.push(site);
        else groups.push({ model: site.model, targetGroup: site.targetGroup, sites: [site] });
      }
      send(
        res,
        q.format,
        'ranking',
        { window: windowOut(q), total, offset: q.offset, limit: q.limit, groups },
        () => sites,
      );
    }),
  );

  /** GET /api/risk-reports/groups/:group?from&to&model&format&limit&offset — 200: one group ranked; 400; 404. */
  router.get(
    '/groups/:group',
    asyncRoute(async (req, res) => {
      const { group } = ZGroupParam.parse(req.params);
      const q = ZRankingQuery.parse(req.query);
      const models = q.model ? [riskModel(q.model)!] : RISK_MODELS;
      if (!models.some((m) => m.groups.some((g) => g.id === group))) {
        throw new AppError('NOT_FOUND', `Unknown target group "${group}"`, { field: 'group' });
      }
      const { total, sites } = await ranked(db, q, q.format === 'json' ? q : null, group);
      send(
        res,
        q.format,
        `group-${group}`,
        { window: windowOut(q), targetGroup: group, total, offset: q.offset, limit: q.limit, sites },
        () => sites,
      );
    }),
  );

  /** GET /api/risk-reports/class-counts?from&to&model&format — 200: per group sites in R1/R2/R3 and unclassified; 400. */
  router.get(
    '/class-counts',
    asyncRoute(async (req, res) => {
      const q = ZReportQuery.parse(req.query);
      const groups = await classCounts(db, q);
      send(res, q.format, 'class-counts', { window: windowOut(q), groups }, () => groups);
    }),
  );

  /** GET /api/risk-reports/top-areas?from&to&model&format&top — 200: per group the areas with the most points; 400. */
  router.get(
    '/top-areas',
    asyncRoute(async (req, res) => {
      const q = ZTopAreasQuery.parse(req.query);
      const groups = await topAreas(db, q, q.top);
      send(res, q.format, 'top-areas', { window: windowOut(q), groups }, () =>
        groups.flatMap((g) =>
          g.areas.map((a, rank) => ({
            model: g.model,
            targetGroup: g.targetGroup,
            sites: g.sites,
            rank: rank + 1,
            ...a,
          })),
        ),
      );
    }),
  );

  return router;
}
