import { ApplicationFailure, condition, proxyActivities, setHandler, allHandlersFinished } from '@temporalio/workflow';
import {
  allowedActions,
  assertAllowed,
  nextStep,
  type ProjectAction,
  type ProjectState,
} from '../../domain/permit-project';
import type { Activities } from '../../activities';
import {
  advanceUpdate,
  cancelUpdate,
  confirmReceiptUpdate,
  decideUpdate,
  stateQuery,
  type CommandMeta,
  type PermitProjectInput,
  type ProjectView,
} from './messages';

const { recordTransition } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['NotFound'] },
});

/** One permit project (F09): registers its handlers, then waits until it is completed or cancelled. */
export async function permitProjectWorkflow(input: PermitProjectInput): Promise<ProjectView> {
  const state: ProjectState = {
    step: 'advice',
    permits: input.permits.map((p) => ({ ...p, received: false })),
  };
  const seen = new Set<string>();
  const view = (): ProjectView => ({ projectId: input.projectId, step: state.step, permits: state.permits });

  /** Validators run before anything is written to history: a rejected update changes nothing. */
  const validate = (action: ProjectAction, permitType?: string) => (cmd: CommandMeta) => {
    if (seen.has(cmd.idempotencyKey)) return; // a repeat is accepted and changes nothing
    try {
      assertAllowed(state, action, permitType);
    } catch (err) {
      throw ApplicationFailure.nonRetryable((err as Error).message, 'TransitionRejected', {
        step: state.step,
        allowed: allowedActions(state.step),
      });
    }
  };

  const apply = async (
    action: ProjectAction,
    cmd: CommandMeta,
    mutate: () => void,
    payload: Record<string, unknown>,
    permitType?: string,
  ): Promise<ProjectView> => {
    if (seen.has(cmd.idempotencyKey)) return view();
    seen.add(cmd.idempotencyKey);
    const from = state.step;
    mutate();
    state.step = nextStep(state, action);
    await recordTransition({
      projectId: input.projectId,
      idempotencyKey: cmd.idempotencyKey,
      action,
      from,
      to: state.step,
      permitType,
      actorId: cmd.actorId,
      onBehalfOfId: cmd.onBehalfOfId,
      payload,
      permits: state.permits,
    });
    return view();
  };

  setHandler(advanceUpdate, (cmd) => apply(cmd.action, cmd, () => undefined, {}), {
    validator: (cmd) => validate(cmd.action)(cmd),
  });
  setHandler(
    confirmReceiptUpdate,
    (cmd) =>
      apply(
        'confirmReceipt',
        cmd,
        () => {
          const permit = state.permits.find((p) => p.permitType === cmd.permitType);
          if (permit) permit.received = true;
        },
        { caseNumber: cmd.caseNumber },
        cmd.permitType,
      ),
    { validator: (cmd) => validate('confirmReceipt', cmd.permitType)(cmd) },
  );
  setHandler(
    decideUpdate,
    (cmd) =>
      apply(
        'decide',
        cmd,
        () => {
          const permit = state.permits.find((p) => p.permitType === cmd.permitType);
          if (permit) permit.decision = cmd.decision;
        },
        { decision: cmd.decision },
        cmd.permitType,
      ),
    { validator: (cmd) => validate('decide', cmd.permitType)(cmd) },
  );
  setHandler(
    cancelUpdate,
    (cmd) => (state.step === 'cancelled' ? Promise.resolve(view()) : apply('cancel', cmd, () => undefined, {})),
    { validator: (cmd) => validate('cancel')(cmd) },
  );
  setHandler(stateQuery, view);

  await condition(() => state.step === 'completed' || state.step === 'cancelled');
  await condition(allHandlersFinished);
  return view();
}
