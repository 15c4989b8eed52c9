/**
 * The risk engine (seed 2, Liite 1–4): site score from the model's areas and factors,
 * risk class from the group's class range, inspection frequency from the band. Pure and
 * deterministic: the same model and input always give the same, fully explained result.
 */
import { GRADES, applicableFactors, type Grade, type RiskArea, type RiskModel, type TargetGroup } from './model';

export interface SiteInput {
  model?: string;
  targetGroup: string;
  /** Seasonal sites: months open per year (1–12); the baseline is pro-rated. */
  monthsOpen?: number;
  present?: string[];
  grades?: Record<string, string>;
}

export type RiskClass = 'R1' | 'R2' | 'R3';
export type Band = 'R1-upper' | 'R1-lower' | 'R2' | 'R3-upper' | 'R3-lower';

/** Frequency multiplier of each band: upper half of R1 +50 %, lower +25 %, R3 upper −25 %, lower −50 %. */
export const BAND_MULTIPLIER: Record<Band, number> = {
  'R1-upper': 1.5,
  'R1-lower': 1.25,
  R2: 1,
  'R3-upper': 0.75,
  'R3-lower': 0.5,
};

export interface ClassRanges {
  R1: { min: number; max: number };
  R2: { min: number; max: number };
  R3: { min: number; max: number };
  /** Band split points: the mid points of R1 and R3. */
  r1Mid: number;
  r3Mid: number;
  third: number;
}

export interface FactorResult {
  id: string;
  nameFi: string;
  nameEn: string;
  kind: 'presence' | 'graded';
  /** Graded factors: points = gradeValue × pointsPerGrade (A–D → 0–3). */
  grade?: Grade;
  gradeValue?: number;
  pointsPerGrade?: number;
  points: number;
}

export interface AreaResult {
  id: string;
  nameFi: string;
  nameEn: string;
  weight: number;
  maxPoints: number;
  points: number;
  factors: FactorResult[];
}

export interface Assessment {
  model: { id: string; version: string };
  targetGroup: { id: string; nameFi: string; nameEn: string; baselinePerYear: number };
  classified: boolean;
  /** Graded factors that apply to the group and have no grade: the site is not classified. */
  missing: string[];
  score: number | null;
  areas: AreaResult[];
  classRanges: ClassRanges;
  riskClass: RiskClass | null;
  band: Band | null;
  multiplier: number | null;
  seasonalFactor: number;
  frequencyPerYear: number | null;
  arithmetic: string[];
}

