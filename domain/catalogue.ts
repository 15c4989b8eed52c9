/**
 * The permit catalogue: which permit types exist, which authority handles each, what its
 * application section asks, whether it has a public hearing or allows the low-risk
 * notification procedure, and norm durations per step. The data lives in
 * permit-types.json so it can change with the rules without touching code; it is
 * validated when loaded, so malformed data fails at start, not in a case.
 *
 * Pure: imported by Temporal workflow code, so no I/O, no clock, no Node built-ins.
 */
import { z } from 'zod';
import type { AdviceAnswers } from './advice';
import data from './permit-types.json';

export const PERMIT_STEPS = [
  'processing',
  'hearing',
  'replies',
  'draftReview',
  'decision',
  'service',
  'appeal',
] as const;
export type PermitStepName = (typeof PERMIT_STEPS)[number];

export const AUTHORITY_CODES = ['CITY-TRE', 'POLICE-SISA', 'RESCUE-PIR', 'AVI-LSU', 'TUKES'] as const;
export type AuthorityCode = (typeof AUTHORITY_CODES)[number];

export interface FieldDef {
  key: string;
  labelFi: string;
  labelEn: string;
  type: 'text' | 'number' | 'date' | 'boolean';
  required: boolean;
  critical?: boolean;
  /** Only asked when this advice answer key is truthy. */
  askWhen?: string;
}

type AnswerKey = keyof AdviceAnswers;

/**
 * A tiny rule language over advice answers, kept as data so the rules change with the law
 * without code changes: `{ "all": [...] }`, `{ "any": [...] }` and leaves comparing one answer.
 */
export type Condition = { all: Condition[] } | { any: Condition[] } | LeafCondition;
export type LeafCondition =
  | { answer: AnswerKey; eq: string | number | boolean }
  | { answer: AnswerKey; gte: number }
  | { answer: AnswerKey; gt: number };

export interface PermitTypeDef {
  permitType: string;
  nameFi: string;
  nameEn: string;
  authorityCode: string;
  /** Requires a public notice (kuulutus) and third-party comments. */
  hearing: boolean;
  /** Default notice period length, days. */
  noticeDays: number;
  /**
   * Appeal period after service, days: 30 for an appeal to a court; 14 where a municipal or
   * wellbeing-county officeholder's decision first goes to a rectification request.
   */
  appealDays: number;
  /** The low-risk notification procedure (ilmoitusmenettely) is allowed. */
  notificationAllowed: boolean;
  /** When F04 advice says this permit is needed. */
  neededWhen: Condition;
  /** When F05 recommends it as "likely also needed". */
  likelyWhen?: Condition;
  fields: FieldDef[];
  /** Norm durations in days per step; 0 for steps the type skips. */
  norms: Record<PermitStepName, number>;
  guideUrl?: string;
  /**
   * Where a final permit or an accepted notification hands the site over to risk-based
   * supervision: the risk model and its target group. Types without it (one-off events'
   * area use, structures) end with the decision.
   */
  supervision?: { model: string; targetGroup: string };
}

/**
 * What kind of value each advice answer holds. A Record over every answer key, so adding an
 * answer to AdviceAnswers without saying how rules may compare it fails to compile.
 */
export const ANSWER_TYPES: Readonly<Record<AnswerKey, 'kind' | 'boolean' | 'number' | 'text'>> = {
  kind: 'kind',
  attendance: 'number',
  alcohol: 'boolean',
  foodSales: 'boolean',
  amplifiedSound: 'boolean',
  nightTime: 'boolean',
  temporaryStructures: 'boolean',
  fireworks: 'boolean',
  publicArea: 'boolean',
  hazardousChemicalsTonnes: 'number',
  emissions: 'boolean',
  waterWorks: 'boolean',
  newBuilding: 'boolean',
  naturaArea: 'boolean',
  municipality: 'text',
};
const ANSWER_KEYS = Object.keys(ANSWER_TYPES) as [AnswerKey, ...AnswerKey[]];
const ZAnswerKey = z.enum(ANSWER_KEYS);

// A rule that compares an answer with a value it can never hold is a typo that would
// silently never match, so the data is checked against the answers' types.
const ZLeaf = z
  .union([
    z.object({ answer: ZAnswerKey, eq: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
    z.object({ answer: ZAnswerKey, gte: z.number() }).strict(),
    z.object({ answer: ZAnswerKey, gt: z.number() }).strict(),
  ])
  .superRefine((leaf, ctx) => {
    const type = ANSWER_TYPES[leaf.answer];
    if (!('eq' in leaf)) {
      if (type !== 'number') ctx.addIssue({ code: 'custom', message: `"${leaf.answer}" is not a number answer` });
      return;
    }
    const ok =
      type === 'kind'
        ? leaf.eq === 'event' || leaf.eq === 'facility'
        : type === 'text'
          ? typeof leaf.eq === 'string'
          : typeof leaf.eq === type;
    if (!ok) ctx.addIssue({ code: 'custom', message: `"${leaf.answer}" can never equal ${JSON.stringify(leaf.eq)}` });
  });

const ZCondition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(ZCondition).min(1) }).strict(),
    z.object({ any: z.array(ZCondition).min(1) }).strict(),
    ZLeaf,
  ]),
);

