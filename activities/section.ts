import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Prisma } from '../prisma/generated/client';
import type { Tx } from '../platform/db';
import type { Decision } from '../domain/permit-project';
import type { SectionStep } from '../domain/permit-section';
import { permitType as permitTypeDef, PERMIT_STEPS, type PermitStepName } from '../domain/catalogue';
import { profileApplication, type RiskProfile } from '../domain/risk-profile';
import { forecastPermit, type ForecastOverride } from '../domain/forecast';
import type { AdviceAnswers } from '../domain/advice';
import type { ProjectDraft } from '../domain/draft';
import type { SectionCommandBody } from '../workflows/permit-section/messages';
import type { ActivityDeps } from './types';
import { appendEvent, appendRoomEvent, moveStep, notify, writeOnce } from './timeline';
import { noticeRoomComment, publicAuthorName } from './comments';

/** What a section records: an accepted command, or something its own timers or rules did. */
export type SectionEvent =
  | (SectionCommandBody & { createdId?: string })
  | { action: 'notified' }
  | { action: 'hearingClosed' }
  | { action: 'served'; appealPeriodMs: number }
  | { action: 'final' };

export interface SectionEventRecord {
  projectId: string;
  permitType: string;
  key: string;
  event: SectionEvent;
  from: SectionStep;
  to: SectionStep;
  actorId?: string;
  onBehalfOfId?: string;
}

export interface SectionEventResult {
  appealEndsAt?: string;
}

export interface PreparedPermit {
  hearing: boolean;
  appealDays: number;
  notification: boolean;
  risk: Pick<RiskProfile, 'level' | 'score' | 'priority'>;
}

