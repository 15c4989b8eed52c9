import { ApplicationFailure } from '@temporalio/common';
import type { Prisma } from '../prisma/generated/client';
import type { Tx } from '../platform/db';
import {
  PROJECT_STEP_NORM_DAYS,
  type Decision,
  type DraftSummary,
  type KickoffConfirmation,
  type PermitOutcome,
  type PermitSection,
  type ProjectStep,
} from '../domain/permit-project';
import { explorePermitNeeds, ZAdviceAnswers, type AdviceAnswers } from '../domain/advice';
import { applySecretMarks, checkDraft, prefillDraft, type ProjectDraft } from '../domain/draft';
import type { ProjectCommandBody, DraftPatch } from '../workflows/permit-project/messages';
import type { ActivityDeps, TimelineEventMessage } from './types';
import { appendEvent, moveStep, notify, writeOnce } from './timeline';

export type ProjectEvent =
  ProjectCommandBody | { action: 'permitSettled'; permitType: string; outcome: PermitOutcome; decision?: Decision };

export interface ProjectCommandRecord {
  projectId: string;
  key: string;
  command: ProjectEvent;
  from: ProjectStep;
  to: ProjectStep;
  actorId?: string;
  onBehalfOfId?: string;
  permits: PermitSection[];
}

export interface ProjectCommandResult {
  permits?: Array<{ permitType: string; authorityCode: string }>;
  draft?: DraftSummary;
  confirmations?: Record<string, KickoffConfirmation>;
  scheduledAt?: string | null;
  receiptNumber?: string;
  /** Paths a draft save really changed (F25). */
  changed?: string[];
}