const ZFieldDef = z
  .object({
    key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
    labelFi: z.string().min(1),
    labelEn: z.string().min(1),
    type: z.enum(['text', 'number', 'date', 'boolean']),
    required: z.boolean(),
    critical: z.boolean().optional(),
    askWhen: ZAnswerKey.optional(),
  })
  .strict();

const uniqueKeys = (fields: readonly FieldDef[]) => new Set(fields.map((f) => f.key)).size === fields.length;

const ZPermitTypeDef = z
  .object({
    permitType: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'permit type ids are kebab-case'),
    nameFi: z.string().min(1),
    nameEn: z.string().min(1),
    authorityCode: z.enum(AUTHORITY_CODES),
    hearing: z.boolean(),
    noticeDays: z.number().int().min(0),
    appealDays: z.number().int().min(0),
    notificationAllowed: z.boolean(),
    neededWhen: ZCondition,
    likelyWhen: ZCondition.optional(),
    fields: z.array(ZFieldDef).refine(uniqueKeys, 'field keys must be unique within a section'),
    norms: z
      .object(
        Object.fromEntries(PERMIT_STEPS.map((s) => [s, z.number().min(0)])) as Record<PermitStepName, z.ZodNumber>,
      )
      .strict(),
    guideUrl: z.url().optional(),
    supervision: z
      .object({ model: z.string().min(1), targetGroup: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.hearing !== d.noticeDays > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['noticeDays'],
        message: 'a type has a notice period exactly when it has a hearing',
      });
    }
    // The hearing step contains the notice period, so its norm cannot be shorter.
    if (d.hearing && d.norms.hearing < d.noticeDays) {
      ctx.addIssue({ code: 'custom', path: ['norms', 'hearing'], message: 'hearing norm is shorter than the notice' });
    }
    // The appeal step is the statutory appeal period itself, so the norm cannot differ from it.
    if (d.norms.appeal !== d.appealDays) {
      ctx.addIssue({ code: 'custom', path: ['norms', 'appeal'], message: 'appeal norm differs from appealDays' });
    }
    if (!d.hearing && (d.norms.hearing > 0 || d.norms.replies > 0)) {
      ctx.addIssue({ code: 'custom', path: ['norms'], message: 'a type without a hearing has no hearing or replies' });
    }
  });

export const ZCatalogue = z
  .object({
    version: z.string().min(1),
    common: z.array(ZFieldDef).refine(uniqueKeys, 'common field keys must be unique'),
    types: z.array(ZPermitTypeDef).min(1),
  })
  .strict()
  .refine((c) => new Set(c.types.map((t) => t.permitType)).size === c.types.length, 'permit types must be unique');

// Compile-time guard: what the schema produces is what the exported interfaces promise.
const parseCatalogue = (raw: unknown): { version: string; common: FieldDef[]; types: PermitTypeDef[] } =>
  ZCatalogue.parse(raw);

// The catalogue is shared by every case in the process (and by workflow sandboxes), so one
// caller mutating it must not change what the others see.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const catalogue = deepFreeze(parseCatalogue(data));

export const CATALOGUE_VERSION: string = catalogue.version;
export const PERMIT_TYPES: readonly PermitTypeDef[] = catalogue.types;
export const COMMON_FIELDS: readonly FieldDef[] = catalogue.common;

/** A permit type id that is not in the catalogue; a domain error, never worth a retry. */
export class UnknownPermitType extends Error {
  override readonly name = 'UnknownPermitType';
  constructor(readonly permitType: string) {
    super(`Unknown permit type "${permitType}"`);
  }
}

export function permitType(permitType: string): PermitTypeDef | undefined {
  return PERMIT_TYPES.find((t) => t.permitType === permitType);
}

/** Like permitType() but an unknown id throws UnknownPermitType. */
export function requirePermitType(id: string): PermitTypeDef {
  const def = permitType(id);
  if (!def) throw new UnknownPermitType(id);
  return def;
}

// Accepts any object with the answer keys, so callers holding loosely typed stored answers
// (JSON columns) can evaluate rules without a cast.
type AnswerValues = Readonly<Partial<Record<AnswerKey, unknown>>>;

function leafHolds(leaf: LeafCondition, answers: AnswerValues): boolean {
  const value = answers[leaf.answer];
  if ('eq' in leaf) return value === leaf.eq;
  if (typeof value !== 'number') return false;
  return 'gte' in leaf ? value >= leaf.gte : value > leaf.gt;
}

export function evaluateCondition(c: Condition, answers: AnswerValues): boolean {
  if ('all' in c) return c.all.every((x) => evaluateCondition(x, answers));
  if ('any' in c) return c.any.some((x) => evaluateCondition(x, answers));
  return leafHolds(c, answers);
}

/**
 * The leaves that make a condition true, to explain a result to the customer: every leaf of
 * a true `all`, the true branches of an `any`. Empty when the condition does not hold.
 */
export function matchingLeaves(c: Condition, answers: AnswerValues): LeafCondition[] {
  if (!evaluateCondition(c, answers)) return [];
  if ('all' in c) return c.all.flatMap((x) => matchingLeaves(x, answers));
  if ('any' in c) return c.any.flatMap((x) => matchingLeaves(x, answers));
  return [c];
}
