import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type NextFunction } from 'express';
import helmet from 'helmet';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import type { Config } from '../platform/config';
import { AppError, problemHandler } from './errors';
import {
  advanceUpdate,
  cancelUpdate,
  confirmReceiptUpdate,
  decideUpdate,
  stateQuery,
  type PermitProjectInput,
} from '../workflows/permit-project/messages';

export interface AppDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'UI_DIST'>;
}

type Status = 'up' | 'down';

const ZCreateProjectRequest = z.object({
  organisationId: z.uuid(),
  title: z.string().trim().min(3).max(200),
  description: z.string().max(10_000).default(''),
  municipality: z.string().max(100).default(''),
  permits: z
    .array(z.object({ permitType: z.string().min(2).max(60), authorityCode: z.string().min(2).max(60) }))
    .min(1)
    .max(20)
    .refine((ps) => new Set(ps.map((p) => p.permitType)).size === ps.length, 'permit types must be unique'),
});
export type TCreateProjectRequest = z.infer<typeof ZCreateProjectRequest>;

const ZCommand = z.discriminatedUnion('action', [
  z.object({ action: z.enum(['completeAdvice', 'submitDraft', 'holdKickoff']) }),
  z.object({
    action: z.literal('confirmReceipt'),
    permitType: z.string().min(2),
    caseNumber: z.string().min(1).max(60),
  }),
  z.object({
    action: z.literal('decide'),
    permitType: z.string().min(2),
    decision: z.enum(['approved', 'approvedWithConditions', 'rejected']),
  }),
  z.object({ action: z.literal('cancel') }),
]);
export type TCommand = z.infer<typeof ZCommand>;

const ZIdParam = z.object({ id: z.uuid() });
const ZIdempotencyKey = z.string().min(8).max(200);

