/**
 * Advice and knowledge (F01–F03): chat advice, the answer and solution stores, e-service guides and search.
 *
 * - Chat (F01): a customer opens a conversation from any page (kept with a project when one is
 *   named); the shared customer service answers first and may hand it to an authority. Each
 *   write, its audit entry and its room events commit in one transaction; the rooms are woken
 *   after commit: the conversation's (`chat:<id>`), the queue that handles it (`chatqueue:DESK`
 *   or `chatqueue:<authority>`) and the customer's own (`user:<id>`).
 * - The answer store and the guides are edited by experts; every write re-indexes its search
 *   documents in the same transaction (activities/knowledge.ts).
 * - The solution store: an authority publishes one of its decided cases, anonymised
 *   (domain/knowledge-anonymise.ts).
 * - Search (F02): PostgreSQL full-text search over SearchDocument (docs/adr/0009).
 * - Guides (F03): the guides of a step that apply to the user's profile and the project
 *   (domain/knowledge-guides.ts), the most specific first, with the reasons.
 */
import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { Prisma } from '../prisma/generated/client';
import type { Db, Tx } from '../platform/db';
import { appendRoomEvent } from '../activities/timeline';
import { indexAnswer, indexGuide, indexSolution } from '../activities/knowledge';
import { anonymise, type KnownIdentifiers } from '../domain/knowledge-anonymise';
import {
  COMPANY_SIZES,
  EVENT_SIZES,
  GUIDE_STEPS,
  INDUSTRIES,
  adaptGuides,
  eventSizeOf,
  type GuideProfile,
} from '../domain/knowledge-guides';
import { SEARCH_KINDS, prefixQuery, type SearchDocumentFields, type SnippetPart } from '../domain/knowledge-search';
import { permitType as permitTypeDef } from '../domain/catalogue';
import { asyncRoute, type AppDeps } from './shared';
import type { Operation } from './openapi';
import { AppError } from './errors';
import { writeAudit } from './audit';
import { actorOf, allow, viewerOf } from './auth/actor';
import {
  actingOrganisation,
  canCloseConversation,
  canEditKnowledge,
  canHandOverConversation,
  canOpenConversation,
  canPublishSolution,
  canReadConversation,
  canSearchAuthorityDocuments,
  canWriteConversation,
  conversationScope,
  isKnowledgeExpert,
  type Actor,
  type ConversationFacts,
  type ProjectFacts,
} from './auth/policy';
import { factsOf, idempotencyKey, readableProject } from './projects';
import { ZIdParam, ZPermitTypeId } from './schemas';

// ---------------------------------------------------------------------------------------------
// Schemas

const ZText = (min: number, max: number) => z.string().trim().min(min).max(max);
const ZAuthorityCode = z.string().regex(/^[A-Z0-9-]{2,40}$/, 'must be an authority code');
const ZIndustry = z.enum(INDUSTRIES);
const ZCompanySize = z.enum(COMPANY_SIZES);
const ZEventSize = z.enum(EVENT_SIZES);
const ZGuideStep = z.enum(GUIDE_STEPS);
const ZPermitTypes = z
  .array(ZPermitTypeId)
  .max(12)
  .default([])
  .refine((ts) => new Set(ts).size === ts.length, 'permit types must be unique');

export const ZOpenConversation = z
  .object({
    topic: ZText(1, 200),
    body: ZText(1, 5000),
    /** Keeps the conversation with a project the customer may read. */
    projectId: z.uuid().optional(),
    /** The UI page it was opened from. */
    page: z.string().max(300).default(''),
  })
  .strict();
export const ZChatMessage = z.object({ body: ZText(1, 5000) }).strict();
export const ZHandOver = z.object({ authorityCode: ZAuthorityCode, note: ZText(1, 2000) }).strict();
export const ZConversationsQuery = z
  .object({
    status: z.enum(['open', 'closed', 'all']).default('all'),
    /** The conversations kept with a project (for the project's readers). */
    projectId: z.uuid().optional(),
  })
  .strict();

export const ZStoredAnswer = z
  .object({
    lang: z.enum(['fi', 'en']),
    question: ZText(3, 500),
    answer: ZText(1, 10_000),
    topic: ZText(1, 100),
    industry: ZIndustry.nullable().default(null),
    permitTypes: ZPermitTypes,
    /** The chat message the answer is saved from (an expert's message). */
    sourceMessageId: z.uuid().optional(),
  })
  .strict();
export const ZUpdateAnswer = ZStoredAnswer.omit({ sourceMessageId: true });
export const ZAnswersQuery = z
  .object({
    topic: z.string().max(100).optional(),
    industry: ZIndustry.optional(),
    lang: z.enum(['fi', 'en']).optional(),
  })
  .strict();

export const ZPublishSolution = z.object({ permitId: z.uuid() }).strict();

const ZGuideFields = z.object({
  step: ZGuideStep,
  permitTypes: ZPermitTypes,
  industries: z.array(ZIndustry).max(6).default([]),
  companySizes: z.array(ZCompanySize).max(4).default([]),
  eventSizes: z.array(ZEventSize).max(3).default([]),
  titleFi: ZText(3, 200),
  titleEn: ZText(3, 200),
  bodyFi: ZText(1, 20_000),
  bodyEn: ZText(1, 20_000),
});
export const ZCreateGuide = ZGuideFields.extend({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,79}$/, 'must be lower-case letters, digits and hyphens'),
  /** The owning authority; left out: the author's own authority (the shared service's for the desk). */
  authorityCode: ZAuthorityCode.nullable().optional(),
}).strict();
export const ZUpdateGuide = ZGuideFields.extend({
  /** The version the editor started from; a newer one stored meanwhile is a 409. */
  version: z.number().int().min(1),
}).strict();
export const ZGuidesQuery = z
  .object({
    step: ZGuideStep.optional(),
    projectId: z.uuid().optional(),
    /** 'all': every guide (of the step, when given) unadapted, for the editors. */
    list: z.enum(['adapted', 'all']).default('adapted'),
  })
  .strict();

