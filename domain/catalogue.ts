/**
 * The permit catalogue: which permit types exist, which authority handles each, what its
 * application section asks, whether it has a public hearing or allows the low-risk
 * notification procedure, and norm durations per step. The data lives in
 * permit-types.json so it can change with the rules without touching code; it is
 * validated when loaded, so malformed data fails at start, not in a case.
 */
import { z } from 'zod';
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

/** Advice answers as the rule language sees them (see domain/advice.ts for the typed form). */
export type AnswerBag = Readonly<Record<string, unknown>>;

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { answer: string; eq: string | number | boolean }
  | { answer: string; gte: number }
  | { answer: string; gt: number };

const ZCondition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(ZCondition).min(1) }).strict(),
    z.object({ any: z.array(ZCondition).min(1) }).strict(),
    z.object({ answer: z.string().min(1), eq: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
    z.object({ answer: z.string().min(1), gte: z.number() }).strict(),
    z.object({ answer: z.string().min(1), gt: z.number() }).strict(),
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
    askWhen: z.string().optional(),
  })
  .strict();
export type FieldDef = z.infer<typeof ZFieldDef>;

const AUTHORITY_CODES = ['CITY-TRE', 'POLICE-SISA', 'RESCUE-PIR', 'AVI-LSU', 'TUKES'] as const;

const ZPermitTypeDef = z
  .object({
    permitType: z.string().regex(/^[a-z][a-z0-9-]*$/),
    nameFi: z.string().min(1),
    nameEn: z.string().min(1),
    authorityCode: z.enum(AUTHORITY_CODES),
    hearing: z.boolean(),
    noticeDays: z.number().int().min(0),
    appealDays: z.number().int().min(0),
    notificationAllowed: z.boolean(),
    neededWhen: ZCondition,
    likelyWhen: ZCondition.optional(),
    fields: z.array(ZFieldDef),
    norms: z.object(
      Object.fromEntries(PERMIT_STEPS.map((s) => [s, z.number().min(0)])) as Record<PermitStepName, z.ZodNumber>,
    ),
    guideUrl: z.url().optional(),
  })
  .strict()
  .refine((d) => d.hearing === d.noticeDays > 0, 'a type has a notice period exactly when it has a hearing');
export type PermitTypeDef = z.infer<typeof ZPermitTypeDef>;

export const ZCatalogue = z
  .object({ version: z.string(), common: z.array(ZFieldDef), types: z.array(ZPermitTypeDef).min(1) })
  .strict()
  .refine((c) => new Set(c.types.map((t) => t.permitType)).size === c.types.length, 'permit types must be unique');

const catalogue = ZCatalogue.parse(data);

export const CATALOGUE_VERSION: string = catalogue.version;
export const PERMIT_TYPES: readonly PermitTypeDef[] = catalogue.types;
export const COMMON_FIELDS: readonly FieldDef[] = catalogue.common;

export function permitType(id: string): PermitTypeDef | undefined {
  return PERMIT_TYPES.find((t) => t.permitType === id);
}

export function evaluateCondition(c: Condition, answers: AnswerBag): boolean {
  if ('all' in c) return c.all.every((x) => evaluateCondition(x, answers));
  if ('any' in c) return c.any.some((x) => evaluateCondition(x, answers));
  const value = answers[c.answer];
  if ('eq' in c) return value === c.eq;
  if (typeof value !== 'number') return false;
  return 'gte' in c ? value >= c.gte : value > c.gt;
}
