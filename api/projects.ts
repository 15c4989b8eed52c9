import { createHmac, randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { hotQuery, type Db } from '../platform/db';
import { Prisma } from '../prisma/generated/client';
import { permitType as permitTypeDef } from '../domain/catalogue';
import { PROJECT_STEP_NORM_DAYS } from '../domain/permit-project';
import { redactSecrets, type ProjectDraft } from '../domain/draft';
import { replan } from '../activities/section';
import {
  projectCommandUpdate,
  projectWorkflowId,
  stateQuery,
  type PermitProjectInput,
  type ProjectCommand,
  type ProjectCommandBody,
  type ProjectView,
} from '../workflows/permit-project/messages';
import {
  sectionCommandUpdate,
  sectionStateQuery,
  sectionWorkflowId,
  type SectionCommand,
  type SectionCommandBody,
  type SectionView,
} from '../workflows/permit-section/messages';
import { AppError } from './errors';
import {
  ZAuthorityView,
  ZCreateProjectRequest,
  ZForecastOverride,
  ZIdempotencyKey,
  ZIdParam,
  ZPermitParam,
  ZProjectCommand,
  sectionCommandSchema,
} from './schemas';
import { asyncRoute, type AppDeps } from './shared';
import { actorOf, allow, viewerOf } from './auth/actor';
import {
  canCommandProject,
  canCommandSection,
  canCreateProject,
  canMarkViewed,
  canOverrideForecast,
  canPostMessage,
  canReadProject,
  canReadTradeSecrets,
  projectScope,
  type ProjectFacts,
} from './auth/policy';
import { commandMeta, writeAudit } from './audit';
import type { Response } from 'express';

export { projectWorkflowId };

/** The Idempotency-Key header every command needs; 400 naming it when missing or malformed. */
export function idempotencyKey(req: Request): string {
  const parsed = ZIdempotencyKey.safeParse(req.get('Idempotency-Key'));
  if (!parsed.success) {
    throw new AppError('VALIDATION', 'Idempotency-Key header is required (8–200 characters)', {
      field: 'Idempotency-Key',
    });
  }
  return parsed.data;
}

/**
 * The configured provider's link for a kickoff meeting: the room name is a keyed hash of the
 * project and the time, so it is the same on a retry and cannot be guessed from the project.
 */
export function meetingLink(template: string, secret: string, projectId: string, at: string): string {
  const room = createHmac('sha256', secret).update(`${projectId}|${at}`).digest('base64url').slice(0, 22);
  return template.replace('{room}', room);
}

export async function projectOr404(db: Db, id: string) {
  const project = await db.permitProject.findUnique({ where: { id }, include: { permits: true } });
  if (!project) throw new AppError('NOT_FOUND', 'Project not found');
  return project;
}

export const factsOf = (project: {
  organisationId: string;
  permits: Array<{ authorityId: string }>;
}): ProjectFacts => ({
  organisationId: project.organisationId,
  authorityIds: project.permits.map((p) => p.authorityId),
});

/**
 * Who writes in a project's thread (messages, documents): the project and the permit the
 * thread belongs to (404 naming permitType when the project has no such permit), once the
 * policy allowed the actor there (401/403).
 */
export async function threadWriter(db: Db, res: Response, id: string, permitType: string | null, what: string) {
  const actor = actorOf(res);
  const project = await projectOr404(db, id);
  const permit = permitType ? project.permits.find((p) => p.permitType === permitType) : null;
  if (permitType && !permit) throw new AppError('NOT_FOUND', 'The project has no such permit', { field: 'permitType' });
  allow(res, canPostMessage(actor, factsOf(project), permit?.authorityId ?? null), what);
  return { actor, project, permit: permit ?? null };
}

/**
 * Only the facts the policy needs (organisation, involved authorities), in one round trip:
 * for reads that then load what they show themselves (timeline, live state, messages).
 */
export async function readableProjectFacts(db: Db, res: Response, id: string): Promise<ProjectFacts> {
  return (await readableProjectWith(db, res, id, Prisma.sql`NULL`)).facts;
}

/**
 * The facts and, in the same round trip, what the read shows (`shown`, an SQL expression over
 * the project row `p` giving text) — handed back only once the policy allows the read.
 */
export async function readableProjectWith(
  db: Db,
  res: Response,
  id: string,
  shown: Prisma.Sql,
): Promise<{ facts: ProjectFacts; shown: string | null }> {
  const [row] = await hotQuery<{ organisationId: string; authorityIds: string[]; shown: string | null }>(
    db,
    Prisma.sql`
    SELECT p."organisationId"::text AS "organisationId",
           COALESCE((SELECT array_agg(pe."authorityId"::text) FROM "Permit" pe WHERE pe."projectId" = p.id), '{}')
             AS "authorityIds",
           (${shown})::text AS shown
    FROM "PermitProject" p
    WHERE p.id = ${id}::uuid`,
  );
  if (!row) throw new AppError('NOT_FOUND', 'Project not found');
  const facts: ProjectFacts = { organisationId: row.organisationId, authorityIds: row.authorityIds };
  allow(res, canReadProject(viewerOf(res), facts), 'this project');
  return { facts, shown: row.shown };
}

/** The project, when the actor may read it: 404 when there is none, 401/403 when not theirs. */
export async function readableProject(db: Db, res: Response, id: string) {
  const project = await projectOr404(db, id);
  allow(res, canReadProject(viewerOf(res), factsOf(project)), 'this project');
  return project;
}

/**
 * A command to a case whose workflow has ended (completed, cancelled) gets the same 409 as
 * one that does not fit the step, naming the step the read model shows.
 */
async function runUpdate<T>(step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new AppError('CONFLICT', `The case has ended (step "${step}"); allowed: none`, { step, allowed: [] });
    }
    throw err;
  }
}

