/** Request schemas beside the routes that use them; the same names generate the API docs. */
import { z } from 'zod';
import { TZDate } from '@date-fns/tz';
import { HELSINKI } from '../domain/supervision';
import { PERMIT_STEPS, permitType as permitTypeDef } from '../domain/catalogue';

const ZText = (max: number) => z.string().trim().min(1).max(max);
const ZFieldValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const ZFieldKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,59}$/, 'must be a field name');
const ZIsoTime = z.iso.datetime({ offset: true });

export const ZPermitTypeId = z
  .string()
  .min(2)
  .max(60)
  .refine((t) => permitTypeDef(t) !== undefined, 'unknown permit type');

export const ZCreateProjectRequest = z.object({
  organisationId: z.uuid(),
  title: z.string().trim().min(3).max(200),
  description: z.string().max(10_000).default(''),
  municipality: z.string().max(100).default(''),
  /** Optional: without permits the customer answers the advice questionnaire (F04) first. */
  permits: z
    .array(z.object({ permitType: ZPermitTypeId, authorityCode: z.string().min(2).max(60).optional() }))
    .max(20)
    .default([])
    .refine((ps) => new Set(ps.map((p) => p.permitType)).size === ps.length, 'permit types must be unique'),
});
export type TCreateProjectRequest = z.infer<typeof ZCreateProjectRequest>;

const ZSecretPath = z
  .string()
  .regex(
    /^(common\.[A-Za-z][A-Za-z0-9_-]{0,59}|sections\.[a-z0-9-]{1,60}\.[A-Za-z][A-Za-z0-9_-]{0,59})$/,
    'must be a field path: common.<field> or sections.<permit type>.<field>',
  );
const ZDraftPatch = z.object({
  common: z.record(ZFieldKey, ZFieldValue).optional(),
  sections: z.record(z.string().max(60), z.record(ZFieldKey, ZFieldValue)).optional(),
  /** Trade secrets (F07): visible only to the customer and the authorities. */
  secret: z
    .object({ mark: z.array(ZSecretPath).max(200).optional(), unmark: z.array(ZSecretPath).max(200).optional() })
    .strict()
    .optional(),
});

export const ZProjectCommand = z.discriminatedUnion('action', [
  z.object({ action: z.literal('answerAdvice'), answers: z.record(z.string(), z.unknown()) }),
  z.object({ action: z.literal('completeAdvice'), previousProjectId: z.uuid().optional() }),
  z.object({ action: z.literal('saveDraft'), patch: ZDraftPatch }),
  z.object({ action: z.literal('submitDraft') }),
  z.object({
    action: z.literal('editAgenda'),
    op: z.enum(['upsert', 'remove']),
    item: z.object({
      id: z.string().regex(/^[a-z0-9-]{1,60}$/),
      title: ZText(200),
      notes: z.string().max(2000).optional(),
    }),
    by: ZText(60),
  }),
  z.object({
    action: z.literal('confirmKickoff'),
    authorityCode: ZText(60),
    dataSufficient: z.boolean(),
    attends: z.boolean(),
    note: z.string().max(2000).optional(),
  }),
  z.object({
    action: z.literal('scheduleKickoff'),
    at: ZIsoTime,
    /** The virtual meeting's link; the configured provider makes one when it is left out. */
    meetingUrl: z
      .url({ protocol: /^https$/ })
      .max(500)
      .optional(),
  }),
  z.object({ action: z.literal('holdKickoff'), minutes: ZText(20_000) }),
  z.object({ action: z.literal('submit') }),
  z.object({ action: z.literal('confirmReceipt'), permitType: ZText(60), caseNumber: ZText(60) }),
  z.object({ action: z.literal('cancel'), reason: z.string().max(2000).optional() }),
]);
export type TProjectCommand = z.infer<typeof ZProjectCommand>;

