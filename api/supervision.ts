/**
 * Supervision of a site (issue 4, F27–F30, F39): start a cycle, send it commands (agenda,
 * inspections with findings and corrective actions, evidence and its review, closing),
 * report what happens between inspections, and read the plan. The public reads the
 * calendar at week precision only (F28).
 */
import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { assess, riskModel, RiskInputError, type RiskModel } from '../domain/risk';
import { planView, type PlanReason, type InspectionKind } from '../domain/supervision';
import {
  supervisionCommandUpdate,
  supervisionReportSignal,
  supervisionWorkflowId,
  type ObservationPhoto,
  type SupervisionCommand,
  type SupervisionReport,
} from '../workflows/supervision-cycle/messages';
import type { supervisionCycleWorkflow } from '../workflows/supervision-cycle/workflow';
import type { Db } from '../platform/db';
import { AppError } from './errors';
import { idempotencyKey } from './projects';
import { ZIdParam, ZLonLat } from './schemas';
import { postgresDocumentStore, sniffImage, testSignatureScanner } from './documents';
import { asyncRoute, type AppDeps } from './shared';
import { allow, viewerOf } from './auth/actor';
import {
  canCommandSupervision,
  canReadSite,
  canReportSupervision,
  canSupervise,
  isSiteAuthority,
  type SiteFacts,
} from './auth/policy';
import { commandMeta } from './audit';

const ZText = (max: number) => z.string().trim().min(1).max(max);
const ZGrade = z.enum(['A', 'B', 'C', 'D']);
const ZFactorId = z.string().min(1).max(120);

/** A report's photo: 180 KB of bytes as base64 fits the API's 256 KB JSON limit with the text. */
export const MAX_PHOTO_BYTES = 180 * 1024;
const MAX_PHOTO_BASE64 = Math.ceil(MAX_PHOTO_BYTES / 3) * 4;

export const ZStartSupervision = z.object({ authorityCode: ZText(60) }).strict();

export const ZSupervisionCommand = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('editAgenda'),
      items: z
        .array(z.object({ id: ZText(60), text: ZText(500), addedBy: z.enum(['customer', 'authority']) }).strict())
        .max(50)
        .refine((items) => new Set(items.map((i) => i.id)).size === items.length, 'agenda item ids must be unique'),
    })
    .strict(),
  z
    .object({
      action: z.literal('assignSupervisor'),
      supervisor: z.object({ name: ZText(200), email: z.email(), phone: z.string().max(40) }).strict(),
    })
    .strict(),
  z
    .object({
      action: z.literal('recordInspection'),
      inspector: ZText(200),
      method: z.enum(['onSite', 'remote']),
      grades: z.record(ZFactorId, ZGrade),
      present: z.array(ZFactorId).max(200).default([]),
      notes: z.string().max(10_000).optional(),
      findings: z
        .array(
          z
            .object({
              factorId: ZFactorId.optional(),
              description: ZText(2000),
              grade: ZGrade,
              correctiveAction: z
                .object({ description: ZText(2000), deadlineDays: z.number().int().min(1).max(365) })
                .strict()
                .optional(),
            })
            .strict(),
        )
        .max(100)
        .default([]),
    })
    .strict(),
  z
    .object({
      action: z.literal('submitEvidence'),
      actionId: z.uuid(),
      evidence: z
        .array(
          z
            .object({
              url: z.url({ protocol: /^https?$/ }),
              mediaType: z.string().regex(/^(image|video)\/[\w.+-]+$/, 'must be an image or video media type'),
              caption: z.string().max(500).optional(),
            })
            .strict(),
        )
        .min(1)
        .max(20),
    })
    .strict(),
  z
    .object({
      action: z.literal('reviewEvidence'),
      actionId: z.uuid(),
      accepted: z.boolean(),
      note: z.string().max(2000).optional(),
    })
    .strict(),
  z
    .object({
      action: z.literal('close'),
      reason: z.enum(['permitClosed', 'businessClosed', 'other']),
      note: z.string().max(2000).optional(),
    })
    .strict(),
]);

