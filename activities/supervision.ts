/**
 * Activities of supervisionCycleWorkflow. Each one is a single transaction keyed by an
 * idempotency key: the rows it writes, the cycle's timeline event (which stores the result)
 * and the notifications. A retry returns the first run's result and writes nothing.
 * Times come from the workflow (`at`), so a simulated clock stays consistent with the rows.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { addDays } from 'date-fns';
import type { Prisma } from '../prisma/generated/client';
import type { Tx } from '../platform/db';
import { RiskInputError, type Assessment } from '../domain/risk';
import {
  DEFAULT_RULES,
  assertActionChange,
  followUpFor,
  observationAlert,
  planAfterInspection,
  replanBetweenInspections,
  type ActionStatus,
  type PlanEntry,
  type SupervisionPhase,
  type SupervisionRules,
} from '../domain/supervision';
import type {
  ActionState,
  PlanState,
  SupervisionCommand,
  SupervisionReport,
} from '../workflows/supervision-cycle/messages';
import { UnknownModelError, storeAssessment, type StoreAssessmentArgs } from './assessment';
import { appendRoomEvent, auditChange, notify, takeRequestId } from './timeline';
import type { ActivityDeps } from './types';

export interface SupervisionResult {
  phase?: SupervisionPhase;
  plan?: PlanState | null;
  actions?: ActionState[];
}

interface CycleEvent {
  cycleId: string;
  type: string;
  payload: object;
  at: Date;
  actorId?: string;
  onBehalfOfId?: string;
  requestId?: string;
}

const rulesOf = (partial: Partial<SupervisionRules> | undefined): SupervisionRules => ({
  ...DEFAULT_RULES,
  ...partial,
});

const json = (value: unknown) => value as Prisma.InputJsonValue;

/** Runs `write` once per key; the cycle event stores the result that retries return. */
async function cycleWriteOnce<R>(
  deps: Pick<ActivityDeps, 'db' | 'events'>,
  key: string,
  write: (tx: Tx) => Promise<{ result: R; event: CycleEvent }>,
): Promise<R> {
  let room: string | null = null;
  const result = await deps.db.$transaction(async (tx) => {
    const earlier = await tx.supervisionEvent.findUnique({ where: { idempotencyKey: key } });
    if (earlier) return (earlier.payload as { result: R }).result;
    const { result, event } = await write(tx);
    await auditChange(tx, {
      action: event.type,
      entity: 'SupervisionCycle',
      entityId: event.cycleId,
      details: event.payload as Record<string, unknown>,
      actorId: event.actorId,
      onBehalfOfId: event.onBehalfOfId,
      requestId: event.requestId,
      at: event.at,
    });
    await tx.supervisionEvent.create({
      data: {
        cycleId: event.cycleId,
        type: event.type,
        payload: json({ ...event.payload, result }),
        actorId: event.actorId,
        occurredAt: event.at,
        idempotencyKey: key,
      },
    });
    // Live: the site's room (the company and the supervising authority, like GET …/supervision).
    const { siteId } = await tx.supervisionCycle.findUniqueOrThrow({
      where: { id: event.cycleId },
      select: { siteId: true },
    });
    room = `site:${siteId}`;
    await appendRoomEvent(tx, room, 'supervision', {
      siteId,
      cycleId: event.cycleId,
      type: event.type,
      at: event.at.toISOString(),
      payload: event.payload,
    });
    return result;
  });
  if (room) deps.events?.wake?.(room);
  return result;
}

const planState = (row: {
  id: string;
  kind: string;
  dueAt: Date;
  reason: unknown;
  riskClass: string | null;
  frequencyPerYear: number | null;
}): PlanState => ({
  plannedId: row.id,
  kind: row.kind as PlanState['kind'],
  dueAt: row.dueAt.toISOString(),
  reason: row.reason as PlanState['reason'],
  riskClass: row.riskClass,
  frequencyPerYear: row.frequencyPerYear,
});

