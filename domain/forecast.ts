/**
 * F06 processing-time forecast (shown as the F10 timeline): completed permits of the same
 * type when there are enough of them, the catalogue's norms when there are not, and an
 * authority's override above both.
 */
import { PERMIT_STEPS, type PermitStepName, type PermitTypeDef } from './catalogue';

export interface StepForecast {
  step: PermitStepName;
  medianDays: number;
  p80Days: number;
  source: 'history' | 'norm' | 'override';
  /** Usable completed durations behind the step, whatever the source. */
  samples: number;
  /** The authority's reason, for an override. */
  reason?: string;
}
export interface ForecastOverride {
  step: PermitStepName;
  days: number;
  reason: string;
}

/** Fewer completed samples than this and the norm is a better guess than the data. */
export const MIN_SAMPLES = 5;

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Percentile `p` (0–100) with linear interpolation between the closest ranks, as numpy's
 * default: [1, 2, 3, 4] at 80 is 3.4. The input need not be sorted and is not modified.
 */
export function percentile(sortedOrUnsorted: number[], p: number): number {
  if (sortedOrUnsorted.length === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0–100, got ${p}`);
  if (!sortedOrUnsorted.every(Number.isFinite)) throw new RangeError('percentile of a non-finite value');
  const sorted = [...sortedOrUnsorted].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

const skipsHearing = (def: PermitTypeDef, opts: { hearing?: boolean }) => !def.hearing || opts.hearing === false;

/**
 * Forecast of each step and of the whole permit. Per step: an override wins; else history
 * with at least MIN_SAMPLES durations (median and p80); else the norm (median = p80). Steps
 * the type skips (norm 0, no history) and the hearing steps of a case without a hearing are
 * left out. Days are rounded to one decimal, and the totals are sums of the rounded steps so
 * that the timeline adds up.
 */
export function forecastPermit(
  def: PermitTypeDef,
  history: Partial<Record<PermitStepName, number[]>>,
  overrides: ForecastOverride[] = [],
  opts: { hearing?: boolean } = {},
): { steps: StepForecast[]; totalMedianDays: number; totalP80Days: number } {
  for (const o of overrides) {
    if (!(Number.isFinite(o.days) && o.days >= 0)) throw new RangeError(`override of ${o.step} must be ≥ 0 days`);
  }
  const steps: StepForecast[] = [];
  for (const step of PERMIT_STEPS) {
    if (skipsHearing(def, opts) && (step === 'hearing' || step === 'replies')) continue;
    // Overrides are appended as the authority revises them, so the latest one counts.
    const override = overrides.filter((o) => o.step === step).at(-1);
    // Durations come from stored timestamps; a negative or broken one (a clock fix, a bad
    // import) must not make the whole forecast fail, so it is simply not evidence.
    const samples = (history[step] ?? []).filter((d) => Number.isFinite(d) && d >= 0);
    if (override) {
      const days = round1(override.days);
      steps.push({
        step,
        medianDays: days,
        p80Days: days,
        source: 'override',
        samples: samples.length,
        reason: override.reason,
      });
    } else if (samples.length >= MIN_SAMPLES) {
      steps.push({
        step,
        medianDays: round1(percentile(samples, 50)),
        p80Days: round1(percentile(samples, 80)),
        source: 'history',
        samples: samples.length,
      });
    } else if (def.norms[step] > 0) {
      const days = round1(def.norms[step]);
      steps.push({ step, medianDays: days, p80Days: days, source: 'norm', samples: samples.length });
    }
  }
  return {
    steps,
    totalMedianDays: round1(steps.reduce((s, x) => s + x.medianDays, 0)),
    totalP80Days: round1(steps.reduce((s, x) => s + x.p80Days, 0)),
  };
}

/**
 * What is left: the rest of the current step (never below zero, however late it runs) plus
 * every later step. A current step the forecast left out contributes nothing of its own.
 */
export function remainingForecast(
  forecast: StepForecast[],
  currentStep: PermitStepName,
  daysInCurrentStep: number,
): { medianDays: number; p80Days: number } {
  if (Number.isNaN(daysInCurrentStep)) throw new RangeError('days in the current step is not a number');
  const at = PERMIT_STEPS.indexOf(currentStep);
  const elapsed = Math.max(0, daysInCurrentStep);
  let medianDays = 0;
  let p80Days = 0;
  for (const s of forecast) {
    const order = PERMIT_STEPS.indexOf(s.step);
    if (order < at) continue;
    const spent = order === at ? elapsed : 0;
    medianDays += Math.max(0, s.medianDays - spent);
    p80Days += Math.max(0, s.p80Days - spent);
  }
  return { medianDays: round1(medianDays), p80Days: round1(p80Days) };
}
