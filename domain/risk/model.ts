/**
 * The risk model as data: subject areas with weights and maximum points, factors with
 * their impact shares (graded) or points (presence), target groups with their national
 * baseline inspection frequency, class range and which areas and factors apply. A model
 * is validated when loaded, including its cross-references, so a broken model never
 * reaches an assessment.
 */
import { z } from 'zod';

export const GRADES = { A: 0, B: 1, C: 2, D: 3 } as const;
export type Grade = keyof typeof GRADES;

const ZId = z.string().regex(/^[a-z][a-zA-Z0-9.-]*$/, 'must be a lower-case identifier');
const ZNames = { nameFi: z.string().min(1), nameEn: z.string().min(1) };

const ZArea = z
  .object({
    id: ZId,
    ...ZNames,
    /** The area's weight coefficient (painoarvo) as published. */
    weight: z.number().positive(),
    /** What the area can contribute at most; graded factor points are shares of it. */
    maxPoints: z.number().positive(),
    kind: z.enum(['targetGroup', 'presence', 'graded']),
  })
  .strict();

const ZFactor = z
  .object({
    id: ZId,
    area: ZId,
    ...ZNames,
    /** Graded: impact share (− ± + ++ → 0..3); points per grade step = share × maxPoints / (3 × Σ shares). */
    share: z.number().min(0).max(3).optional(),
    /** Presence: the points the factor adds when present. */
    points: z.number().min(0).optional(),
    /** Own-check factors are graded separately for the plan and its implementation. */
    part: z.enum(['plan', 'implementation']).optional(),
    /** Factors with the same exclusive key are alternatives: at most one may be present. */
    exclusive: z.string().optional(),
    /** A graded factor that applies only when one of these presence factors is present. */
    requires: z.array(ZId).min(1).optional(),
  })
  .strict();

const ZApplicability = z.union([
  z.literal('all'),
  z.object({ only: z.array(ZId).min(1) }).strict(),
  z.object({ except: z.array(ZId).min(1) }).strict(),
]);

const ZGroup = z
  .object({
    id: ZId,
    ...ZNames,
    baselinePerYear: z.number().positive(),
    /** The example min and max sites' scores that bound the classes. */
    classRange: z.object({ min: z.number().min(0), max: z.number().positive() }).strict(),
    /**
     * When the published class bounds were computed from a slightly different (unrounded)
     * range than the printed example sites, that range; see `reconciliation` and docs/risk/.
     */
    boundsRange: z.object({ min: z.number(), max: z.number() }).strict().optional(),
    reconciliation: z.string().optional(),
    /** Graded and presence areas that apply to the group; areas not listed do not apply. */
    areas: z.record(ZId, ZApplicability),
  })
  .strict()
  .refine((g) => g.classRange.min < g.classRange.max, 'classRange.min must be below classRange.max');

/**
 * Presence factors that supervision derives from what was reported in the last months
 * (incidents, near misses, citizen observations) rather than from an inspection.
 */
const ZObservationFactors = z
  .object({
    windowMonths: z.number().int().min(1).max(60),
    incident: ZId.optional(),
    nearMiss: ZId.optional(),
    /** Citizen observation counts to factors; the highest `atLeast` reached applies. */
    citizen: z
      .array(z.object({ atLeast: z.number().int().min(1), factor: ZId }).strict())
      .min(1)
      .optional(),
  })
  .strict();

export const ZRiskModel = z
  .object({
    id: ZId,
    version: z.string().min(1),
    labelFi: z.string().min(1),
    labelEn: z.string().min(1),
    /** 'reference' models reproduce a published method; 'example' models illustrate one. */
    status: z.enum(['reference', 'example']),
    source: z.string().min(1),
    areas: z.array(ZArea).min(1),
    factors: z.array(ZFactor).min(1),
    groups: z.array(ZGroup).min(1),
    observations: ZObservationFactors.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const areas = new Map(m.areas.map((a) => [a.id, a]));
    const factorIds = new Set<string>();
    m.factors.forEach((f, i) => {
      const area = areas.get(f.area);
      if (factorIds.has(f.id)) ctx.addIssue({ code: 'custom', path: ['factors', i, 'id'], message: 'duplicate id' });
      factorIds.add(f.id);
      if (!area) {
        ctx.addIssue({ code: 'custom', path: ['factors', i, 'area'], message: `unknown area "${f.area}"` });
      } else if (area.kind === 'graded' && f.share === undefined) {
        ctx.addIssue({ code: 'custom', path: ['factors', i, 'share'], message: 'a graded factor needs a share' });
      } else if (area.kind === 'presence' && f.points === undefined) {
        ctx.addIssue({ code: 'custom', path: ['factors', i, 'points'], message: 'a presence factor needs points' });
      } else if (f.requires && area.kind !== 'graded') {
        ctx.addIssue({ code: 'custom', path: ['factors', i, 'requires'], message: 'only graded factors can require' });
      } else if (area.kind === 'targetGroup') {
        ctx.addIssue({ code: 'custom', path: ['factors', i, 'area'], message: 'the target-group area has no factors' });
      }
    });
    m.factors.forEach((f, i) => {
      for (const id of f.requires ?? []) {
        const required = m.factors.find((x) => x.id === id);
        if (!required || areas.get(required.area)?.kind !== 'presence') {
          ctx.addIssue({
            code: 'custom',
            path: ['factors', i, 'requires'],
            message: `"${id}" is not a presence factor`,
          });
        }
      }
    });
    const o = m.observations;
    const derived = o ? [o.incident, o.nearMiss, ...(o.citizen ?? []).map((c) => c.factor)] : [];
    for (const id of derived) {
      const factor = id === undefined ? undefined : m.factors.find((f) => f.id === id);
      if (id !== undefined && (!factor || areas.get(factor.area)?.kind !== 'presence')) {
        ctx.addIssue({ code: 'custom', path: ['observations'], message: `"${id}" is not a presence factor` });
      }
    }
    if (m.areas.filter((a) => a.kind === 'targetGroup').length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['areas'], message: 'exactly one targetGroup area is required' });
    }
    const groupIds = new Set<string>();
    m.groups.forEach((g, i) => {
      if (groupIds.has(g.id)) ctx.addIssue({ code: 'custom', path: ['groups', i, 'id'], message: 'duplicate id' });
      groupIds.add(g.id);
      for (const [areaId, rule] of Object.entries(g.areas)) {
        if (!areas.has(areaId)) {
          ctx.addIssue({ code: 'custom', path: ['groups', i, 'areas', areaId], message: 'unknown area' });
        }
        const listed = rule === 'all' ? [] : 'only' in rule ? rule.only : rule.except;
        for (const id of listed) {
          const factor = m.factors.find((f) => f.id === id);
          if (!factor || factor.area !== areaId) {
            ctx.addIssue({
              code: 'custom',
              path: ['groups', i, 'areas', areaId],
              message: `"${id}" is not a factor of area "${areaId}"`,
            });
          }
        }
      }
    });
  });

export type RiskModel = z.infer<typeof ZRiskModel>;
export type RiskArea = RiskModel['areas'][number];
export type RiskFactor = RiskModel['factors'][number];
export type TargetGroup = RiskModel['groups'][number];

export class InvalidRiskModel extends Error {
  override readonly name = 'InvalidRiskModel';
}

/** Validates a model; the error names every bad path, e.g. `factors.4.area: unknown area "x"`. */
export function loadRiskModel(data: unknown): RiskModel {
  const result = ZRiskModel.safeParse(data);
  if (!result.success) {
    throw new InvalidRiskModel(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return result.data;
}

export { applicableFactors } from './factors';
