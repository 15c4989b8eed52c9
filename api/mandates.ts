/**
 * Mandates (F33): an organisation's own users give an agent the right to act for it, for a
 * scope and a period, and revoke it. The agent then chooses it with PUT /api/session/acting-for;
 * what the agent does under it is audited as on behalf of the organisation. Administrators
 * read the audit log.
 */
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from './errors';
import { asyncRoute, type AppDeps } from './shared';
import { writeAudit } from './audit';
import { actorOf, allow } from './auth/actor';
import { canManageMandates, canReadAudit, canReadOrganisation } from './auth/policy';
import { ZIdParam } from './schemas';
import { idempotencyKey } from './projects';
import { Prisma } from '../prisma/generated/client';

const MANDATE_SCOPES = ['permits', 'supervision'] as const;

export const ZGrantMandate = z
  .object({
    agentEmail: z.email().max(200),
    scope: z
      .array(z.enum(MANDATE_SCOPES))
      .min(1)
      .max(MANDATE_SCOPES.length)
      .refine((s) => new Set(s).size === s.length, 'must not repeat a scope'),
    validFrom: z.iso.datetime({ offset: true }),
    validTo: z.iso.datetime({ offset: true }),
  })
  .strict()
  .refine((m) => Date.parse(m.validTo) > Date.parse(m.validFrom), {
    message: 'must be after validFrom',
    path: ['validTo'],
  });

export const ZMandateParam = z.object({ id: z.uuid(), mandateId: z.uuid() });