/** Bad input: names the field; the engine never guesses. */
export class RiskInputError extends Error {
  override readonly name = 'RiskInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export const round2 = (n: number): number => Math.round((n + Number.EPSILON) * 100) / 100;
const round3 = (n: number): number => Math.round((n + Number.EPSILON) * 1000) / 1000;

/**
 * Three equal class ranges laid from the top of the group's range in steps of the rounded
 * third, each 0.01 below the previous one (the rule that reproduces Liite 4; docs/risk/).
 */
export function classRanges(group: Pick<TargetGroup, 'classRange' | 'boundsRange'>): ClassRanges {
  const { min, max } = group.classRange;
  const from = group.boundsRange ?? group.classRange;
  const third = round2((from.max - from.min) / 3);
  const r1Min = round2(from.max - third);
  const r2Max = round2(r1Min - 0.01);
  const r2Min = round2(r1Min - third - 0.01);
  const r3Max = round2(r2Min - 0.01);
  return {
    R1: { min: r1Min, max },
    R2: { min: r2Min, max: r2Max },
    R3: { min, max: r3Max },
    r1Mid: round2((max + r1Min) / 2),
    r3Mid: round2((min + r3Max) / 2),
    third,
  };
}

const BANDS = Object.keys(BAND_MULTIPLIER) as Band[];
const BAND_CLASS: Record<Band, RiskClass> = {
  'R1-upper': 'R1',
  'R1-lower': 'R1',
  R2: 'R2',
  'R3-upper': 'R3',
  'R3-lower': 'R3',
};

/** The band of a score within a group's class ranges; the risk class follows from the band. */
function bandOf(score: number, ranges: ClassRanges): Band {
  if (score >= ranges.R1.min) return score >= ranges.r1Mid ? 'R1-upper' : 'R1-lower';
  if (score >= ranges.R2.min) return 'R2';
  return score >= ranges.r3Mid ? 'R3-upper' : 'R3-lower';
}

export function classify(score: number, ranges: ClassRanges): { riskClass: RiskClass; band: Band } {
  const band = bandOf(score, ranges);
  return { riskClass: BAND_CLASS[band], band };
}

export function frequencyFor(group: TargetGroup, band: Band, monthsOpen?: number): number {
  return round3(group.baselinePerYear * BAND_MULTIPLIER[band] * ((monthsOpen ?? 12) / 12));
}

/**
 * Everything derived once per model (models are immutable once loaded), so that an
 * assessment only reads the input, adds numbers and fills the breakdown: each factor with
 * its names and points, and per group the factors that apply, area by area, its class
 * ranges and the arithmetic lines that depend on the group and band only.
 */
interface CompiledFactor {
  /** Position in model.factors; indexes CompiledGroup.applies. */
  index: number;
  id: string;
  nameFi: string;
  nameEn: string;
  kind: RiskArea['kind'];
  /** Presence factors: the points they add when present. */
  points: number;
  /** Graded factors (those with a share): points per grade step, unrounded. */
  unit: number | undefined;
  /** Rounded points at grades A–D, and the rounded points per grade step, as reported. */
  gradePoints: [number, number, number, number];
  unitRounded: number;
  exclusive: string | undefined;
  requires: string[] | undefined;
}
interface CompiledArea {
  area: RiskArea;
  /** The area's factors that apply to the group, in model order. */
  factors: CompiledFactor[];
}
interface CompiledGroup {
  group: TargetGroup;
  ranges: ClassRanges;
  /** The target-group area and every area with applicable factors, in model order. */
  areas: CompiledArea[];
  /** 1 at the index of each factor that applies to the group. */
  applies: Uint8Array;
  rangesLine: string;
  bandLines: Record<Band, string>;
  /** The frequency line of a site open all year. */
  frequencyLines: Record<Band, string>;
}
interface CompiledModel {
  factors: Map<string, CompiledFactor>;
  groups: Map<string, CompiledGroup>;
}
const compiledModels = new WeakMap<RiskModel, CompiledModel>();

const perBand = (line: (band: Band) => string): Record<Band, string> =>
  Object.fromEntries(BANDS.map((band) => [band, line(band)])) as Record<Band, string>;

function compile(model: RiskModel): CompiledModel {
  const cached = compiledModels.get(model);
  if (cached) return cached;
  const shares = new Map<string, number>();
  for (const f of model.factors) shares.set(f.area, (shares.get(f.area) ?? 0) + (f.share ?? 0));
  const areas = new Map(model.areas.map((a) => [a.id, a]));
  const factors = new Map<string, CompiledFactor>();
  model.factors.forEach((f, index) => {
    const area = areas.get(f.area)!;
    const unit = f.share === undefined ? undefined : (f.share * area.maxPoints) / (3 * shares.get(f.area)!);
    const u = unit ?? 0;
    factors.set(f.id, {
      index,
      id: f.id,
      nameFi: f.nameFi,
      nameEn: f.nameEn,
      kind: area.kind,
      points: f.points ?? 0,
      unit,
      gradePoints: [0, round2(u), round2(2 * u), round2(3 * u)],
      unitRounded: round3(u),
      exclusive: f.exclusive,
      requires: f.requires,
    });
  });
  const groups = new Map<string, CompiledGroup>();
  for (const g of model.groups) {
    const ranges = classRanges(g);
    const applies = new Uint8Array(model.factors.length);
    const groupAreas: CompiledArea[] = [];
    for (const area of model.areas) {
      const applicable = applicableFactors(model, g, area.id).map((f) => factors.get(f.id)!);
      for (const f of applicable) applies[f.index] = 1;
      if (area.kind === 'targetGroup' || applicable.length > 0) groupAreas.push({ area, factors: applicable });
    }
    groups.set(g.id, {
      group: g,
      ranges,
      areas: groupAreas,
      applies,
      rangesLine: `class range ${g.classRange.min}–${g.classRange.max}, third ${ranges.third}: R3 ${ranges.R3.min}–${ranges.R3.max}, R2 ${ranges.R2.min}–${ranges.R2.max}, R1 ${ranges.R1.min}–${ranges.R1.max}`,
      bandLines: perBand(
        (band) => `${BAND_CLASS[band]}, band ${band} (split points R1 ${ranges.r1Mid}, R3 ${ranges.r3Mid})`,
      ),
      frequencyLines: perBand(
        (band) => `frequency ${g.baselinePerYear}/yr × ${BAND_MULTIPLIER[band]} = ${frequencyFor(g, band)}/yr`,
      ),
    });
  }
  const compiled = { factors, groups };
  compiledModels.set(model, compiled);
  return compiled;
}

/** Points of a graded factor per grade step: its share of the area's maximum. */
export function pointsPerGrade(model: RiskModel, factorId: string): number {
  const unit = compile(model).factors.get(factorId)?.unit;
  if (unit === undefined) throw new Error(`not a graded factor: ${factorId}`);
  return unit;
}

const NOTHING_PRESENT: readonly string[] = [];
const NO_GRADES: Readonly<Record<string, string>> = {};

/** Whether any of the factors is in the site's (short) list of present factors. */
function anyPresent(factors: readonly string[], present: readonly string[]): boolean {
  for (let i = 0; i < factors.length; i++) if (present.includes(factors[i]!)) return true;
  return false;
}

/** Checks the input in one pass without allocating; throws the first problem, in input order. */
function validate(
  compiled: CompiledModel,
  entry: CompiledGroup,
  input: SiteInput,
  present: readonly string[],
  grades: Readonly<Record<string, string>>,
): void {
  const group = entry.group;
  const monthsOpen = input.monthsOpen;
  if (monthsOpen !== undefined && !(Number.isInteger(monthsOpen) && monthsOpen >= 1 && monthsOpen <= 12)) {
    throw new RiskInputError('monthsOpen', 'must be a whole number of months from 1 to 12');
  }
  for (let i = 0; i < present.length; i++) {
    const id = present[i]!;
    const factor = compiled.factors.get(id);
    if (!factor) throw new RiskInputError(`present.${i}`, `unknown factor "${id}"`);
    if (factor.kind !== 'presence')
      throw new RiskInputError(`present.${i}`, `"${id}" is graded A–D, not present/absent`);
    if (entry.applies[factor.index] !== 1)
      throw new RiskInputError(`present.${i}`, `"${id}" does not apply to ${group.id}`);
    if (factor.exclusive) {
      // Alternatives are rare and lists short: look back for an earlier one with the same key.
      for (let j = 0; j < i; j++) {
        const other = present[j]!;
        if (compiled.factors.get(other)!.exclusive === factor.exclusive) {
          throw new RiskInputError(`present.${i}`, `"${id}" and "${other}" exclude each other`);
        }
      }
    }
  }
  for (const id in grades) {
    const grade = grades[id]!;
    const factor = compiled.factors.get(id);
    if (!factor) throw new RiskInputError(`grades.${id}`, `unknown factor "${id}"`);
    if (factor.kind !== 'graded') throw new RiskInputError(`grades.${id}`, `"${id}" is present/absent, not graded`);
    if (grade !== 'A' && grade !== 'B' && grade !== 'C' && grade !== 'D') {
      throw new RiskInputError(`grades.${id}`, `grade must be A, B, C or D (got "${grade}")`);
    }
    if (entry.applies[factor.index] !== 1)
      throw new RiskInputError(`grades.${id}`, `"${id}" does not apply to ${group.id}`);
    const requires = factor.requires;
    if (requires && !anyPresent(requires, present)) {
      throw new RiskInputError(`grades.${id}`, `"${id}" applies only with ${requires.join(' or ')}`);
    }
  }
}

/** Breakdown rows: one fixed shape per kind, filled from the compiled factor. */
const presenceRow = (f: CompiledFactor): FactorResult => ({
  id: f.id,
  nameFi: f.nameFi,
  nameEn: f.nameEn,
  kind: 'presence',
  points: f.points,
});
const gradedRow = (f: CompiledFactor, grade: Grade, value: number): FactorResult => ({
  id: f.id,
  nameFi: f.nameFi,
  nameEn: f.nameEn,
  kind: 'graded',
  grade,
  gradeValue: value,
  pointsPerGrade: f.unitRounded,
  points: f.gradePoints[value]!,
});

/** Assesses one site; throws RiskInputError on bad input, returns classified: false when data is missing. */
export function assess(model: RiskModel, input: SiteInput): Assessment {
  if (input.model !== undefined && input.model !== model.id) {
    throw new RiskInputError('model', `unknown model "${input.model}" (this is "${model.id}")`);
  }
  const compiled = compile(model);
  const entry = compiled.groups.get(input.targetGroup);
  if (!entry) throw new RiskInputError('targetGroup', `unknown target group "${input.targetGroup}"`);
  const present = input.present ?? NOTHING_PRESENT;
  const grades = input.grades ?? NO_GRADES;
  validate(compiled, entry, input, present, grades);

  const group = entry.group;
  const missing: string[] = [];
  const areas: AreaResult[] = [];
  let total = 0;
  for (let a = 0; a < entry.areas.length; a++) {
    const area = entry.areas[a]!.area;
    const applicable = entry.areas[a]!.factors;
    const factors: FactorResult[] = [];
    let points = 0;
    if (area.kind === 'targetGroup') {
      points = group.baselinePerYear * area.weight;
    } else if (area.kind === 'presence') {
      for (let i = 0; i < applicable.length; i++) {
        const f = applicable[i]!;
        if (!present.includes(f.id)) continue;
        points += f.points;
        factors.push(presenceRow(f));
      }
    } else {
      for (let i = 0; i < applicable.length; i++) {
        const f = applicable[i]!;
        if (f.requires && !anyPresent(f.requires, present)) continue;
        const grade = grades[f.id] as Grade | undefined;
        if (grade === undefined) {
          missing.push(f.id);
          continue;
        }
        const value = GRADES[grade];
        points += value * f.unit!;
        factors.push(gradedRow(f, grade, value));
      }
    }
    const rounded = round2(points);
    total += rounded;
    areas.push({
      id: area.id,
      nameFi: area.nameFi,
      nameEn: area.nameEn,
      weight: area.weight,
      maxPoints: area.maxPoints,
      points: rounded,
      factors,
    });
  }

  const seasonalFactor = round3((input.monthsOpen ?? 12) / 12);
  if (missing.length > 0) {
    return {
      model: { id: model.id, version: model.version },
      targetGroup: { id: group.id, nameFi: group.nameFi, nameEn: group.nameEn, baselinePerYear: group.baselinePerYear },
      missing,
      areas,
      classRanges: entry.ranges,
      seasonalFactor,
      classified: false,
      score: null,
      riskClass: null,
      band: null,
      multiplier: null,
      frequencyPerYear: null,
      arithmetic: [`not classified: ${missing.length} required grade(s) missing`],
    };
  }
  const score = round2(total);
  const band = bandOf(score, entry.ranges);
  const multiplier = BAND_MULTIPLIER[band];
  const frequencyPerYear = frequencyFor(group, band, input.monthsOpen);
  let scoreLine = `score ${score} = `;
  for (let a = 0; a < areas.length; a++) scoreLine += `${a > 0 ? ' + ' : ''}${areas[a]!.id} ${areas[a]!.points}`;
  return {
    model: { id: model.id, version: model.version },
    targetGroup: { id: group.id, nameFi: group.nameFi, nameEn: group.nameEn, baselinePerYear: group.baselinePerYear },
    missing,
    areas,
    classRanges: entry.ranges,
    seasonalFactor,
    classified: true,
    score,
    riskClass: BAND_CLASS[band],
    band,
    multiplier,
    frequencyPerYear,
    arithmetic: [
      scoreLine,
      entry.rangesLine,
      entry.bandLines[band],
      seasonalFactor !== 1
        ? `frequency ${group.baselinePerYear}/yr × ${multiplier} × ${input.monthsOpen}/12 = ${frequencyPerYear}/yr`
        : entry.frequencyLines[band],
    ],
  };
}