/**
 * Sends a project command to the project's workflow as an Update, the one way the UI's commands
 * and an authority's system (api/bridge.ts) reach it: 409 when it does not fit the step.
 */
export function executeProjectCommand(
  temporal: AppDeps['temporal'],
  c: {
    projectId: string;
    step: string;
    key: string;
    meta: ReturnType<typeof commandMeta>;
    command: ProjectCommandBody;
  },
): Promise<ProjectView> {
  const args: [ProjectCommand] = [{ idempotencyKey: c.key, ...c.meta, ...c.command } as ProjectCommand];
  const handle = temporal.workflow.getHandle(projectWorkflowId(c.projectId));
  return runUpdate(c.step, () =>
    handle.executeUpdate(projectCommandUpdate, { args, updateId: `${c.projectId}:${c.key}` }),
  );
}

/** Sends a command to a received permit section's workflow, as the UI and an authority's system do; 409 off-step. */
export function executeSectionCommand(
  temporal: AppDeps['temporal'],
  c: {
    projectId: string;
    permitType: string;
    step: string;
    key: string;
    meta: ReturnType<typeof commandMeta>;
    command: SectionCommandBody;
  },
): Promise<SectionView> {
  const args: [SectionCommand] = [{ idempotencyKey: c.key, ...c.meta, ...c.command } as SectionCommand];
  const handle = temporal.workflow.getHandle(sectionWorkflowId(c.projectId, c.permitType));
  const updateId = `${c.projectId}:${c.permitType}:${c.key}`;
  return runUpdate(c.step, () => handle.executeUpdate(sectionCommandUpdate, { args, updateId }));
}

