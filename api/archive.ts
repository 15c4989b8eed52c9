/**
 * Archiving (F22): archived projects, searchable by authorities, with retention per record type.
 * The archive workflow (workflows/archive) writes the packages; these routes only read them:
 * a search for authorities, one package's summary (also for the project's own organisation) and
 * the package's JSON itself, whose every download is audited.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Prisma } from '../prisma/generated/client';
import { RETENTION, isRecordType } from '../domain/retention';
import { AppError } from './errors';
import { asyncRoute, type AppDeps } from './shared';
import type { Operation } from './openapi';
import { allow, viewerOf } from './auth/actor';
import { archiveScope, canReadArchivePackage, canReadArchiveSummary, canSearchArchive } from './auth/policy';
import { writeAudit } from './audit';
import { DAY_WINDOW_ORDER, ZDayWindow, ZPermitTypeId, dayWindowInOrder, windowOf } from './schemas';

/** Free text without control characters (PostgreSQL text cannot hold NUL). */
const ZSearchText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    // eslint-disable-next-line no-control-regex -- exactly the characters refused
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const ZArchiveSearchQuery = z
  .object({
    q: ZSearchText(0, 200).optional(),
    municipality: ZSearchText(1, 100).optional(),
    permitType: ZPermitTypeId.optional(),
    ...ZDayWindow,
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()
  .refine(dayWindowInOrder, DAY_WINDOW_ORDER);

export const ZArchiveParam = z.object({ projectId: z.uuid() });

const TAG = 'Archive';

/** This area's operations, listed in the OpenAPI document (api/openapi.ts). */
export const ARCHIVE_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/archive',
    summary:
      'Search archived projects (F22) by text, municipality, permit type and closing date: authority users (their authority’s projects) and administrators',
    tag: TAG,
    access: 'signed-in',
    query: ZArchiveSearchQuery,
    ok: [200, 'Archived projects, most recently closed first, with status and record counts'],
  },
  {
    method: 'get',
    path: '/api/archive/:projectId',
    summary:
      'One archived project’s manifest: record types, counts, retention and disposal (the involved authorities, administrators, the project’s organisation)',
    tag: TAG,
    access: 'signed-in',
    params: ZArchiveParam,
    ok: [200, 'The package summary with its records'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/archive/:projectId/package',
    summary:
      'The archived package as JSON, as stored (disposed records removed or anonymised); SHA-256 in the ETag and Digest headers; every download is audited',
    tag: TAG,
    access: 'signed-in',
    params: ZArchiveParam,
    ok: [200, 'The package JSON'],
    errors: [404],
    contentType: 'application/json',
  },
];

type PackageRow = Prisma.ArchivePackageGetPayload<{ include: { records: true } }>;

/** Record types in the retention table's order, each with what it holds and why it is kept so long. */
function summary(pkg: PackageRow) {
  const records = pkg.records
    .filter((r) => isRecordType(r.recordType))
    .map((r) => ({
      recordType: r.recordType,
      count: r.count,
      disposal: r.disposal,
      retainUntil: r.retainUntil?.toISOString() ?? null,
      disposedAt: r.disposedAt?.toISOString() ?? null,
      holds: isRecordType(r.recordType) ? RETENTION[r.recordType].holds : '',
      basis: isRecordType(r.recordType) ? RETENTION[r.recordType].basis : '',
    }));
  const order = Object.keys(RETENTION);
  records.sort((a, b) => order.indexOf(a.recordType) - order.indexOf(b.recordType));
  return {
    projectId: pkg.projectId,
    title: pkg.title,
    municipality: pkg.municipality,
    organisationId: pkg.organisationId,
    authorityCodes: pkg.authorityCodes,
    permitTypes: pkg.permitTypes,
    closedAt: pkg.closedAt.toISOString(),
    archivedAt: pkg.archivedAt.toISOString(),
    status: pkg.status,
    sha256: pkg.sha256,
    size: pkg.size,
    records,
  };
}

export function archiveRoutes({ db }: AppDeps): Router {
  const router = Router();

  const packageOr404 = async (projectId: string) => {
    const pkg = await db.archivePackage.findUnique({ where: { projectId }, include: { records: true } });
    if (!pkg) throw new AppError('NOT_FOUND', 'No archived project with this id', { field: 'projectId' });
    return pkg;
  };

  /**
   * GET /api/archive?q&municipality&permitType&from&to&limit — 200 `{packages}`: archived projects
   * the actor may see, most recently closed first; `q` searches titles, places, permit types and
   * decision texts (Finnish full-text, the authority-only search documents); 400 naming the field;
   * 401; 403 for anyone but authority users and administrators.
   */
  router.get(
    '/archive',
    asyncRoute(async (req, res) => {
      const viewer = viewerOf(res);
      allow(res, canSearchArchive(viewer), 'searching the archive');
      const q = ZArchiveSearchQuery.parse(req.query);
      const scope = archiveScope(viewer);
      if ('none' in scope) {
        res.json({ packages: [] });
        return;
      }
      let matching: string[] | undefined;
      if (q.q) {
        const rows = await db.$queryRaw<Array<{ refId: string }>>`
          SELECT "refId" FROM "SearchDocument"
          WHERE kind = 'archive' AND audience = 'authority'
            AND tsv @@ websearch_to_tsquery(CASE WHEN lang = 'fi' THEN 'finnish'::regconfig ELSE 'english'::regconfig END, ${q.q})`;
        matching = rows.map((r) => r.refId);
      }
      const window = windowOf(q);
      const rows = await db.archivePackage.findMany({
        where: {
          ...('authorityCode' in scope ? { authorityCodes: { has: scope.authorityCode } } : {}),
          ...(matching ? { projectId: { in: matching } } : {}),
          ...(q.municipality ? { municipality: { equals: q.municipality, mode: 'insensitive' } } : {}),
          ...(q.permitType ? { permitTypes: { has: q.permitType } } : {}),
          ...(window.from || window.to
            ? { closedAt: { ...(window.from ? { gte: window.from } : {}), ...(window.to ? { lte: window.to } : {}) } }
            : {}),
        },
        include: { records: true },
        orderBy: { closedAt: 'desc' },
        take: q.limit,
      });
      res.json({ packages: rows.map(summary) });
    }),
  );

  /** GET /api/archive/:projectId — 200 the package's summary and records; 400; 401; 403; 404. */
  router.get(
    '/archive/:projectId',
    asyncRoute(async (req, res) => {
      const { projectId } = ZArchiveParam.parse(req.params);
      const pkg = await packageOr404(projectId);
      allow(res, canReadArchiveSummary(viewerOf(res), pkg), 'this archived project');
      res.json(summary(pkg));
    }),
  );

  /**
   * GET /api/archive/:projectId/package — 200 the stored package JSON (ETag and Digest carry its
   * SHA-256), audited; 400; 401; 403 (the project's organisation reads only the summary); 404.
   */
  router.get(
    '/archive/:projectId/package',
    asyncRoute(async (req, res) => {
      const { projectId } = ZArchiveParam.parse(req.params);
      const pkg = await packageOr404(projectId);
      allow(res, canReadArchivePackage(viewerOf(res), pkg), 'this archived package');
      const blob = await db.documentBlob.findUnique({ where: { key: pkg.storageKey } });
      if (!blob) throw new AppError('NOT_FOUND', 'The package content is not stored', { field: 'projectId' });
      await writeAudit(db, res, {
        action: 'downloadArchivePackage',
        entity: 'ArchivePackage',
        entityId: projectId,
        details: { sha256: pkg.sha256, size: pkg.size, status: pkg.status },
      });
      res
        .status(200)
        .type('application/json')
        .set('ETag', `"${pkg.sha256}"`)
        .set('Digest', `sha-256=${Buffer.from(pkg.sha256, 'hex').toString('base64')}`)
        .set('Content-Disposition', `attachment; filename="archive-${projectId}.json"`)
        .set('Cache-Control', 'no-store')
        .send(Buffer.from(blob.data));
    }),
  );

  return router;
}