export const ZSearchQuery = z
  .object({
    q: ZText(1, 200),
    /** Only documents in this language; left out: both, each parsed with its own configuration. */
    lang: z.enum(['fi', 'en']).optional(),
    kind: z.enum(SEARCH_KINDS).optional(),
    permitType: ZPermitTypeId.optional(),
    authorityCode: ZAuthorityCode.optional(),
    region: z.string().trim().min(1).max(100).optional(),
    industry: ZIndustry.optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
    offset: z.coerce.number().int().min(0).max(1000).default(0),
  })
  .strict();
export type TSearchQuery = z.infer<typeof ZSearchQuery>;

// ---------------------------------------------------------------------------------------------
// Operations

const K = 'Advice and knowledge';

export const KNOWLEDGE_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/search',
    summary: 'One search over guides, stored answers, contacts and solutions, ranked, with snippets (F02)',
    tag: K,
    access: 'public',
    query: ZSearchQuery,
    ok: [200, 'Results, best first'],
  },
  {
    method: 'get',
    path: '/api/guides',
    summary: "A step's guides adapted to the profile and the project, most specific first, with reasons (F03)",
    tag: K,
    access: 'public',
    query: ZGuidesQuery,
    ok: [200, 'Guides'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/guides/:id',
    summary: 'One guide',
    tag: K,
    access: 'public',
    params: ZIdParam,
    ok: [200, 'Guide'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/guides',
    summary: 'Create a guide (authorities: their own; the service desk: shared ones)',
    tag: K,
    access: 'signed-in',
    body: ZCreateGuide,
    command: true,
    ok: [201, 'Guide'],
    errors: [409],
  },
  {
    method: 'put',
    path: '/api/guides/:id',
    summary: 'Edit a guide (the version it was read at; 409 when it changed meanwhile)',
    tag: K,
    access: 'signed-in',
    params: ZIdParam,
    body: ZUpdateGuide,
    ok: [200, 'Guide, version incremented'],
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/api/answers',
    summary: 'The answer store: experts’ answers to frequent questions',
    tag: K,
    access: 'public',
    query: ZAnswersQuery,
    ok: [200, 'Answers'],
  },
  {
    method: 'post',
    path: '/api/answers',
    summary: 'Save an answer to the answer store (from a chat message or written anew)',
    tag: K,
    access: 'signed-in',
    body: ZStoredAnswer,
    command: true,
    ok: [201, 'Answer'],
    errors: [404],
  },
  {
    method: 'put',
    path: '/api/answers/:id',
    summary: 'Edit a stored answer',
    tag: K,
    access: 'signed-in',
    params: ZIdParam,
    body: ZUpdateAnswer,
    ok: [200, 'Answer'],
    errors: [404],
  },
  {
    method: 'delete',
    path: '/api/answers/:id',
    summary: 'Delete a stored answer',
    tag: K,
    access: 'signed-in',
    params: ZIdParam,
    ok: [204, 'Deleted'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/solutions',
    summary: 'Publish a decided case of ones own to the solution store, anonymised',
    tag: K,
    access: 'signed-in',
    body: ZPublishSolution,
    command: true,
    ok: [201, 'Solution (200: published before)'],
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/api/chat/conversations',
    summary: 'Conversations: the customer’s own, the desk’s or an authority’s queue, or a project’s (F01)',
    tag: K,
    access: 'signed-in',
    query: ZConversationsQuery,
    ok: [200, 'Conversations, newest first'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/chat/conversations',
    summary: 'Open a chat with the shared customer service (F01)',
    tag: K,
    access: 'signed-in',
    body: ZOpenConversation,
    command: true,
    ok: [201, 'Conversation with its first message'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/chat/conversations/:id',
    summary: 'One conversation with its messages',
    tag: K,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Conversation'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/chat/conversations/:id/messages',
    summary: 'Write in an open conversation',
    tag: K,
    access: 'signed-in',
    params: ZIdParam,
    body: ZChatMessage,
    command: true,
    ok: [201, 'Message'],
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/chat/conversations/:id/handover',
    summary: 'Hand the conversation to an authority with a note',
    tag: K,
    access: 'signed-in',
    params: ZIdParam,
    body: ZHandOver,
    command: true,
    ok: [200, 'Conversation'],
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/chat/conversations/:id/close',
    summary: 'Close a conversation',
    tag: K,
    access: 'signed-in',
    params: ZIdParam,
    command: true,
    ok: [200, 'Conversation'],
    errors: [404, 409],
  },
];

// ---------------------------------------------------------------------------------------------
// Helpers

/** A row id derived from the request's key, so a repeated request finds what the first one wrote. */
function keyedId(scope: string, userId: string, key: string): string {
  const h = createHash('sha256').update(`${scope}|${userId}|${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

type ConversationRow = Prisma.ChatConversationGetPayload<object>;
type ChatMessageRow = Prisma.ChatMessageGetPayload<object>;

const messageOut = (m: ChatMessageRow) => ({
  id: m.id,
  conversationId: m.conversationId,
  authorName: m.authorName,
  side: m.side,
  body: m.body,
  createdAt: m.createdAt.toISOString(),
});

const conversationOut = (c: ConversationRow) => ({
  id: c.id,
  customerId: c.customerId,
  organisationId: c.organisationId,
  projectId: c.projectId,
  topic: c.topic,
  page: c.page,
  handledBy: c.handledBy,
  authorityCode: c.authorityCode,
  status: c.status,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
  closedAt: c.closedAt?.toISOString() ?? null,
});

async function projectFactsOf(db: Db | Tx, projectId: string | null): Promise<ProjectFacts | null> {
  if (!projectId) return null;
  const project = await db.permitProject.findUnique({
    where: { id: projectId },
    select: { organisationId: true, permits: { select: { authorityId: true } } },
  });
  return project ? factsOf(project) : null;
}

/** The policy's facts of a conversation (also for its socket room, api/auth/sockets.ts). */
export async function conversationFacts(db: Db | Tx, c: ConversationRow): Promise<ConversationFacts> {
  return {
    customerId: c.customerId,
    handledBy: c.handledBy,
    authorityCode: c.authorityCode,
    status: c.status,
    project: await projectFactsOf(db, c.projectId),
  };
}

/** May the actor join the room of this conversation (`chat:<id>`)? */
export async function canJoinConversationRoom(db: Db, actor: Actor | null, id: string): Promise<boolean> {
  const c = await db.chatConversation.findUnique({ where: { id } });
  return !!c && canReadConversation(actor, await conversationFacts(db, c));
}

async function conversationOr404(db: Db, id: string): Promise<ConversationRow> {
  const c = await db.chatConversation.findUnique({ where: { id } });
  if (!c) throw new AppError('NOT_FOUND', 'Conversation not found');
  return c;
}

/** The rooms a conversation's change goes to, in the one global order every writer locks them in. */
const conversationRooms = (...cs: ConversationRow[]) =>
  [
    ...new Set(
      cs.flatMap((c) => [
        `chat:${c.id}`,
        'chatqueue:DESK',
        `user:${c.customerId}`,
        ...(c.handledBy === 'authority' && c.authorityCode ? [`chatqueue:${c.authorityCode}`] : []),
      ]),
    ),
  ].sort();

const sideOf = (actor: Actor, c: ConversationRow) =>
  actor.userId === c.customerId ? 'customer' : actor.role === 'SERVICE_DESK' ? 'serviceDesk' : 'authority';

/** Refuses a change to a closed conversation with the step-style 409. */
function requireOpen(c: ConversationRow): void {
  if (c.status !== 'open') {
    throw new AppError('CONFLICT', 'The conversation is closed; allowed: none', { step: 'closed', allowed: [] });
  }
}

// ---------------------------------------------------------------------------------------------
// Search

interface SearchRow extends SearchDocumentFields {
  allWords: boolean;
  rank: number;
  total: number;
  snippet: string;
}

const HIT_START = '\u27e6';
const HIT_END = '\u27e7';

/** ts_headline's fragments as text parts, the matched words marked (no HTML: the UI renders text). */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const piece of snippet.split(HIT_START)) {
    const end = piece.indexOf(HIT_END);
    if (end === -1) {
      if (piece) parts.push({ text: piece, hit: false });
      continue;
    }
    if (end > 0) parts.push({ text: piece.slice(0, end), hit: true });
    if (piece.length > end + 1) parts.push({ text: piece.slice(end + 1), hit: false });
  }
  return parts;
}

/**
 * Full-text search: each document is matched with the query parsed in the document's own
 * configuration (finnish or english). Documents with every word of the query (websearch
 * syntax: quotes, OR, -) come first; then documents with some of the words or their prefixes
 * (domain/knowledge-search.ts prefixQuery); within each, ts_rank_cd with the title (weight A)
 * over the body (B), normalised by length. One row per source record, in its better language.
 */
export async function searchDocuments(
  db: Db,
  query: TSearchQuery,
  options: { authorityDocuments: boolean; prefer: 'fi' | 'en' },
): Promise<{ total: number; results: SearchRow[] }> {
  const [lexemes] = await db.$queryRaw<Array<{ fi: string[]; en: string[] }>>`
    SELECT tsvector_to_array(to_tsvector('finnish', ${query.q})) AS fi,
           tsvector_to_array(to_tsvector('english', ${query.q})) AS en`;
  const fiLoose = prefixQuery(lexemes?.fi ?? []);
  const enLoose = prefixQuery(lexemes?.en ?? []);
  if (!fiLoose && !enLoose) return { total: 0, results: [] };
  const audiences = options.authorityDocuments ? ['public', 'authority'] : ['public'];
  const filters: Prisma.Sql[] = [Prisma.sql`d.audience IN (${Prisma.join(audiences)})`];
  if (query.lang) filters.push(Prisma.sql`d.lang = ${query.lang}`);
  if (query.kind) filters.push(Prisma.sql`d.kind = ${query.kind}`);
  if (query.permitType) filters.push(Prisma.sql`${query.permitType} = ANY(d."permitTypes")`);
  if (query.authorityCode) filters.push(Prisma.sql`d."authorityCode" = ${query.authorityCode}`);
  if (query.region) filters.push(Prisma.sql`lower(d.region) = lower(${query.region})`);
  if (query.industry) filters.push(Prisma.sql`d.industry = ${query.industry}`);
  // A language whose configuration finds no stems in the query (all stop words) matches nothing.
  const none = Prisma.sql`''::tsquery`;
  const results = await db.$queryRaw<SearchRow[]>`
    WITH q AS (
      SELECT 'fi' AS lang, 'finnish'::regconfig AS cfg,
             ${fiLoose ? Prisma.sql`websearch_to_tsquery('finnish', ${query.q})` : none} AS strict,
             ${fiLoose ? Prisma.sql`${fiLoose}::tsquery` : none} AS loose
      UNION ALL
      SELECT 'en', 'english'::regconfig,
             ${enLoose ? Prisma.sql`websearch_to_tsquery('english', ${query.q})` : none},
             ${enLoose ? Prisma.sql`${enLoose}::tsquery` : none}
    ),
    matched AS (
      SELECT d.id, d.kind, d."refId", d.lang, d.title, d.body, d."permitTypes", d."authorityCode", d.region,
             d.industry, q.cfg, q.strict, q.loose,
             (d.tsv @@ q.strict) AS "allWords",
             ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', d.tsv, q.loose, 1) AS rank
      FROM "SearchDocument" d
      JOIN q ON q.lang = CASE WHEN d.lang = 'fi' THEN 'fi' ELSE 'en' END
      WHERE (d.tsv @@ q.strict OR d.tsv @@ q.loose) AND ${Prisma.join(filters, ' AND ')}
    ),
    best AS (
      SELECT DISTINCT ON (kind, "refId") *
      FROM matched
      ORDER BY kind, "refId", "allWords" DESC, rank DESC, (lang = ${options.prefer}) DESC
    ),
    page AS (
      SELECT *, count(*) OVER () AS total
      FROM best
      ORDER BY "allWords" DESC, rank DESC, id
      LIMIT ${query.limit} OFFSET ${query.offset}
    )
    SELECT id, kind, "refId", lang, title, body, "permitTypes", "authorityCode", region, industry, "allWords",
           rank::float8 AS rank, total::int AS total,
           ts_headline(cfg, body, loose,
             ${`StartSel=${HIT_START}, StopSel=${HIT_END}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … "`}) AS snippet
    FROM page
    ORDER BY "allWords" DESC, rank DESC, id`;
  return { total: results[0]?.total ?? 0, results };
}

// ---------------------------------------------------------------------------------------------
// Guides

type GuideRow = Prisma.GuideGetPayload<object>;

const guideOut = (g: GuideRow) => ({
  id: g.id,
  slug: g.slug,
  step: g.step,
  permitTypes: g.permitTypes,
  industries: g.industries,
  companySizes: g.companySizes,
  eventSizes: g.eventSizes,
  titleFi: g.titleFi,
  titleEn: g.titleEn,
  bodyFi: g.bodyFi,
  bodyEn: g.bodyEn,
  authorityCode: g.authorityCode,
  version: g.version,
  updatedAt: g.updatedAt.toISOString(),
});

/** The attendance the project's answers give: the questionnaire's, else the application's. */
function attendanceOf(project: { adviceAnswers: unknown; draft: unknown }): number | null {
  const fromAdvice = (project.adviceAnswers as { attendance?: unknown } | null)?.attendance;
  if (typeof fromAdvice === 'number') return fromAdvice;
  const fromDraft = (project.draft as { common?: { attendance?: unknown } } | null)?.common?.attendance;
  return typeof fromDraft === 'number' ? fromDraft : null;
}

// ---------------------------------------------------------------------------------------------
// Solutions

const DECISION_LABELS: Record<string, { fi: string; en: string }> = {
  approved: { fi: 'Myönnetty', en: 'Approved' },
  approvedWithConditions: { fi: 'Myönnetty ehdoin', en: 'Approved with conditions' },
  rejected: { fi: 'Hylätty', en: 'Rejected' },
  acknowledged: { fi: 'Ilmoitus merkitty tiedoksi', en: 'Notification acknowledged' },
};

/** Every text value in a draft whose field names a person (contact, person in charge, signer). */
function peopleInDraft(draft: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, key: string) => {
    if (typeof value === 'string' && /name|person|contact|incharge|responsible|signer/i.test(key)) found.push(value);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) visit(v, k);
  };
  visit(draft, '');
  return found.filter((v) => v.trim().length >= 3 && !v.includes('@'));
}

// ---------------------------------------------------------------------------------------------
// Routes

export function knowledgeRoutes({ db, live }: AppDeps): Router {
  const router = Router();
  const wake = (rooms: string[]) => {
    for (const room of rooms) live?.wake(room);
  };

  /** GET /api/search?q&lang&kind&permitType&authorityCode&region&industry&limit&offset — 200 {total, results}; 400 naming the field. */
  router.get(
    '/search',
    asyncRoute(async (req, res) => {
      const query = ZSearchQuery.parse(req.query);
      const viewer = viewerOf(res);
      const accepted = req.acceptsLanguages('fi', 'en') === 'en' ? 'en' : 'fi';
      const { total, results } = await searchDocuments(db, query, {
        authorityDocuments: canSearchAuthorityDocuments(viewer),
        prefer: query.lang ?? accepted,
      });
      res.json({
        total,
        results: results.map((r) => ({
          id: r.id,
          kind: r.kind,
          refId: r.refId,
          lang: r.lang,
          title: r.title,
          body: r.body,
          permitTypes: r.permitTypes,
          authorityCode: r.authorityCode,
          region: r.region,
          industry: r.industry,
          allWords: r.allWords,
          rank: r.rank,
          snippet: snippetParts(r.snippet),
        })),
      });
    }),
  );

  /**
   * GET /api/guides?step&projectId&list — 200 {step, profile, guides: [{guide, specificity, reasons}]};
   * with a project: its step (unless asked), its permits, its attendance and its organisation's
   * profile (401/403 when not readable, 404); without: the user's own organisation's profile.
   */
  router.get(
    '/guides',
    asyncRoute(async (req, res) => {
      const query = ZGuidesQuery.parse(req.query);
      const viewer = viewerOf(res);
      if (query.list === 'all') {
        const all = await db.guide.findMany({
          where: query.step ? { step: query.step } : {},
          orderBy: [{ step: 'asc' }, { slug: 'asc' }],
        });
        res.json({
          step: query.step ?? null,
          profile: null,
          guides: all.map((g) => ({ ...guideOut(g), specificity: 0, reasons: [] })),
        });
        return;
      }
      const project = query.projectId ? await readableProject(db, res, query.projectId) : null;
      const organisationId =
        project?.organisationId ?? actingOrganisation(viewer, 'permits') ?? viewer?.organisationId ?? null;
      const organisation = organisationId
        ? await db.organisation.findUnique({
            where: { id: organisationId },
            select: { industry: true, sizeClass: true },
          })
        : null;
      const profile: GuideProfile = {
        industry: organisation?.industry ?? null,
        companySize: organisation?.sizeClass ?? null,
        eventSize: project ? eventSizeOf(attendanceOf(project)) : null,
        permitTypes: project ? project.permits.map((p) => p.permitType) : [],
      };
      const step = query.step ?? project?.step ?? 'advice';
      const guides = await db.guide.findMany({ where: { step } });
      // Among equally specific guides, the permit authorities' own before the shared ones.
      const adapted = adaptGuides(
        guides,
        profile,
        (a, b) => Number(a.authorityCode === null) - Number(b.authorityCode === null) || a.slug.localeCompare(b.slug),
      );
      res.json({
        step,
        profile,
        guides: adapted.map((a) => ({ ...guideOut(a.guide), specificity: a.specificity, reasons: a.reasons })),
      });
    }),
  );

  /** GET /api/guides/:id — 200; 404. */
  router.get(
    '/guides/:id',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const guide = await db.guide.findUnique({ where: { id } });
      if (!guide) throw new AppError('NOT_FOUND', 'Guide not found');
      res.json(guideOut(guide));
    }),
  );

  /**
   * POST /api/guides + Idempotency-Key — 201 (the same guide again for a repeated key); 400
   * naming the field; 403 for a guide of another authority; 409 when the slug is taken.
   */
  router.post(
    '/guides',
    asyncRoute(async (req, res) => {
      const actor = actorOf(res);
      const key = idempotencyKey(req);
      const body = ZCreateGuide.parse(req.body);
      const authorityCode = body.authorityCode === undefined ? actor.authorityCode : body.authorityCode;
      allow(res, canEditKnowledge(actor, authorityCode), 'guides of this authority');
      const id = keyedId('guide', actor.userId, key);
      const earlier = await db.guide.findUnique({ where: { id } });
      if (earlier) {
        res.status(201).json(guideOut(earlier));
        return;
      }
      const { slug, authorityCode: _asked, ...fields } = body;
      let guide: GuideRow;
      try {
        guide = await db.$transaction(async (tx) => {
          const row = await tx.guide.create({
            data: { id, slug, ...fields, authorityCode, updatedById: actor.userId },
          });
          await indexGuide(tx, row.id);
          await writeAudit(tx, res, {
            action: 'createGuide',
            entity: 'Guide',
            entityId: row.id,
            details: { slug, step: row.step, authorityCode },
          });
          return row;
        });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const same = await db.guide.findUnique({ where: { id } });
        if (same) {
          res.status(201).json(guideOut(same));
          return;
        }
        throw new AppError('CONFLICT', 'A guide with this slug exists', { field: 'slug' });
      }
      res.status(201).location(`/api/guides/${guide.id}`).json(guideOut(guide));
    }),
  );

  /**
   * PUT /api/guides/:id {…fields, version} — 200 with the next version; a repeat of the edit
   * that made the stored version answers the same; 409 when someone else changed it since
   * `version`; 403; 404.
   */
  router.put(
    '/guides/:id',
    asyncRoute(async (req, res) => {
      const actor = actorOf(res);
      const { id } = ZIdParam.parse(req.params);
      const { version, ...fields } = ZUpdateGuide.parse(req.body);
      const current = await db.guide.findUnique({ where: { id } });
      if (!current) throw new AppError('NOT_FOUND', 'Guide not found');
      allow(res, canEditKnowledge(actor, current.authorityCode), 'guides of this authority');
      const sameContent = (Object.keys(fields) as Array<keyof typeof fields>).every(
        (k) => JSON.stringify(current[k]) === JSON.stringify(fields[k]),
      );
      if (current.version === version + 1 && sameContent) {
        res.json(guideOut(current));
        return;
      }
      const updated = await db.$transaction(async (tx) => {
        const { count } = await tx.guide.updateMany({
          where: { id, version },
          data: { ...fields, version: { increment: 1 }, updatedById: actor.userId },
        });
        if (count === 0) {
          throw new AppError('CONFLICT', 'The guide was changed meanwhile; reload it', {
            field: 'version',
            version: current.version,
          });
        }
        await indexGuide(tx, id);
        await writeAudit(tx, res, {
          action: 'updateGuide',
          entity: 'Guide',
          entityId: id,
          details: { version: version + 1 },
        });
        return tx.guide.findUniqueOrThrow({ where: { id } });
      });
      res.json(guideOut(updated));
    }),
  );

  // ------------------------------------------------------------------------------- answers

  const answerOut = (a: Prisma.StoredAnswerGetPayload<object>) => ({
    id: a.id,
    lang: a.lang,
    question: a.question,
    answer: a.answer,
    topic: a.topic,
    industry: a.industry,
    permitTypes: a.permitTypes,
    authorityCode: a.authorityCode,
    sourceMessageId: a.sourceMessageId,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  });

  /** GET /api/answers?topic&industry&lang — 200, newest first. */
  router.get(
    '/answers',
    asyncRoute(async (req, res) => {
      const query = ZAnswersQuery.parse(req.query);
      const rows = await db.storedAnswer.findMany({
        where: {
          ...(query.topic ? { topic: { equals: query.topic, mode: 'insensitive' } } : {}),
          ...(query.industry ? { industry: query.industry } : {}),
          ...(query.lang ? { lang: query.lang } : {}),
        },
        orderBy: { updatedAt: 'desc' },
        take: 200,
      });
      res.json(rows.map(answerOut));
    }),
  );

  /**
   * POST /api/answers + Idempotency-Key — 201 (the same answer for a repeated key or an
   * already saved message); 400 naming the field; 403 for non-experts or a message of a
   * conversation the expert may not read; 404 for an unknown message.
   */
  router.post(
    '/answers',
    asyncRoute(async (req, res) => {
      const actor = actorOf(res);
      const key = idempotencyKey(req);
      const body = ZStoredAnswer.parse(req.body);
      allow(res, isKnowledgeExpert(actor), 'the answer store');
      const authorityCode = actor.role === 'SERVICE_DESK' || actor.role === 'ADMIN' ? null : actor.authorityCode;
      if (body.sourceMessageId) {
        const message = await db.chatMessage.findUnique({
          where: { id: body.sourceMessageId },
          include: { conversation: true },
        });
        if (!message) throw new AppError('NOT_FOUND', 'No such chat message', { field: 'sourceMessageId' });
        allow(res, canReadConversation(actor, await conversationFacts(db, message.conversation)), 'this conversation');
        if (message.side === 'customer' || message.side === 'system') {
          throw new AppError('VALIDATION', 'Only an expert’s answer can be saved', { field: 'sourceMessageId' });
        }
        const saved = await db.storedAnswer.findUnique({ where: { sourceMessageId: message.id } });
        if (saved) {
          res.status(201).json(answerOut(saved));
          return;
        }
      }
      const id = keyedId('answer', actor.userId, key);
      const earlier = await db.storedAnswer.findUnique({ where: { id } });
      if (earlier) {
        res.status(201).json(answerOut(earlier));
        return;
      }
      const write = () =>
        db.$transaction(async (tx) => {
          const row = await tx.storedAnswer.create({
            data: {
              id,
              lang: body.lang,
              question: body.question,
              answer: body.answer,
              topic: body.topic,
              industry: body.industry,
              permitTypes: body.permitTypes,
              authorityCode,
              sourceMessageId: body.sourceMessageId ?? null,
              createdById: actor.userId,
            },
          });
          await indexAnswer(tx, row.id);
          await writeAudit(tx, res, {
            action: 'saveAnswer',
            entity: 'StoredAnswer',
            entityId: row.id,
            details: { topic: row.topic, sourceMessageId: row.sourceMessageId },
          });
          return row;
        });
      try {
        res.status(201).json(answerOut(await write()));
      } catch (err) {
        // The same key, or the same message, saved twice at once: the other request wrote it.
        if (!isUniqueViolation(err)) throw err;
        const other = await db.storedAnswer.findFirst({
          where: { OR: [{ id }, ...(body.sourceMessageId ? [{ sourceMessageId: body.sourceMessageId }] : [])] },
        });
        if (!other) throw err;
        res.status(201).json(answerOut(other));
      }
    }),
  );

  /** PUT /api/answers/:id — 200 (setting the same fields again changes nothing); 400; 403; 404. */
  router.put(
    '/answers/:id',
    asyncRoute(async (req, res) => {
      const actor = actorOf(res);
      const { id } = ZIdParam.parse(req.params);
      const body = ZUpdateAnswer.parse(req.body);
      const current = await db.storedAnswer.findUnique({ where: { id } });
      if (!current) throw new AppError('NOT_FOUND', 'Answer not found');
      allow(res, canEditKnowledge(actor, current.authorityCode), 'answers of this authority');
      const updated = await db.$transaction(async (tx) => {
        const row = await tx.storedAnswer.update({ where: { id }, data: body });
        await indexAnswer(tx, id);
        await writeAudit(tx, res, { action: 'updateAnswer', entity: 'StoredAnswer', entityId: id, details: {} });
        return row;
      });
      res.json(answerOut(updated));
    }),
  );

  /** DELETE /api/answers/:id — 204; 403; 404 (also for one deleted already). */
  router.delete(
    '/answers/:id',
    asyncRoute(async (req, res) => {
      const actor = actorOf(res);
      const { id } = ZIdParam.parse(req.params);
      const current = await db.storedAnswer.findUnique({ where: { id } });
      if (!current) throw new AppError('NOT_FOUND', 'Answer not found');
      allow(res, canEditKnowledge(actor, current.authorityCode), 'answers of this authority');
      await db.$transaction(async (tx) => {
        const { count } = await tx.storedAnswer.deleteMany({ where: { id } });
        if (count === 0) throw new AppError('NOT_FOUND', 'Answer not found');
        await indexAnswer(tx, id);
        await writeAudit(tx, res, {
          action: 'deleteAnswer',
          entity: 'StoredAnswer',
          entityId: id,
          details: { question: current.question },
        });
      });
      res.status(204).end();
    }),
  );

  // ------------------------------------------------------------------------------ solutions

  /**
   * POST /api/solutions {permitId} + Idempotency-Key — 201 with the anonymised solution (200
   * with the same one when the case was published before); 403 unless the actor's authority
   * decided it; 404; 409 when it has no decision yet.
   */
  router.post(
    '/solutions',
    asyncRoute(async (req, res) => {
      const actor = actorOf(res);
      idempotencyKey(req);
      const { permitId } = ZPublishSolution.parse(req.body);
      const permit = await db.permit.findUnique({
        where: { id: permitId },
        include: {
          authority: true,
          project: {
            include: {
              organisation: {
                include: {
                  users: { select: { name: true } },
                  mandates: { select: { agent: { select: { name: true } } } },
                },
              },
            },
          },
        },
      });
      if (!permit) throw new AppError('NOT_FOUND', 'Permit not found', { field: 'permitId' });
      allow(res, canPublishSolution(actor, permit.authorityId), 'cases of another authority');
      const earlier = await db.solution.findUnique({ where: { sourcePermitId: permit.id } });
      if (earlier) {
        res.status(200).json(earlier);
        return;
      }
      if (!permit.decision || !permit.decidedAt) {
        throw new AppError('CONFLICT', `The case has no decision yet (step "${permit.step}"); allowed: none`, {
          step: permit.step,
          allowed: [],
        });
      }
      const project = permit.project;
      const draft = project.draft as { common?: Record<string, unknown> } | null;
      const address = typeof draft?.common?.address === 'string' ? [draft.common.address] : [];
      const known: KnownIdentifiers = {
        people: [
          ...project.organisation.users.map((u) => u.name),
          ...project.organisation.mandates.map((m) => m.agent.name),
          ...(permit.signedBy ? [permit.signedBy] : []),
          ...peopleInDraft(project.draft),
        ],
        organisationName: project.organisation.name,
        businessId: project.organisation.businessId,
        projectTitle: project.title,
        addresses: address,
      };
      const def = permitTypeDef(permit.permitType);
      const label = DECISION_LABELS[permit.decision] ?? { fi: permit.decision, en: permit.decision };
      const region =
        project.municipality ||
        (typeof draft?.common?.municipality === 'string' ? draft.common.municipality : '') ||
        '–';
      const size = eventSizeOf(attendanceOf(project));
      const conditions = anonymise(permit.conditions ?? '', known, 'fi');
      const decisionText = permit.draftDecision ? anonymise(permit.draftDecision, known, 'fi') : '';
      const sizeFi = size ? { small: 'pieni', medium: 'keskikokoinen', large: 'suuri' }[size] : null;
      const summaryFi = [
        `${def?.nameFi ?? permit.permitType}: ${label.fi.toLowerCase()}.`,
        sizeFi ? `Tapahtuman koko: ${sizeFi}.` : '',
        decisionText,
        conditions ? `Ehdot: ${conditions}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      const summaryEn = [
        `${def?.nameEn ?? permit.permitType}: ${label.en.toLowerCase()}.`,
        size ? `Event size: ${size}.` : '',
        decisionText ? anonymise(permit.draftDecision ?? '', known, 'en') : '',
        conditions ? `Conditions: ${anonymise(permit.conditions ?? '', known, 'en')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      try {
        const solution = await db.$transaction(async (tx) => {
          const row = await tx.solution.create({
            data: {
              permitType: permit.permitType,
              authorityCode: permit.authority.code,
              region,
              industry: project.organisation.industry,
              summaryFi,
              summaryEn,
              decision: permit.decision!,
              conditions,
              decidedAt: permit.decidedAt!,
              sourcePermitId: permit.id,
            },
          });
          await indexSolution(tx, row.id);
          await writeAudit(tx, res, {
            action: 'publishSolution',
            entity: 'Solution',
            entityId: row.id,
            details: { permitId: permit.id },
          });
          return row;
        });
        res.status(201).json(solution);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        res.status(200).json(await db.solution.findUniqueOrThrow({ where: { sourcePermitId: permit.id } }));
      }
    }),
  );

  // ----------------------------------------------------------------------------------- chat

  /** The facts of the conversation, once the actor may read it (401/403), or 404. */
  async function readableConversation(res: Response, id: string) {
    const conversation = await conversationOr404(db, id);
    const facts = await conversationFacts(db, conversation);
    allow(res, canReadConversation(viewerOf(res), facts), 'this conversation');
    return { conversation, facts };
  }

  /** Runs a chat write with its audit and room events in one transaction; wakes the rooms after commit. */
  async function chatWrite<T>(rooms: string[], write: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await db.$transaction(write);
    wake(rooms);
    return result;
  }

  /**
   * GET /api/chat/conversations?status&projectId — 200, newest first: the customer's own, the
   * desk's queue (the desk), the authority's (its users), everything (ADMIN); with projectId
   * the conversations kept with that project, for its readers (403/404).
   */
  router.get(
    '/chat/conversations',
    asyncRoute(async (req, res) => {
      const actor = actorOf(res);
      const query = ZConversationsQuery.parse(req.query);
      const status = query.status === 'all' ? {} : { status: query.status };
      let where: Prisma.ChatConversationWhereInput;
      if (query.projectId) {
        await readableProject(db, res, query.projectId);
        where = { projectId: query.projectId, ...status };
      } else {
        const scope = conversationScope(actor);
        where =
          'none' in scope
            ? { id: { in: [] } }
            : 'all' in scope
              ? status
              : 'customerId' in scope
                ? { customerId: scope.customerId, ...status }
                : 'handledBy' in scope
                  ? { handledBy: scope.handledBy, ...status }
                  : { handledBy: 'authority', authorityCode: scope.authorityCode, ...status };
      }
      const rows = await db.chatConversation.findMany({
        where,
        orderBy: { updatedAt: 'desc' },
        take: 200,
        include: { messages: { orderBy: { createdAt: 'desc' }, take: 1 } },
      });
      const customers = await db.user.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.customerId))] } },
        select: { id: true, name: true },
      });
      const names = new Map(customers.map((u) => [u.id, u.name]));
      res.json(
        rows.map(({ messages, ...c }) => ({
          ...conversationOut(c),
          customerName: names.get(c.customerId) ?? '',
          lastMessage: messages[0] ? messageOut(messages[0]) : null,
        })),
      );
    }),
  );

  /**
   * POST /api/chat/conversations {topic, body, projectId?, page?} + Idempotency-Key — 201 with
   * the conversation and its first message (the same again for a repeated key); 400 naming the
   * field; 401/403 (customers and agents acting for one; a project they may read); 404 project.
   */
  router.post(
    '/chat/conversations',
    asyncRoute(async (req, res) => {
      const actor = actorOf(res);
      const key = idempotencyKey(req);
      const body = ZOpenConversation.parse(req.body);
      const project = body.projectId ? await projectFactsOf(db, body.projectId) : null;
      if (body.projectId && !project) throw new AppError('NOT_FOUND', 'Project not found', { field: 'projectId' });
      allow(res, canOpenConversation(actor, project), 'opening a chat');
      const keyOf = `chat:${actor.userId}:${key}`;
      const reply = async (c: ConversationRow) => {
        const messages = await db.chatMessage.findMany({
          where: { conversationId: c.id },
          orderBy: { createdAt: 'asc' },
        });
        res
          .status(201)
          .location(`/api/chat/conversations/${c.id}`)
          .json({ ...conversationOut(c), messages: messages.map(messageOut) });
      };
      const earlier = await db.chatConversation.findUnique({ where: { idempotencyKey: keyOf } });
      if (earlier) return reply(earlier);
      const id = keyedId('conversation', actor.userId, key);
      const now = new Date();
      const draft = {
        id,
        customerId: actor.userId,
        organisationId: actingOrganisation(actor, 'permits') ?? actor.organisationId,
        projectId: body.projectId ?? null,
        topic: body.topic,
        page: body.page,
        handledBy: 'serviceDesk',
        authorityCode: null,
        status: 'open',
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        idempotencyKey: keyOf,
      } satisfies ConversationRow;
      const rooms = conversationRooms(draft);
      try {
        const created = await chatWrite(rooms, async (tx) => {
          const c = await tx.chatConversation.create({ data: draft });
          const m = await tx.chatMessage.create({
            data: {
              conversationId: c.id,
              authorId: actor.userId,
              authorName: actor.name,
              side: 'customer',
              body: body.body,
              createdAt: now,
              idempotencyKey: `${keyOf}:first`,
            },
          });
          await writeAudit(tx, res, {
            action: 'openConversation',
            entity: 'ChatConversation',
            entityId: c.id,
            details: { topic: c.topic, projectId: c.projectId },
          });
          for (const room of rooms)
            await appendRoomEvent(tx, room, 'chat', { conversation: conversationOut(c), message: messageOut(m) });
          return c;
        });
        await reply(created);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        await reply(await db.chatConversation.findUniqueOrThrow({ where: { idempotencyKey: keyOf } }));
      }
    }),
  );

  /** GET /api/chat/conversations/:id — 200 with the messages, oldest first; 401/403; 404. */
  router.get(
    '/chat/conversations/:id',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const { conversation } = await readableConversation(res, id);
      const messages = await db.chatMessage.findMany({ where: { conversationId: id }, orderBy: { createdAt: 'asc' } });
      res.json({ ...conversationOut(conversation), messages: messages.map(messageOut) });
    }),
  );

  /**
   * POST /api/chat/conversations/:id/messages {body} + Idempotency-Key — 201 (the same message
   * for a repeated key); 400; 401/403 (the customer who opened it and whoever handles it now);
   * 404; 409 when it is closed.
   */
  router.post(
    '/chat/conversations/:id/messages',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const actor = actorOf(res);
      const key = idempotencyKey(req);
      const body = ZChatMessage.parse(req.body);
      const { conversation } = await readableConversation(res, id);
      const keyOf = `chatmsg:${id}:${actor.userId}:${key}`;
      const earlier = await db.chatMessage.findUnique({ where: { idempotencyKey: keyOf } });
      if (earlier) {
        res.status(201).json(messageOut(earlier));
        return;
      }
      requireOpen(conversation);
      allow(res, canWriteConversation(actor, await conversationFacts(db, conversation)), 'writing here');
      const rooms = conversationRooms(conversation);
      try {
        const message = await chatWrite(rooms, async (tx) => {
          const now = new Date();
          const m = await tx.chatMessage.create({
            data: {
              conversationId: id,
              authorId: actor.userId,
              authorName: actor.name,
              side: sideOf(actor, conversation),
              body: body.body,
              createdAt: now,
              idempotencyKey: keyOf,
            },
          });
          const c = await tx.chatConversation.update({ where: { id }, data: { updatedAt: now } });
          await writeAudit(tx, res, {
            action: 'postChatMessage',
            entity: 'ChatConversation',
            entityId: id,
            details: { messageId: m.id },
          });
          for (const room of rooms)
            await appendRoomEvent(tx, room, 'chat', { conversation: conversationOut(c), message: messageOut(m) });
          return m;
        });
        res.status(201).json(messageOut(message));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        res.status(201).json(messageOut(await db.chatMessage.findUniqueOrThrow({ where: { idempotencyKey: keyOf } })));
      }
    }),
  );

  /** One state change of a conversation (hand-over, close) recorded as a system message under the request's key. */
  async function changeConversation(
    res: Response,
    id: string,
    key: string,
    action: 'handOverConversation' | 'closeConversation',
    change: (c: ConversationRow, actor: Actor) => Promise<{ data: Prisma.ChatConversationUpdateInput; note: string }>,
  ) {
    const actor = actorOf(res);
    const { conversation } = await readableConversation(res, id);
    const keyOf = `${action}:${id}:${actor.userId}:${key}`;
    const reply = async () => {
      const c = await db.chatConversation.findUniqueOrThrow({ where: { id } });
      const messages = await db.chatMessage.findMany({ where: { conversationId: id }, orderBy: { createdAt: 'asc' } });
      res.json({ ...conversationOut(c), messages: messages.map(messageOut) });
    };
    if (await db.chatMessage.findUnique({ where: { idempotencyKey: keyOf } })) return reply();
    requireOpen(conversation);
    const { data, note } = await change(conversation, actor);
    try {
      const after = { ...conversation, ...(data as Partial<ConversationRow>) };
      const rooms = conversationRooms(conversation, after);
      await chatWrite(rooms, async (tx) => {
        const now = new Date();
        // Only from the state it was read in: a concurrent change makes this one a 409.
        const { count } = await tx.chatConversation.updateMany({
          where: { id, status: 'open', handledBy: conversation.handledBy, authorityCode: conversation.authorityCode },
          data: { ...(data as Prisma.ChatConversationUpdateManyMutationInput), updatedAt: now },
        });
        if (count === 0) throw new AppError('CONFLICT', 'The conversation changed meanwhile; reload it');
        const c = await tx.chatConversation.findUniqueOrThrow({ where: { id } });
        const m = await tx.chatMessage.create({
          data: {
            conversationId: id,
            authorId: actor.userId,
            authorName: actor.name,
            side: 'system',
            body: note,
            createdAt: now,
            idempotencyKey: keyOf,
          },
        });
        await writeAudit(tx, res, {
          action,
          entity: 'ChatConversation',
          entityId: id,
          details: { handledBy: c.handledBy, authorityCode: c.authorityCode, status: c.status },
        });
        for (const room of rooms)
          await appendRoomEvent(tx, room, 'chat', { conversation: conversationOut(c), message: messageOut(m) });
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    await reply();
  }

  /**
   * POST /api/chat/conversations/:id/handover {authorityCode, note} + Idempotency-Key — 200;
   * 400 naming the field (also an unknown authority); 401/403 (whoever handles it now, never
   * the customer); 404; 409 when closed or already with that authority.
   */
  router.post(
    '/chat/conversations/:id/handover',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = idempotencyKey(req);
      const body = ZHandOver.parse(req.body);
      await changeConversation(res, id, key, 'handOverConversation', async (c, actor) => {
        allow(res, canHandOverConversation(actor, await conversationFacts(db, c)), 'handing this conversation over');
        const authority = await db.authority.findUnique({ where: { code: body.authorityCode } });
        if (!authority) throw new AppError('VALIDATION', 'Unknown authority', { field: 'authorityCode' });
        if (c.handledBy === 'authority' && c.authorityCode === authority.code) {
          throw new AppError('CONFLICT', 'The conversation is with that authority already', { field: 'authorityCode' });
        }
        return {
          data: { handledBy: 'authority', authorityCode: authority.code },
          note: `→ ${authority.nameFi} / ${authority.nameEn}: ${body.note}`,
        };
      });
    }),
  );

  /** POST /api/chat/conversations/:id/close + Idempotency-Key — 200; 401/403; 404; 409 when closed already. */
  router.post(
    '/chat/conversations/:id/close',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = idempotencyKey(req);
      await changeConversation(res, id, key, 'closeConversation', async (c, actor) => {
        allow(res, canCloseConversation(actor, await conversationFacts(db, c)), 'closing this conversation');
        return { data: { status: 'closed', closedAt: new Date() }, note: '✓' };
      });
    }),
  );

  return router;
}
