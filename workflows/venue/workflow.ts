import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import {
  VenueRuleError,
  activeEntries,
  applyVenueCommand,
  checkVenueCommand,
  expireDate,
  holderOf,
  lapseHold,
  type QueueChange,
  type QueueState,
} from '../../domain/venues';
import { SeenKeys, Serial, workflowNow } from '../shared/commands';
import {
  venueCommandUpdate,
  venueEntryKey,
  venueStateQuery,
  type VenueCommand,
  type VenueDateInput,
  type VenueDateView,
} from './messages';

const { openVenueDate, recordVenueChange } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['NotFound'] },
});

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The queue of one venue and date: organisers request, the holder confirms, anyone in line
 * leaves; a preliminary hold that runs out lapses and the next in line takes over (alerted).
 * Commands arrive as updates (the first one starts the workflow: update-with-start); the hold
 * is a durable timer. Ends when the date has passed or no one is left in the queue.
 */
export async function venueDateWorkflow(input: VenueDateInput): Promise<VenueDateView> {
  const { venueId, date } = input;
  const id = workflowInfo().workflowId;
  const settings = input.settings ?? {};
  const serial = new Serial();
  const seen = new SeenKeys(input.carried?.seen);
  const endsAt = Date.parse(input.endsAt);
  let state: QueueState = {
    entries: input.carried?.entries ?? [],
    nextPosition: input.carried?.nextPosition ?? 1,
  };
  let holdMs = input.carried?.holdMs ?? 0;
  // Handlers are registered before the first await: the first command arrives with the start.
  let ready = Boolean(input.carried);
  let ended = false;
  /** Bumped on every change, so the main loop re-arms the hold timer. */
  let version = 0;

  const view = (): VenueDateView => ({ venueId, date, entries: activeEntries(state), ended });

  const reject = (message: string, code: string) =>
    ApplicationFailure.nonRetryable(message, 'TransitionRejected', { reason: code, date });

  const check = (cmd: VenueCommand) => {
    if (ended) throw reject('The date has passed', 'DATE_PASSED');
    try {
      checkVenueCommand(state, cmd);
    } catch (err) {
      if (err instanceof VenueRuleError) throw reject(err.message, err.code);
      throw err;
    }
  };

  /** Writes a change (rows, alerts, audit) and only then adopts it. */
  const commit = async (key: string, action: string, change: QueueChange, cmd?: VenueCommand) => {
    if (change.changed.length > 0) {
      await recordVenueChange({
        venueId,
        date,
        key: `${id}:${key}`,
        action,
        changed: change.changed,
        alerts: change.alerts.map((a) => ({
          kind: a.kind,
          entryId: a.entry.id,
          organisationId: a.entry.organisationId,
          projectId: a.entry.projectId,
          holdUntil: a.entry.holdUntil,
        })),
        actorId: cmd?.actorId,
        onBehalfOfId: cmd?.onBehalfOfId,
        requestId: cmd?.requestId,
      });
    }
    state = change.state;
    version++;
  };

  const handle = (cmd: VenueCommand): Promise<VenueDateView> =>
    serial.run(async () => {
      await condition(() => ready);
      if (seen.has(cmd.idempotencyKey)) return view();
      check(cmd);
      const { idempotencyKey } = cmd;
      const change = applyVenueCommand(state, cmd, {
        now: workflowNow(),
        holdMs,
        entryId: uuid4(),
        key: venueEntryKey(venueId, date, idempotencyKey),
      });
      await commit(idempotencyKey, cmd.action, change, cmd);
      seen.add(idempotencyKey);
      return view();
    });

  setHandler(venueCommandUpdate, handle, {
    validator: (cmd) => {
      if (!ready || seen.has(cmd.idempotencyKey)) return; // checked again when it runs
      check(cmd);
    },
  });
  setHandler(venueStateQuery, view);

  if (!ready) {
    const opened = await openVenueDate({ venueId, date });
    holdMs = settings.holdSeconds !== undefined ? settings.holdSeconds * 1000 : opened.holdDays * DAY_MS;
    // A new run after an earlier one ended goes on after the positions already handed out.
    state = { ...state, nextPosition: Math.max(state.nextPosition, opened.nextPosition) };
    ready = true;
  }

  const tooLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (settings.historyLimit ?? 10_000);
  const empty = () => activeEntries(state).length === 0;

  while (!tooLong()) {
    if (empty() && allHandlersFinished()) break;
    const holder = holderOf(state);
    const holdAt = holder?.status === 'held' && holder.holdUntil ? Date.parse(holder.holdUntil) : Infinity;
    const deadline = Math.min(holdAt, endsAt);
    const seenVersion = version;
    const woken = await condition(
      () => version !== seenVersion || tooLong() || (empty() && allHandlersFinished()),
      Math.max(deadline - workflowNow(), 1),
    );
    if (woken) continue;
    // The timer fired: that ends the hold or the date, whatever the activation's clock says.
    if (holdAt <= endsAt && holder) {
      await serial.run(() =>
        commit(`lapse:${holder.id}`, 'lapse', lapseHold(state, holder.id, { now: workflowNow(), holdMs })),
      );
    } else {
      await serial.run(() => commit('date-passed', 'expire', expireDate(state)));
      ended = true;
      break;
    }
  }
  await condition(allHandlersFinished);
  if (!ended && tooLong()) {
    return await continueAsNew<typeof venueDateWorkflow>({
      ...input,
      carried: { entries: activeEntries(state), nextPosition: state.nextPosition, holdMs, seen: seen.toJSON() },
    });
  }
  return view();
}
