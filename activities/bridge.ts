/**
 * The bridge's activities (F37): the relay that turns the timeline (the transactional outbox
 * the permit workflows' activities already write) into events for the authorities connected
 * by webhook, and the delivery of one event, signed per the Standard Webhooks specification.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import type { Prisma } from '../prisma/generated/client';
import type { ProjectDraft } from '../domain/draft';
import {
  OUTBOUND_SOURCES,
  ZAcknowledgement,
  ZOutboundEventV1,
  deliveryOutcome,
  outboundTargets,
  type OutboundEventV1,
  type OutboundTarget,
} from '../domain/bridge-events';
import type { ActivityDeps, TimelineEventMessage } from './types';
import { appendEvent, publishAll } from './timeline';

export interface RelayInput {
  /** The last timeline id known to be settled (every entry up to it seen); null on the first run. */
  after: string | null;
  /** Timeline entries read per round. */
  limit?: number;
  /**
   * How old an entry must be before the cursor passes it. Ids are taken when a row is inserted,
   * not when its transaction commits, so a later id can become visible before an earlier one;
   * twice the longest a transaction may run (platform/db.ts: 20 s) is past every such race.
   * Entries younger than this are relayed at once too, and read again until they are older
   * (a re-read writes nothing: each event's key names its source entry).
   */
  settleMs?: number;
  /** A pending event no delivery attempt has touched for this long is handed out again. */
  sweepMs?: number;
}

export interface RelayResult {
  cursor: string;
  /** BridgeEvent ids whose delivery workflows are to be started (starting one twice does nothing). */
  deliver: string[];
}

export interface DeliveryResult {
  status: 'delivered' | 'failed' | 'pending';
  attempts: number;
  caseNumber: string | null;
}

const DEFAULTS = { limit: 500, settleMs: 60_000, sweepMs: 120_000 };
/** How long one delivery attempt waits for the receiver's answer. */
const REQUEST_TIMEOUT_MS = 15_000;

type Source = {
  id: bigint;
  projectId: string;
  permitType: string | null;
  type: string;
  payload: unknown;
  occurredAt: Date;
};