interface AgendaItem {
  id: string;
  title: string;
  notes?: string;
  by: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function summary(check: ReturnType<typeof checkDraft>): DraftSummary {
  return {
    light: check.light,
    complete: check.complete,
    issues: check.issues.filter((i) => i.level !== 'warning').length,
  };
}

/** Paths a patch touches, for "changed since your last view" alerts (F25). */
function changedPaths(before: ProjectDraft, patch: DraftPatch): string[] {
  const paths: string[] = [];
  for (const [k, v] of Object.entries(patch.common ?? {})) if (before.common[k] !== v) paths.push(`common.${k}`);
  for (const [type, fields] of Object.entries(patch.sections ?? {})) {
    for (const [k, v] of Object.entries(fields))
      if (before.sections[type]?.[k] !== v) paths.push(`sections.${type}.${k}`);
  }
  return paths;
}

function omitPatch<T extends { patch: DraftPatch }>(command: T): Omit<T, 'patch'> & { secret?: DraftPatch['secret'] } {
  const { patch, ...rest } = command;
  return { ...rest, ...(patch.secret ? { secret: patch.secret } : {}) };
}

function invalid(message: string): never {
  throw ApplicationFailure.nonRetryable(message, 'InvalidInput');
}

/** Applies one accepted project command to the read model: state change, side rows and timeline in one transaction. */
export function createProjectActivities({ db, logger, events, clock = () => new Date() }: ActivityDeps) {
  async function effects(tx: Tx, r: ProjectCommandRecord, now: Date): Promise<ProjectCommandResult> {
    const project = await tx.permitProject.findUnique({ where: { id: r.projectId }, include: { organisation: true } });
    if (!project) throw ApplicationFailure.nonRetryable(`Project ${r.projectId} not found`, 'NotFound');
    const cmd = r.command;
    const permitTypes = r.permits.map((p) => p.permitType);
    const answers = (project.adviceAnswers ?? undefined) as AdviceAnswers | undefined;
    const authorityCodes = [...new Set(r.permits.map((p) => p.authorityCode))];
    const toAuthorities = async (kind: string, payload: object) => {
      for (const code of authorityCodes) {
        await notify(tx, {
          projectId: r.projectId,
          recipientKind: 'authority',
          recipient: code,
          kind,
          payload,
          key: `${r.key}:${code}`,
          at: now,
        });
      }
    };
    switch (cmd.action) {
      case 'answerAdvice': {
        const parsed = ZAdviceAnswers.safeParse(cmd.answers);
        if (!parsed.success) invalid(`Invalid advice answers: ${parsed.error.issues[0]?.message ?? ''}`);
        const advice = explorePermitNeeds(parsed.data);
        const authorities = await tx.authority.findMany({
          where: { code: { in: advice.permits.map((p) => p.authorityCode) } },
        });
        const byCode = new Map(authorities.map((a) => [a.code, a.id]));
        await tx.permit.deleteMany({ where: { projectId: r.projectId } });
        await tx.permit.createMany({
          data: advice.permits
            .filter((p) => byCode.has(p.authorityCode))
            .map((p) => ({
              projectId: r.projectId,
              permitType: p.permitType,
              authorityId: byCode.get(p.authorityCode) as string,
              step: 'draft',
              status: 'active',
            })),
        });
        await tx.permitProject.update({
          where: { id: r.projectId },
          data: {
            adviceAnswers: parsed.data as Prisma.InputJsonValue,
            adviceResult: advice as unknown as Prisma.InputJsonValue,
          },
        });
        return {
          permits: advice.permits
            .filter((p) => byCode.has(p.authorityCode))
            .map((p) => ({ permitType: p.permitType, authorityCode: p.authorityCode })),
        };
      }
      case 'completeAdvice': {
        let previous: ProjectDraft | undefined;
        if (cmd.previousProjectId) {
          const prev = await tx.permitProject.findUnique({ where: { id: cmd.previousProjectId } });
          if (!prev || prev.organisationId !== project.organisationId) {
            invalid('previousProjectId: no such project of the same organisation');
          }
          previous = (prev.draft ?? undefined) as ProjectDraft | undefined;
        }
        const contact = await tx.user.findFirst({
          where: { organisationId: project.organisationId, role: 'CUSTOMER' },
          orderBy: { createdAt: 'asc' },
        });
        const { draft, prefilled } = prefillDraft(
          permitTypes,
          {
            organisationName: project.organisation.name,
            businessId: project.organisation.businessId,
            contactName: contact?.name,
            contactEmail: contact?.email,
            municipality: project.municipality || undefined,
          },
          previous,
        );
        draft.common.title ??= project.title;
        draft.common.description ??= project.description || null;
        const check = checkDraft(draft, permitTypes, answers, now.toISOString().slice(0, 10));
        await tx.permitProject.update({
          where: { id: r.projectId },
          data: {
            draft: draft as unknown as Prisma.InputJsonValue,
            draftCheck: check as unknown as Prisma.InputJsonValue,
          },
        });
        await planProjectSteps(tx, r.projectId, now);
        logger.debug({ prefilled: prefilled.length }, 'draft prefilled');
        return { draft: summary(check) };
      }
      case 'saveDraft': {
        const before = (project.draft ?? { common: {}, sections: {} }) as ProjectDraft;
        const unknownSection = Object.keys(cmd.patch.sections ?? {}).find((t) => !permitTypes.includes(t));
        if (unknownSection) invalid(`patch.sections.${unknownSection}: not a permit of this project`);
        const draft: ProjectDraft = {
          common: { ...before.common, ...cmd.patch.common },
          sections: { ...before.sections },
          secret: applySecretMarks(before.secret, cmd.patch.secret),
        };
        for (const [type, fields] of Object.entries(cmd.patch.sections ?? {})) {
          draft.sections[type] = { ...before.sections[type], ...fields };
        }
        const check = checkDraft(draft, permitTypes, answers, now.toISOString().slice(0, 10));
        await tx.permitProject.update({
          where: { id: r.projectId },
          data: {
            draft: draft as unknown as Prisma.InputJsonValue,
            draftCheck: check as unknown as Prisma.InputJsonValue,
          },
        });
        return { draft: summary(check), changed: changedPaths(before, cmd.patch) };
      }
      case 'submitDraft': {
        await tx.meeting.upsert({
          where: { projectId: r.projectId },
          create: {
            projectId: r.projectId,
            agenda: [
              { id: 'overview', title: 'Hankkeen esittely / Project overview', by: 'customer' },
              ...authorityCodes.map((code) => ({
                id: `requirements-${code}`,
                title: `Vaatimukset / Requirements: ${code}`,
                by: code,
              })),
              { id: 'schedule', title: 'Aikataulu / Schedule', by: 'customer' },
            ] satisfies AgendaItem[],
            confirmations: {},
          },
          update: {},
        });
        await toAuthorities('kickoffInvitation', { title: project.title });
        return {};
      }
      case 'editAgenda': {
        const meeting = await tx.meeting.findUniqueOrThrow({ where: { projectId: r.projectId } });
        const agenda = (meeting.agenda as unknown as AgendaItem[]).filter((i) => i.id !== cmd.item.id);
        if (cmd.op === 'upsert') {
          const at = (meeting.agenda as unknown as AgendaItem[]).findIndex((i) => i.id === cmd.item.id);
          agenda.splice(at < 0 ? agenda.length : at, 0, { ...cmd.item, by: cmd.by });
        }
        await tx.meeting.update({ where: { projectId: r.projectId }, data: { agenda: agenda as object[] } });
        return {};
      }
      case 'confirmKickoff': {
        const meeting = await tx.meeting.findUniqueOrThrow({ where: { projectId: r.projectId } });
        const confirmations = {
          ...(meeting.confirmations as unknown as Record<string, KickoffConfirmation>),
          [cmd.authorityCode]: { dataSufficient: cmd.dataSufficient, attends: cmd.attends, note: cmd.note ?? '' },
        };
        await tx.meeting.update({
          where: { projectId: r.projectId },
          data: { confirmations: confirmations as Prisma.InputJsonValue },
        });
        return { confirmations };
      }
      case 'scheduleKickoff': {
        const meeting = await tx.meeting.update({
          where: { projectId: r.projectId },
          data: { scheduledAt: new Date(cmd.at), meetingUrl: cmd.meetingUrl ?? null },
        });
        // The invitation: date, agenda and link to every party (alerts carry it on, F39).
        const invitation = {
          title: project.title,
          at: cmd.at,
          meetingUrl: cmd.meetingUrl ?? null,
          agenda: (meeting.agenda as Array<{ title: string }>).map((item) => item.title),
        };
        await toAuthorities('kickoffScheduled', invitation);
        await notify(tx, {
          projectId: r.projectId,
          recipientKind: 'organisation',
          recipient: project.organisationId,
          kind: 'kickoffScheduled',
          payload: invitation,
          key: `${r.key}:org`,
          at: now,
        });
        return { scheduledAt: cmd.at };
      }
      case 'holdKickoff': {
        await tx.meeting.update({ where: { projectId: r.projectId }, data: { minutes: cmd.minutes, heldAt: now } });
        // The minutes are signed by the person who recorded them, by name as in every message.
        const recorder = r.actorId
          ? await tx.user.findUnique({ where: { id: r.actorId }, include: { authority: { select: { code: true } } } })
          : null;
        await tx.message.create({
          data: {
            projectId: r.projectId,
            kind: 'minutes',
            author: recorder?.name ?? 'authority',
            authorId: recorder?.id ?? null,
            side: 'authority',
            authorityCode: recorder?.authority?.code ?? null,
            body: cmd.minutes,
            createdAt: now,
            idempotencyKey: r.key,
          },
        });
        return {};
      }
      case 'submit':
        await tx.permitProject.update({ where: { id: r.projectId }, data: { submittedAt: now } });
        await toAuthorities('applicationSubmitted', { title: project.title });
        return {};
      case 'confirmReceipt':
        await tx.permit.update({
          where: { projectId_permitType: { projectId: r.projectId, permitType: cmd.permitType } },
          data: { caseNumber: cmd.caseNumber, receivedAt: now, step: 'processing' },
        });
        await notify(tx, {
          projectId: r.projectId,
          recipientKind: 'organisation',
          recipient: project.organisationId,
          kind: 'receiptConfirmed',
          payload: { permitType: cmd.permitType, caseNumber: cmd.caseNumber },
          key: r.key,
          at: now,
        });
        return {};
      case 'cancel': {
        const receiptNumber = `PER-${now.getUTCFullYear()}-${r.projectId.slice(0, 8).toUpperCase()}`;
        await tx.permitProject.update({ where: { id: r.projectId }, data: { cancelledAt: now, receiptNumber } });
        await tx.permit.updateMany({
          where: { projectId: r.projectId, step: { notIn: ['final', 'notified'] } },
          data: { step: 'cancelled', status: 'cancelled' },
        });
        await toAuthorities('projectCancelled', { title: project.title, reason: cmd.reason ?? '' });
        await notify(tx, {
          projectId: r.projectId,
          recipientKind: 'organisation',
          recipient: project.organisationId,
          kind: 'cancellationReceipt',
          payload: { title: project.title, receiptNumber, notified: authorityCodes },
          key: `${r.key}:receipt`,
          at: now,
        });
        return { receiptNumber };
      }
      case 'permitSettled':
        return {};
    }
  }

  return {
    /**
     * Writes one accepted project command. The idempotency key makes a retried activity
     * return the first run's result and write nothing again.
     */
    async applyProjectCommand(r: ProjectCommandRecord): Promise<ProjectCommandResult> {
      const now = clock();
      return writeOnce({ db, events, logger }, r.key, async (tx) => {
        const result = await effects(tx, r, now);
        await tx.permitProject.update({
          where: { id: r.projectId },
          data: {
            step: r.to,
            status: r.to === 'completed' || r.to === 'cancelled' ? r.to : 'active',
            version: { increment: 1 },
          },
        });
        await moveStep(tx, r.projectId, '', r.from, r.to, now);
        const { action, ...command } = r.command;
        // A draft save's values stay in the draft (where trade secrets are withheld from those
        // who may not read them); its event says which fields changed.
        const details =
          action === 'saveDraft' && 'patch' in command
            ? { ...omitPatch(command), changed: (result as { changed?: string[] }).changed ?? [] }
            : command;
        const message: TimelineEventMessage = await appendEvent(tx, {
          projectId: r.projectId,
          permitType: 'permitType' in r.command ? r.command.permitType : null,
          type: action,
          key: r.key,
          payload: { ...details, from: r.from, to: r.to, result },
          actorId: r.actorId,
          onBehalfOfId: r.onBehalfOfId,
          at: now,
        });
        return { result, message };
      });
    },
  };
}

/** Planned dates of the project-level steps still ahead, from the norms (F10). */
async function planProjectSteps(tx: Tx, projectId: string, from: Date) {
  let start = from.getTime();
  for (const [name, days] of Object.entries(PROJECT_STEP_NORM_DAYS)) {
    if (name === 'advice') continue;
    const end = start + days * DAY_MS;
    await tx.step.upsert({
      where: { projectId_permitType_name: { projectId, permitType: '', name } },
      create: { projectId, name, plannedStart: new Date(start), plannedEnd: new Date(end), forecastEnd: new Date(end) },
      update: { plannedStart: new Date(start), plannedEnd: new Date(end), forecastEnd: new Date(end) },
    });
    start = end;
  }
}