const planEntry = (plan: PlanState): PlanEntry => ({
  kind: plan.kind,
  dueAt: new Date(plan.dueAt),
  reason: plan.reason,
  riskClass: plan.riskClass,
  frequencyPerYear: plan.frequencyPerYear,
});

/** Replaces the planned inspection (kept for the record) and updates the cycle's summary. */
async function writePlan(
  tx: Tx,
  cycle: { id: string; supervisorName: string },
  entry: PlanEntry,
  key: string,
  at: Date,
): Promise<PlanState> {
  await tx.plannedInspection.updateMany({
    where: { cycleId: cycle.id, status: 'planned' },
    data: { status: 'replaced' },
  });
  const row = await tx.plannedInspection.create({
    data: {
      cycleId: cycle.id,
      kind: entry.kind,
      dueAt: entry.dueAt,
      reason: json(entry.reason),
      riskClass: entry.riskClass,
      frequencyPerYear: entry.frequencyPerYear,
      supervisorName: cycle.supervisorName,
      createdAt: at,
      idempotencyKey: `${key}:plan`,
    },
  });
  await tx.supervisionCycle.update({
    where: { id: cycle.id },
    data: { nextDueAt: entry.dueAt, riskClass: entry.riskClass, frequencyPerYear: entry.frequencyPerYear },
  });
  return planState(row);
}

/**
 * Assesses the site with its current data — the latest grade of every factor, the activity
 * profile, findings, and the factors the model derives from recent reports — and stores the
 * assessment with the model version it used.
 */
/** Stores the site's assessment; engine refusals become non-retryable workflow failures. */
async function assessSite(tx: Tx, args: StoreAssessmentArgs): Promise<Assessment> {
  try {
    return await storeAssessment(tx, args);
  } catch (err) {
    if (err instanceof UnknownModelError) throw ApplicationFailure.nonRetryable(err.message, 'NotFound');
    if (err instanceof RiskInputError) {
      throw ApplicationFailure.nonRetryable(err.message, 'RiskInputError', { field: err.field });
    }
    throw err;
  }
}

async function actionStates(tx: Tx, cycleId: string): Promise<ActionState[]> {
  const rows = await tx.correctiveAction.findMany({
    where: { cycleId, status: { not: 'accepted' } },
    orderBy: { deadline: 'asc' },
  });
  return rows.map((a) => ({ id: a.id, deadline: a.deadline.toISOString(), status: a.status as ActionStatus }));
}

/** The people a cycle informs: the operator's organisation and the responsible supervisor. */
async function informParties(
  tx: Tx,
  cycle: { id: string; projectId: string | null; supervisorEmail: string; site: { organisationId: string } },
  n: { kind: string; payload: object; key: string; at: Date; to: ('organisation' | 'supervisor')[] },
) {
  for (const to of n.to) {
    await notify(tx, {
      projectId: cycle.projectId,
      recipientKind: to,
      recipient: to === 'organisation' ? cycle.site.organisationId : cycle.supervisorEmail,
      kind: n.kind,
      payload: { cycleId: cycle.id, ...n.payload },
      key: `${n.key}:${to}`,
      at: n.at,
    });
  }
}