/** The outcome of an update already sent to the workflow under this id; null when there was none. */
async function earlierOutcome<T>(handle: WorkflowHandle, updateId: string): Promise<T | null> {
  try {
    return await handle.getUpdateHandle<T>(updateId).result();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

export function projectRoutes({ db, temporal, logger, config, security }: AppDeps): Router {
  const router = Router();
  const ZSectionCommand = sectionCommandSchema(config.NOTICE_MIN_DAYS ?? 14);
  /** The same shapes without the rules relative to the clock: for a repeated key only. */
  const ZSectionCommandRepeat = sectionCommandSchema(Number.NEGATIVE_INFINITY);

  /**
   * GET /api/projects — 200 with the projects, most recently changed first (read model), each
   * with its permits' step, risk level and due dates (the authority's work queue).
   */
  router.get(
    '/',
    asyncRoute(async (_req, res) => {
      const scope = projectScope(actorOf(res));
      if ('none' in scope) {
        res.json([]);
        return;
      }
      const projects = await db.permitProject.findMany({
        where:
          'organisationId' in scope
            ? { organisationId: scope.organisationId }
            : 'authorityId' in scope
              ? { permits: { some: { authorityId: scope.authorityId } } }
              : {},
        orderBy: { updatedAt: 'desc' },
        take: 200,
        include: {
          organisation: { select: { name: true } },
          permits: { include: { authority: { select: { code: true } } }, orderBy: { permitType: 'asc' } },
          steps: { where: { actualEnd: null } },
          infoRequests: { where: { answeredAt: null }, select: { permitType: true, dueAt: true } },
        },
      });
      const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
      res.json(
        projects.map((p) => ({
          id: p.id,
          title: p.title,
          organisation: p.organisation.name,
          step: p.step,
          status: p.status,
          updatedAt: p.updatedAt.toISOString(),
          // The work queue's facts (F16): each permit's step, risk and when its current step is due.
          permits: p.permits.map((permit) => {
            const current = p.steps.find((s) => s.permitType === permit.permitType && s.name === permit.step);
            const openRequests = p.infoRequests.filter((r) => r.permitType === permit.permitType);
            return {
              permitType: permit.permitType,
              authorityCode: permit.authority.code,
              step: permit.step,
              status: permit.status,
              caseNumber: permit.caseNumber,
              receivedAt: iso(permit.receivedAt),
              riskLevel: permit.riskLevel,
              priority: permit.priority,
              dueAt: iso(current?.forecastEnd ?? current?.plannedEnd),
              openInfoRequests: openRequests.length,
              infoDueAt: iso(
                openRequests
                  .map((r) => r.dueAt)
                  .filter((d): d is Date => d !== null)
                  .sort((a, b) => a.getTime() - b.getTime())[0],
              ),
            };
          }),
        })),
      );
    }),
  );

  /**
   * POST /api/projects — 201 with the project; 400 on invalid input (nothing written,
   * no workflow started); 404 when the organisation or an authority does not exist;
   * 503 when the case engine is down (nothing saved).
   */
  router.post(
    '/',
    asyncRoute(async (req, res) => {
      const actor = actorOf(res);
      const body = ZCreateProjectRequest.parse(req.body);
      allow(res, canCreateProject(actor, body.organisationId), 'projects of this organisation');
      const org = await db.organisation.findUnique({ where: { id: body.organisationId } });
      if (!org) throw new AppError('NOT_FOUND', 'Organisation not found', { field: 'organisationId' });
      const permits = body.permits.map((p) => ({
        permitType: p.permitType,
        authorityCode: p.authorityCode ?? (permitTypeDef(p.permitType)?.authorityCode as string),
      }));
      const authorities = await db.authority.findMany({ where: { code: { in: permits.map((p) => p.authorityCode) } } });
      const byCode = new Map(authorities.map((a) => [a.code, a.id]));
      const unknown = permits.findIndex((p) => !byCode.has(p.authorityCode));
      if (unknown >= 0) {
        throw new AppError('NOT_FOUND', 'Authority not found', { field: `permits.${unknown}.authorityCode` });
      }
      const id = randomUUID();
      const workflowId = projectWorkflowId(id);
      const project = await db.permitProject.create({
        data: {
          id,
          workflowId,
          organisationId: org.id,
          title: body.title,
          description: body.description,
          municipality: body.municipality,
          step: 'advice',
          status: 'active',
          permits: {
            create: permits.map((p) => ({
              permitType: p.permitType,
              authorityId: byCode.get(p.authorityCode) as string,
              step: 'draft',
              status: 'active',
            })),
          },
          steps: {
            create: {
              name: 'advice',
              actualStart: new Date(),
              plannedStart: new Date(),
              plannedEnd: new Date(Date.now() + PROJECT_STEP_NORM_DAYS.advice * 24 * 60 * 60 * 1000),
            },
          },
        },
      });
      const input: PermitProjectInput = {
        projectId: id,
        permits,
        settings: config.APPEAL_PERIOD_SECONDS ? { appealPeriodSeconds: config.APPEAL_PERIOD_SECONDS } : {},
      };
      try {
        await temporal.workflow.start('permitProjectWorkflow', {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          workflowId,
          args: [input],
        });
      } catch (err) {
        await db.permitProject.delete({ where: { id } });
        logger.error({ err }, 'could not start project workflow');
        throw new AppError('UNAVAILABLE', 'The case engine is unavailable; nothing was saved. Try again shortly.');
      }
      await writeAudit(db, res, {
        action: 'createProject',
        entity: 'PermitProject',
        entityId: id,
        details: { title: body.title, permits: permits.map((p) => p.permitType) },
      });
      res.status(201).location(`/api/projects/${id}`).json({ id, workflowId, step: project.step });
    }),
  );

  /** GET /api/projects/:id — 200 with the read model: permits, steps, kickoff meeting, requests, notices; 404. */
  router.get(
    '/:id',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      await readableProject(db, res, id);
      const project = await db.permitProject.findUnique({
        where: { id },
        include: {
          permits: { include: { authority: true, forecastOverrides: true }, orderBy: { permitType: 'asc' } },
          steps: true,
          organisation: true,
          meeting: true,
          infoRequests: { orderBy: { askedAt: 'asc' } },
          notices: true,
        },
      });
      if (!project) throw new AppError('NOT_FOUND', 'Project not found');
      // Trade secrets: the customer and the authorities only (not the service desk).
      if (project.draft && !canReadTradeSecrets(viewerOf(res), factsOf(project))) {
        const { draft, redacted } = redactSecrets(project.draft as unknown as ProjectDraft);
        res.json({ ...project, draft, redacted });
        // Which fields were withheld, never their values.
        if (redacted.length > 0)
          void security?.forRequest(req, res, { kind: 'secret.withheld', status: 200, details: { fields: redacted } });
        return;
      }
      res.json(project);
    }),
  );

  /** GET /api/projects/:id/live — 200 with the workflow's own live state (a query); 404. */
  router.get(
    '/:id/live',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      await readableProjectFacts(db, res, id);
      res.json(await temporal.workflow.getHandle(projectWorkflowId(id)).query(stateQuery));
    }),
  );

  /** GET /api/projects/:id/timeline — 200 with the timeline events in order; 404. */
  router.get(
    '/:id/timeline',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      // The most read page of a case: PostgreSQL builds the JSON (the activities' internal
      // `result` left out, times as ISO 8601 UTC) with the facts the policy checks, so one
      // round trip and the API only passes the text on.
      const { shown: body } = await readableProjectWith(
        db,
        res,
        id,
        Prisma.sql`(
          SELECT COALESCE(json_agg(json_build_object(
                   'id', t.id::text,
                   'type', t.type,
                   'permitType', t."permitType",
                   'occurredAt', to_char(t."occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   'payload', t.payload - 'result'
                 ) ORDER BY t.id), '[]')
          FROM "TimelineEvent" t WHERE t."projectId" = p.id)`,
      );
      res.type('application/json').send(body);
    }),
  );

  /**
   * GET /api/projects/:id/schedule — 200 with every step's planned, forecast (median and
   * 80th percentile) and actual dates, project level first, then each permit (F10, F06); 404.
   */
  router.get(
    '/:id/schedule',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      await readableProject(db, res, id);
      const steps = await db.step.findMany({ where: { projectId: id } });
      const iso = (d: Date | null) => d?.toISOString() ?? null;
      const order = (permitType: string, name: string) => {
        const list = permitType
          ? ['processing', 'hearing', 'replies', 'draftReview', 'decision', 'service', 'appeal', 'final', 'notified']
          : ['advice', 'draft', 'kickoff', 'submission', 'processing', 'completed', 'cancelled'];
        return list.indexOf(name);
      };
      steps.sort(
        (a, b) => a.permitType.localeCompare(b.permitType) || order(a.permitType, a.name) - order(b.permitType, b.name),
      );
      res.json(
        steps.map((s) => ({
          permitType: s.permitType || null,
          step: s.name,
          planned: { start: iso(s.plannedStart), end: iso(s.plannedEnd) },
          forecast: { end: iso(s.forecastEnd), endP80: iso(s.forecastEndP80), source: s.forecastSource },
          actual: { start: iso(s.actualStart), end: iso(s.actualEnd) },
        })),
      );
    }),
  );

  /** GET /api/projects/:id/notifications — 200 with what was sent to whom about this project; 404. */
  router.get(
    '/:id/notifications',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      await readableProject(db, res, id);
      res.json(await db.notification.findMany({ where: { projectId: id }, orderBy: { createdAt: 'asc' } }));
    }),
  );

  /**
   * GET /api/projects/:id/changes?authorityCode=X — 200 with the draft changes since that
   * authority last marked the project viewed (F25); 400 without authorityCode; 404.
   */
  router.get(
    '/:id/changes',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const { authorityCode } = ZAuthorityView.parse(req.query);
      const viewed = await projectOr404(db, id);
      allow(res, canMarkViewed(viewerOf(res), factsOf(viewed), authorityCode), `changes seen by ${authorityCode}`);
      const mark = await db.projectViewMark.findUnique({
        where: { projectId_authorityCode: { projectId: id, authorityCode } },
      });
      const changes = await db.timelineEvent.findMany({
        where: { projectId: id, type: 'saveDraft', ...(mark ? { occurredAt: { gt: mark.viewedAt } } : {}) },
        orderBy: { id: 'asc' },
      });
      res.json({
        lastViewedAt: mark?.viewedAt.toISOString() ?? null,
        changes: changes
          .map((c) => ({
            at: c.occurredAt.toISOString(),
            paths: (c.payload as { result?: { changed?: string[] } }).result?.changed ?? [],
          }))
          .filter((c) => c.paths.length > 0),
      });
    }),
  );

  /** POST /api/projects/:id/views — 204; records that an authority has viewed the project now (F25); 400; 404. */
  router.post(
    '/:id/views',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const { authorityCode } = ZAuthorityView.parse(req.body);
      const viewed = await projectOr404(db, id);
      allow(res, canMarkViewed(viewerOf(res), factsOf(viewed), authorityCode), `marking views for ${authorityCode}`);
      const viewedAt = new Date();
      await db.projectViewMark.upsert({
        where: { projectId_authorityCode: { projectId: id, authorityCode } },
        create: { projectId: id, authorityCode, viewedAt },
        update: { viewedAt },
      });
      res.status(204).end();
    }),
  );

  /**
   * POST /api/projects/:id/commands — 200 with the new state once the workflow accepted
   * the command; 400 invalid input or missing Idempotency-Key; 404; 409 when the command
   * does not fit the current step (the body names the step and the allowed actions).
   */
  router.post(
    '/:id/commands',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = idempotencyKey(req);
      const command = ZProjectCommand.parse(req.body);
      const project = await projectOr404(db, id);
      const actor = actorOf(res);
      const ownPermit = (permitType: string) =>
        project.permits.some((p) => p.permitType === permitType && p.authorityId === actor.authorityId);
      allow(res, canCommandProject(actor, factsOf(project), command, ownPermit), `the command "${command.action}"`);
      if (command.action === 'cancel' && project.status === 'cancelled') {
        // F11: re-cancelling is harmless and returns the same receipt.
        res.json({ projectId: id, step: 'cancelled', receiptNumber: project.receiptNumber, allowed: [] });
        return;
      }
      if (command.action === 'scheduleKickoff' && !command.meetingUrl && config.MEETING_URL_TEMPLATE) {
        command.meetingUrl = meetingLink(config.MEETING_URL_TEMPLATE, config.auth.sessionSecret, id, command.at);
      }
      res.json(
        await executeProjectCommand(temporal, {
          projectId: id,
          step: project.step,
          key,
          meta: commandMeta(res),
          command: command as ProjectCommandBody,
        }),
      );
    }),
  );

  /** The section's workflow once the actor passed `allowed`; 409 before the application is received. */
  const sectionHandle = async (
    res: Response,
    id: string,
    permitType: string,
    allowed: (facts: ProjectFacts, sectionAuthorityId: string) => boolean,
    what: string,
  ) => {
    const project = await projectOr404(db, id);
    const permit = project.permits.find((p) => p.permitType === permitType);
    if (!permit) throw new AppError('NOT_FOUND', 'Permit section not found', { field: 'permitType' });
    allow(res, allowed(factsOf(project), permit.authorityId), what);
    if (!permit.receivedAt) {
      throw new AppError('CONFLICT', `The application for "${permitType}" has not been received yet`, {
        step: permit.step,
        allowed: [],
      });
    }
    return { permit, handle: temporal.workflow.getHandle(sectionWorkflowId(id, permitType)) as WorkflowHandle };
  };

  /** GET /api/projects/:id/permits/:permitType/live — 200 with the section's live state; 404; 409 before receipt. */
  router.get(
    '/:id/permits/:permitType/live',
    asyncRoute(async (req, res) => {
      const { id, permitType } = ZPermitParam.parse(req.params);
      const { handle } = await sectionHandle(
        res,
        id,
        permitType,
        (facts) => canReadProject(viewerOf(res), facts),
        'this project',
      );
      res.json(await handle.query(sectionStateQuery));
    }),
  );

  /**
   * POST /api/projects/:id/permits/:permitType/commands — 200 with the section's new state;
   * 400 invalid input; 404; 409 when the command does not fit the section's step.
   */
  router.post(
    '/:id/permits/:permitType/commands',
    asyncRoute(async (req, res) => {
      const { id, permitType } = ZPermitParam.parse(req.params);
      const key = idempotencyKey(req);
      // A repeated key is answered as the first time even when a rule relative to the clock
      // (the notice period's minimum length) no longer holds for the same body: the client is
      // asking for the outcome of a command whose answer it lost (the API died, a timeout).
      const fresh = ZSectionCommand.safeParse(req.body);
      const parsed = fresh.success ? fresh : ZSectionCommandRepeat.safeParse(req.body);
      if (!parsed.success) throw fresh.error;
      const command = parsed.data;
      const { permit, handle } = await sectionHandle(
        res,
        id,
        permitType,
        (facts, sectionAuthorityId) => canCommandSection(viewerOf(res), facts, sectionAuthorityId, command),
        `the command "${command.action}" on ${permitType}`,
      );
      const updateId = `${id}:${permitType}:${key}`;
      if (!fresh.success) {
        const earlier = await earlierOutcome<SectionView>(handle, updateId);
        if (!earlier) throw fresh.error;
        res.json(earlier);
        return;
      }
      res.json(
        await executeSectionCommand(temporal, {
          projectId: id,
          permitType,
          step: permit.step,
          key,
          meta: commandMeta(res),
          command: command as SectionCommandBody,
        }),
      );
    }),
  );

  /**
   * PUT /api/projects/:id/permits/:permitType/forecast-override — 200 with the new schedule
   * of that permit; an authority overrides one step's forecast with a reason (F06); 400; 404.
   */
  router.put(
    '/:id/permits/:permitType/forecast-override',
    asyncRoute(async (req, res) => {
      const { id, permitType } = ZPermitParam.parse(req.params);
      const body = ZForecastOverride.parse(req.body);
      const project = await projectOr404(db, id);
      const permit = project.permits.find((p) => p.permitType === permitType);
      if (!permit) throw new AppError('NOT_FOUND', 'Permit section not found', { field: 'permitType' });
      allow(res, canOverrideForecast(viewerOf(res), permit.authorityId), `forecasts of ${permitType}`);
      await db.$transaction(async (tx) => {
        await writeAudit(tx, res, {
          action: 'overrideForecast',
          entity: 'Permit',
          entityId: permit.id,
          details: body,
        });
        await tx.forecastOverride.upsert({
          where: { permitId_step: { permitId: permit.id, step: body.step } },
          create: { permitId: permit.id, step: body.step, days: body.days, reason: body.reason },
          update: { days: body.days, reason: body.reason },
        });
        const current = await tx.step.findUnique({
          where: { projectId_permitType_name: { projectId: id, permitType, name: permit.step } },
        });
        if (current?.actualStart) {
          await replan(tx, {
            projectId: id,
            permitType,
            current: permit.step,
            currentStart: current.actualStart,
            baseline: false,
          });
        }
        await tx.timelineEvent.create({
          data: {
            projectId: id,
            permitType,
            type: 'forecastOverridden',
            payload: body,
            idempotencyKey: `override:${randomUUID()}`,
            occurredAt: new Date(),
          },
        });
      });
      const steps = await db.step.findMany({ where: { projectId: id, permitType } });
      res.json(steps);
    }),
  );

  return router;
}