export const ZAuditQuery = z
  .object({
    entity: z.string().min(1).max(60).optional(),
    entityId: z.string().min(1).max(200).optional(),
    actorId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

type MandateRow = {
  id: string;
  organisationId: string;
  scope: string[];
  validFrom: Date;
  validTo: Date;
  revokedAt: Date | null;
  createdAt: Date;
  agent: { id: string; name: string; email: string };
};

const mandateOut = (m: MandateRow, now = new Date()) => ({
  id: m.id,
  organisationId: m.organisationId,
  agent: m.agent,
  scope: m.scope,
  validFrom: m.validFrom.toISOString(),
  validTo: m.validTo.toISOString(),
  revokedAt: m.revokedAt?.toISOString() ?? null,
  createdAt: m.createdAt.toISOString(),
  valid: !m.revokedAt && m.validFrom <= now && now <= m.validTo,
});

const agentSelect = { select: { id: true, name: true, email: true } } as const;

export function mandateRoutes({ db }: AppDeps): Router {
  const router = Router();

  /**
   * GET /api/organisations/:id — 200 with the organisation's name, business id and kind, for
   * its own users, agents acting for it, authority users and administrators; 403; 404.
   */
  router.get(
    '/organisations/:id',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      allow(res, canReadOrganisation(actorOf(res), id), 'this organisation');
      const organisation = await db.organisation.findUnique({ where: { id } });
      if (!organisation) throw new AppError('NOT_FOUND', 'Organisation not found');
      res.json({
        id: organisation.id,
        name: organisation.name,
        businessId: organisation.businessId,
        kind: organisation.kind,
      });
    }),
  );

  /** GET /api/organisations/:id/mandates — 200 with every mandate the organisation gave; 403. */
  router.get(
    '/organisations/:id/mandates',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      allow(res, canManageMandates(actorOf(res), id), "this organisation's mandates");
      const rows = await db.mandate.findMany({
        where: { organisationId: id },
        include: { agent: agentSelect },
        orderBy: { createdAt: 'desc' },
      });
      res.json(rows.map((m) => mandateOut(m)));
    }),
  );

  /**
   * POST /api/organisations/:id/mandates {agentEmail, scope, validFrom, validTo} + Idempotency-Key —
   * 201 with the mandate (the same one for a repeated key); 400 naming the field (an unknown agent is `agentEmail`); 403 for anyone but the
   * organisation's own users.
   */
  router.post(
    '/organisations/:id/mandates',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = `mandate:${id}:${idempotencyKey(req)}`;
      const body = ZGrantMandate.parse(req.body);
      const actor = actorOf(res);
      allow(res, canManageMandates(actor, id), "this organisation's mandates");
      const earlier = () => db.mandate.findUnique({ where: { idempotencyKey: key }, include: { agent: agentSelect } });
      const again = await earlier();
      if (again) {
        res.status(201).json(mandateOut(again));
        return;
      }
      const agent = await db.user.findUnique({ where: { email: body.agentEmail.toLowerCase() } });
      if (!agent || agent.role !== 'AGENT' || agent.disabledAt) {
        throw new AppError('VALIDATION', 'No agent with that e-mail', {
          errors: [{ path: 'agentEmail', message: 'no agent with that e-mail' }],
        });
      }
      const grant = () =>
        db.$transaction(async (tx) => {
          const mandate = await tx.mandate.create({
            data: {
              organisationId: id,
              agentId: agent.id,
              scope: body.scope,
              validFrom: new Date(body.validFrom),
              validTo: new Date(body.validTo),
              grantedById: actor.userId,
              idempotencyKey: key,
            },
            include: { agent: agentSelect },
          });
          await writeAudit(tx, res, {
            action: 'grantMandate',
            entity: 'Mandate',
            entityId: mandate.id,
            details: { organisationId: id, agentId: agent.id, scope: body.scope, validTo: body.validTo },
          });
          return mandate;
        });
      try {
        res.status(201).json(mandateOut(await grant()));
      } catch (err) {
        // The same key at the same moment: the other request granted it.
        if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
        res.status(201).json(mandateOut((await earlier())!));
      }
    }),
  );

  /** DELETE /api/organisations/:id/mandates/:mandateId — 200 with the revoked mandate (again: unchanged); 403; 404. */
  router.delete(
    '/organisations/:id/mandates/:mandateId',
    asyncRoute(async (req, res) => {
      const { id, mandateId } = ZMandateParam.parse(req.params);
      allow(res, canManageMandates(actorOf(res), id), "this organisation's mandates");
      const revoked = await db.$transaction(async (tx) => {
        const mandate = await tx.mandate.findFirst({ where: { id: mandateId, organisationId: id } });
        if (!mandate) throw new AppError('NOT_FOUND', 'Mandate not found');
        if (mandate.revokedAt)
          return tx.mandate.findUniqueOrThrow({ where: { id: mandateId }, include: { agent: agentSelect } });
        const updated = await tx.mandate.update({
          where: { id: mandateId },
          data: { revokedAt: new Date() },
          include: { agent: agentSelect },
        });
        await writeAudit(tx, res, {
          action: 'revokeMandate',
          entity: 'Mandate',
          entityId: mandateId,
          details: { organisationId: id, agentId: mandate.agentId },
        });
        return updated;
      });
      res.json(mandateOut(revoked));
    }),
  );

  /** GET /api/audit?entity&entityId&actorId&limit — 200, newest first; administrators only. */
  router.get(
    '/audit',
    asyncRoute(async (req, res) => {
      allow(res, canReadAudit(actorOf(res)), 'the audit log');
      const q = ZAuditQuery.parse(req.query);
      const rows = await db.auditEntry.findMany({
        where: {
          ...(q.entity ? { entity: q.entity } : {}),
          ...(q.entityId ? { entityId: q.entityId } : {}),
          ...(q.actorId ? { actorId: q.actorId } : {}),
        },
        orderBy: { id: 'desc' },
        take: q.limit,
      });
      res.json(
        rows.map((r) => ({
          id: r.id.toString(),
          at: r.at.toISOString(),
          actorId: r.actorId,
          onBehalfOfId: r.onBehalfOfId,
          action: r.action,
          entity: r.entity,
          entityId: r.entityId,
          requestId: r.requestId,
          details: r.details,
        })),
      );
    }),
  );

  return router;
}