const asyncRoute =
  (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
    fn(req, res).catch(next);

export function projectWorkflowId(projectId: string): string {
  return `project-${projectId}`;
}

export function createApp({ db, temporal, logger, config }: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet({ contentSecurityPolicy: { directives: { 'worker-src': ["'self'", 'blob:'] } } }));
  app.use(express.json({ limit: '256kb' }));

  /**
   * GET /api/health — 200 when every component is up, 503 otherwise.
   */
  app.get(
    '/api/health',
    asyncRoute(async (_req, res) => {
      const check = async (probe: () => Promise<boolean>): Promise<Status> => {
        try {
          return (await Promise.race([probe(), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]))
            ? 'up'
            : 'down';
        } catch {
          return 'down';
        }
      };
      const [database, temporalStatus, worker] = await Promise.all([
        check(async () => (await db.$queryRaw<Array<{ ok: number }>>`SELECT 1 AS ok`).length === 1),
        check(async () => {
          await temporal.workflowService.getSystemInfo({});
          return true;
        }),
        check(async () => {
          // Enhanced mode aggregates every partition of the queue; the basic mode reads one
          // partition and can miss pollers that are there.
          const queue = await temporal.workflowService.describeTaskQueue({
            namespace: temporal.options.namespace,
            taskQueue: { name: config.TEMPORAL_TASK_QUEUE },
            apiMode: 1, // DESCRIBE_TASK_QUEUE_MODE_ENHANCED
            reportPollers: true,
            taskQueueTypes: [1], // workflow
          });
          return Object.values(queue.versionsInfo ?? {}).some((version) =>
            Object.values(version.typesInfo ?? {}).some((type) => (type.pollers?.length ?? 0) > 0),
          );
        }),
      ]);
      const components = {
        database: { status: database },
        temporal: { status: temporalStatus },
        worker: { status: worker },
      };
      const up = Object.values(components).every((c) => c.status === 'up');
      res.status(up ? 200 : 503).json({ status: up ? 'up' : 'degraded', components });
    }),
  );

  /** GET /api/projects — 200 with the projects, newest first (read model). */
  app.get(
    '/api/projects',
    asyncRoute(async (_req, res) => {
      const projects = await db.permitProject.findMany({
        orderBy: { updatedAt: 'desc' },
        take: 200,
        include: { organisation: { select: { name: true } } },
      });
      res.json(
        projects.map((p) => ({
          id: p.id,
          title: p.title,
          organisation: p.organisation.name,
          step: p.step,
          status: p.status,
          updatedAt: p.updatedAt.toISOString(),
        })),
      );
    }),
  );

  /**
   * POST /api/projects — 201 with the project; 400 on invalid input (nothing written,
   * no workflow started); 404 when the organisation or an authority does not exist.
   */
  app.post(
    '/api/projects',
    asyncRoute(async (req, res) => {
      const body = ZCreateProjectRequest.parse(req.body);
      const org = await db.organisation.findUnique({ where: { id: body.organisationId } });
      if (!org) throw new AppError('NOT_FOUND', 'Organisation not found', { field: 'organisationId' });
      const authorities = await db.authority.findMany({
        where: { code: { in: body.permits.map((p) => p.authorityCode) } },
      });
      const byCode = new Map(authorities.map((a) => [a.code, a.id]));
      const unknown = body.permits.findIndex((p) => !byCode.has(p.authorityCode));
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
            create: body.permits.map((p) => ({
              permitType: p.permitType,
              authorityId: byCode.get(p.authorityCode) as string,
              step: 'draft',
              status: 'active',
            })),
          },
          steps: { create: { name: 'advice', actualStart: new Date() } },
        },
      });
      const input: PermitProjectInput = { projectId: id, permits: body.permits };
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
      res.status(201).location(`/api/projects/${id}`).json({ id, workflowId, step: project.step });
    }),
  );

  /** GET /api/projects/:id — 200 with the read model and the live workflow state; 404. */
  app.get(
    '/api/projects/:id',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const project = await db.permitProject.findUnique({
        where: { id },
        include: { permits: { include: { authority: true } }, steps: true, organisation: true },
      });
      if (!project) throw new AppError('NOT_FOUND', 'Project not found');
      res.json(project);
    }),
  );

  /** GET /api/projects/:id/live — 200 with the workflow's own live state (a query); 404. */
  app.get(
    '/api/projects/:id/live',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      res.json(await temporal.workflow.getHandle(projectWorkflowId(id)).query(stateQuery));
    }),
  );

  /** GET /api/projects/:id/timeline — 200 with the timeline events in order; 404. */
  app.get(
    '/api/projects/:id/timeline',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const exists = await db.permitProject.count({ where: { id } });
      if (!exists) throw new AppError('NOT_FOUND', 'Project not found');
      const events = await db.timelineEvent.findMany({ where: { projectId: id }, orderBy: { id: 'asc' } });
      res.json(
        events.map((e) => ({
          id: e.id.toString(),
          type: e.type,
          permitType: e.permitType,
          occurredAt: e.occurredAt.toISOString(),
          payload: e.payload,
        })),
      );
    }),
  );

  /**
   * POST /api/projects/:id/commands — 200 with the new state once the workflow accepted
   * the command; 400 invalid input or missing Idempotency-Key; 404; 409 when the command
   * does not fit the current step (the body names the step and the allowed actions).
   */
  app.post(
    '/api/projects/:id/commands',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const parsedKey = ZIdempotencyKey.safeParse(req.get('Idempotency-Key'));
      if (!parsedKey.success) {
        throw new AppError('VALIDATION', 'Idempotency-Key header is required (8–200 characters)', {
          field: 'Idempotency-Key',
        });
      }
      const command = ZCommand.parse(req.body);
      const exists = await db.permitProject.count({ where: { id } });
      if (!exists) throw new AppError('NOT_FOUND', 'Project not found');
      const handle = temporal.workflow.getHandle(projectWorkflowId(id));
      const meta = { idempotencyKey: parsedKey.data };
      const updateId = `${id}:${parsedKey.data}`;
      let result;
      switch (command.action) {
        case 'confirmReceipt':
          result = await handle.executeUpdate(confirmReceiptUpdate, { args: [{ ...meta, ...command }], updateId });
          break;
        case 'decide':
          result = await handle.executeUpdate(decideUpdate, { args: [{ ...meta, ...command }], updateId });
          break;
        case 'cancel':
          result = await handle.executeUpdate(cancelUpdate, { args: [meta], updateId });
          break;
        default:
          result = await handle.executeUpdate(advanceUpdate, { args: [{ ...meta, action: command.action }], updateId });
      }
      res.json(result);
    }),
  );

  app.all('/api/{*rest}', (_req, _res, next) => next(new AppError('NOT_FOUND', 'No such endpoint')));

  const uiDir = path.resolve(config.UI_DIST);
  if (config.UI_DIST && fs.existsSync(path.join(uiDir, 'index.html'))) {
    app.use(express.static(uiDir, { index: 'index.html', maxAge: '1h' }));
    app.get('/{*rest}', (_req, res) => res.sendFile(path.join(uiDir, 'index.html')));
  }

  app.use(problemHandler(logger));
  return app;
}
