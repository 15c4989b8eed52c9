// The baseline of bench/workflows.mjs: a workflow that does nothing but take updates. Each
// update is recorded and answered at once (no activity, no child); the workflow completes
// after the number of updates it was started for. Bundled by the Temporal worker like ours.
import { allHandlersFinished, condition, defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';

export const bareCommandUpdate = defineUpdate('command');
export const bareStateQuery = defineQuery('state');

export async function bareWorkflow({ updates }) {
  const seen = [];
  const view = () => ({ received: seen.length, last: seen.at(-1) ?? null });
  setHandler(
    bareCommandUpdate,
    (cmd) => {
      seen.push(cmd.idempotencyKey);
      return view();
    },
    {
      validator: (cmd) => {
        if (typeof cmd?.idempotencyKey !== 'string') throw new Error('idempotencyKey is required');
      },
    },
  );
  setHandler(bareStateQuery, view);
  await condition(() => seen.length >= updates);
  await condition(allHandlersFinished);
  return view();
}
