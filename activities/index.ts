import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import type { PermitSection, ProjectStep } from '../domain/permit-project';

export interface TimelineEventMessage {
  id: string;
  projectId: string;
  type: string;
  permitType: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** Where committed timeline events go live (socket.io in the API; a no-op in a bare worker). */
export interface EventPublisher {
  publish(event: TimelineEventMessage): void;
}

export interface ActivityDeps {
  db: Db;
  logger: Logger;
  events: EventPublisher;
  clock?: () => Date;
}

export interface TransitionRecord {
  projectId: string;
  idempotencyKey: string;
  action: string;
  from: ProjectStep;
  to: ProjectStep;
  permitType?: string;
  actorId?: string;
  onBehalfOfId?: string;
  payload: Record<string, unknown>;
  permits: PermitSection[];
}

function permitStep(p: PermitSection): string {
  if (p.decision) return 'decided';
  return p.received ? 'processing' : 'submission';
}

/** Thin adapters: load, apply, persist in one transaction, publish after commit. */
export function createActivities({ db, logger, events, clock = () => new Date() }: ActivityDeps) {
  return {
    /**
     * Writes one workflow transition to the read model. The idempotency key makes a
     * retried or replayed activity a no-op, so nothing is ever written twice.
     */
    async recordTransition(t: TransitionRecord): Promise<{ written: boolean }> {
      const now = clock();
      const written = await db.$transaction(async (tx) => {
        const existing = await tx.timelineEvent.findUnique({ where: { idempotencyKey: t.idempotencyKey } });
        if (existing) return null;
        await tx.permitProject.update({
          where: { id: t.projectId },
          data: {
            step: t.to,
            status: t.to === 'completed' || t.to === 'cancelled' ? t.to : 'active',
            version: { increment: 1 },
          },
        });
        for (const p of t.permits) {
          await tx.permit.updateMany({
            where: { projectId: t.projectId, permitType: p.permitType },
            data: {
              step: t.to === 'cancelled' ? 'cancelled' : permitStep(p),
              ...(p.decision ? { decision: p.decision } : {}),
              ...(t.permitType === p.permitType && t.action === 'decide' ? { decidedAt: now } : {}),
              ...(t.permitType === p.permitType && typeof t.payload.caseNumber === 'string'
                ? { caseNumber: t.payload.caseNumber }
                : {}),
            },
          });
        }
        if (t.from !== t.to) {
          await tx.step.upsert({
            where: { projectId_permitType_name: { projectId: t.projectId, permitType: '', name: t.from } },
            create: { projectId: t.projectId, name: t.from, actualEnd: now },
            update: { actualEnd: now },
          });
          await tx.step.upsert({
            where: { projectId_permitType_name: { projectId: t.projectId, permitType: '', name: t.to } },
            create: { projectId: t.projectId, name: t.to, actualStart: now },
            update: { actualStart: now },
          });
        }
        return tx.timelineEvent.create({
          data: {
            projectId: t.projectId,
            permitType: t.permitType ?? null,
            type: t.action,
            payload: { ...t.payload, from: t.from, to: t.to },
            actorId: t.actorId ?? null,
            onBehalfOfId: t.onBehalfOfId ?? null,
            idempotencyKey: t.idempotencyKey,
            occurredAt: now,
          },
        });
      });
      if (!written) {
        logger.debug({ key: t.idempotencyKey }, 'transition already recorded');
        return { written: false };
      }
      events.publish({
        id: written.id.toString(),
        projectId: written.projectId,
        type: written.type,
        permitType: written.permitType,
        occurredAt: written.occurredAt.toISOString(),
        payload: written.payload as Record<string, unknown>,
      });
      return { written: true };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
