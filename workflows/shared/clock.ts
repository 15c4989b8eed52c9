import { workflowNow } from './commands';

/**
 * Workflow time, optionally scaled: `scale` simulated milliseconds pass per real one, so a
 * test or a demo runs years of supervision in seconds with the same code. The anchor is
 * carried across continue-as-new, so simulated time stays continuous.
 */
export interface ClockAnchor {
  simulatedAt: number;
  realAt: number;
  scale: number;
}

export class ScaledClock {
  constructor(readonly anchor: ClockAnchor) {}

  static start(scale = 1): ScaledClock {
    const now = workflowNow();
    return new ScaledClock({ simulatedAt: now, realAt: now, scale });
  }

  now(): Date {
    return new Date(this.anchor.simulatedAt + (workflowNow() - this.anchor.realAt) * this.anchor.scale);
  }

  /** Real milliseconds until a simulated instant (at least 1, Temporal's smallest timer). */
  msUntil(at: Date): number {
    return Math.max(1, Math.ceil((at.getTime() - this.now().getTime()) / this.anchor.scale));
  }
}
