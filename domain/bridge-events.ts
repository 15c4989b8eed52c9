/**
 * The bridge to the authorities' own case-management systems (F37): versioned event schemas
 * in both directions and the pure rules around them (no I/O).
 *
 * Outbound events are made from the project's append-only timeline (a transactional outbox):
 * which timeline entries become which event, for which authority, and how a receiver's HTTP
 * answer is read. Inbound events are what an authority's system may report back; each maps
 * to the same workflow command a clerk gives in the UI.
 *
 * Versioning: every event names its `type` and `version`. A receiver states the version it
 * accepts (AuthorityConnection.version); a new incompatible shape is a new version with its
 * own schema here, and both are produced side by side until no receiver needs the old one.
 */
import { z } from 'zod';

const ZText = (max: number) => z.string().trim().min(1).max(max);
const ZIsoTime = z.iso.datetime({ offset: true });
const ZFieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The versions this platform produces and accepts. */
export const BRIDGE_VERSIONS = [1] as const;
export type BridgeVersion = (typeof BRIDGE_VERSIONS)[number];

// ---------------------------------------------------------------------------------------------
// Outbound: platform → authority's system

export const OUTBOUND_TYPES = [
  'submission.received',
  'infoRequest.created',
  'infoRequest.answered',
  'decision.made',
] as const;
export type OutboundType = (typeof OUTBOUND_TYPES)[number];

/** submission.received v1: the application as the authority needs it to open its case. */
export const ZSubmissionReceivedV1 = z.object({
  submittedAt: ZIsoTime,
  applicant: z.object({ organisationId: z.uuid(), name: z.string(), businessId: z.string().nullable() }),
  title: z.string(),
  description: z.string(),
  municipality: z.string(),
  /** The common description of the project (F09). */
  common: z.record(z.string(), ZFieldValue),
  /** The section of the application for this permit. */
  section: z.record(z.string(), ZFieldValue),
  /** Field paths the customer marked as trade secrets: the authority keeps them out of public records. */
  secretFields: z.array(z.string()),
});

/** infoRequest.created v1 (F14): a request for more information, by whichever authority asked. */
export const ZInfoRequestCreatedV1 = z.object({
  requestId: z.uuid(),
  askedBy: z.string(),
  question: z.string(),
  dueAt: ZIsoTime.nullable(),
});

/** infoRequest.answered v1 (F14): the customer's answer. */
export const ZInfoRequestAnsweredV1 = z.object({
  requestId: z.uuid(),
  answer: z.string(),
  answeredAt: ZIsoTime,
});

/** decision.made v1 (F17, F31): the signed decision, with the hash of the signed document. */
export const ZDecisionMadeV1 = z.object({
  decidedBy: z.string(),
  decision: z.enum(['approved', 'approvedWithConditions', 'rejected']),
  conditions: z.string(),
  signedBy: z.string(),
  signedAt: ZIsoTime,
  documentHash: z.string().nullable(),
});

export const OUTBOUND_DATA = {
  'submission.received': { 1: ZSubmissionReceivedV1 },
  'infoRequest.created': { 1: ZInfoRequestCreatedV1 },
  'infoRequest.answered': { 1: ZInfoRequestAnsweredV1 },
  'decision.made': { 1: ZDecisionMadeV1 },
} as const satisfies Record<OutboundType, Record<BridgeVersion, z.ZodType>>;

export type OutboundData<T extends OutboundType> = z.infer<(typeof OUTBOUND_DATA)[T][1]>;

const envelopeFields = {
  version: z.literal(1),
  /** The webhook-id: the receiver deduplicates on it. */
  id: z.uuid(),
  occurredAt: ZIsoTime,
  authorityCode: z.string(),
  project: z.object({ id: z.uuid(), title: z.string() }),
  permit: z.object({
    type: z.string(),
    /** The platform's case number given on receipt (F12), once there is one. */
    caseNumber: z.string().nullable(),
    /** The receiver's own case number, once it acknowledged the submission. */
    externalCaseNumber: z.string().nullable(),
  }),
};

/** Every outbound event, v1: the envelope with its type's data. */
export const ZOutboundEventV1 = z.discriminatedUnion('type', [
  z.object({ type: z.literal('submission.received'), ...envelopeFields, data: ZSubmissionReceivedV1 }),
  z.object({ type: z.literal('infoRequest.created'), ...envelopeFields, data: ZInfoRequestCreatedV1 }),
  z.object({ type: z.literal('infoRequest.answered'), ...envelopeFields, data: ZInfoRequestAnsweredV1 }),
  z.object({ type: z.literal('decision.made'), ...envelopeFields, data: ZDecisionMadeV1 }),
]);
export type OutboundEventV1 = z.infer<typeof ZOutboundEventV1>;

/** The receiver's acknowledgement: any 2xx; its JSON body may carry the receiver's case number. */
export const ZAcknowledgement = z.object({ caseNumber: z.string().trim().min(1).max(100).optional() }).loose();

/** Timeline entries (their `type`, written by the workflows' activities) that become outbound events. */
export const OUTBOUND_SOURCES: Record<string, OutboundType> = {
  submit: 'submission.received',
  requestInfo: 'infoRequest.created',
  answerInfo: 'infoRequest.answered',
  decide: 'decision.made',
};

export interface PermitOfProject {
  permitType: string;
  authorityId: string;
  authorityCode: string;
}

export interface OutboundTarget {
  type: OutboundType;
  authorityId: string;
  authorityCode: string;
  permitType: string;
  /** One event per source entry, authority and permit: a re-read of the timeline writes nothing twice. */
  idempotencyKey: string;
}

