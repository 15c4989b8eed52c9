import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { DAY_MS, DEFAULT_RULES, type SupervisionPhase } from '../../domain/supervision';
import { SeenKeys, Serial } from '../shared/commands';
import { createInvoice } from '../shared/invoicing';
import { ScaledClock } from '../shared/clock';
import {
  supervisionCommandUpdate,
  supervisionReportSignal,
  supervisionStateQuery,
  type ActionState,
  type PlanState,
  type SupervisionAction,
  type SupervisionCommand,
  type SupervisionCycleInput,
  type SupervisionReport,
  type SupervisionView,
} from './messages';

const { openSupervision, applySupervisionCommand, recordSupervisionReport, supervisionTimer } =
  proxyActivities<Activities>({
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '500 ms', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['NotFound'] },
  });

/** Patch: a recorded inspection is invoiced (F20); histories recorded before it replay without. */
const INVOICE_ON_INSPECTION = 'invoice-on-inspection';

interface Wake {
  at: Date;
  what: 'reminder' | 'overdue' | 'actionOverdue';
  /** The planned inspection (reminder, overdue) or corrective action (actionOverdue) it is for. */
  subject: string;
}

/** What each phase accepts; corrective-action commands also need an action in the right state. */
export function allowedSupervisionActions(phase: SupervisionPhase, actions: ActionState[]): SupervisionAction[] {
  if (phase === 'closed') return [];
  const allowed: SupervisionAction[] = ['assignSupervisor', 'recordInspection', 'close'];
  if (phase === 'commissioning') allowed.unshift('editAgenda');
  if (actions.some((a) => a.status !== 'accepted')) allowed.push('submitEvidence');
  if (actions.some((a) => a.status === 'evidenceSubmitted')) allowed.push('reviewEvidence');
  return allowed;
}

/**
 * One supervised site: the commissioning inspection, then recurring risk-based inspections.
 * Every inspection re-assesses the site and sets the next due date; reports between
 * inspections (signals) may bring it forward. Reminders, overdue notices and corrective
 * action deadlines are durable timers on a (test-scalable) clock. Each inspection round
 * ends with continue-as-new, so twenty years of supervision keep a bounded history.
 */