export function createBridgeActivities({ db, logger, events, clock = () => new Date() }: ActivityDeps) {
  /** The event's data for one target, read from the read model as it is now. */
  async function buildEvent(entry: Source, target: OutboundTarget, id: string): Promise<OutboundEventV1 | null> {
    const project = await db.permitProject.findUnique({
      where: { id: entry.projectId },
      include: { organisation: true, permits: { where: { permitType: target.permitType } } },
    });
    const permit = project?.permits[0];
    if (!project || !permit) return null;
    const envelope = {
      version: 1 as const,
      id,
      occurredAt: entry.occurredAt.toISOString(),
      authorityCode: target.authorityCode,
      project: { id: project.id, title: project.title },
      permit: {
        type: target.permitType,
        caseNumber: permit.caseNumber,
        externalCaseNumber: permit.authorityId === target.authorityId ? permit.externalCaseNumber : null,
      },
    };
    const payload = (entry.payload ?? {}) as Record<string, unknown>;
    switch (target.type) {
      case 'submission.received': {
        const draft = (project.draft ?? { common: {}, sections: {} }) as unknown as ProjectDraft;
        const own = (path: string) => path.startsWith('common.') || path.startsWith(`sections.${target.permitType}.`);
        return ZOutboundEventV1.parse({
          type: target.type,
          ...envelope,
          data: {
            submittedAt: (project.submittedAt ?? entry.occurredAt).toISOString(),
            applicant: {
              organisationId: project.organisationId,
              name: project.organisation.name,
              businessId: project.organisation.businessId,
            },
            title: project.title,
            description: project.description,
            municipality: project.municipality,
            common: draft.common ?? {},
            section: draft.sections?.[target.permitType] ?? {},
            secretFields: (draft.secret ?? []).filter(own),
          },
        });
      }
      case 'infoRequest.created': {
        const request =
          typeof payload.createdId === 'string'
            ? await db.infoRequest.findUnique({ where: { id: payload.createdId } })
            : null;
        if (!request) return null;
        return ZOutboundEventV1.parse({
          type: target.type,
          ...envelope,
          data: {
            requestId: request.id,
            askedBy: request.authorityCode,
            question: request.question,
            dueAt: request.dueAt?.toISOString() ?? null,
          },
        });
      }
      case 'infoRequest.answered': {
        // The entry names the request it answers; entries written before it did are matched by
        // the answer's time, which is the entry's.
        const named = (entry.payload as { requestId?: unknown } | null)?.requestId;
        const request = await db.infoRequest.findFirst({
          where: {
            projectId: entry.projectId,
            permitType: target.permitType,
            ...(typeof named === 'string' ? { id: named } : { answeredAt: entry.occurredAt }),
          },
        });
        if (!request) return null;
        return ZOutboundEventV1.parse({
          type: target.type,
          ...envelope,
          data: {
            requestId: request.id,
            answer: request.answer ?? '',
            answeredAt: entry.occurredAt.toISOString(),
          },
        });
      }
      case 'decision.made': {
        const decider = await db.authority.findUniqueOrThrow({ where: { id: permit.authorityId } });
        return ZOutboundEventV1.parse({
          type: target.type,
          ...envelope,
          data: {
            decidedBy: decider.code,
            decision: permit.decision ?? payload.decision,
            conditions: permit.conditions ?? '',
            signedBy: permit.signedBy ?? payload.signedBy,
            signedAt: (permit.signedAt ?? entry.occurredAt).toISOString(),
            documentHash: permit.documentHash,
          },
        });
      }
    }
  }

  async function recordFailure(id: string, lastError: string, status?: 'failed') {
    await db.bridgeEvent.update({
      where: { id },
      data: { lastError: lastError.slice(0, 500), ...(status ? { status } : {}) },
    });
  }

  return {
    /**
     * One round of the relay: the events for every timeline entry after the cursor that concerns
     * an authority connected by webhook, each written once (its key names the entry, the
     * authority and the permit), and the cursor moved past what is settled.
     */
    async relayBridgeEvents(input: RelayInput): Promise<RelayResult> {
      const { limit, settleMs, sweepMs } = { ...DEFAULTS, ...input };
      const now = clock();
      if (input.after === null) {
        // The first run starts at the end of the timeline: what happened before a system was
        // connected was handled in the portal.
        const [row] = await db.$queryRaw<[{ max: string }]>`
          SELECT COALESCE(MAX(id), 0)::text AS max FROM "TimelineEvent"`;
        return { cursor: row.max, deliver: [] };
      }
      const after = BigInt(input.after);
      const connections = await db.authorityConnection.findMany({
        where: { mode: 'webhook', webhookUrl: { not: null }, secret: { not: null } },
        select: { authorityId: true },
      });
      const webhook = new Set(connections.map((c) => c.authorityId));
      const entries: Source[] = webhook.size
        ? await db.timelineEvent.findMany({
            where: { id: { gt: after }, type: { in: Object.keys(OUTBOUND_SOURCES) } },
            orderBy: { id: 'asc' },
            take: limit,
            select: { id: true, projectId: true, permitType: true, type: true, payload: true, occurredAt: true },
          })
        : [];
      // Two queries for the whole batch: the permits of its projects, and which events exist already.
      const permits = entries.length
        ? await db.permit.findMany({
            where: { projectId: { in: [...new Set(entries.map((e) => e.projectId))] } },
            select: { projectId: true, permitType: true, authorityId: true, authority: { select: { code: true } } },
          })
        : [];
      const planned = entries.map((entry) => ({
        entry,
        targets: outboundTargets(
          { id: entry.id.toString(), type: entry.type, permitType: entry.permitType },
          permits
            .filter((p) => p.projectId === entry.projectId)
            .map((p) => ({ permitType: p.permitType, authorityId: p.authorityId, authorityCode: p.authority.code })),
          webhook,
        ),
      }));
      const keys = planned.flatMap((p) => p.targets.map((t) => t.idempotencyKey));
      const existing = new Set(
        keys.length
          ? (
              await db.bridgeEvent.findMany({
                where: { idempotencyKey: { in: keys } },
                select: { idempotencyKey: true },
              })
            ).map((e) => e.idempotencyKey)
          : [],
      );
      const deliver: string[] = [];
      for (const { entry, targets } of planned) {
        for (const target of targets.filter((t) => !existing.has(t.idempotencyKey))) {
          let event: OutboundEventV1 | null;
          try {
            event = await buildEvent(entry, target, randomUUID());
          } catch (err) {
            // One entry the schema refuses must not hold up every other authority's events.
            logger.error({ err, timelineId: entry.id.toString(), type: target.type }, 'bridge event not built');
            continue;
          }
          if (!event) continue;
          const created = await db.bridgeEvent.createManyAndReturn({
            data: [
              {
                id: event.id,
                authorityId: target.authorityId,
                projectId: entry.projectId,
                permitType: target.permitType,
                type: event.type,
                version: event.version,
                payload: event as unknown as Prisma.InputJsonValue,
                idempotencyKey: target.idempotencyKey,
              },
            ],
            skipDuplicates: true,
            select: { id: true },
          });
          deliver.push(...created.map((c) => c.id));
        }
      }
      // The cursor passes only what is settled, and never an entry this round did not read.
      const [settled] = await db.$queryRaw<[{ max: string | null }]>`
        SELECT MAX(id)::text AS max FROM "TimelineEvent"
        WHERE id > ${after} AND "createdAt" <= ${new Date(now.getTime() - settleMs)}`;
      let cursor = settled.max ? BigInt(settled.max) : after;
      if (entries.length === limit) {
        const lastRead = entries[entries.length - 1]!.id;
        if (lastRead < cursor) cursor = lastRead;
      }
      // Events written by a round whose workflow never got to start their deliveries.
      const orphans = await db.bridgeEvent.findMany({
        where: { status: 'pending', attempts: 0, createdAt: { lt: new Date(now.getTime() - sweepMs) } },
        select: { id: true },
        orderBy: { createdAt: 'asc' },
        take: 100,
      });
      for (const o of orphans) if (!deliver.includes(o.id)) deliver.push(o.id);
      if (deliver.length) logger.debug({ count: deliver.length, cursor: cursor.toString() }, 'bridge events relayed');
      return { cursor: cursor.toString(), deliver };
    },

    /**
     * One delivery attempt: POSTs the event to the authority's system, signed with its
     * connection's secret. A 2xx acknowledges it: the event is marked delivered and the
     * receiver's case number recorded on it and on the permit (with a timeline entry the
     * customer sees), in one transaction. A receiver that is down, slow or answers anything
     * else that may pass makes the attempt throw, and Temporal retries it; a status saying the
     * message will never be accepted marks it failed (domain/bridge-events.ts deliveryOutcome).
     */
    async deliverBridgeEvent({ eventId }: { eventId: string }): Promise<DeliveryResult> {
      const event = await db.bridgeEvent.findUnique({ where: { id: eventId } });
      if (!event) throw ApplicationFailure.nonRetryable(`Bridge event ${eventId} not found`, 'NotFound');
      if (event.status !== 'pending') {
        return {
          status: event.status as DeliveryResult['status'],
          attempts: event.attempts,
          caseNumber: event.externalCaseNumber,
        };
      }
      const connection = await db.authorityConnection.findUnique({ where: { authorityId: event.authorityId } });
      if (!connection || connection.mode !== 'webhook' || !connection.webhookUrl || !connection.secret) {
        await recordFailure(eventId, 'The authority no longer receives events by webhook', 'failed');
        return { status: 'failed', attempts: event.attempts, caseNumber: null };
      }
      const { attempts } = await db.bridgeEvent.update({
        where: { id: eventId },
        data: { attempts: { increment: 1 } },
        select: { attempts: true },
      });
      const body = JSON.stringify(event.payload);
      const at = clock();
      let res: Response;
      let text: string;
      try {
        res = await fetch(connection.webhookUrl, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          headers: {
            'content-type': 'application/json',
            'webhook-id': event.id,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': new Webhook(connection.secret).sign(event.id, at, body),
          },
          body,
        });
        text = await res.text();
      } catch (err) {
        const message = `No answer from ${new URL(connection.webhookUrl).host}: ${(err as Error).message}`;
        await recordFailure(eventId, message);
        throw ApplicationFailure.retryable(message, 'ReceiverUnavailable');
      }
      const outcome = deliveryOutcome(res.status);
      if (outcome === 'retry') {
        const message = `The receiver answered ${res.status}`;
        await recordFailure(eventId, message);
        throw ApplicationFailure.retryable(message, 'ReceiverUnavailable');
      }
      if (outcome === 'rejected') {
        await recordFailure(
          eventId,
          `The receiver refused the event for good: ${res.status} ${text.slice(0, 300)}`,
          'failed',
        );
        logger.warn({ eventId, status: res.status }, 'bridge event rejected by the receiver');
        return { status: 'failed', attempts, caseNumber: null };
      }
      let caseNumber: string | null = null;
      try {
        const ack = ZAcknowledgement.safeParse(JSON.parse(text));
        caseNumber = ack.success ? (ack.data.caseNumber ?? null) : null;
      } catch {
        // A 2xx without a JSON body acknowledges as well; it only names no case number.
      }
      const now = clock();
      const published: TimelineEventMessage[] = [];
      await db.$transaction(async (tx) => {
        const marked = await tx.bridgeEvent.updateMany({
          where: { id: eventId, status: 'pending' },
          data: { status: 'delivered', deliveredAt: now, externalCaseNumber: caseNumber, lastError: null },
        });
        if (marked.count === 0 || !caseNumber || !event.permitType) return;
        const permit = await tx.permit.findUnique({
          where: { projectId_permitType: { projectId: event.projectId, permitType: event.permitType } },
          include: { authority: { select: { code: true } } },
        });
        // Only the permit's own authority numbers its case; a submission's number is the one that counts.
        if (!permit || permit.authorityId !== event.authorityId || permit.externalCaseNumber === caseNumber) return;
        if (permit.externalCaseNumber && event.type !== 'submission.received') return;
        await tx.permit.update({ where: { id: permit.id }, data: { externalCaseNumber: caseNumber } });
        published.push(
          await appendEvent(tx, {
            projectId: event.projectId,
            permitType: event.permitType,
            type: 'externalCaseNumberRecorded',
            key: `bridge:ack:${eventId}`,
            payload: { authorityCode: permit.authority.code, caseNumber, bridgeEventId: eventId },
            at: now,
          }),
        );
      });
      publishAll(events, published, (err) => logger.warn({ err }, 'live publish failed'));
      return { status: 'delivered', attempts, caseNumber };
    },
  };
}