/** A point as [longitude, latitude] (WGS 84), the GeoJSON order. */
export const ZLonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export const ZImpactArea = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('Polygon'),
    coordinates: z
      .array(z.array(ZLonLat).min(4).max(2000))
      .min(1)
      .max(20)
      .refine(
        (rings) => rings.every((r) => r[0]?.[0] === r.at(-1)?.[0] && r[0]?.[1] === r.at(-1)?.[1]),
        'every ring must be closed (first point = last point)',
      ),
  }),
  z.object({ type: z.literal('Circle'), center: ZLonLat, radiusMeters: z.number().positive().max(100_000) }),
]);

/** Third-party comment text (F23); `kind` is an opinion or an objection (mielipide / muistutus). */
export const ZCommentRequest = z.object({
  kind: z.enum(['opinion', 'objection']),
  authorName: ZText(200),
  anonymous: z.boolean().default(false),
  text: ZText(5000),
});
export type TCommentRequest = z.infer<typeof ZCommentRequest>;

export function sectionCommandSchema(noticeMinDays: number) {
  return z.discriminatedUnion('action', [
    z.object({
      action: z.literal('requestInfo'),
      authorityCode: ZText(60),
      question: ZText(5000),
      dueAt: ZIsoTime.optional(),
    }),
    z.object({ action: z.literal('answerInfo'), requestId: z.uuid(), answer: ZText(20_000) }),
    z.object({
      action: z.literal('startHearing'),
      closesAt: ZIsoTime.refine(
        (t) => Date.parse(t) >= Date.now() + noticeMinDays * 24 * 60 * 60 * 1000,
        `the notice period must last at least ${noticeMinDays} day(s)`,
      ),
      titleFi: ZText(200),
      titleEn: ZText(200),
      textFi: ZText(20_000),
      textEn: ZText(20_000),
      area: ZImpactArea,
    }),
    z.object({ action: z.literal('comment') }).extend(ZCommentRequest.shape),
    z.object({ action: z.literal('reply'), text: ZText(20_000), replyToId: z.uuid().optional() }),
    z.object({ action: z.literal('closeReplies') }),
    z.object({ action: z.literal('proposeDraft'), text: ZText(50_000) }),
    z.object({ action: z.literal('reviewDraft'), accepted: z.boolean(), comment: z.string().max(20_000).optional() }),
    z.object({
      action: z.literal('decide'),
      decision: z.enum(['approved', 'approvedWithConditions', 'rejected']),
      conditions: z.string().max(50_000).optional(),
      text: ZText(50_000),
      signedBy: ZText(200),
    }),
    z.object({ action: z.literal('cancel'), reason: z.string().max(2000).optional() }),
  ]);
}

export const ZForecastOverride = z.object({
  step: z.enum(PERMIT_STEPS),
  days: z.number().min(0).max(3650),
  reason: ZText(2000),
});

export const ZAuthorityView = z.object({ authorityCode: ZText(60) });
export const ZIdParam = z.object({ id: z.uuid() });
export const ZPermitParam = z.object({ id: z.uuid(), permitType: z.string().min(2).max(60) });
export const ZIdempotencyKey = z.string().min(8).max(200);

/** A window of days (YYYY-MM-DD, both ends included); `to` must not be before `from`. */
export const ZDayWindow = { from: z.iso.date().optional(), to: z.iso.date().optional() };
export const dayWindowInOrder = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
export const DAY_WINDOW_ORDER = { message: 'must not be before from', path: ['to'] };

/** The window's instants: `from` at the start of its day and `to` at the end of its day in Helsinki. */
export function windowOf(q: { from?: string; to?: string }): { from?: Date; to?: Date } {
  return {
    from: q.from ? helsinkiMidnight(q.from, 0) : undefined,
    to: q.to ? new Date(helsinkiMidnight(q.to, 1).getTime() - 1) : undefined,
  };
}

/** Midnight in Helsinki starting the day `days` after the ISO date `day` (DST-aware). */
function helsinkiMidnight(day: string, days: number): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d + days, HELSINKI).getTime());
}