/** Input of the hand-over to supervision; the supervision issue turns this into its workflow's start. */
export interface SupervisionHandOver {
  projectId: string;
  permitType: string;
  authorityCode: string;
  procedure: 'permit' | 'notification';
  decision: Decision | null;
  idempotencyKey: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function definition(type: string) {
  const def = permitTypeDef(type);
  if (!def) throw ApplicationFailure.nonRetryable(`Unknown permit type "${type}"`, 'NotFound');
  return def;
}

/** Completed step durations of earlier permits of the same type, in days (F06 history). */
async function history(tx: Tx, permitType: string): Promise<Partial<Record<PermitStepName, number[]>>> {
  const rows = await tx.step.findMany({
    where: { permitType, actualStart: { not: null }, actualEnd: { not: null } },
    select: { name: true, actualStart: true, actualEnd: true },
    orderBy: { actualEnd: 'desc' },
    take: 5000,
  });
  const out: Partial<Record<PermitStepName, number[]>> = {};
  for (const row of rows) {
    if (!(PERMIT_STEPS as readonly string[]).includes(row.name) || !row.actualStart || !row.actualEnd) continue;
    const days = (row.actualEnd.getTime() - row.actualStart.getTime()) / DAY_MS;
    (out[row.name as PermitStepName] ??= []).push(days);
  }
  return out;
}

/**
 * Forecast end dates of the current step and every later one (F06/F10). With `baseline`
 * the plan is also written as the planned dates, which later forecasts are compared with.
 */
export async function replan(
  tx: Tx,
  args: { projectId: string; permitType: string; current: string; currentStart: Date; baseline: boolean },
) {
  const def = definition(args.permitType);
  const permit = await tx.permit.findUniqueOrThrow({
    where: { projectId_permitType: { projectId: args.projectId, permitType: args.permitType } },
    include: { forecastOverrides: true },
  });
  const overrides: ForecastOverride[] = permit.forecastOverrides.map((o) => ({
    step: o.step as PermitStepName,
    days: o.days,
    reason: o.reason,
  }));
  const forecast = forecastPermit(def, await history(tx, args.permitType), overrides, { hearing: def.hearing });
  const at = forecast.steps.findIndex((s) => s.step === args.current);
  if (at < 0) return forecast;
  let median = args.currentStart.getTime();
  let p80 = median;
  const rows = forecast.steps.slice(at).map((step) => {
    const start = median;
    median += step.medianDays * DAY_MS;
    p80 += step.p80Days * DAY_MS;
    return {
      name: step.step,
      forecastEnd: new Date(median).toISOString(),
      forecastEndP80: new Date(p80).toISOString(),
      forecastSource: step.source,
      plannedStart: new Date(start).toISOString(),
      plannedEnd: new Date(median).toISOString(),
    };
  });
  // Every remaining step in one statement; the baseline plan only when planning the section.
  await tx.$executeRaw`
    INSERT INTO "Step" (id, "projectId", "permitType", name, "forecastEnd", "forecastEndP80", "forecastSource",
                        "plannedStart", "plannedEnd")
    SELECT gen_random_uuid(), ${args.projectId}::uuid, ${args.permitType}, x.name,
           x."forecastEnd" AT TIME ZONE 'UTC', x."forecastEndP80" AT TIME ZONE 'UTC', x."forecastSource",
           CASE WHEN ${args.baseline} THEN x."plannedStart" AT TIME ZONE 'UTC' END,
           CASE WHEN ${args.baseline} THEN x."plannedEnd" AT TIME ZONE 'UTC' END
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
      name text, "forecastEnd" timestamptz, "forecastEndP80" timestamptz, "forecastSource" text,
      "plannedStart" timestamptz, "plannedEnd" timestamptz)
    ON CONFLICT ("projectId", "permitType", name) DO UPDATE SET
      "forecastEnd" = EXCLUDED."forecastEnd",
      "forecastEndP80" = EXCLUDED."forecastEndP80",
      "forecastSource" = EXCLUDED."forecastSource",
      "plannedStart" = CASE WHEN ${args.baseline} THEN EXCLUDED."plannedStart" ELSE "Step"."plannedStart" END,
      "plannedEnd" = CASE WHEN ${args.baseline} THEN EXCLUDED."plannedEnd" ELSE "Step"."plannedEnd" END`;
  return forecast;
}

function documentHash(fields: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export function createSectionActivities({ db, logger, events, clock = () => new Date() }: ActivityDeps) {
  const where = (r: { projectId: string; permitType: string }) => ({
    projectId_permitType: { projectId: r.projectId, permitType: r.permitType },
  });

  async function projectContext(tx: Tx, projectId: string) {
    const project = await tx.permitProject.findUnique({
      where: { id: projectId },
      include: { permits: { include: { authority: true } } },
    });
    if (!project) throw ApplicationFailure.nonRetryable(`Project ${projectId} not found`, 'NotFound');
    return { project, authorityCodes: [...new Set(project.permits.map((p) => p.authority.code))] };
  }

  async function effects(tx: Tx, r: SectionEventRecord, now: Date): Promise<SectionEventResult> {
    const { project, authorityCodes } = await projectContext(tx, r.projectId);
    const e = r.event;
    const toOrganisation = (kind: string, payload: object, suffix = '') =>
      notify(tx, {
        projectId: r.projectId,
        recipientKind: 'organisation',
        recipient: project.organisationId,
        kind,
        payload: { permitType: r.permitType, ...payload },
        key: `${r.key}:org${suffix}`,
        at: now,
      });
    const toAuthorities = async (kind: string, payload: object) => {
      for (const code of authorityCodes) {
        await notify(tx, {
          projectId: r.projectId,
          recipientKind: 'authority',
          recipient: code,
          kind,
          payload: { permitType: r.permitType, ...payload },
          key: `${r.key}:${code}`,
          at: now,
        });
      }
    };
    const notice = () =>
      tx.notice.findUniqueOrThrow({
        where: { projectId_permitType: { projectId: r.projectId, permitType: r.permitType } },
      });
    switch (e.action) {
      case 'requestInfo':
        await tx.infoRequest.create({
          data: {
            id: e.createdId,
            projectId: r.projectId,
            permitType: r.permitType,
            authorityCode: e.authorityCode,
            question: e.question,
            dueAt: e.dueAt ? new Date(e.dueAt) : null,
            askedAt: now,
            idempotencyKey: r.key,
          },
        });
        await toOrganisation('infoRequested', { question: e.question });
        return {};
      case 'answerInfo':
        await tx.infoRequest.update({ where: { id: e.requestId }, data: { answer: e.answer, answeredAt: now } });
        // F14: the answer is part of the case, visible to every authority of the project.
        await toAuthorities('infoAnswered', { requestId: e.requestId });
        return {};
      case 'startHearing':
        await tx.notice.create({
          data: {
            projectId: r.projectId,
            permitType: r.permitType,
            titleFi: e.titleFi,
            titleEn: e.titleEn,
            textFi: e.textFi,
            textEn: e.textEn,
            area: e.area as Prisma.InputJsonValue,
            opensAt: now,
            closesAt: new Date(e.closesAt),
          },
        });
        await notify(tx, {
          projectId: r.projectId,
          recipientKind: 'impactArea',
          recipient: `${r.projectId}:${r.permitType}`,
          kind: 'noticePublished',
          payload: { permitType: r.permitType, closesAt: e.closesAt, area: e.area },
          key: `${r.key}:area`,
          at: now,
        });
        return {};
      case 'comment': {
        const noticeId = (await notice()).id;
        const comment = await tx.comment.create({
          data: {
            id: e.createdId,
            noticeId,
            kind: e.kind,
            authorName: e.authorName,
            anonymous: e.anonymous,
            text: e.text,
            createdAt: now,
            idempotencyKey: r.key,
          },
        });
        await appendRoomEvent(tx, `notice:${noticeId}`, 'comment', noticeRoomComment(comment));
        await toOrganisation('commentReceived', { kind: e.kind });
        return {};
      }
      case 'reply':
        await tx.comment.create({
          data: {
            noticeId: (await notice()).id,
            kind: 'reply',
            authorName: project.title,
            anonymous: false,
            text: e.text,
            replyToId: e.replyToId ?? null,
            createdAt: now,
            idempotencyKey: r.key,
          },
        });
        return {};
      case 'hearingClosed': {
        const closed = await tx.notice.update({ where: { id: (await notice()).id }, data: { closedAt: now } });
        await appendRoomEvent(tx, `notice:${closed.id}`, 'closed', { closedAt: now.toISOString() });
        await toOrganisation('hearingClosed', {});
        return {};
      }
      case 'proposeDraft':
        await tx.permit.update({ where: where(r), data: { draftDecision: e.text, draftReview: undefined } });
        await toOrganisation('draftDecisionProposed', {});
        return {};
      case 'reviewDraft':
        await tx.permit.update({
          where: where(r),
          data: { draftReview: { accepted: e.accepted, comment: e.comment ?? '', at: now.toISOString() } },
        });
        return {};
      case 'decide': {
        const signed = {
          projectId: r.projectId,
          permitType: r.permitType,
          decision: e.decision,
          conditions: e.conditions ?? '',
          text: e.text,
          signedBy: e.signedBy,
          signedAt: now.toISOString(),
        };
        await tx.permit.update({
          where: where(r),
          data: {
            decision: e.decision,
            conditions: e.conditions ?? null,
            signedBy: e.signedBy,
            signedAt: now,
            decidedAt: now,
            documentHash: documentHash(signed),
          },
        });
        return {};
      }
      case 'served': {
        const appealEndsAt = new Date(now.getTime() + e.appealPeriodMs);
        await tx.permit.update({ where: where(r), data: { servedAt: now, appealEndsAt } });
        // F19: served to the customer; F17: available to every authority; published to the impact area if heard.
        await toOrganisation('decisionServed', { appealEndsAt: appealEndsAt.toISOString() });
        await toAuthorities('decisionAvailable', {});
        if (await tx.notice.count({ where: { projectId: r.projectId, permitType: r.permitType } })) {
          await notify(tx, {
            projectId: r.projectId,
            recipientKind: 'impactArea',
            recipient: `${r.projectId}:${r.permitType}`,
            kind: 'decisionPublished',
            payload: { permitType: r.permitType, appealEndsAt: appealEndsAt.toISOString() },
            key: `${r.key}:area`,
            at: now,
          });
        }
        return { appealEndsAt: appealEndsAt.toISOString() };
      }
      case 'final':
        await tx.permit.update({ where: where(r), data: { finalAt: now, status: 'final' } });
        await toOrganisation('decisionFinal', {});
        return {};
      case 'notified':
        await tx.permit.update({ where: where(r), data: { procedure: 'notification', finalAt: now, status: 'final' } });
        await toOrganisation('notificationAccepted', {});
        return {};
      case 'cancel':
        await tx.permit.update({ where: where(r), data: { status: 'cancelled' } });
        return {};
      case 'closeReplies':
        return {};
    }
  }

  return {
    /** F16 risk profile and the F06 baseline plan, once per section (idempotent by key). */
    async preparePermit(args: { projectId: string; permitType: string; key: string }): Promise<PreparedPermit> {
      const now = clock();
      const def = definition(args.permitType);
      return writeOnce({ db, events, logger }, args.key, async (tx) => {
        const { project } = await projectContext(tx, args.projectId);
        const answers = (project.adviceAnswers ?? { kind: 'event' }) as AdviceAnswers;
        const draft = (project.draft ?? undefined) as ProjectDraft | undefined;
        const risk = profileApplication(args.permitType, answers, draft);
        await tx.permit.update({
          where: where(args),
          data: {
            riskLevel: risk.level,
            riskScore: risk.score,
            priority: risk.priority,
            risk: risk as unknown as Prisma.InputJsonValue,
            procedure: risk.notification ? 'notification' : 'permit',
          },
        });
        await moveStep(tx, args.projectId, args.permitType, 'submission', 'processing', now);
        const forecast = risk.notification
          ? null
          : await replan(tx, {
              projectId: args.projectId,
              permitType: args.permitType,
              current: 'processing',
              currentStart: now,
              baseline: true,
            });
        const result: PreparedPermit = {
          hearing: def.hearing,
          appealDays: def.appealDays,
          notification: risk.notification,
          risk: { level: risk.level, score: risk.score, priority: risk.priority },
        };
        const message = await appendEvent(tx, {
          projectId: args.projectId,
          permitType: args.permitType,
          type: 'riskProfiled',
          key: args.key,
          payload: {
            risk,
            forecast: forecast && { medianDays: forecast.totalMedianDays, p80Days: forecast.totalP80Days },
            result,
          },
          at: now,
        });
        return { result, message };
      });
    },

    /**
     * Writes one section event (command, timer or rule) with its side rows and timeline entry.
     * Every transition of the permit updates the permit's row, which third-party comments
     * (written by the API in batches, activities/comments.ts) read locked: the closing of the
     * hearing and a comment are ordered, one committed before the close is counted, one after
     * it refused.
     */
    async recordSectionEvent(r: SectionEventRecord): Promise<SectionEventResult> {
      const now = clock();
      return writeOnce({ db, events, logger }, r.key, async (tx) => {
        // The permit's row first, before any room lock the effects take (the notice's room):
        // comment batches lock in the same order (activities/comments.ts), so a hearing
        // closing during a burst of comments waits for the batch instead of deadlocking it.
        await tx.$executeRaw`
          SELECT 1 FROM "Permit" WHERE "projectId" = ${r.projectId}::uuid AND "permitType" = ${r.permitType} FOR UPDATE`;
        const result = await effects(tx, r, now);
        await tx.permit.update({ where: where(r), data: { step: r.to } });
        if (r.from !== r.to) {
          await moveStep(tx, r.projectId, r.permitType, r.from, r.to, now);
          if ((PERMIT_STEPS as readonly string[]).includes(r.to)) {
            await replan(tx, {
              projectId: r.projectId,
              permitType: r.permitType,
              current: r.to,
              currentStart: now,
              baseline: false,
            });
          }
        }
        await tx.permitProject.update({ where: { id: r.projectId }, data: { version: { increment: 1 } } });
        const { action, ...event } = r.event;
        const details =
          action === 'comment' && 'anonymous' in event ? { ...event, authorName: publicAuthorName(event) } : event;
        const message = await appendEvent(tx, {
          projectId: r.projectId,
          permitType: r.permitType,
          type: action,
          key: r.key,
          payload: { ...details, from: r.from, to: r.to, result },
          actorId: r.actorId,
          onBehalfOfId: r.onBehalfOfId,
          at: now,
        });
        if (action === 'comment' || action === 'hearingClosed') {
          // Their effects also appended to the notice's public room: wake it with the others.
          const notice = await tx.notice.findUnique({
            where: { projectId_permitType: { projectId: r.projectId, permitType: r.permitType } },
            select: { id: true },
          });
          if (notice) message.rooms = [...(message.rooms ?? []), `notice:${notice.id}`];
        }
        return { result, message };
      });
    },

    /**
     * Hands a final permit (or an accepted notification) over to supervision of the site.
     * Until the supervision workflow exists this records the start request it will consume.
     */
    /**
     * The hand-over to supervision: records it, and when the permit type is supervised
     * (catalogue `supervision`) creates the site from the project — its location unknown until
     * the supervisor pins it — so the workflow can start the site's supervision cycle.
     */
    async startSupervisionCycle(input: SupervisionHandOver): Promise<{ supervisionStartId: string; siteId?: string }> {
      const now = clock();
      return writeOnce({ db, events, logger }, input.idempotencyKey, async (tx) => {
        const supervised = permitTypeDef(input.permitType)?.supervision;
        let siteId: string | undefined;
        if (supervised) {
          const project = await tx.permitProject.findUniqueOrThrow({ where: { id: input.projectId } });
          const common = ((project.draft as ProjectDraft | null)?.common ?? {}) as Record<string, unknown>;
          const text = (key: string, fallback: string) =>
            typeof common[key] === 'string' && common[key] ? (common[key] as string) : fallback;
          const site = await tx.site.create({
            data: {
              organisationId: project.organisationId,
              projectId: project.id,
              name: project.title,
              address: text('address', ''),
              municipality: text('municipality', project.municipality),
              riskModel: supervised.model,
              targetGroup: supervised.targetGroup,
            },
          });
          siteId = site.id;
        }
        const row = await tx.supervisionStart.create({
          data: {
            projectId: input.projectId,
            permitType: input.permitType,
            procedure: input.procedure,
            decision: input.decision,
            requestedAt: now,
            siteId,
            idempotencyKey: input.idempotencyKey,
          },
        });
        await notify(tx, {
          projectId: input.projectId,
          recipientKind: 'authority',
          recipient: input.authorityCode,
          kind: 'supervisionStarted',
          payload: { permitType: input.permitType, procedure: input.procedure },
          key: input.idempotencyKey,
          at: now,
        });
        const message = await appendEvent(tx, {
          projectId: input.projectId,
          permitType: input.permitType,
          type: 'supervisionStarted',
          key: input.idempotencyKey,
          payload: {
            procedure: input.procedure,
            decision: input.decision,
            result: { supervisionStartId: row.id, ...(siteId ? { siteId } : {}) },
          },
          at: now,
        });
        return { result: { supervisionStartId: row.id, ...(siteId ? { siteId } : {}) }, message };
      });
    },
  };
}
