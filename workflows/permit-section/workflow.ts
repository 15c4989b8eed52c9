import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import {
  allowedSectionActions,
  assertSectionAllowed,
  initialSectionState,
  nextSectionStep,
  sectionSettled,
  type SectionState,
  type SectionStep,
} from '../../domain/permit-section';
import type { Activities, SectionEvent } from '../../activities';
import { SeenKeys, Serial, workflowNow } from '../shared/commands';
import { createInvoice } from '../shared/invoicing';
import { permitSettledSignal } from '../permit-project/messages';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { supervisionWorkflowId } from '../supervision-cycle/messages';

/** Patch: a fired hearing or appeal timer ends the period whatever the activation's clock says. */
const TIMER_ENDS_PERIOD = 'timer-ends-period';
/** Patches: the decision fee is invoiced when the decision is made, or the notification accepted (F20). */
const INVOICE_ON_DECISION = 'invoice-on-decision';
const INVOICE_ON_NOTIFICATION = 'invoice-on-notification';
import { supervisionCycleWorkflow } from '../supervision-cycle/workflow';
import {
  sectionCommandUpdate,
  sectionStateQuery,
  type PermitSectionInput,
  type SectionCommand,
  type SectionView,
} from './messages';

const { preparePermit, recordSectionEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['NotFound'] },
});
// The hand-over creates the supervision case; it may wait on another service, so it gets longer.
const { startSupervisionCycle } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One permit section's own cycle (processing → hearing → replies → draft review →
 * decision → service → appeal → final), or the low-risk notification path. Commands
 * arrive as updates; the notice and appeal periods are durable timers.
 */
