/**
 * Bridge to the authorities' own systems (F37): connections, outbound events and the signed inbound endpoint.
 *
 * Each authority chooses how it works: in the portal, or with its own case-management system
 * connected by webhooks. Outbound events are written and delivered by the bridge's workflows
 * (workflows/bridge, activities/bridge.ts); here the authority manages its connection and reads
 * what was delivered, and its system reports back through one endpoint signed per the Standard
 * Webhooks specification with the connection's secret. What the system reports drives the same
 * workflow Updates as the clerk's commands in the UI (api/projects.ts), as the integration.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { Webhook } from 'standardwebhooks';
import type { Prisma } from '../prisma/generated/client';
import { ZInboundEventV1, inboundSectionCommand, type InboundEventV1 } from '../domain/bridge-events';
import { appendEvent, isUniqueViolation } from '../activities/timeline';
import type { TimelineEventMessage } from '../activities/types';
import { assertWellFormedText } from './text-input';
import { AppError } from './errors';
import { asyncRoute, type AppDeps } from './shared';
import { actorOf, allow } from './auth/actor';
import {
  canIntegrationCommand,
  canManageAuthorityConnection,
  canReadAuthorityConnection,
  type Integration,
} from './auth/policy';
import { writeAudit } from './audit';
import { executeProjectCommand, executeSectionCommand, idempotencyKey } from './projects';
import { DEFAULT_BRIDGE_RETRY, bridgeDeliveryId } from '../workflows/bridge/messages';
import type { Operation } from './openapi';
import type { Db, Tx } from '../platform/db';

const TAG = 'Bridge to authorities’ systems';

export const ZAuthorityParam = z.object({ code: z.string().min(2).max(60) });
export const ZBridgeParam = z.object({ authorityCode: z.string().min(2).max(60) });

export const ZConnection = z
  .strictObject({
    mode: z.enum(['portal', 'webhook']),
    /** Where events are POSTed; required in webhook mode. */
    webhookUrl: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .nullable()
      .optional(),
    version: z.literal(1).default(1),
  })
  .refine((c) => c.mode !== 'webhook' || !!c.webhookUrl, {
    message: 'is required in webhook mode',
    path: ['webhookUrl'],
  });
export type TConnection = z.infer<typeof ZConnection>;

export const ZBridgeEventParam = z.object({ code: z.string().min(2).max(60), id: z.uuid() });