export const ZSupervisionReport = z
  .object({
    kind: z.enum(['selfMonitoring', 'incident', 'citizenObservation', 'profileChange']),
    description: ZText(5000),
    observedAt: z.iso.datetime({ offset: true }).optional(),
    deviation: z.boolean().optional(),
    nearMiss: z.boolean().optional(),
    activity: z.array(ZFactorId).max(100).optional(),
    /** Citizen observations: false lets the company see who reported (signed-in reporters only). */
    anonymous: z.boolean().optional(),
    /** Where it was observed, [longitude, latitude]; the site's own location when left out. */
    location: ZLonLat.optional(),
    /** One photo (JPEG or PNG, base64, at most 180 KB); the UI scales it down and drops its metadata. */
    photo: z
      .object({
        contentType: z.enum(['image/jpeg', 'image/png']),
        data: z.base64().max(MAX_PHOTO_BASE64, 'the photo must be at most 180 KB'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => r.anonymous === undefined || r.kind === 'citizenObservation', {
    message: 'only a citizen observation can be anonymous',
    path: ['anonymous'],
  })
  .refine((r) => r.kind !== 'profileChange' || r.activity !== undefined, {
    message: 'a profile change lists the activity from now on',
    path: ['activity'],
  })
  .refine((r) => !r.observedAt || Date.parse(r.observedAt) <= Date.now() + 60_000, {
    message: 'must not be in the future',
    path: ['observedAt'],
  });

/** Checks factor ids and grades against the site's model with the engine itself; 400 naming the field. */
function checkAgainstModel(
  model: RiskModel,
  targetGroup: string,
  input: { present: string[]; grades: Record<string, string> },
  /** Maps the engine's field (present.0, grades.x) to the request's. */
  field: (engineField: string) => string = (f) => f,
) {
  try {
    assess(model, { targetGroup, present: input.present, grades: input.grades });
  } catch (err) {
    if (err instanceof RiskInputError) {
      throw new AppError('VALIDATION', err.message, {
        errors: [{ path: field(err.field), message: err.message }],
      });
    }
    throw err;
  }
}

export const ZObservationParam = z.object({ id: z.uuid(), observationId: z.uuid() });

/** What a report keeps besides its columns (observation.payload). */
function observationExtra(payload: unknown): { location?: [number, number]; photo?: ObservationPhoto } {
  return typeof payload === 'object' && payload !== null ? (payload as ReturnType<typeof observationExtra>) : {};
}

/** The company sees a citizen's photo only when the citizen showed who they are; the authority always. */
const photoVisible = (authority: boolean, o: { kind: string; anonymous: boolean }) =>
  authority || o.kind !== 'citizenObservation' || !o.anonymous;

async function siteOr404(db: Db, id: string) {
  const site = await db.site.findUnique({ where: { id } });
  if (!site) throw new AppError('NOT_FOUND', 'Site not found');
  const model = riskModel(site.riskModel);
  if (!model) throw new AppError('CONFLICT', `The site's risk model "${site.riskModel}" is not available`);
  return { site, model };
}

/** The site when the actor may read it (like GET /api/sites lists it): 404, 401/403 otherwise. */
async function readableSite(db: Db, res: Response, id: string) {
  const { site } = await siteOr404(db, id);
  const viewer = viewerOf(res);
  const facts = await siteFacts(db, site);
  allow(res, canReadSite(viewer, facts), 'this site');
  return { site, viewer, facts };
}

async function currentCycle(db: Db, siteId: string) {
  return db.supervisionCycle.findFirst({ where: { siteId }, orderBy: { startedAt: 'desc' } });
}

/** The facts the policy needs about a site: its organisation and the supervising authority. */
export async function siteFacts(db: Db, site: { id: string; organisationId: string }): Promise<SiteFacts> {
  const cycle = await currentCycle(db, site.id);
  return {
    organisationId: site.organisationId,
    authorityCode: cycle && cycle.phase !== 'closed' ? cycle.authorityCode : null,
  };
}

export function supervisionRoutes({ db, temporal, config, documents, security }: AppDeps): Router {
  const router = Router();
  const photos = documents?.store ?? postgresDocumentStore(db);
  const scanner = documents?.scanner ?? testSignatureScanner;

  /**
   * A report's photo, checked like a workspace upload (type by content: 415; virus scan: 422)
   * and stored by its SHA-256 before the report is signalled: the workflow gets the key only.
   */
  async function storePhoto(photo: { contentType: string; data: string }): Promise<ObservationPhoto> {
    const data = Buffer.from(photo.data, 'base64');
    if (data.length === 0 || data.length > MAX_PHOTO_BYTES) {
      throw new AppError('VALIDATION', 'The photo must be at most 180 KB', {
        errors: [{ path: 'photo.data', message: 'must be at most 180 KB' }],
      });
    }
    const type = await sniffImage(data);
    if (!type)
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The photo must be a JPEG or PNG image', { field: 'photo' });
    const verdict = await scanner.scan(data, 'photo');
    if (!verdict.clean)
      throw new AppError('UNPROCESSABLE', `The photo was refused by the virus scan (${verdict.threat})`);
    const key = `sha256/${createHash('sha256').update(data).digest('hex')}`;
    await db.$transaction((tx) => photos.put(tx, key, data));
    return { key, contentType: type, size: data.length };
  }

  /**
   * GET /api/sites/:id/supervision — 200 with the site's latest supervision cycle: phase,
   * the plan with dates and the supervisor's contacts, open corrective actions, the latest
   * assessment and the cycle's events; 404 without one.
   */
  router.get(
    '/:id/supervision',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      await readableSite(db, res, id);
      const cycle = await db.supervisionCycle.findFirst({
        where: { siteId: id },
        orderBy: { startedAt: 'desc' },
        include: {
          planned: { where: { status: 'planned' }, orderBy: { dueAt: 'asc' } },
          correctiveActions: { orderBy: { deadline: 'asc' } },
          events: { orderBy: { occurredAt: 'desc' }, take: 100 },
        },
      });
      if (!cycle) throw new AppError('NOT_FOUND', 'This site has no supervision cycle');
      const assessment = await db.siteAssessment.findFirst({ where: { siteId: id }, orderBy: { assessedAt: 'desc' } });
      const supervisor = { name: cycle.supervisorName, email: cycle.supervisorEmail, phone: cycle.supervisorPhone };
      res.json({
        cycleId: cycle.id,
        workflowId: cycle.workflowId,
        phase: cycle.phase,
        authorityCode: cycle.authorityCode,
        projectId: cycle.projectId,
        startedAt: cycle.startedAt.toISOString(),
        closedAt: cycle.closedAt?.toISOString() ?? null,
        closeReason: cycle.closeReason,
        agenda: cycle.agenda,
        supervisor,
        lastInspectionAt: cycle.lastInspectionAt?.toISOString() ?? null,
        plan: cycle.planned.map((p) => ({
          id: p.id,
          ...planView(
            { kind: p.kind as InspectionKind, dueAt: p.dueAt, reason: p.reason as unknown as PlanReason },
            supervisor,
            'party',
          ),
        })),
        correctiveActions: cycle.correctiveActions.map((a) => ({
          id: a.id,
          description: a.description,
          deadline: a.deadline.toISOString(),
          status: a.status,
          evidence: a.evidence,
          reviewNote: a.reviewNote,
        })),
        assessment: assessment && {
          assessedAt: assessment.assessedAt.toISOString(),
          reason: assessment.reason,
          model: `${assessment.modelId}@${assessment.modelVersion}`,
          classified: assessment.classified,
          missing: assessment.missing,
          score: assessment.score,
          riskClass: assessment.riskClass,
          band: assessment.band,
          frequencyPerYear: assessment.frequencyPerYear,
        },
        events: cycle.events.map((e) => ({ type: e.type, at: e.occurredAt.toISOString(), payload: e.payload })),
      });
    }),
  );

  /**
   * GET /api/sites/:id/observations — 200 with what reached supervision between inspections
   * (F29, F30), newest first. The supervising authority sees who reported; the company sees a
   * citizen's name only when the citizen chose to show it, and never their contact details.
   */
  router.get(
    '/:id/observations',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const { viewer, facts } = await readableSite(db, res, id);
      const authority = isSiteAuthority(viewer, facts) || viewer?.role === 'ADMIN';
      const rows = await db.observation.findMany({ where: { siteId: id }, orderBy: { observedAt: 'desc' }, take: 200 });
      const reporterIds = [...new Set(rows.map((o) => o.reporterId).filter((r): r is string => r !== null))];
      const reporters = new Map(
        (
          await db.user.findMany({ where: { id: { in: reporterIds } }, select: { id: true, name: true, email: true } })
        ).map((u) => [u.id, u]),
      );
      // Anonymous citizens' reports with a known reporter or a photo the company does not see:
      // recorded by id, never who.
      const withheld = authority
        ? []
        : rows.filter(
            (o) =>
              !photoVisible(false, o) && (o.reporterId !== null || observationExtra(o.payload).photo !== undefined),
          );
      if (withheld.length > 0)
        void security?.forRequest(req, res, {
          kind: 'identity.withheld',
          status: 200,
          details: { observations: withheld.map((o) => o.id) },
        });
      res.json(
        rows.map((o) => {
          const reporter = o.reporterId ? reporters.get(o.reporterId) : undefined;
          const shown = reporter && (authority || (o.kind === 'citizenObservation' && !o.anonymous));
          const extra = observationExtra(o.payload);
          return {
            id: o.id,
            kind: o.kind,
            description: o.description,
            deviation: o.deviation,
            nearMiss: o.nearMiss,
            observedAt: o.observedAt.toISOString(),
            receivedAt: o.receivedAt.toISOString(),
            anonymous: o.kind === 'citizenObservation' ? o.anonymous : false,
            location: extra.location ?? null,
            photoUrl: extra.photo && photoVisible(authority, o) ? `/api/sites/${id}/observations/${o.id}/photo` : null,
            reporter: shown
              ? authority
                ? { name: reporter.name, email: reporter.email }
                : { name: reporter.name }
              : null,
          };
        }),
      );
    }),
  );

  /**
   * GET /api/sites/:id/observations/:observationId/photo — 200 with the photo's bytes; 404
   * without one. The supervising authority sees every photo; the company only those of reports
   * whose reporter chose to show their identity (a photo may reveal who took it).
   */
  router.get(
    '/:id/observations/:observationId/photo',
    asyncRoute(async (req, res) => {
      const { id, observationId } = ZObservationParam.parse(req.params);
      const { viewer, facts } = await readableSite(db, res, id);
      const authority = isSiteAuthority(viewer, facts) || viewer?.role === 'ADMIN';
      const observation = await db.observation.findFirst({ where: { id: observationId, siteId: id } });
      const photo = observation && observationExtra(observation.payload).photo;
      if (!observation || !photo) throw new AppError('NOT_FOUND', 'No photo');
      if (!photoVisible(authority, observation)) {
        // An anonymous reporter's photo may reveal who they are: as if there were none, and recorded.
        void security?.forRequest(req, res, {
          kind: 'identity.withheld',
          status: 404,
          details: { observations: [observationId], photo: true },
        });
        throw new AppError('NOT_FOUND', 'No photo');
      }
      const data = await photos.get(photo.key);
      if (!data) throw new AppError('NOT_FOUND', 'No photo');
      res
        .set({
          'Content-Type': photo.contentType,
          'Content-Disposition': 'inline',
          'Cache-Control': 'private, max-age=3600',
          'X-Content-Type-Options': 'nosniff',
        })
        .send(data);
    }),
  );

  /**
   * POST /api/sites/:id/supervision — 201 with the started cycle's workflow id: supervision
   * of a site outside a permit project (e.g. an accepted notification); 400 naming the field;
   * 404 unknown site; 409 when a cycle is already running.
   */
  router.post(
    '/:id/supervision',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      idempotencyKey(req);
      const body = ZStartSupervision.parse(req.body);
      if (!(await db.authority.findUnique({ where: { code: body.authorityCode } }))) {
        throw new AppError('VALIDATION', `Unknown authority "${body.authorityCode}"`, {
          errors: [{ path: 'authorityCode', message: 'unknown authority' }],
        });
      }
      const { site } = await siteOr404(db, id);
      allow(
        res,
        canSupervise(viewerOf(res), { organisationId: site.organisationId, authorityCode: body.authorityCode }),
        `supervision by ${body.authorityCode}`,
      );
      const open = await currentCycle(db, id);
      if (open && open.phase !== 'closed') {
        throw new AppError('CONFLICT', 'The site is already under supervision', { step: open.phase, allowed: [] });
      }
      const workflowId = supervisionWorkflowId(id);
      try {
        await temporal.workflow.start<typeof supervisionCycleWorkflow>('supervisionCycleWorkflow', {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          workflowId,
          args: [{ siteId: id, authorityCode: body.authorityCode }],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          throw new AppError('CONFLICT', 'The site is already under supervision', { allowed: [] });
        }
        throw err;
      }
      res.status(201).location(`/api/sites/${id}/supervision`).json({ workflowId });
    }),
  );

  /**
   * POST /api/sites/:id/supervision/commands — 200 with the cycle's new state once the
   * workflow accepted the command; 400 naming the field (grades and factors are checked
   * against the site's risk model); 404; 409 when the command does not fit the phase.
   */
  router.post(
    '/:id/supervision/commands',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = idempotencyKey(req);
      const command = ZSupervisionCommand.parse(req.body);
      const { site, model } = await siteOr404(db, id);
      allow(
        res,
        canCommandSupervision(viewerOf(res), await siteFacts(db, site), command.action),
        `the command "${command.action}"`,
      );
      if (command.action === 'recordInspection') {
        checkAgainstModel(model, site.targetGroup, command);
        for (const [i, f] of command.findings.entries()) {
          if (f.factorId && !model.factors.some((x) => x.id === f.factorId)) {
            throw new AppError('VALIDATION', `Unknown risk factor "${f.factorId}"`, {
              errors: [{ path: `findings.${i}.factorId`, message: 'unknown risk factor' }],
            });
          }
        }
      }
      const cycle = await currentCycle(db, id);
      if (!cycle) throw new AppError('NOT_FOUND', 'This site has no supervision cycle');
      if (cycle.phase === 'closed') {
        throw new AppError('CONFLICT', 'The supervision cycle has ended', { step: 'closed', allowed: [] });
      }
      const handle = temporal.workflow.getHandle(cycle.workflowId);
      const args: [SupervisionCommand] = [
        { idempotencyKey: key, ...commandMeta(res), ...command } as SupervisionCommand,
      ];
      try {
        res.json(await handle.executeUpdate(supervisionCommandUpdate, { args, updateId: `${id}:${key}` }));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          throw new AppError('CONFLICT', 'The supervision cycle has ended', { step: 'closed', allowed: [] });
        }
        throw err;
      }
    }),
  );

  /**
   * POST /api/sites/:id/supervision/reports — 202: a self-monitoring report (F29), an
   * incident, a citizen observation (F30) or a changed activity profile reaches the cycle,
   * which re-assesses the site and may bring the next inspection forward; 400; 404; 409
   * without a running cycle.
   */
  router.post(
    '/:id/supervision/reports',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = idempotencyKey(req);
      const report = ZSupervisionReport.parse(req.body);
      const { site, model } = await siteOr404(db, id);
      const viewer = viewerOf(res);
      allow(res, canReportSupervision(viewer, await siteFacts(db, site), report.kind), `a ${report.kind} report`);
      if (report.activity)
        checkAgainstModel(model, site.targetGroup, { present: report.activity, grades: {} }, (f) =>
          f.replace(/^present/, 'activity'),
        );
      const cycle = await currentCycle(db, id);
      if (!cycle || cycle.phase === 'closed') {
        throw new AppError('CONFLICT', 'The site is not under supervision', { allowed: [] });
      }
      const { photo, ...rest } = report;
      const stored = photo ? await storePhoto(photo) : undefined;
      const signal: SupervisionReport = {
        ...rest,
        ...(stored ? { photo: stored } : {}),
        idempotencyKey: key,
        // Kept for the authority (F30); the operator sees who reported only when they chose so.
        ...(viewer ? { reporterId: viewer.userId } : {}),
        ...(report.kind === 'citizenObservation' ? { anonymous: !viewer || report.anonymous !== false } : {}),
      };
      await temporal.workflow.getHandle(cycle.workflowId).signal(supervisionReportSignal, signal);
      res.status(202).location(`/api/sites/${id}/supervision`).json({ status: 'accepted' });
    }),
  );

  return router;
}

