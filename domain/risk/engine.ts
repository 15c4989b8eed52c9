/**
 * The risk engine (seed 2, Liite 1–4): site score from the model's areas and factors,
 * risk class from the group's class range, inspection frequency from the band. Pure and
 * deterministic: the same model and input always give the same, fully explained result.
 */
import {
  GRADES,
  applicableFactors,
  type Grade,
  type RiskArea,
  type RiskFactor,
  type RiskModel,
  type TargetGroup,
} from './model';

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

export function classify(score: number, ranges: ClassRanges): { riskClass: RiskClass; band: Band } {
  if (score >= ranges.R1.min) return { riskClass: 'R1', band: score >= ranges.r1Mid ? 'R1-upper' : 'R1-lower' };
  if (score >= ranges.R2.min) return { riskClass: 'R2', band: 'R2' };
  return { riskClass: 'R3', band: score >= ranges.r3Mid ? 'R3-upper' : 'R3-lower' };
}

/**
 * Lookups derived once per model (models are immutable once loaded): factors and areas by
 * id, points per grade step, and per group the applicable factors of each area. Keeps an
 * assessment linear in the number of factors.
 */
interface CompiledFactor {
  factor: RiskFactor;
  kind: RiskArea['kind'];
  unit: number;
  /** Rounded points at grades A–D, and the rounded unit, as reported. */
  gradePoints: [number, number, number, number];
  unitRounded: number;
}
interface CompiledModel {
  factors: Map<string, CompiledFactor>;
  areas: Map<string, RiskArea>;
  unit: Map<string, number>;
  groups: Map<
    string,
    { group: TargetGroup; byArea: Map<string, CompiledFactor[]>; applicable: Set<string>; ranges: ClassRanges }
  >;
}
const compiledModels = new WeakMap<RiskModel, CompiledModel>();

function compile(model: RiskModel): CompiledModel {
  const cached = compiledModels.get(model);
  if (cached) return cached;
  const shares = new Map<string, number>();
  for (const f of model.factors) shares.set(f.area, (shares.get(f.area) ?? 0) + (f.share ?? 0));
  const areas = new Map(model.areas.map((a) => [a.id, a]));
  const unit = new Map<string, number>();
  for (const f of model.factors) {
    const area = areas.get(f.area)!;
    if (f.share !== undefined) unit.set(f.id, (f.share * area.maxPoints) / (3 * shares.get(f.area)!));
  }
  const factors = new Map<string, CompiledFactor>(
    model.factors.map((f) => {
      const u = unit.get(f.id) ?? 0;
      const entry: CompiledFactor = {
        factor: f,
        kind: areas.get(f.area)!.kind,
        unit: u,
        gradePoints: [0, round2(u), round2(2 * u), round2(3 * u)],
        unitRounded: round3(u),
      };
      return [f.id, entry];
    }),
  );
  const groups = new Map(
    model.groups.map((g) => {
      const byArea = new Map(
        model.areas.map((a) => [a.id, applicableFactors(model, g, a.id).map((f) => factors.get(f.id)!)]),
      );
      const applicable = new Set([...byArea.values()].flat().map((f) => f.factor.id));
      return [g.id, { group: g, byArea, applicable, ranges: classRanges(g) }];
    }),
  );
  const compiled = { factors, areas, unit, groups };
  compiledModels.set(model, compiled);
  return compiled;
}

/** Points of a graded factor per grade step: its share of the area's maximum. */
export function pointsPerGrade(model: RiskModel, factorId: string): number {
  const unit = compile(model).unit.get(factorId);
  if (unit === undefined) throw new Error(`not a graded factor: ${factorId}`);
  return unit;
}

export function frequencyFor(group: TargetGroup, band: Band, monthsOpen?: number): number {
  return round3(group.baselinePerYear * BAND_MULTIPLIER[band] * ((monthsOpen ?? 12) / 12));
}

function validate(model: RiskModel, input: SiteInput): { group: TargetGroup; present: Set<string> } {
  if (input.model !== undefined && input.model !== model.id) {
    throw new RiskInputError('model', `unknown model "${input.model}" (this is "${model.id}")`);
  }
  const compiled = compile(model);
  const entry = compiled.groups.get(input.targetGroup);
  if (!entry) throw new RiskInputError('targetGroup', `unknown target group "${input.targetGroup}"`);
  const group = entry.group;
  if (
    input.monthsOpen !== undefined &&
    !(Number.isInteger(input.monthsOpen) && input.monthsOpen >= 1 && input.monthsOpen <= 12)
  ) {
    throw new RiskInputError('monthsOpen', 'must be a whole number of months from 1 to 12');
  }
  const applicable = entry.applicable;
  const exclusive = new Map<string, string>();
  const presentList = input.present ?? [];
  for (let i = 0; i < presentList.length; i++) {
    const id = presentList[i]!;
    const factor = compiled.factors.get(id);
    if (!factor) throw new RiskInputError(`present.${i}`, `unknown factor "${id}"`);
    if (factor.kind !== 'presence')
      throw new RiskInputError(`present.${i}`, `"${id}" is graded A–D, not present/absent`);
    if (!applicable.has(id)) throw new RiskInputError(`present.${i}`, `"${id}" does not apply to ${group.id}`);
    const key = factor.factor.exclusive;
    if (key) {
      const other = exclusive.get(key);
      if (other) throw new RiskInputError(`present.${i}`, `"${id}" and "${other}" exclude each other`);
      exclusive.set(key, id);
    }
  }
  const present = new Set(presentList);
  const grades = input.grades ?? {};
  for (const id in grades) {
    const grade = grades[id]!;
    const factor = compiled.factors.get(id);
    if (!factor) throw new RiskInputError(`grades.${id}`, `unknown factor "${id}"`);
    if (factor.kind !== 'graded') throw new RiskInputError(`grades.${id}`, `"${id}" is present/absent, not graded`);
    if (grade !== 'A' && grade !== 'B' && grade !== 'C' && grade !== 'D') {
      throw new RiskInputError(`grades.${id}`, `grade must be A, B, C or D (got "${grade}")`);
    }
    if (!applicable.has(id)) throw new RiskInputError(`grades.${id}`, `"${id}" does not apply to ${group.id}`);
    const requires = factor.factor.requires;
    if (requires && !requires.some((r) => present.has(r))) {
      throw new RiskInputError(`grades.${id}`, `"${id}" applies only with ${requires.join(' or ')}`);
    }
  }
  return { group, present };
}