export async function permitSectionWorkflow(input: PermitSectionInput): Promise<SectionView> {
  const id = workflowInfo().workflowId;
  const serial = new Serial();
  const seen = new SeenKeys(input.carried?.seen);
  const settings = input.settings ?? {};
  // Handlers are registered before the first await (updates may arrive with the start), so the
  // state exists from the outset and `ready` holds commands until the section is prepared.
  let state: SectionState = input.carried?.state ?? initialSectionState(false);
  let ready = Boolean(input.carried);
  let appealEndsAt = input.carried?.appealEndsAt ?? null;
  let appealDays = input.carried?.appealDays ?? 30;
  let lastCreatedId: string | undefined;

  const view = (): SectionView => ({
    projectId: input.projectId,
    permitType: input.permitType,
    step: state.step,
    ready,
    openInfoRequests: state.openInfoRequests,
    notice: state.notice,
    decision: state.decision,
    appealEndsAt,
    allowed: allowedSectionActions(state, workflowNow()),
    createdId: lastCreatedId,
  });

  const record = (key: string, event: SectionEvent, from: SectionStep, to: SectionStep, cmd?: SectionCommand) =>
    recordSectionEvent({
      projectId: input.projectId,
      permitType: input.permitType,
      key,
      event,
      from,
      to,
      actorId: cmd?.actorId,
      onBehalfOfId: cmd?.onBehalfOfId,
    });

  const report = async () => {
    try {
      await getExternalWorkflowHandle(input.parentWorkflowId).signal(permitSettledSignal, {
        permitType: input.permitType,
        outcome: state.step === 'notified' ? 'notified' : state.step === 'final' ? 'final' : 'cancelled',
        decision: state.decision ?? undefined,
      });
    } catch {
      // The project has ended (cancelled); it no longer waits for this section.
    }
  };

  const handOver = async () => {
    const handed = await startSupervisionCycle({
      projectId: input.projectId,
      permitType: input.permitType,
      authorityCode: input.authorityCode,
      procedure: state.step === 'notified' ? 'notification' : 'permit',
      decision: state.decision,
      idempotencyKey: `${id}:supervision`,
    });
    // Added while sections were running: histories recorded before it replay without the child.
    if (patched('supervision-cycle-child') && handed.siteId) {
      try {
        await startChild(supervisionCycleWorkflow, {
          workflowId: supervisionWorkflowId(handed.siteId),
          args: [
            {
              siteId: handed.siteId,
              authorityCode: input.authorityCode,
              projectId: input.projectId,
              permitType: input.permitType,
              settings: settings.supervision,
            },
          ],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
      } catch (err) {
        // A retried hand-over finds the site's cycle already running: that is the one.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
  };

  /**
   * The fee falls due with the decision (the processing is what is charged for, so an appeal
   * does not postpone it). The activity is keyed by the permit: a retry or a replay returns the
   * same invoice. A failed invoice must not undo the decision: it is logged for the authority.
   */
  const invoiceDue = async (outcome: 'permit' | 'notification' | 'rejected') => {
    try {
      await createInvoice({ kind: 'permit', projectId: input.projectId, permitType: input.permitType, outcome });
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.error('invoicing the decision fee failed', { permitType: input.permitType, error: String(err) });
    }
  };

  const check = (cmd: SectionCommand) => {
    try {
      assertSectionAllowed(state, cmd.action, {
        now: workflowNow(),
        requestId: cmd.action === 'answerInfo' ? cmd.requestId : undefined,
        closesAt: cmd.action === 'startHearing' ? cmd.closesAt : undefined,
      });
    } catch (err) {
      throw ApplicationFailure.nonRetryable((err as Error).message, 'TransitionRejected', {
        step: state.step,
        allowed: allowedSectionActions(state, workflowNow()),
      });
    }
  };

  const handle = (cmd: SectionCommand): Promise<SectionView> =>
    serial.run(async () => {
      await condition(() => ready);
      if (seen.has(cmd.idempotencyKey)) return view();
      if (cmd.action === 'cancel' && state.step === 'cancelled') return view();
      check(cmd);
      seen.add(cmd.idempotencyKey);
      const { idempotencyKey, actorId: _a, onBehalfOfId: _o, ...event } = cmd;
      const from = state.step;
      const to = nextSectionStep(state, cmd.action, cmd.action === 'reviewDraft' ? cmd.accepted : undefined);
      const createdId = cmd.action === 'requestInfo' || cmd.action === 'comment' ? uuid4() : undefined;
      await record(`${id}:${idempotencyKey}`, { ...event, createdId } as SectionEvent, from, to, cmd);
      if (cmd.action === 'requestInfo' && createdId) state.openInfoRequests = [...state.openInfoRequests, createdId];
      if (cmd.action === 'answerInfo')
        state.openInfoRequests = state.openInfoRequests.filter((r) => r !== cmd.requestId);
      if (cmd.action === 'startHearing')
        state.notice = { opensAt: new Date(workflowNow()).toISOString(), closesAt: cmd.closesAt };
      if (cmd.action === 'decide') state.decision = cmd.decision;
      state.step = to;
      if (cmd.action === 'decide' && patched(INVOICE_ON_DECISION)) {
        await invoiceDue(cmd.decision === 'rejected' ? 'rejected' : 'permit');
      }
      lastCreatedId = createdId;
      const result = view();
      lastCreatedId = undefined;
      return result;
    });

  setHandler(sectionCommandUpdate, handle, {
    validator: (cmd) => {
      if (!ready || seen.has(cmd.idempotencyKey)) return; // checked again when it runs
      if (cmd.action === 'cancel' && state.step === 'cancelled') return;
      check(cmd);
    },
  });
  setHandler(sectionStateQuery, view);

  if (!ready) {
    const prepared = await preparePermit({
      projectId: input.projectId,
      permitType: input.permitType,
      key: `${id}:prepared`,
    });
    appealDays = prepared.appealDays;
    state = initialSectionState(prepared.hearing);
    if (prepared.notification) {
      // F16 low risk and the type allows it: no hearing, no decision, straight to supervision.
      await record(`${id}:notified`, { action: 'notified' }, 'processing', 'notified');
      state.step = 'notified';
      if (patched(INVOICE_ON_NOTIFICATION)) await invoiceDue('notification');
    }
    ready = true;
  }

  const tooLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (settings.historyLimit ?? 10_000);

  try {
    while (!sectionSettled(state.step) && !tooLong()) {
      const step = state.step;
      if (step === 'hearing' && state.notice) {
        const closesAt = Date.parse(state.notice.closesAt);
        // The timer firing ends the period (`woken` is false then), whatever the clock of the
        // activation that delivers it says: after a worker died, that activation can carry an
        // earlier time (e.g. when a query replays the history before the next workflow task
        // starts) than a later replay of the same history, and a decision taken on the clock
        // alone then differs between the two (a nondeterminism error every other worker hits).
        const woken = await condition(
          () => state.step !== 'hearing' || tooLong(),
          Math.max(closesAt - workflowNow(), 1),
        );
        // Patched: histories recorded before this change decided on the clock alone.
        if (state.step === 'hearing' && ((!woken && patched(TIMER_ENDS_PERIOD)) || workflowNow() >= closesAt)) {
          await serial.run(async () => {
            await record(
              `${id}:hearing-closed:${state.notice?.closesAt}`,
              { action: 'hearingClosed' },
              'hearing',
              'replies',
            );
            state.step = 'replies';
          });
        }
      } else if (step === 'service') {
        await serial.run(async () => {
          const periodMs =
            settings.appealPeriodSeconds !== undefined ? settings.appealPeriodSeconds * 1000 : appealDays * DAY_MS;
          const served = await record(
            `${id}:served`,
            { action: 'served', appealPeriodMs: periodMs },
            'service',
            'appeal',
          );
          appealEndsAt = served.appealEndsAt ?? new Date(workflowNow() + periodMs).toISOString();
          state.step = 'appeal';
        });
      } else if (step === 'appeal' && appealEndsAt) {
        const endsAt = Date.parse(appealEndsAt);
        // As for the hearing: the fired timer ends the appeal period, not the activation's clock.
        const woken = await condition(() => state.step !== 'appeal' || tooLong(), Math.max(endsAt - workflowNow(), 1));
        if (state.step === 'appeal' && ((!woken && patched(TIMER_ENDS_PERIOD)) || workflowNow() >= endsAt)) {
          await serial.run(async () => {
            await record(`${id}:final`, { action: 'final' }, 'appeal', 'final');
            state.step = 'final';
          });
        }
      } else {
        await condition(() => state.step !== step || tooLong());
      }
    }
    await condition(allHandlersFinished);
    if (!sectionSettled(state.step)) {
      return await continueAsNew<typeof permitSectionWorkflow>({
        ...input,
        carried: { state, seen: seen.toJSON(), appealEndsAt, appealDays },
      });
    }
    if (state.step === 'notified' || (state.step === 'final' && state.decision !== 'rejected')) await handOver();
    await report();
    return view();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The project was cancelled (F11): record it, whatever step this section was in, then stop.
    await CancellationScope.nonCancellable(async () => {
      if (state.step !== 'cancelled') {
        const from = state.step;
        state.step = 'cancelled';
        await record(`${id}:cancelled`, { action: 'cancel', reason: 'project cancelled' }, from, 'cancelled');
      }
    });
    throw err;
  }
}
