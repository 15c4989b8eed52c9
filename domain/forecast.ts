/** F06 processing-time forecast: history of completed permits of the same type, norms when thin, overrides win. */
import { PERMIT_STEPS, type PermitStepName, type PermitTypeDef } from './catalogue';

export interface StepForecast {
  step: PermitStepName;
  medianDays: number;
  p80Days: number;
  source: 'history' | 'norm' | 'override';
  samples: number;
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

/** Percentile with linear interpolation between closest ranks (numpy's default). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function forecastPermit(
  def: PermitTypeDef,
  history: Partial<Record<PermitStepName, number[]>>,
  overrides: ForecastOverride[] = [],
  opts: { hearing?: boolean } = {},
): { steps: StepForecast[]; totalMedianDays: number; totalP80Days: number } {
  const hearing = opts.hearing ?? def.hearing;
  const steps: StepForecast[] = [];
  for (const step of PERMIT_STEPS) {
    if (!hearing && (step === 'hearing' || step === 'replies')) continue;
    const override = overrides.find((o) => o.step === step);
    const samples = history[step] ?? [];
    if (override) {
      steps.push({
        step,
        medianDays: round1(override.days),
        p80Days: round1(override.days),
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
      steps.push({
        step,
        medianDays: def.norms[step],
        p80Days: def.norms[step],
        source: 'norm',
        samples: samples.length,
      });
    }
  }
  return {
    steps,
    totalMedianDays: round1(steps.reduce((s, x) => s + x.medianDays, 0)),
    totalP80Days: round1(steps.reduce((s, x) => s + x.p80Days, 0)),
  };
}

/** What is left: the rest of the current step (never below zero) plus every later step. */
export function remainingForecast(
  forecast: StepForecast[],
  currentStep: PermitStepName,
  daysInCurrentStep: number,
): { medianDays: number; p80Days: number } {
  const at = forecast.findIndex((s) => s.step === currentStep);
  if (at < 0) return { medianDays: 0, p80Days: 0 };
  const [current, ...later] = forecast.slice(at);
  const sum = (pick: (s: StepForecast) => number) =>
    round1(Math.max(0, pick(current!) - daysInCurrentStep) + later.reduce((s, x) => s + pick(x), 0));
  return { medianDays: sum((s) => s.medianDays), p80Days: sum((s) => s.p80Days) };
}
