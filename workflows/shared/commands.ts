import type { SupervisionSettings } from '../supervision-cycle/messages';
import { defineQuery } from '@temporalio/workflow';

/** What every command carries: the idempotency key, who acts and on whose behalf, from which API request. */
export interface CommandMeta {
  idempotencyKey: string;
  actorId?: string;
  onBehalfOfId?: string;
  /** Passed through to the activity that writes the change, for the audit log. */
  requestId?: string;
}

/** Tuning that tests and demos change; production leaves it empty. */
export interface WorkflowSettings {
  /** Appeal period in seconds instead of the permit type's days (tests, demo). */
  appealPeriodSeconds?: number;
  /** Continue-as-new once the history has this many events (Temporal also suggests it). */
  historyLimit?: number;
  /** Passed on to the supervision cycle a final permit starts (tests and demos scale its clock). */
  supervision?: SupervisionSettings;
}

/** Remembers the most recent idempotency keys; bounded so a long-lived case stays small. */
export class SeenKeys {
  private readonly keys: string[];
  constructor(
    initial: string[] = [],
    private readonly limit = 500,
  ) {
    this.keys = initial.slice(-limit);
  }
  has(key: string): boolean {
    return this.keys.includes(key);
  }
  add(key: string): void {
    this.keys.push(key);
    if (this.keys.length > this.limit) this.keys.shift();
  }
  toJSON(): string[] {
    return [...this.keys];
  }
}

/**
 * Runs update handlers one at a time: a handler that awaits an activity must not
 * interleave with the next one, or both would act on the same stale state.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** Workflow time: inside the sandbox Date is deterministic (the current workflow task's time). */
export function workflowNow(): number {
  return new Date().getTime();
}

export const historyLengthQuery = defineQuery<number>('historyLength');
