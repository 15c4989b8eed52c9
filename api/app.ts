import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { AppError, problemHandler } from './errors';
import { projectRoutes, projectWorkflowId } from './projects';
import { publicRoutes } from './public';
import { riskReportRoutes } from './risk-reports';
import { siteRoutes } from './sites';
import { publicSupervisionRoutes, supervisionRoutes } from './supervision';
import { asyncRoute, type AppDeps } from './shared';

export type { AppDeps };
export { projectWorkflowId };

type Status = 'up' | 'down';

export function createApp(deps: AppDeps) {
  const { db, temporal, logger, config } = deps;
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

  app.use('/api/projects', projectRoutes(deps));
  app.use('/api/sites', siteRoutes(deps));
  app.use('/api/sites', supervisionRoutes(deps));
  app.use('/api/supervision-calendar', publicSupervisionRoutes(deps));
  app.use('/api/risk-reports', riskReportRoutes(deps));
  app.use('/api', publicRoutes(deps));

  app.all('/api/{*rest}', (_req, _res, next) => next(new AppError('NOT_FOUND', 'No such endpoint')));

  const uiDir = path.resolve(config.UI_DIST);
  if (config.UI_DIST && fs.existsSync(path.join(uiDir, 'index.html'))) {
    app.use(express.static(uiDir, { index: 'index.html', maxAge: '1h' }));
    app.get('/{*rest}', (_req, res) => res.sendFile(path.join(uiDir, 'index.html')));
  }

  app.use(problemHandler(logger));
  return app;
}