export function createSupervisionActivities({ db, events }: ActivityDeps) {
  const cycleOf = (tx: Tx, cycleId: string) =>
    tx.supervisionCycle.findUniqueOrThrow({ where: { id: cycleId }, include: { site: true } });

  return {
    /** Opens the cycle: the responsible supervisor, the commissioning inspection in the plan. */
    async openSupervision(input: {
      workflowId: string;
      siteId: string;
      authorityCode: string;
      projectId?: string;
      permitType?: string;
      key: string;
      at: string;
      rules?: Partial<SupervisionRules>;
    }): Promise<{ cycleId: string; phase: SupervisionPhase; plan: PlanState; lastInspectionAt: string | null }> {
      const at = new Date(input.at);
      const rules = rulesOf(input.rules);
      return cycleWriteOnce({ db, events }, input.key, async (tx) => {
        const site = await tx.site.findUnique({ where: { id: input.siteId } });
        if (!site) throw ApplicationFailure.nonRetryable(`site ${input.siteId} not found`, 'NotFound');
        const authority = await tx.authority.findUnique({
          where: { code: input.authorityCode },
          include: { users: { where: { role: 'SUPERVISOR' }, orderBy: { name: 'asc' }, take: 1 } },
        });
        if (!authority) throw ApplicationFailure.nonRetryable(`authority ${input.authorityCode} not found`, 'NotFound');
        const person = authority.users[0];
        const cycle = await tx.supervisionCycle.create({
          data: {
            siteId: site.id,
            workflowId: input.workflowId,
            authorityCode: authority.code,
            projectId: input.projectId ?? site.projectId,
            permitType: input.permitType,
            phase: 'commissioning',
            supervisorName: person?.name ?? authority.nameFi,
            supervisorEmail: person?.email ?? authority.email,
            supervisorPhone: authority.phone ?? '',
            startedAt: at,
            idempotencyKey: input.key,
          },
          include: { site: true },
        });
        const plan = await writePlan(
          tx,
          cycle,
          {
            kind: 'commissioning',
            dueAt: addDays(at, rules.commissioningDays),
            reason: { code: 'commissioning' },
            riskClass: null,
            frequencyPerYear: null,
          },
          input.key,
          at,
        );
        await informParties(tx, cycle, {
          kind: 'supervisionOpened',
          payload: { siteId: site.id, siteName: site.name, dueAt: plan.dueAt, supervisor: cycle.supervisorName },
          key: input.key,
          at,
          to: ['organisation', 'supervisor'],
        });
        return {
          result: { cycleId: cycle.id, phase: 'commissioning' as const, plan, lastInspectionAt: null },
          event: { cycleId: cycle.id, type: 'supervisionOpened', payload: { siteId: site.id }, at },
        };
      });
    },

    /** One command of the authority or the operator, in one transaction. */
    async applySupervisionCommand(input: {
      cycleId: string;
      siteId: string;
      key: string;
      at: string;
      command: SupervisionCommand;
      plan: PlanState | null;
      rules?: Partial<SupervisionRules>;
    }): Promise<SupervisionResult> {
      const at = new Date(input.at);
      const { idempotencyKey: _k, actorId, onBehalfOfId, ...withRequest } = input.command;
      const { requestId, rest: command } = takeRequestId(withRequest);
      return cycleWriteOnce<SupervisionResult>({ db, events }, input.key, async (tx) => {
        const cycle = await cycleOf(tx, input.cycleId);
        const event = (payload: object) => ({
          cycleId: cycle.id,
          type: command.action,
          payload,
          at,
          actorId,
          onBehalfOfId,
          requestId: requestId ?? undefined,
        });
        switch (command.action) {
          case 'editAgenda': {
            await tx.supervisionCycle.update({ where: { id: cycle.id }, data: { agenda: json(command.items) } });
            return { result: {}, event: event({ items: command.items.length }) };
          }
          case 'assignSupervisor': {
            const s = command.supervisor;
            await tx.supervisionCycle.update({
              where: { id: cycle.id },
              data: { supervisorName: s.name, supervisorEmail: s.email, supervisorPhone: s.phone },
            });
            await tx.plannedInspection.updateMany({
              where: { cycleId: cycle.id, status: 'planned' },
              data: { supervisorName: s.name },
            });
            return { result: {}, event: event({ supervisor: s.name }) };
          }
          case 'recordInspection': {
            const kind = input.plan?.kind ?? 'recurring';
            const inspection = await tx.inspection.create({
              data: {
                siteId: cycle.siteId,
                cycleId: cycle.id,
                kind,
                method: command.method,
                inspectedAt: at,
                inspector: command.inspector,
                grades: json(command.grades),
                present: command.present,
                notes: command.notes ?? '',
                idempotencyKey: input.key,
              },
            });
            for (const f of command.findings) {
              const finding = await tx.finding.create({
                data: { inspectionId: inspection.id, factorId: f.factorId, description: f.description, grade: f.grade },
              });
              if (f.correctiveAction) {
                await tx.correctiveAction.create({
                  data: {
                    cycleId: cycle.id,
                    findingId: finding.id,
                    description: f.correctiveAction.description,
                    deadline: addDays(at, f.correctiveAction.deadlineDays),
                    createdAt: at,
                  },
                });
              }
            }
            const assessment = await assessSite(tx, {
              siteId: cycle.siteId,
              cycleId: cycle.id,
              at,
              reason: 'inspection',
              key: input.key,
            });
            await tx.plannedInspection.updateMany({
              where: { cycleId: cycle.id, status: 'planned' },
              data: { status: 'done' },
            });
            await tx.supervisionCycle.update({
              where: { id: cycle.id },
              data: { phase: 'supervising', lastInspectionAt: at },
            });
            const plan = await writePlan(tx, cycle, planAfterInspection(at, assessment), input.key, at);
            const actions = await actionStates(tx, cycle.id);
            await informParties(tx, cycle, {
              kind: 'inspectionRecorded',
              payload: {
                inspectionId: inspection.id,
                riskClass: assessment.riskClass,
                nextDueAt: plan.dueAt,
                correctiveActions: actions.length,
              },
              key: input.key,
              at,
              to: ['organisation'],
            });
            return {
              result: { phase: 'supervising' as const, plan, actions },
              event: event({
                inspectionId: inspection.id,
                kind,
                classified: assessment.classified,
                riskClass: assessment.riskClass,
                frequencyPerYear: assessment.frequencyPerYear,
                missing: assessment.missing,
                nextDueAt: plan.dueAt,
              }),
            };
          }
          case 'submitEvidence':
          case 'reviewEvidence': {
            const action = await tx.correctiveAction.findFirst({ where: { id: command.actionId, cycleId: cycle.id } });
            if (!action) throw ApplicationFailure.nonRetryable(`corrective action ${command.actionId}`, 'NotFound');
            try {
              assertActionChange(action.status as ActionStatus, command.action);
            } catch (err) {
              throw ApplicationFailure.nonRetryable((err as Error).message, 'TransitionRejected');
            }
            if (command.action === 'submitEvidence') {
              const evidence = [
                ...(action.evidence as object[]),
                ...command.evidence.map((e) => ({ ...e, submittedAt: at.toISOString() })),
              ];
              await tx.correctiveAction.update({
                where: { id: action.id },
                data: { status: 'evidenceSubmitted', evidence: json(evidence) },
              });
              await informParties(tx, cycle, {
                kind: 'evidenceSubmitted',
                payload: { actionId: action.id, items: command.evidence.length },
                key: input.key,
                at,
                to: ['supervisor'],
              });
            } else {
              // Rejected evidence reopens the action; past its deadline it is overdue at once.
              const status = command.accepted ? 'accepted' : action.deadline <= at ? 'overdue' : 'open';
              await tx.correctiveAction.update({
                where: { id: action.id },
                data: { status, reviewNote: command.note ?? null, acceptedAt: command.accepted ? at : null },
              });
              await informParties(tx, cycle, {
                kind: command.accepted ? 'correctiveActionAccepted' : 'evidenceRejected',
                payload: { actionId: action.id, note: command.note ?? null },
                key: input.key,
                at,
                to: ['organisation'],
              });
            }
            return {
              result: { actions: await actionStates(tx, cycle.id) },
              event: event({
                actionId: action.id,
                ...(command.action === 'reviewEvidence' ? { accepted: command.accepted } : {}),
              }),
            };
          }
          case 'close': {
            await tx.supervisionCycle.update({
              where: { id: cycle.id },
              data: { phase: 'closed', closedAt: at, closeReason: command.reason, nextDueAt: null },
            });
            await tx.plannedInspection.updateMany({
              where: { cycleId: cycle.id, status: 'planned' },
              data: { status: 'cancelled' },
            });
            if (command.reason === 'businessClosed') {
              await tx.site.update({ where: { id: cycle.siteId }, data: { status: 'closed' } });
            }
            await informParties(tx, cycle, {
              kind: 'supervisionClosed',
              payload: { reason: command.reason },
              key: input.key,
              at,
              to: ['organisation', 'supervisor'],
            });
            return { result: { phase: 'closed' as const, plan: null }, event: event({ reason: command.reason }) };
          }
        }
      });
    },

    /**
     * A report between inspections: stored, the site re-assessed, the next inspection
     * brought forward when the risk rose, and an alert when citizen observations pile up.
     */
    async recordSupervisionReport(input: {
      cycleId: string;
      siteId: string;
      key: string;
      at: string;
      report: SupervisionReport;
      plan: PlanState | null;
      lastInspectionAt: string | null;
      rules?: Partial<SupervisionRules>;
    }): Promise<SupervisionResult & { alert: { count: number; windowDays: number } | null }> {
      const at = new Date(input.at);
      const rules = rulesOf(input.rules);
      const { report } = input;
      return cycleWriteOnce({ db, events }, input.key, async (tx) => {
        const cycle = await cycleOf(tx, input.cycleId);
        const observedAt = report.observedAt ? new Date(report.observedAt) : at;
        await tx.observation.create({
          data: {
            siteId: cycle.siteId,
            cycleId: cycle.id,
            kind: report.kind,
            description: report.description,
            deviation: report.deviation ?? false,
            nearMiss: report.nearMiss ?? false,
            observedAt: observedAt > at ? at : observedAt,
            receivedAt: at,
            reporterId: report.reporterId,
            anonymous: report.anonymous ?? true,
            payload: json({
              ...(report.activity ? { activity: report.activity } : {}),
              ...(report.location ? { location: report.location } : {}),
              ...(report.photo ? { photo: report.photo } : {}),
            }),
            idempotencyKey: input.key,
          },
        });
        if (report.kind === 'incident' && !report.nearMiss && cycle.site.latitude !== null) {
          // F41: residents who follow an area around the site hear of the incident; the
          // company's description stays with supervision, the alert names the site and day.
          await notify(tx, {
            projectId: cycle.projectId,
            recipientKind: 'siteArea',
            recipient: cycle.siteId,
            kind: 'incidentReported',
            payload: { siteId: cycle.siteId, title: cycle.site.name, observedAt: observedAt.toISOString() },
            key: `${input.key}:area`,
            at,
          });
        }
        if (report.kind === 'profileChange' && report.activity) {
          await tx.site.update({ where: { id: cycle.siteId }, data: { activity: report.activity } });
        }
        const assessment = await assessSite(tx, {
          siteId: cycle.siteId,
          cycleId: cycle.id,
          at,
          reason: report.kind,
          key: input.key,
        });
        const replanned = input.plan
          ? replanBetweenInspections({
              current: planEntry(input.plan),
              lastInspectionAt: input.lastInspectionAt ? new Date(input.lastInspectionAt) : null,
              assessment,
              now: at,
              trigger: report.kind,
              rules,
            })
          : null;
        const plan = replanned ? await writePlan(tx, cycle, replanned, input.key, at) : input.plan;
        let alert: { count: number; windowDays: number } | null = null;
        if (report.kind === 'citizenObservation') {
          const recent = await tx.observation.findMany({
            where: {
              siteId: cycle.siteId,
              kind: 'citizenObservation',
              observedAt: { gt: addDays(at, -rules.observationAlertWindowDays), lte: at },
            },
            select: { observedAt: true },
          });
          alert = observationAlert(
            recent.map((o) => o.observedAt),
            at,
            rules,
          );
        }
        if (alert || report.kind === 'incident' || (report.kind === 'selfMonitoring' && report.deviation)) {
          await informParties(tx, cycle, {
            kind: alert
              ? 'observationAlert'
              : report.kind === 'incident'
                ? 'incidentReported'
                : 'selfMonitoringDeviation',
            payload: { ...(alert ?? {}), description: report.description, nextDueAt: plan?.dueAt ?? null },
            key: input.key,
            at,
            to: ['supervisor'],
          });
        }
        if (replanned) {
          await informParties(tx, cycle, {
            kind: 'inspectionBroughtForward',
            payload: { dueAt: plan!.dueAt, previousDueAt: input.plan!.dueAt },
            key: `${input.key}:forward`,
            at,
            to: ['organisation', 'supervisor'],
          });
        }
        return {
          result: { plan, alert },
          event: {
            cycleId: cycle.id,
            type: report.kind,
            payload: {
              riskClass: assessment.riskClass,
              frequencyPerYear: assessment.frequencyPerYear,
              broughtForward: Boolean(replanned),
              alert: Boolean(alert),
            },
            at,
          },
        };
      });
    },

    /** A timer fired: a reminder before the inspection (F39), the due date passed, or a deadline. */
    async supervisionTimer(input: {
      cycleId: string;
      siteId: string;
      key: string;
      at: string;
      kind: 'reminder' | 'overdue' | 'actionOverdue';
      plannedId: string | null;
      actionId: string | null;
      plan: PlanState | null;
      rules?: Partial<SupervisionRules>;
    }): Promise<SupervisionResult> {
      const at = new Date(input.at);
      const rules = rulesOf(input.rules);
      return cycleWriteOnce<SupervisionResult>({ db, events }, input.key, async (tx) => {
        const cycle = await cycleOf(tx, input.cycleId);
        const event = (payload: object) => ({ cycleId: cycle.id, type: input.kind, payload, at });
        if (input.kind === 'actionOverdue') {
          const action = await tx.correctiveAction.findFirst({ where: { id: input.actionId!, cycleId: cycle.id } });
          if (!action || action.status !== 'open') {
            return { result: { actions: await actionStates(tx, cycle.id) }, event: event({ skipped: true }) };
          }
          await tx.correctiveAction.update({ where: { id: action.id }, data: { status: 'overdue' } });
          const followUp = input.plan ? followUpFor(planEntry(input.plan), action, rules) : null;
          const plan = followUp ? await writePlan(tx, cycle, followUp, input.key, at) : input.plan;
          await informParties(tx, cycle, {
            kind: 'correctiveActionOverdue',
            payload: {
              actionId: action.id,
              deadline: action.deadline.toISOString(),
              followUpDueAt: followUp ? plan!.dueAt : null,
            },
            key: input.key,
            at,
            to: ['organisation', 'supervisor'],
          });
          return {
            result: { plan, actions: await actionStates(tx, cycle.id) },
            event: event({ actionId: action.id, followUp: Boolean(followUp) }),
          };
        }
        const planned = input.plannedId
          ? await tx.plannedInspection.findUnique({ where: { id: input.plannedId } })
          : null;
        if (!planned || planned.status !== 'planned') return { result: {}, event: event({ skipped: true }) };
        await informParties(tx, cycle, {
          kind: input.kind === 'reminder' ? 'inspectionReminder' : 'inspectionOverdue',
          payload: { plannedId: planned.id, dueAt: planned.dueAt.toISOString(), inspectionKind: planned.kind },
          key: input.key,
          at,
          to: input.kind === 'reminder' ? ['organisation', 'supervisor'] : ['supervisor'],
        });
        return { result: {}, event: event({ plannedId: planned.id, dueAt: planned.dueAt.toISOString() }) };
      });
    },
  };
}
