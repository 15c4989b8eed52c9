import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express from 'express';
import helmet from 'helmet';
import { AppError, problemHandler } from './errors';
import { rejectIllFormedText } from './text-input';
import { projectRoutes, projectWorkflowId } from './projects';
import { publicRoutes } from './public';
import { riskReportRoutes } from './risk-reports';
import { siteRoutes } from './sites';
import { publicSupervisionRoutes, supervisionRoutes } from './supervision';
import { asyncRoute, type AppDeps } from './shared';
import { installAuth } from './auth';
import { mandateRoutes } from './mandates';
import { messageRoutes } from './messages';
import { alertRoutes } from './alerts';
import { documentRoutes, postgresDocumentStore, testSignatureScanner } from './documents';
import { allowedMethods, openApiDocument } from './openapi';
import { docsRoutes } from './docs';
import { DEFAULT_RATE_LIMITS, rateLimiters } from './limits';
import { securityEventRoutes, securityRecorder } from './security-events';
import { knowledgeRoutes } from './knowledge';
import { venueRoutes } from './venues';
import { invoiceRoutes } from './invoices';
import { localPaymentProvider } from '../platform/payments/local-provider';
import { LOCAL_PROVIDER_PATH, PAYTRAIL_TEST_ACCOUNT, PAYTRAIL_TEST_SECRET } from '../platform/payments/provider';
import { archiveRoutes } from './archive';
import { bridgeRoutes } from './bridge';

export type { AppDeps };
export { projectWorkflowId };

type Status = 'up' | 'down';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,100}$/;

export async function createApp(appDeps: AppDeps) {
  const { db, temporal, logger, config } = appDeps;
  // Refused and withheld access, recorded durably (api/security-events.ts).
  const security =
    appDeps.security ??
    securityRecorder(db, logger, { perSourcePerMinute: config.rateLimits?.securityEventsPerSourcePerMinute });
  const deps: AppDeps = { ...appDeps, security };
  const app = express();
  app.disable('x-powered-by');
  // Behind N reverse proxies the client's address is the N-th from the right of X-Forwarded-For.
  if (config.TRUST_PROXY_HOPS) app.set('trust proxy', config.TRUST_PROXY_HOPS);
  app.use((req, res, next) => {
    // Each request's id goes into the audit log and the logs; a proxy's id is kept.
    const given = req.get('x-request-id');
    res.locals.requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.set('X-Request-Id', res.locals.requestId as string);
    next();
  });
  // MapLibre runs its worker from a blob: URL; a production map style on another origin is
  // fetched (style, tiles, sprites) from there (ADR 0007).
  const mapOrigin = config.MAP_STYLE_URL?.match(/^https?:\/\//) ? new URL(config.MAP_STYLE_URL).origin : null;
  const https = config.auth.publicUrl.startsWith('https:');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'worker-src': ["'self'", 'blob:'],
          // Upgrading only makes sense when the service itself is on https.
          'upgrade-insecure-requests': https ? [] : null,
          // Nothing embeds the service: no framing at all (X-Frame-Options: DENY for old browsers).
          'frame-ancestors': ["'none'"],
          ...(mapOrigin ? { 'connect-src': ["'self'", mapOrigin], 'img-src': ["'self'", 'data:', mapOrigin] } : {}),
        },
      },
      xFrameOptions: { action: 'deny' },
      // HSTS only where the service is served over https (PUBLIC_URL); a plain-http
      // development address must not pin browsers to https.
      strictTransportSecurity: https ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: true } : false,
    }),
  );
  const limits = rateLimiters(config.rateLimits ?? DEFAULT_RATE_LIMITS);
  app.use(['/api/auth/login', '/idp/interaction/:uid/login'], limits.signIn);
  // Without a real payment provider, the local test provider runs here (ADR 0011): outside the
  // session and CSRF checks, as a provider's own pages would be.
  if (!config.PAYMENT_API_URL) {
    const account = config.PAYMENT_ACCOUNT ?? PAYTRAIL_TEST_ACCOUNT;
    const secret = config.PAYMENT_SECRET ?? PAYTRAIL_TEST_SECRET;
    app.use(LOCAL_PROVIDER_PATH, localPaymentProvider({ account, secret }).router);
  }
  const auth = await installAuth(app, { db, logger, auth: config.auth });
  // Authorities' systems sign the exact bytes they send: those are kept for the check (api/bridge.ts).
  app.use('/api/bridge', express.raw({ type: () => true, limit: '256kb' }));
  app.use(express.json({ limit: '256kb' }));
  app.use(rejectIllFormedText);
  app.use(auth.authenticate);
  app.use('/api', auth.routes);
  app.post(['/api/notices/:id/comments', '/api/sites/:id/supervision/reports'], (req, res, next) =>
    // Citizen observations and third-party comments are open to anyone: rate-limited per address.
    req.path.endsWith('/comments') || (req.body as { kind?: string } | undefined)?.kind === 'citizenObservation'
      ? limits.publicWrites(req, res, next)
      : next(),
  );

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
  app.use('/api', mandateRoutes(deps));
  app.use('/api', messageRoutes(deps));
  app.use('/api', alertRoutes(deps));
  app.use(
    '/api',
    documentRoutes(deps, {
      store: deps.documents?.store ?? postgresDocumentStore(db),
      scanner: deps.documents?.scanner ?? testSignatureScanner,
      maxBytes: (config.DOCUMENT_MAX_MB ?? 25) * 1024 * 1024,
    }),
  );
  app.use('/api', publicRoutes(deps));
  app.use('/api', securityEventRoutes(deps));
  app.use('/api', knowledgeRoutes(deps));
  app.use('/api', venueRoutes(deps));
  app.use('/api', invoiceRoutes(deps));
  app.use('/api', archiveRoutes(deps));
  app.use('/api', bridgeRoutes(deps));

  app.use('/api', docsRoutes(openApiDocument));
  app.all('/api/{*rest}', (req, res, next) => {
    const allowed = allowedMethods(req.path);
    if (allowed.length === 0) return next(new AppError('NOT_FOUND', 'No such endpoint'));
    res.set('Allow', allowed.join(', '));
    next(new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; allowed: ${allowed.join(', ')}`));
  });

  const uiDir = path.resolve(config.UI_DIST);
  if (config.UI_DIST && fs.existsSync(path.join(uiDir, 'index.html'))) {
    app.use(express.static(uiDir, { index: 'index.html', maxAge: '1h' }));
    app.get('/{*rest}', (_req, res) => res.sendFile(path.join(uiDir, 'index.html')));
  }

  app.use(problemHandler(logger, security));
  return { app, sessions: auth.sessions, security };
}
