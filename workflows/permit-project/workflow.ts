import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  allowedActions,
  assertAllowed,
  initialProjectState,
  nextStep,
  stepAfterSettlement,
  type ProjectState,
} from '../../domain/permit-project';
import type { Activities } from '../../activities';
import { SeenKeys, Serial, workflowNow } from '../shared/commands';
import { sectionWorkflowId, type PermitSectionInput } from '../permit-section/messages';
import { archiveWorkflowId, type ArchiveInput } from '../archive/messages';
import {
  permitSettledSignal,
  projectCommandUpdate,
  stateQuery,
  type PermitProjectInput,
  type ProjectCommand,
  type ProjectView,
} from './messages';

const { applyProjectCommand } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['NotFound'] },
});

/** The workflow type name the API starts; children are permitSectionWorkflow. */
export async function permitProjectWorkflow(input: PermitProjectInput): Promise<ProjectView> {
  const state: ProjectState = input.carried?.state ?? initialProjectState(input.permits);
  const seen = new SeenKeys(input.carried?.seen);
  let receiptNumber = input.carried?.receiptNumber ?? null;
  const serial = new Serial();
  const settings = input.settings ?? {};

  const view = (): ProjectView => ({
    projectId: input.projectId,
    step: state.step,
    permits: state.permits,
    draft: state.draft,
    submitted: state.submitted,
    allowed: allowedActions(state),
    receiptNumber,
  });

  const check = (cmd: ProjectCommand) => {
    try {
      assertAllowed(state, cmd.action, {
        permitType: 'permitType' in cmd ? cmd.permitType : undefined,
        authorityCode: cmd.action === 'confirmKickoff' ? cmd.authorityCode : undefined,
      });
    } catch (err) {
      // An ended case allows nothing, also while the workflow is still finishing (starting its
      // archive): the same answer the API gives once the workflow has completed.
      const over = state.step === 'completed' || state.step === 'cancelled';
      throw ApplicationFailure.nonRetryable((err as Error).message, 'TransitionRejected', {
        step: state.step,
        allowed: over ? [] : allowedActions(state),
      });
    }
  };

  const startSection = async (permitType: string, authorityCode: string) => {
    const child: PermitSectionInput = {
      projectId: input.projectId,
      permitType,
      authorityCode,
      parentWorkflowId: workflowInfo().workflowId,
      settings,
    };
    // Abandon: a section outlives this run when the project continues as new; it reports back by signal.
    await startChild('permitSectionWorkflow', {
      workflowId: sectionWorkflowId(input.projectId, permitType),
      args: [child],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  };

  const stopSections = async () => {
    for (const permit of state.permits) {
      if (permit.outcome) continue;
      permit.outcome = 'cancelled';
      if (!permit.received) continue;
      try {
        await getExternalWorkflowHandle(sectionWorkflowId(input.projectId, permit.permitType)).cancel();
      } catch {
        // Already closed: nothing left to stop.
      }
    }
  };

  const handle = (cmd: ProjectCommand): Promise<ProjectView> =>
    serial.run(async () => {
      if (seen.has(cmd.idempotencyKey)) return view();
      if (cmd.action === 'cancel' && state.step === 'cancelled') return view();
      check(cmd); // again: an earlier command may have changed the state while this one waited
      seen.add(cmd.idempotencyKey);
      const { idempotencyKey, actorId, onBehalfOfId, ...command } = cmd;
      const from = state.step;
      if (command.action === 'confirmReceipt') {
        const permit = state.permits.find((p) => p.permitType === command.permitType);
        if (permit) {
          permit.received = true;
          permit.caseNumber = command.caseNumber;
        }
      }
      const to = nextStep(state, command.action);
      const result = await applyProjectCommand({
        projectId: input.projectId,
        key: `${workflowInfo().workflowId}:${idempotencyKey}`, // client keys are unique per case only
        command,
        from,
        to,
        actorId,
        onBehalfOfId,
        permits: state.permits,
      });
      if (result.permits) state.permits = result.permits.map((p) => ({ ...p, received: false }));
      if (result.draft) state.draft = result.draft;
      if (result.confirmations) state.kickoff.confirmations = result.confirmations;
      if (result.scheduledAt !== undefined) state.kickoff.scheduledAt = result.scheduledAt;
      if (command.action === 'submit') state.submitted = true;
      if (result.receiptNumber) receiptNumber = result.receiptNumber;
      state.step = to;
      if (command.action === 'confirmReceipt') {
        const permit = state.permits.find((p) => p.permitType === command.permitType);
        if (permit) await startSection(permit.permitType, permit.authorityCode);
      }
      if (command.action === 'cancel') await stopSections();
      return view();
    });

  setHandler(projectCommandUpdate, handle, {
    validator: (cmd) => {
      if (seen.has(cmd.idempotencyKey)) return; // a repeat is accepted and changes nothing
      if (cmd.action === 'cancel' && state.step === 'cancelled') return; // re-cancelling is harmless
      check(cmd);
    },
  });

  // Returning the promise lets allHandlersFinished wait for it before continue-as-new.
  setHandler(permitSettledSignal, (settled) =>
    serial.run(async () => {
      const permit = state.permits.find((p) => p.permitType === settled.permitType);
      if (!permit || permit.outcome === settled.outcome || state.step === 'cancelled') return;
      permit.outcome = settled.outcome;
      if (settled.decision) permit.decision = settled.decision;
      const to = stepAfterSettlement(state);
      await applyProjectCommand({
        projectId: input.projectId,
        key: `${workflowInfo().workflowId}:settled:${settled.permitType}`,
        command: { action: 'permitSettled', ...settled },
        from: state.step,
        to,
        permits: state.permits,
      });
      state.step = to;
    }),
  );
  setHandler(stateQuery, view);

  const ended = () => state.step === 'completed' || state.step === 'cancelled';
  const tooLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (settings.historyLimit ?? 10_000);
  await condition(() => ended() || tooLong());
  await condition(allHandlersFinished);
  if (!ended()) {
    return continueAsNew<typeof permitProjectWorkflow>({
      ...input,
      carried: { state, seen: seen.toJSON(), receiptNumber },
    });
  }
  // F22: a closed project is archived. Patched: runs recorded before archiving end as they did.
  if (patched('archive-on-close')) await startArchive(input.projectId);
  return view();
}

/** Starts the project's archive, which outlives this workflow (abandon); a second start finds the first. */
async function startArchive(projectId: string): Promise<void> {
  const archive: ArchiveInput = { projectId, closedAt: new Date(workflowNow()).toISOString() };
  try {
    await startChild('archiveWorkflow', {
      workflowId: archiveWorkflowId(projectId),
      args: [archive],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