export async function supervisionCycleWorkflow(input: SupervisionCycleInput): Promise<SupervisionView> {
  const id = workflowInfo().workflowId;
  const settings = input.settings ?? {};
  const rules = settings.rules ?? {};
  const carried = input.carried;
  const clock = carried ? new ScaledClock(carried.clock) : ScaledClock.start(settings.timeScale ?? 1);
  const serial = new Serial();
  const seen = new SeenKeys(carried?.seen);
  const reports: SupervisionReport[] = [...(input.pendingReports ?? [])];

  let cycleId = carried?.cycleId ?? null;
  let phase = (carried?.phase ?? 'commissioning') as SupervisionPhase;
  const closed = () => phase === 'closed';
  let plan: PlanState | null = carried?.plan ?? null;
  let lastInspectionAt = carried?.lastInspectionAt ?? null;
  let actions: ActionState[] = carried?.actions ?? [];
  let remindedFor = carried?.remindedFor ?? null;
  let overdueFor = carried?.overdueFor ?? null;
  const round = carried?.round ?? 0;
  let inspected = false;

  const view = (): SupervisionView => ({
    siteId: input.siteId,
    cycleId,
    phase,
    plan,
    lastInspectionAt,
    actions,
    round,
    now: clock.now().toISOString(),
    allowed: allowedSupervisionActions(phase, actions),
  });

  const reject = (message: string) =>
    ApplicationFailure.nonRetryable(message, 'TransitionRejected', {
      step: phase,
      allowed: allowedSupervisionActions(phase, actions),
    });

  const validate = (cmd: SupervisionCommand) => {
    if (seen.has(cmd.idempotencyKey)) return;
    if (!allowedSupervisionActions(phase, actions).includes(cmd.action)) {
      throw reject(`${cmd.action} is not possible while the supervision is ${phase}`);
    }
    if (cmd.action === 'submitEvidence' || cmd.action === 'reviewEvidence') {
      const action = actions.find((a) => a.id === cmd.actionId);
      if (!action) throw reject(`no corrective action ${cmd.actionId} in this cycle`);
      if (action.status === 'accepted') throw reject(`corrective action ${cmd.actionId} is already accepted`);
      if (cmd.action === 'reviewEvidence' && action.status !== 'evidenceSubmitted') {
        throw reject(`corrective action ${cmd.actionId} has no evidence to review`);
      }
    }
  };

  const adopt = (result: { phase?: SupervisionPhase; plan?: PlanState | null; actions?: ActionState[] }) => {
    if (result.phase) phase = result.phase;
    if (result.plan !== undefined) plan = result.plan;
    if (result.actions) actions = result.actions;
  };

  setHandler(supervisionStateQuery, view);
  setHandler(supervisionReportSignal, (report) => {
    reports.push(report);
  });
  setHandler(
    supervisionCommandUpdate,
    (cmd) =>
      serial.run(async () => {
        await condition(() => cycleId !== null);
        if (seen.has(cmd.idempotencyKey)) return view();
        validate(cmd);
        const at = clock.now();
        const result = await applySupervisionCommand({
          cycleId: cycleId!,
          siteId: input.siteId,
          key: `${id}:${cmd.idempotencyKey}`,
          at: at.toISOString(),
          command: cmd,
          plan,
          rules,
        });
        seen.add(cmd.idempotencyKey);
        adopt(result);
        if (cmd.action === 'recordInspection') {
          lastInspectionAt = at.toISOString();
          inspected = true;
          if (patched(INVOICE_ON_INSPECTION)) {
            // The inspection fee follows the class the inspection assessed (activities/invoices.ts);
            // keyed by the inspection, so a retry or replay finds the same invoice.
            try {
              await createInvoice({
                kind: 'inspection',
                cycleId: cycleId!,
                inspectionKey: `${id}:${cmd.idempotencyKey}`,
                at: at.toISOString(),
              });
            } catch (err) {
              if (isCancellation(err)) throw err;
              log.error('invoicing the inspection failed', { siteId: input.siteId, error: String(err) });
            }
          }
        }
        return view();
      }),
    { validator: validate },
  );

  if (!cycleId) {
    const opened = await openSupervision({
      workflowId: id,
      siteId: input.siteId,
      authorityCode: input.authorityCode,
      projectId: input.projectId,
      permitType: input.permitType,
      key: `${id}:${workflowInfo().firstExecutionRunId}:opened`,
      at: clock.now().toISOString(),
      rules,
    });
    plan = opened.plan;
    phase = opened.phase;
    lastInspectionAt = opened.lastInspectionAt;
    cycleId = opened.cycleId;
  }

  /** The next moment a timer matters: a reminder, the due date, or a corrective action's deadline. */
  const nextWake = (): Wake | null => {
    const wakes: Wake[] = [];
    if (plan && remindedFor !== plan.plannedId) {
      const reminderDays = rules.reminderDays ?? DEFAULT_RULES.reminderDays;
      const at = new Date(Date.parse(plan.dueAt) - reminderDays * DAY_MS);
      wakes.push({ at, what: 'reminder', subject: plan.plannedId });
    }
    if (plan && overdueFor !== plan.plannedId) {
      wakes.push({ at: new Date(plan.dueAt), what: 'overdue', subject: plan.plannedId });
    }
    for (const a of actions) {
      if (a.status === 'open') wakes.push({ at: new Date(a.deadline), what: 'actionOverdue', subject: a.id });
    }
    wakes.sort((a, b) => a.at.getTime() - b.at.getTime());
    return wakes[0] ?? null;
  };

  /** A wake computed before waiting may be stale by the time it runs (a command changed the plan). */
  const stillDue = (wake: Wake) =>
    !closed() &&
    !inspected &&
    (wake.what === 'actionOverdue'
      ? actions.some((a) => a.id === wake.subject && a.status === 'open')
      : plan?.plannedId === wake.subject);

  const tooLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (settings.historyLimit ?? 10_000);

  while (!closed() && !inspected && !tooLong()) {
    const wake = nextWake();
    const woke = () => reports.length > 0 || closed() || inspected;
    let timedOut = false;
    if (!wake) await condition(woke);
    else if (wake.at <= clock.now()) timedOut = true;
    else timedOut = !(await condition(woke, clock.msUntil(wake.at)));
    if (reports.length > 0) {
      const report = reports.shift()!;
      await serial.run(async () => {
        if (seen.has(report.idempotencyKey) || closed()) return;
        seen.add(report.idempotencyKey);
        const result = await recordSupervisionReport({
          cycleId: cycleId!,
          siteId: input.siteId,
          key: `${id}:report:${report.idempotencyKey}`,
          at: clock.now().toISOString(),
          report,
          plan,
          lastInspectionAt,
          rules,
        });
        adopt(result);
      });
    } else if (timedOut && wake) {
      await serial.run(async () => {
        if (!stillDue(wake)) return;
        const subject = wake.subject;
        const result = await supervisionTimer({
          cycleId: cycleId!,
          siteId: input.siteId,
          key: `${id}:${wake.what}:${subject}`,
          at: clock.now().toISOString(),
          kind: wake.what,
          plannedId: plan?.plannedId ?? null,
          actionId: wake.what === 'actionOverdue' ? subject : null,
          plan,
          rules,
        });
        if (wake.what === 'reminder') remindedFor = subject;
        if (wake.what === 'overdue') overdueFor = subject;
        adopt(result);
      });
    }
  }

  await condition(allHandlersFinished);
  if (closed()) return view();
  // One run per inspection round (or a long quiet stretch): carry the state, drop the history.
  return continueAsNew<typeof supervisionCycleWorkflow>({
    ...input,
    carried: {
      cycleId: cycleId!,
      phase,
      plan: plan!,
      lastInspectionAt,
      actions,
      seen: seen.toJSON(),
      clock: clock.anchor,
      remindedFor,
      overdueFor,
      round: inspected ? round + 1 : round,
    },
    // Reports that arrived while the run was ending go on to the next run.
    pendingReports: reports.filter((r) => !seen.has(r.idempotencyKey)),
  });
}