/**
 * GET /api/supervision-calendar/:id — 200: a site's planned inspections as the public sees
 * them, the ISO week only (F28); 404 for an unknown site or one without supervision.
 */
export function publicSupervisionRoutes({ db }: AppDeps): Router {
  const router = Router();

  /**
   * GET /api/supervision-calendar — 200 with the active supervised sites as the public sees
   * them: name, address, municipality and location, and whether supervision runs now (then
   * its calendar is public and citizens may report observations, F30). For the public map.
   */
  router.get(
    '/',
    asyncRoute(async (_req, res) => {
      const sites = await db.site.findMany({
        where: { status: 'active' },
        include: { cycles: { where: { phase: { not: 'closed' } }, select: { id: true } } },
        orderBy: { name: 'asc' },
        take: 2000,
      });
      res.json(
        sites.map((s) => ({
          id: s.id,
          name: s.name,
          address: s.address,
          municipality: s.municipality,
          latitude: s.latitude,
          longitude: s.longitude,
          underSupervision: s.cycles.length > 0,
        })),
      );
    }),
  );

  router.get(
    '/:id',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const site = await db.site.findUnique({
        where: { id },
        include: {
          cycles: {
            where: { phase: { not: 'closed' } },
            include: { planned: { where: { status: 'planned' }, orderBy: { dueAt: 'asc' } } },
          },
        },
      });
      if (!site || site.cycles.length === 0) throw new AppError('NOT_FOUND', 'No supervision calendar for this site');
      const supervisor = { name: '', email: '', phone: '' };
      res.json({
        site: { name: site.name, municipality: site.municipality },
        inspections: site.cycles.flatMap((c) =>
          c.planned.map((p) =>
            planView(
              { kind: p.kind as InspectionKind, dueAt: p.dueAt, reason: p.reason as unknown as PlanReason },
              supervisor,
              'public',
            ),
          ),
        ),
      });
    }),
  );
  return router;
}