/**
 * Who gets an event for one timeline entry, among the authorities connected by webhook:
 * a submission goes to each permit's own authority (one event per permit, each gets its own
 * case number); information requests, answers and decisions of a section go to every connected
 * authority of the project, as every authority of the project sees them in the portal (F14, F17).
 */
export function outboundTargets(
  entry: { id: string; type: string; permitType: string | null },
  permits: readonly PermitOfProject[],
  webhookAuthorityIds: ReadonlySet<string>,
): OutboundTarget[] {
  const type = OUTBOUND_SOURCES[entry.type];
  if (!type) return [];
  const key = (authorityId: string, permitType: string) => `timeline:${entry.id}:${authorityId}:${permitType}`;
  if (type === 'submission.received') {
    return permits
      .filter((p) => webhookAuthorityIds.has(p.authorityId))
      .map((p) => ({ type, ...p, idempotencyKey: key(p.authorityId, p.permitType) }));
  }
  const permitType = entry.permitType;
  if (!permitType || !permits.some((p) => p.permitType === permitType)) return [];
  const authorities = new Map(
    permits.filter((p) => webhookAuthorityIds.has(p.authorityId)).map((p) => [p.authorityId, p.authorityCode]),
  );
  return [...authorities].map(([authorityId, authorityCode]) => ({
    type,
    authorityId,
    authorityCode,
    permitType,
    idempotencyKey: key(authorityId, permitType),
  }));
}

/**
 * How a receiver's HTTP status is taken: 2xx acknowledges; statuses that say the message
 * itself will never be accepted (malformed, too large, a type or version the receiver does not
 * take, gone for good) reject it for good; everything else — the receiver down, overloaded,
 * timing out, or misconfigured in a way its operator can fix (401, 403, 404 after a move) —
 * is retried until it is acknowledged.
 */
export function deliveryOutcome(status: number): 'acknowledged' | 'rejected' | 'retry' {
  if (status >= 200 && status < 300) return 'acknowledged';
  return REJECTING_STATUSES.has(status) ? 'rejected' : 'retry';
}
const REJECTING_STATUSES = new Set([400, 410, 413, 415, 422]);

/** Retry delays of one delivery: exponential from `initialMs`, capped at `maximumMs` (what Temporal's policy does). */
export function retryDelays(initialMs: number, maximumMs: number, coefficient: number, attempts: number): number[] {
  const delays: number[] = [];
  for (let i = 0; i < attempts; i++) delays.push(Math.min(maximumMs, initialMs * coefficient ** i));
  return delays;
}

// ---------------------------------------------------------------------------------------------
// Inbound: authority's system → platform

export const INBOUND_TYPES = [
  'case.registered',
  'case.status',
  'infoRequest.created',
  'draftDecision.proposed',
  'decision.made',
] as const;
export type InboundType = (typeof INBOUND_TYPES)[number];

const inboundFields = { version: z.literal(1), projectId: z.uuid(), permitType: z.string().min(2).max(60) };

/**
 * An event from an authority's system, v1. Each type drives what a clerk would do in the UI:
 * case.registered confirms receipt with the system's case number (F12, F13); case.status
 * records a status change of the authority's own case on the timeline; infoRequest.created
 * asks the customer (F14); draftDecision.proposed proposes the draft decision; decision.made
 * signs the decision (F17, F31).
 */
export const ZInboundEventV1 = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('case.registered'),
    ...inboundFields,
    data: z.strictObject({ caseNumber: ZText(60) }),
  }),
  z.strictObject({
    type: z.literal('case.status'),
    ...inboundFields,
    data: z.strictObject({
      status: ZText(100),
      note: z.string().max(2000).optional(),
      caseNumber: ZText(60).optional(),
    }),
  }),
  z.strictObject({
    type: z.literal('infoRequest.created'),
    ...inboundFields,
    data: z.strictObject({ question: ZText(5000), dueAt: ZIsoTime.optional() }),
  }),
  z.strictObject({
    type: z.literal('draftDecision.proposed'),
    ...inboundFields,
    data: z.strictObject({ text: ZText(50_000) }),
  }),
  z.strictObject({
    type: z.literal('decision.made'),
    ...inboundFields,
    data: z.strictObject({
      decision: z.enum(['approved', 'approvedWithConditions', 'rejected']),
      conditions: z.string().max(50_000).optional(),
      text: ZText(50_000),
      signedBy: ZText(200),
    }),
  }),
]);
export type InboundEventV1 = z.infer<typeof ZInboundEventV1>;

/** The section command an inbound event gives, exactly as the UI's clerk would send it. */
export type InboundSectionCommand =
  | { action: 'requestInfo'; authorityCode: string; question: string; dueAt?: string }
  | { action: 'proposeDraft'; text: string }
  | {
      action: 'decide';
      decision: 'approved' | 'approvedWithConditions' | 'rejected';
      conditions?: string;
      text: string;
      signedBy: string;
    };

export function inboundSectionCommand(event: InboundEventV1, authorityCode: string): InboundSectionCommand | null {
  switch (event.type) {
    case 'infoRequest.created':
      return {
        action: 'requestInfo',
        authorityCode,
        question: event.data.question,
        ...(event.data.dueAt ? { dueAt: event.data.dueAt } : {}),
      };
    case 'draftDecision.proposed':
      return { action: 'proposeDraft', text: event.data.text };
    case 'decision.made':
      return {
        action: 'decide',
        decision: event.data.decision,
        text: event.data.text,
        signedBy: event.data.signedBy,
        ...(event.data.conditions !== undefined ? { conditions: event.data.conditions } : {}),
      };
    default:
      return null;
  }
}