/** Assesses one site; throws RiskInputError on bad input, returns classified: false when data is missing. */
export function assess(model: RiskModel, input: SiteInput): Assessment {
  const { group, present } = validate(model, input);
  const compiled = compile(model);
  const byArea = compiled.groups.get(group.id)!.byArea;
  const grades = (input.grades ?? {}) as Record<string, Grade>;
  const missing: string[] = [];
  const areas: AreaResult[] = [];
  for (const area of model.areas) {
    const factors: FactorResult[] = [];
    let points = 0;
    if (area.kind === 'targetGroup') {
      points = group.baselinePerYear * area.weight;
      areas.push({
        id: area.id,
        nameFi: area.nameFi,
        nameEn: area.nameEn,
        weight: area.weight,
        maxPoints: area.maxPoints,
        points: round2(points),
        factors: [],
      });
      continue;
    }
    const applicable = byArea.get(area.id)!;
    if (applicable.length === 0) continue;
    for (const compiledFactor of applicable) {
      const factor = compiledFactor.factor;
      if (area.kind === 'presence') {
        if (!present.has(factor.id)) continue;
        const p = factor.points ?? 0;
        points += p;
        factors.push({
          id: factor.id,
          nameFi: factor.nameFi,
          nameEn: factor.nameEn,
          kind: 'presence',
          points: p,
        });
      } else {
        if (factor.requires && !factor.requires.some((r) => present.has(r))) continue;
        const grade = grades[factor.id];
        if (grade === undefined) {
          missing.push(factor.id);
          continue;
        }
        const value = GRADES[grade];
        points += value * compiledFactor.unit;
        factors.push({
          id: factor.id,
          nameFi: factor.nameFi,
          nameEn: factor.nameEn,
          kind: 'graded',
          grade,
          gradeValue: value,
          pointsPerGrade: compiledFactor.unitRounded,
          points: compiledFactor.gradePoints[value]!,
        });
      }
    }
    areas.push({
      id: area.id,
      nameFi: area.nameFi,
      nameEn: area.nameEn,
      weight: area.weight,
      maxPoints: area.maxPoints,
      points: round2(points),
      factors,
    });
  }
  const ranges = compiled.groups.get(group.id)!.ranges;
  const seasonalFactor = round3((input.monthsOpen ?? 12) / 12);
  const base = {
    model: { id: model.id, version: model.version },
    targetGroup: { id: group.id, nameFi: group.nameFi, nameEn: group.nameEn, baselinePerYear: group.baselinePerYear },
    missing,
    areas,
    classRanges: ranges,
    seasonalFactor,
  };
  if (missing.length > 0) {
    return {
      ...base,
      classified: false,
      score: null,
      riskClass: null,
      band: null,
      multiplier: null,
      frequencyPerYear: null,
      arithmetic: [`not classified: ${missing.length} required grade(s) missing`],
    };
  }
  const score = round2(areas.reduce((s, a) => s + a.points, 0));
  const { riskClass, band } = classify(score, ranges);
  const multiplier = BAND_MULTIPLIER[band];
  const frequencyPerYear = frequencyFor(group, band, input.monthsOpen);
  return {
    ...base,
    classified: true,
    score,
    riskClass,
    band,
    multiplier,
    frequencyPerYear,
    arithmetic: [
      `score ${score} = ${areas.map((a) => `${a.id} ${a.points}`).join(' + ')}`,
      `class range ${group.classRange.min}–${group.classRange.max}, third ${ranges.third}: R3 ${ranges.R3.min}–${ranges.R3.max}, R2 ${ranges.R2.min}–${ranges.R2.max}, R1 ${ranges.R1.min}–${ranges.R1.max}`,
      `${riskClass}, band ${band} (split points R1 ${ranges.r1Mid}, R3 ${ranges.r3Mid})`,
      `frequency ${group.baselinePerYear}/yr × ${multiplier}${seasonalFactor !== 1 ? ` × ${input.monthsOpen}/12` : ''} = ${frequencyPerYear}/yr`,
    ],
  };
}