export const ZBridgeEventsQuery = z.strictObject({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** This area's operations, listed in the OpenAPI document (api/openapi.ts). */
export const BRIDGE_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/authorities/:code/connection',
    summary: 'How the authority connects: portal or webhook, the address and the event version (never the secret)',
    tag: TAG,
    access: 'signed-in',
    params: ZAuthorityParam,
    ok: [200, 'The connection'],
    errors: [404],
  },
  {
    method: 'put',
    path: '/api/authorities/:code/connection',
    summary: 'Choose portal or webhook; a first webhook connection gets a secret, shown once in the answer',
    tag: TAG,
    access: 'signed-in',
    params: ZAuthorityParam,
    body: ZConnection,
    ok: [200, 'The connection (with the new secret when one was made)'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/authorities/:code/connection/secret',
    summary: 'Rotate the signing secret; the new secret is shown once',
    tag: TAG,
    access: 'signed-in',
    params: ZAuthorityParam,
    command: true,
    ok: [200, 'The new secret (whsec_…)'],
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/api/authorities/:code/bridge-events',
    summary: 'Recent events for the authority’s system: delivery status, attempts, its case numbers',
    tag: TAG,
    access: 'signed-in',
    params: ZAuthorityParam,
    query: ZBridgeEventsQuery,
    ok: [200, 'Events, newest first'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/authorities/:code/bridge-events/:id/redeliver',
    summary:
      'Deliver again an event the receiver refused for good (once it accepts it); other events are left as they are',
    tag: TAG,
    access: 'signed-in',
    params: ZBridgeEventParam,
    command: true,
    ok: [200, 'The event, pending again (or as it was when it was not failed)'],
    errors: [404, 503],
  },
  {
    method: 'post',
    path: '/api/bridge/:authorityCode/events',
    summary:
      'An event from the authority’s own system, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); a repeated webhook-id returns the first answer and changes nothing',
    tag: TAG,
    access: 'public',
    params: ZBridgeParam,
    body: ZInboundEventV1,
    ok: [200, 'Accepted: what it did'],
    errors: [401, 403, 404, 409],
  },
];

/** A new Standard Webhooks secret: 32 random bytes, base64, with the whsec_ prefix. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Identifies a secret in the UI and the audit log without revealing it. */
const fingerprint = (secret: string | null) =>
  secret ? createHash('sha256').update(secret).digest('hex').slice(0, 12) : null;

async function authorityOr404(db: Db, code: string) {
  const authority = await db.authority.findUnique({ where: { code } });
  if (!authority) throw new AppError('NOT_FOUND', 'Authority not found', { field: 'code' });
  return authority;
}

function connectionOut(
  code: string,
  c: { mode: string; webhookUrl: string | null; version: number; secret: string | null; updatedAt: Date } | null,
  publicUrl: string,
) {
  return {
    authorityCode: code,
    mode: c?.mode ?? 'portal',
    webhookUrl: c?.webhookUrl ?? null,
    version: c?.version ?? 1,
    hasSecret: !!c?.secret,
    secretFingerprint: fingerprint(c?.secret ?? null),
    updatedAt: c?.updatedAt.toISOString() ?? null,
    /** Where the authority's system sends its events. */
    inboundUrl: `${publicUrl.replace(/\/$/, '')}/api/bridge/${encodeURIComponent(code)}/events`,
  };
}

export function bridgeRoutes({ db, temporal, config, live }: AppDeps): Router {
  const router = Router();

  /** GET /api/authorities/:code/connection — 200; 401; 403 unless the authority's own user or ADMIN; 404. */
  router.get(
    '/authorities/:code/connection',
    asyncRoute(async (req, res) => {
      const { code } = ZAuthorityParam.parse(req.params);
      const authority = await authorityOr404(db, code);
      allow(res, canReadAuthorityConnection(actorOf(res), authority.id), `the connection of ${code}`);
      const connection = await db.authorityConnection.findUnique({ where: { authorityId: authority.id } });
      res.json(connectionOut(code, connection, config.auth.publicUrl));
    }),
  );

  /**
   * PUT /api/authorities/:code/connection — 200 with the connection, and `secret` once when the
   * first webhook connection made one; 400 naming the field; 401; 403; 404.
   */
  router.put(
    '/authorities/:code/connection',
    asyncRoute(async (req, res) => {
      const { code } = ZAuthorityParam.parse(req.params);
      const body = ZConnection.parse(req.body);
      const authority = await authorityOr404(db, code);
      allow(res, canManageAuthorityConnection(actorOf(res), authority.id), `changing the connection of ${code}`);
      const { connection, secret } = await db.$transaction(async (tx) => {
        const before = await tx.authorityConnection.findUnique({ where: { authorityId: authority.id } });
        const secret = body.mode === 'webhook' && !before?.secret ? newSecret() : null;
        const data = {
          mode: body.mode,
          webhookUrl: body.webhookUrl ?? (body.mode === 'portal' ? (before?.webhookUrl ?? null) : null),
          version: body.version,
          ...(secret ? { secret } : {}),
        };
        const connection = await tx.authorityConnection.upsert({
          where: { authorityId: authority.id },
          create: { authorityId: authority.id, ...data },
          update: data,
        });
        await writeAudit(tx, res, {
          action: 'updateBridgeConnection',
          entity: 'AuthorityConnection',
          entityId: authority.id,
          details: {
            authorityCode: code,
            mode: connection.mode,
            webhookUrl: connection.webhookUrl,
            version: connection.version,
            ...(secret ? { secretFingerprint: fingerprint(secret) } : {}),
          },
        });
        return { connection, secret };
      });
      res.json({ ...connectionOut(code, connection, config.auth.publicUrl), ...(secret ? { secret } : {}) });
    }),
  );

  /**
   * POST /api/authorities/:code/connection/secret — 200 with the new secret (shown this once;
   * a repeated Idempotency-Key returns it again while it is still the current one); 400; 401;
   * 403; 404; 409 when the key made a secret that has since been replaced.
   */
  router.post(
    '/authorities/:code/connection/secret',
    asyncRoute(async (req, res) => {
      const { code } = ZAuthorityParam.parse(req.params);
      const key = idempotencyKey(req);
      const authority = await authorityOr404(db, code);
      allow(res, canManageAuthorityConnection(actorOf(res), authority.id), `the secret of ${code}`);
      const secret = await db.$transaction(async (tx) => {
        // One rotation at a time per authority, so "the latest rotation" below is well defined.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`bridge-secret:${authority.id}`}, 0))`;
        const rotations = await tx.auditEntry.findMany({
          where: { entity: 'AuthorityConnection', entityId: authority.id, action: 'rotateBridgeSecret' },
          orderBy: { id: 'desc' },
          take: 200,
          select: { details: true },
        });
        const at = rotations.findIndex((r) => (r.details as { idempotencyKey?: string }).idempotencyKey === key);
        const current = await tx.authorityConnection.findUnique({ where: { authorityId: authority.id } });
        if (at === 0 && current?.secret) return current.secret;
        if (at > 0) {
          throw new AppError('CONFLICT', 'The secret this key made has been replaced since; rotate with a new key', {
            field: 'Idempotency-Key',
          });
        }
        const secret = newSecret();
        await tx.authorityConnection.upsert({
          where: { authorityId: authority.id },
          create: { authorityId: authority.id, secret },
          update: { secret },
        });
        await writeAudit(tx, res, {
          action: 'rotateBridgeSecret',
          entity: 'AuthorityConnection',
          entityId: authority.id,
          details: { authorityCode: code, idempotencyKey: key, secretFingerprint: fingerprint(secret) },
        });
        return secret;
      });
      res.json({ authorityCode: code, secret, secretFingerprint: fingerprint(secret) });
    }),
  );

  /** GET /api/authorities/:code/bridge-events?status&limit — 200, newest first; 400; 401; 403; 404. */
  router.get(
    '/authorities/:code/bridge-events',
    asyncRoute(async (req, res) => {
      const { code } = ZAuthorityParam.parse(req.params);
      const query = ZBridgeEventsQuery.parse(req.query);
      const authority = await authorityOr404(db, code);
      allow(res, canReadAuthorityConnection(actorOf(res), authority.id), `the events of ${code}`);
      const rows = await db.bridgeEvent.findMany({
        where: { authorityId: authority.id, ...(query.status ? { status: query.status } : {}) },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: query.limit,
      });
      const projects = await db.permitProject.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.projectId))] } },
        select: { id: true, title: true },
      });
      const titles = new Map(projects.map((p) => [p.id, p.title]));
      res.json(
        rows.map((r) => ({
          id: r.id,
          type: r.type,
          version: r.version,
          projectId: r.projectId,
          projectTitle: titles.get(r.projectId) ?? null,
          permitType: r.permitType,
          status: r.status,
          attempts: r.attempts,
          lastError: r.lastError,
          createdAt: r.createdAt.toISOString(),
          deliveredAt: r.deliveredAt?.toISOString() ?? null,
          externalCaseNumber: r.externalCaseNumber,
        })),
      );
    }),
  );

  /**
   * POST /api/authorities/:code/bridge-events/:id/redeliver — 200 with the event: a failed one
   * (refused for good by the receiver) is pending again and its delivery workflow started anew;
   * any other is answered as it is, so a repeated request changes nothing; 400; 401; 403; 404;
   * 503 when the case engine is down (the event stays failed).
   */
  router.post(
    '/authorities/:code/bridge-events/:id/redeliver',
    asyncRoute(async (req, res) => {
      const { code, id } = ZBridgeEventParam.parse(req.params);
      idempotencyKey(req);
      const authority = await authorityOr404(db, code);
      allow(res, canManageAuthorityConnection(actorOf(res), authority.id), `redelivering events of ${code}`);
      const event = await db.bridgeEvent.findFirst({ where: { id, authorityId: authority.id } });
      if (!event) throw new AppError('NOT_FOUND', 'Event not found', { field: 'id' });
      const reopened = await db.$transaction(async (tx) => {
        const { count } = await tx.bridgeEvent.updateMany({
          where: { id, status: 'failed' },
          data: { status: 'pending', lastError: null },
        });
        if (count) {
          await writeAudit(tx, res, {
            action: 'redeliverBridgeEvent',
            entity: 'BridgeEvent',
            entityId: id,
            details: { authorityCode: code, type: event.type, attempts: event.attempts },
          });
        }
        return count > 0;
      });
      if (reopened) {
        try {
          // The first delivery's workflow has completed (it marked the event failed): a new run under the same id.
          await temporal.workflow.start('bridgeDeliveryWorkflow', {
            taskQueue: config.TEMPORAL_TASK_QUEUE,
            workflowId: bridgeDeliveryId(id),
            args: [{ eventId: id, retry: DEFAULT_BRIDGE_RETRY }],
            workflowIdReusePolicy: 'ALLOW_DUPLICATE',
            workflowIdConflictPolicy: 'USE_EXISTING',
          });
        } catch {
          await db.bridgeEvent.updateMany({ where: { id, status: 'pending' }, data: { status: 'failed' } });
          throw new AppError(
            'UNAVAILABLE',
            'The case engine is unavailable; the event stays failed. Try again shortly.',
          );
        }
      }
      const now = await db.bridgeEvent.findUniqueOrThrow({ where: { id } });
      res.json({
        id: now.id,
        type: now.type,
        status: now.status,
        attempts: now.attempts,
        lastError: now.lastError,
        deliveredAt: now.deliveredAt?.toISOString() ?? null,
        externalCaseNumber: now.externalCaseNumber,
      });
    }),
  );

  /** Runs an inbound event: the same Update a clerk's command sends, or a timeline entry of the authority's own case. */
  async function runInbound(
    res: Response,
    integration: Integration,
    event: InboundEventV1,
    webhookId: string,
  ): Promise<{ result: Record<string, unknown>; write?: (tx: Tx) => Promise<TimelineEventMessage[]> }> {
    const project = await db.permitProject.findUnique({ where: { id: event.projectId }, include: { permits: true } });
    const permit = project?.permits.find((p) => p.permitType === event.permitType);
    // A project the authority has no part in does not exist for its system.
    const involved = project?.permits.some((p) => p.authorityId === integration.authorityId);
    if (!project || !involved) throw new AppError('NOT_FOUND', 'Project not found', { field: 'projectId' });
    if (!permit) throw new AppError('NOT_FOUND', 'Permit section not found', { field: 'permitType' });
    const key = `bridge:${webhookId}`;
    // The audit log names the integration: no user acts, the authority's system does.
    const meta = { requestId: `bridge:${integration.authorityCode}:${res.locals.requestId as string}` };
    const what = `${event.type} on ${event.permitType}`;
    const inboundKey = `bridge:in:${integration.authorityId}:${webhookId}`;
    const section = inboundSectionCommand(event, integration.authorityCode);
    if (section) {
      if (!canIntegrationCommand(integration, permit.authorityId, section)) {
        throw new AppError('FORBIDDEN', `Not allowed: ${what}`);
      }
      if (!permit.receivedAt) {
        throw new AppError('CONFLICT', `The application for "${event.permitType}" has not been received yet`, {
          step: permit.step,
          allowed: [],
        });
      }
      const view = await executeSectionCommand(temporal, {
        projectId: project.id,
        permitType: event.permitType,
        step: permit.step,
        key,
        meta,
        command: section,
      });
      return { result: { ...view } };
    }
    const action = event.type === 'case.registered' ? 'confirmReceipt' : 'recordStatus';
    if (!canIntegrationCommand(integration, permit.authorityId, { action })) {
      throw new AppError('FORBIDDEN', `Not allowed: ${what}`);
    }
    let view: Record<string, unknown> | null = null;
    const caseNumber =
      event.type === 'case.registered'
        ? event.data.caseNumber
        : event.type === 'case.status'
          ? (event.data.caseNumber ?? null)
          : null;
    if (event.type === 'case.registered' && !permit.receivedAt) {
      // F12/F13: receipt confirmed with the system's own case number, as the clerk does in the UI.
      view = {
        ...(await executeProjectCommand(temporal, {
          projectId: project.id,
          step: project.step,
          key,
          meta,
          command: { action: 'confirmReceipt', permitType: event.permitType, caseNumber: event.data.caseNumber },
        })),
      };
    }
    // Written with the record of the inbound event, in its transaction (see the route).
    const write = async (tx: Tx) => {
      const written: TimelineEventMessage[] = [];
      const current = await tx.permit.findUniqueOrThrow({ where: { id: permit.id } });
      if (caseNumber && current.externalCaseNumber !== caseNumber) {
        await tx.permit.update({ where: { id: permit.id }, data: { externalCaseNumber: caseNumber } });
        written.push(
          await appendEvent(tx, {
            projectId: project.id,
            permitType: event.permitType,
            type: 'externalCaseNumberRecorded',
            key: `${inboundKey}:caseNumber`,
            payload: { authorityCode: integration.authorityCode, caseNumber, ...meta },
            at: new Date(),
          }),
        );
      }
      if (event.type === 'case.status') {
        written.push(
          await appendEvent(tx, {
            projectId: project.id,
            permitType: event.permitType,
            type: 'authorityCaseStatus',
            key: inboundKey,
            payload: {
              authorityCode: integration.authorityCode,
              status: event.data.status,
              note: event.data.note ?? '',
              caseNumber: caseNumber ?? current.externalCaseNumber,
              ...meta,
            },
            at: new Date(),
          }),
        );
      }
      return written;
    };
    return { result: { ...(view ?? {}), externalCaseNumber: caseNumber ?? permit.externalCaseNumber }, write };
  }

  /**
   * POST /api/bridge/:authorityCode/events — 200 with what the event did; a repeated webhook-id
   * 200 with the first answer (nothing changes again); 400 naming the field (nothing changed);
   * 401 unless signed with the authority's connection secret within the timestamp tolerance
   * (a security event); 403 a permit of another authority; 404; 409 when it does not fit the
   * step (nothing changed; the system may send it again later).
   */
  router.post(
    '/bridge/:authorityCode/events',
    asyncRoute(async (req, res) => {
      const { authorityCode } = ZBridgeParam.parse(req.params);
      const authority = await db.authority.findUnique({ where: { code: authorityCode } });
      if (!authority) throw new AppError('NOT_FOUND', 'Authority not found', { field: 'authorityCode' });
      const connection = await db.authorityConnection.findUnique({ where: { authorityId: authority.id } });
      if (!connection || connection.mode !== 'webhook' || !connection.secret) {
        throw new AppError('UNAUTHENTICATED', 'No system of this authority is connected to the bridge');
      }
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const headers = {
        'webhook-id': req.get('webhook-id') ?? '',
        'webhook-timestamp': req.get('webhook-timestamp') ?? '',
        'webhook-signature': req.get('webhook-signature') ?? '',
      };
      try {
        new Webhook(connection.secret).verify(raw, headers, { jsonParse: false });
      } catch {
        throw new AppError('UNAUTHENTICATED', 'The webhook signature does not verify with this authority’s secret', {
          field: 'webhook-signature',
        });
      }
      const webhookId = headers['webhook-id'];
      if (webhookId.length > 200) throw new AppError('VALIDATION', 'At most 200 characters', { field: 'webhook-id' });
      const inboundId = `${authority.id}:${webhookId}`;
      const earlier = await db.bridgeInbound.findUnique({ where: { id: inboundId } });
      if (earlier) {
        res.set('Webhook-Replayed', 'true').json(earlier.result);
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new AppError('VALIDATION', 'Malformed JSON body', { field: 'body' });
      }
      assertWellFormedText(parsed);
      const event = ZInboundEventV1.parse(parsed);
      const integration: Integration = { authorityId: authority.id, authorityCode };
      const { result, write } = await runInbound(res, integration, event, webhookId);
      const answer = { accepted: true, type: event.type, ...result };
      let messages: TimelineEventMessage[] = [];
      try {
        await db.$transaction(async (tx) => {
          messages = write ? await write(tx) : [];
          await tx.bridgeInbound.create({
            data: {
              id: inboundId,
              authorityId: authority.id,
              type: event.type,
              payload: event as unknown as Prisma.InputJsonValue,
              result: answer as Prisma.InputJsonValue,
            },
          });
          await writeAudit(tx, res, {
            action: 'bridgeInbound',
            entity: 'BridgeInbound',
            entityId: inboundId,
            details: {
              integration: `${authorityCode} case-management system`,
              webhookId,
              type: event.type,
              projectId: event.projectId,
              permitType: event.permitType,
            },
          });
        });
      } catch (err) {
        // The same event delivered twice at once: the other request recorded it first.
        if (!isUniqueViolation(err)) throw err;
        const first = await db.bridgeInbound.findUniqueOrThrow({ where: { id: inboundId } });
        res.set('Webhook-Replayed', 'true').json(first.result);
        return;
      }
      for (const room of new Set(messages.flatMap((m) => m.rooms ?? []))) live?.wake(room);
      res.json(answer);
    }),
  );

  return router;
}
