/**
 * Property-based tests (fast-check) of every command endpoint against the real stack: for
 * generated bodies — valid ones with one field replaced, dropped or added, arbitrary JSON and
 * malformed text — generated path parameters and generated uploads (query fields, file names,
 * content types, bytes), the API never answers 5xx or a stack trace, and a refused request
 * writes nothing (row counts of every table a command can touch, and the state of the rows
 * commands update, stay the same). A guard keeps every non-GET operation of the API fuzzed.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ApiClient } from '../../api/client';
import { OPERATIONS } from '../../api/openapi';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { useApiStack } from '../support/stack';
import { until } from '../support/env';
import { newTestVenue } from '../support/venues';
import { bridgeFuzzClients } from '../support/bridge';

const stack = useApiStack({ rateLimits: { signInPerMinute: 1000, publicWritesPerMinute: 100_000 } });
let organiser: ApiClient;
let agent: ApiClient;
let clerk: ApiClient;
let supervisor: ApiClient;
let resident: ApiClient;
let projectId: string;
let noticeId: string;
/** A site under supervision (commands and reports reach its cycle). */
let siteId: string;
/** A site without supervision (starting it is fuzzed). */
let unsupervisedSiteId: string;
let documentId: string;
/** Advice and knowledge: conversations, a guide and answers of the city, an undecided permit. */
let knowledge: Awaited<ReturnType<typeof knowledgeFixtures>>;
let revocableMandateId: string;
let agentMandateId: string;
/** A venue of this run (venue queues are per venue and date on the shared Temporal server). */
let venueId: string;
let alertId: string;
let subscriptionId: string;
/** An open invoice of the festival organisation (paying it is fuzzed). */
let invoiceId: string;
/** The City of Tampere's system (signs every body it sends) and a police clerk whose connection settings are fuzzed. */
let bridge: Awaited<ReturnType<typeof bridgeFuzzClients>>;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001' +
    '0d0a2db40000000049454e44ae426082',
  'hex',
);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*');
const day = 86_400_000;

beforeAll(async () => {
  organiser = await ApiClient.signIn(stack.base, DEMO_USERS.organiser);
  agent = await ApiClient.signIn(stack.base, DEMO_USERS.agent);
  clerk = await ApiClient.signIn(stack.base, AUTHORITY_USERS['CITY-TRE']!);
  supervisor = await ApiClient.signIn(stack.base, DEMO_USERS.supervisor);
  resident = await ApiClient.signIn(stack.base, DEMO_USERS.resident);
  agentMandateId = agent.session!.mandates[0]!.id;
  venueId = (await newTestVenue(stack.db.handle.db)).id;
  projectId = (
    await organiser.createProject({
      organisationId: DEMO.festivalOrgId,
      title: 'Sumutus',
      permits: [{ permitType: 'noise', authorityCode: 'CITY-TRE' }],
    })
  ).id;
  // In drafting, so valid draft saves succeed and the rest are refused by the step or validation.
  await organiser.command(projectId, {
    action: 'answerAdvice',
    answers: { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true },
  });
  await organiser.command(projectId, { action: 'completeAdvice' });
  // A notice that exists but is closed: comments reach validation and the step check.
  const db = stack.db.handle.db;
  noticeId = (
    await db.notice.create({
      data: {
        projectId,
        permitType: 'noise',
        titleFi: 'Kuulutus',
        titleEn: 'Notice',
        textFi: 'Teksti',
        textEn: 'Text',
        area: { type: 'Polygon', coordinates: [] },
        opensAt: new Date(Date.now() - day),
        closesAt: new Date(Date.now() - 3_600_000),
        closedAt: new Date(Date.now() - 3_600_000),
      },
    })
  ).id;
  siteId = (await db.site.findFirstOrThrow({ where: { name: 'Ravintola Laukontori' } })).id;
  unsupervisedSiteId = (await db.site.findFirstOrThrow({ where: { name: 'Kesäkioski Näsinpuisto' } })).id;
  await supervisor.request(
    'POST',
    `/api/sites/${siteId}/supervision`,
    { authorityCode: 'CITY-TRE' },
    { 'idempotency-key': randomUUID() },
  );
  await until(
    'the supervision cycle to open',
    async () => (await supervisor.raw('GET', `/api/sites/${siteId}/supervision`)).status === 200,
  );
  const uploaded = await upload(
    organiser,
    `/api/projects/${projectId}/documents`,
    { title: 'Liite', fileName: 'liite.pdf' },
    PDF,
  );
  documentId = ((await uploaded.json()) as { id: string }).id;
  revocableMandateId = (
    await organiser.request<{ id: string }>(
      'POST',
      `/api/organisations/${DEMO.festivalOrgId}/mandates`,
      {
        agentEmail: DEMO_USERS.agent,
        scope: ['supervision'],
        validFrom: new Date(Date.now() - day).toISOString(),
        validTo: new Date(Date.now() + day).toISOString(),
      },
      { 'idempotency-key': randomUUID() },
    )
  ).id;
  alertId = (
    await db.alert.create({
      data: { userId: organiser.session!.user.id, kind: 'reminder', payload: {}, createdAt: new Date() },
    })
  ).id;
  subscriptionId = (
    await resident.request<{ id: string }>('POST', '/api/subscriptions', {
      name: 'Mökki',
      area: { type: 'Circle', center: [25.0, 65.0], radiusMeters: 500 },
      kinds: [],
    })
  ).id;
  invoiceId = (
    await db.invoice.create({
      data: {
        number: '2026-FUZZ-1',
        reference: '1232',
        organisationId: DEMO.festivalOrgId,
        projectId,
        permitType: 'noise',
        authorityCode: 'CITY-TRE',
        kind: 'permit',
        lines: [{ description: 'Meluilmoitus', quantity: 1, unitCents: 32_000, vatPercent: 0, basis: {} }],
        netCents: 32_000,
        vatCents: 0,
        totalCents: 32_000,
        issuedAt: new Date(),
        dueAt: new Date(Date.now() + 21 * day),
        idempotencyKey: `invoice:fuzz:${randomUUID()}`,
      },
    })
  ).id;
  knowledge = await knowledgeFixtures();
  bridge = await bridgeFuzzClients(stack.base, db, 'CITY-TRE', 'POLICE-SISA');
  await settle();
});

/** Conversations to write in, hand over (the city handles it) and close; a city guide; two city answers. */
async function knowledgeFixtures() {
  const db = stack.db.handle.db;
  const conversation = (handledBy: string, authorityCode: string | null) =>
    db.chatConversation
      .create({
        data: {
          customerId: organiser.session!.user.id,
          organisationId: DEMO.festivalOrgId,
          topic: 'Sumu',
          handledBy,
          authorityCode,
          idempotencyKey: `fuzz:${randomUUID()}`,
        },
      })
      .then((c) => c.id);
  const answer = () =>
    db.storedAnswer
      .create({ data: { lang: 'fi', question: 'Sumu?', answer: 'Sumua.', topic: 'sumu', authorityCode: 'CITY-TRE' } })
      .then((a) => a.id);
  return {
    openConversationId: await conversation('serviceDesk', null),
    cityConversationId: await conversation('authority', 'CITY-TRE'),
    closableConversationId: await conversation('serviceDesk', null),
    guideId: (
      await db.guide.create({
        data: {
          slug: 'fuzz-sumu',
          step: 'draft',
          titleFi: 'Sumu',
          titleEn: 'Fog',
          bodyFi: 'Sumua.',
          bodyEn: 'Fog.',
          authorityCode: 'CITY-TRE',
        },
      })
    ).id,
    answerId: await answer(),
    deletableAnswerId: await answer(),
    undecidedPermitId: (await db.permit.findFirstOrThrow({ where: { projectId, permitType: 'noise' } })).id,
  };
}

function upload(
  client: ApiClient,
  path: string,
  query: Record<string, string>,
  data: Buffer,
  type = 'application/pdf',
) {
  return fetch(`${stack.base}${path}?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: {
      'content-type': type,
      'idempotency-key': randomUUID(),
      cookie: client.cookieHeader(),
      'x-csrf-token': client.session?.csrfToken ?? '',
    },
    body: new Uint8Array(data),
  });
}

/**
 * Every table a command endpoint can write (security events excepted: a refusal is logged
 * there on purpose), and the state of the rows commands update in place.
 */
async function counts() {
  const db = stack.db.handle.db;
  return Promise.all([
    db.permitProject.count(),
    db.permit.count(),
    db.step.count(),
    db.timelineEvent.count(),
    db.auditEntry.count(),
    db.roomEvent.count(),
    db.message.count(),
    db.mandate.count(),
    db.mandate.count({ where: { revokedAt: null } }),
    db.comment.count(),
    db.notice.count(),
    db.infoRequest.count(),
    db.notification.count(),
    db.supervisionCycle.count(),
    db.supervisionEvent.count(),
    db.plannedInspection.count(),
    db.inspection.count(),
    db.observation.count(),
    db.siteAssessment.count(),
    db.document.count(),
    db.documentVersion.count(),
    db.documentBlob.count(),
    db.forecastOverride.findMany({ orderBy: { permitId: 'asc' } }).then((rows) => JSON.stringify(rows)),
    db.projectViewMark.findMany({ orderBy: { projectId: 'asc' } }).then((rows) => JSON.stringify(rows)),
    db.alertPreference.findMany({ orderBy: { userId: 'asc' } }).then((rows) => JSON.stringify(rows)),
    db.alert.count(),
    db.alert.count({ where: { readAt: null } }),
    db.areaSubscription.count(),
    db.venueReservation.findMany({ orderBy: { id: 'asc' } }).then((rows) => JSON.stringify(rows)),
    db.payment.count(),
    db.invoice.findMany({ orderBy: { seq: 'asc' } }).then((rows) => JSON.stringify(rows)),
    db.chatConversation.findMany({ orderBy: { id: 'asc' } }).then((rows) => JSON.stringify(rows)),
    db.chatMessage.count(),
    db.guide.findMany({ orderBy: { id: 'asc' } }).then((rows) => JSON.stringify(rows)),
    db.storedAnswer.findMany({ orderBy: { id: 'asc' } }).then((rows) => JSON.stringify(rows)),
    db.solution.count(),
    db.searchDocument.count(),
  ]);
}

/** Waits until nothing more is written (a signal or a started workflow writes after the answer). */
async function settle() {
  let last = JSON.stringify(await counts());
  let stable = 0;
  await until(
    'the writes to settle',
    async () => {
      await new Promise((r) => setTimeout(r, 100));
      const now = JSON.stringify(await counts());
      stable = now === last ? stable + 1 : 0;
      last = now;
      return stable >= 4;
    },
    20_000,
  );
}

/** Any text: printable, any code unit, or a line break. */
const anyText = (maxLength: number) =>
  fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }), fc.constant('a\nb'));

/** Valid bodies with one change: a field replaced by any JSON value, dropped, or an extra field. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const changed =
    keys.length === 0
      ? []
      : [
          fc
            .record({ key: fc.constantFrom(...keys), value: fc.jsonValue() })
            .map(({ key, value }) => ({ ...valid, [key]: value })),
          fc.constantFrom(...keys).map((key) => {
            const { [key]: _dropped, ...rest } = valid;
            return rest;
          }),
        ];
  return fc.oneof(
    ...changed,
    fc
      .record({ key: fc.string({ maxLength: 12 }), value: fc.jsonValue() })
      .map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.constant(valid),
    fc.jsonValue(),
  );
}

/** A path segment as a client might send it: another id, any text encoded, or broken encodings. */
const segment = fc.oneof(
  fc.uuid(),
  // A URL has no way to carry a lone surrogate but its UTF-8-looking bytes (%ED%A0%80, below).
  anyText(40).map((text) => encodeURIComponent(text.replace(/\p{Cs}/gu, '\uFFFD'))),
  fc.constantFrom(
    '%',
    '%E0%A4%A',
    '%zz',
    '%00',
    '%2e%2e',
    'a%2Fb',
    '%C0%AF',
    '%ED%A0%80',
    '0',
    '-1',
    'null',
    'x'.repeat(300),
  ),
);

interface Target {
  /** The operation, as in api/openapi.ts. */
  op: `${'POST' | 'PUT' | 'DELETE'} /api/${string}`;
  client: () => ApiClient;
  /** The value of each path parameter for a request that can succeed. */
  params: () => Record<string, string>;
  /** A body that can succeed; absent for operations that take none. */
  valid?: () => Record<string, unknown>;
  /** Writes after answering (a signal, a started workflow): wait for them after a success. */
  async?: boolean;
  /** The answer to the valid request (the first one; a closed notice or a step refuses with 409). */
  validStatus: number;
}

const TARGETS: Target[] = [
  {
    op: 'POST /api/advice/explore',
    validStatus: 200,
    client: () => new ApiClient(stack.base),
    params: () => ({}),
    valid: () => ({ kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true }),
  },
  {
    op: 'POST /api/notices/:id/comments',
    validStatus: 409,
    client: () => new ApiClient(stack.base),
    params: () => ({ id: noticeId }),
    valid: () => ({ kind: 'opinion', authorName: 'R', anonymous: false, text: 'x' }),
  },
  {
    op: 'POST /api/auth/logout',
    validStatus: 204,
    // Without a session: signing out clears nothing of the other clients.
    client: () => new ApiClient(stack.base),
    params: () => ({}),
    valid: () => ({}),
  },
  {
    op: 'PUT /api/session/acting-for',
    validStatus: 200,
    client: () => agent,
    params: () => ({}),
    valid: () => ({ mandateId: agentMandateId }),
  },
  {
    op: 'POST /api/organisations/:id/mandates',
    validStatus: 201,
    client: () => organiser,
    params: () => ({ id: DEMO.festivalOrgId }),
    valid: () => ({
      agentEmail: DEMO_USERS.agent,
      scope: ['permits'],
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2026-12-31T00:00:00Z',
    }),
  },
  {
    op: 'DELETE /api/organisations/:id/mandates/:mandateId',
    validStatus: 200,
    client: () => organiser,
    params: () => ({ id: DEMO.festivalOrgId, mandateId: revocableMandateId }),
  },
  {
    op: 'POST /api/alerts/:id/read',
    validStatus: 200,
    client: () => organiser,
    params: () => ({ id: alertId }),
  },
  {
    op: 'PUT /api/alerts/preferences',
    validStatus: 200,
    client: () => organiser,
    params: () => ({}),
    valid: () => ({ email: true, digest: 'daily', mutedKinds: ['reminder'] }),
  },
  {
    op: 'POST /api/subscriptions',
    validStatus: 201,
    client: () => resident,
    params: () => ({}),
    valid: () => ({ name: 'Koti', area: { type: 'Circle', center: [25.5, 65.5], radiusMeters: 800 }, kinds: [] }),
  },
  {
    op: 'DELETE /api/subscriptions/:id',
    validStatus: 204,
    client: () => resident,
    params: () => ({ id: subscriptionId }),
  },
  {
    op: 'POST /api/projects',
    validStatus: 201,
    client: () => organiser,
    params: () => ({}),
    valid: () => ({ organisationId: DEMO.festivalOrgId, title: 'Sumu', permits: [{ permitType: 'noise' }] }),
  },
  {
    op: 'POST /api/projects/:id/commands',
    validStatus: 200,
    client: () => organiser,
    params: () => ({ id: projectId }),
    valid: () => ({ action: 'saveDraft', patch: { common: { attendance: 100 }, secret: { mark: ['common.budget'] } } }),
  },
  {
    op: 'POST /api/projects/:id/permits/:permitType/commands',
    validStatus: 409,
    client: () => clerk,
    params: () => ({ id: projectId, permitType: 'noise' }),
    valid: () => ({ action: 'requestInfo', authorityCode: 'CITY-TRE', question: 'Mittaukset?' }),
  },
  {
    op: 'PUT /api/projects/:id/permits/:permitType/forecast-override',
    validStatus: 200,
    client: () => clerk,
    params: () => ({ id: projectId, permitType: 'noise' }),
    valid: () => ({ step: 'processing', days: 5, reason: 'Sumu' }),
  },
  {
    op: 'POST /api/projects/:id/views',
    validStatus: 204,
    client: () => clerk,
    params: () => ({ id: projectId }),
    valid: () => ({ authorityCode: 'CITY-TRE' }),
  },
  {
    op: 'POST /api/projects/:id/messages',
    validStatus: 201,
    client: () => clerk,
    params: () => ({ id: projectId }),
    valid: () => ({ permitType: 'noise', body: 'Hei' }),
  },
  {
    op: 'POST /api/sites/:id/supervision',
    validStatus: 201,
    client: () => supervisor,
    params: () => ({ id: unsupervisedSiteId }),
    valid: () => ({ authorityCode: 'CITY-TRE' }),
    async: true,
  },
  {
    op: 'POST /api/sites/:id/supervision/commands',
    validStatus: 200,
    client: () => supervisor,
    params: () => ({ id: siteId }),
    valid: () => ({
      action: 'assignSupervisor',
      supervisor: { name: 'Ville Valvoja', email: 'ville.valvoja@tampere.example', phone: '+358 40 123 4567' },
    }),
    async: true,
  },
  {
    op: 'POST /api/sites/:id/supervision/reports',
    validStatus: 202,
    client: () => new ApiClient(stack.base),
    params: () => ({ id: siteId }),
    valid: () => ({
      kind: 'citizenObservation',
      description: 'Sumua',
      location: [23.76, 61.5],
      photo: { contentType: 'image/png', data: PNG.toString('base64') },
    }),
    async: true,
  },
  {
    // The first request holds the date; generated ones queue, or are refused (400, 403, 409).
    op: 'POST /api/venues/:id/commands',
    validStatus: 200,
    client: () => organiser,
    params: () => ({ id: venueId }),
    valid: () => ({
      action: 'request',
      organisationId: DEMO.festivalOrgId,
      date: new Date(Date.now() + 40 * day).toISOString().slice(0, 10),
    }),
  },
  {
    // Opens a payment at the local test provider mounted in the app (no PAYMENT_API_URL here).
    op: 'POST /api/invoices/:id/payments',
    validStatus: 201,
    client: () => organiser,
    params: () => ({ id: invoiceId }),
    valid: () => ({ language: 'fi' }),
  },
  {
    op: 'POST /api/chat/conversations',
    validStatus: 201,
    client: () => organiser,
    params: () => ({}),
    valid: () => ({ topic: 'Sumu', body: 'Hei', projectId, page: '/' }),
  },
  {
    op: 'POST /api/chat/conversations/:id/messages',
    validStatus: 201,
    client: () => organiser,
    params: () => ({ id: knowledge.openConversationId }),
    valid: () => ({ body: 'Hei' }),
  },
  {
    // The first one hands it to the police; the city no longer handles it, so the rest are refused.
    op: 'POST /api/chat/conversations/:id/handover',
    validStatus: 200,
    client: () => clerk,
    params: () => ({ id: knowledge.cityConversationId }),
    valid: () => ({ authorityCode: 'POLICE-SISA', note: 'Sumu' }),
  },
  {
    op: 'POST /api/chat/conversations/:id/close',
    validStatus: 200,
    client: () => organiser,
    params: () => ({ id: knowledge.closableConversationId }),
  },
  {
    op: 'POST /api/guides',
    validStatus: 201,
    client: () => clerk,
    params: () => ({}),
    valid: () => ({ slug: 'sumu-ohje', step: 'draft', titleFi: 'Sumua', titleEn: 'Fog', bodyFi: 'S', bodyEn: 'F' }),
  },
  {
    op: 'PUT /api/guides/:id',
    validStatus: 200,
    client: () => clerk,
    params: () => ({ id: knowledge.guideId }),
    valid: () => ({ step: 'draft', titleFi: 'Sumu', titleEn: 'Fog', bodyFi: 'Sumua!', bodyEn: 'Fog!', version: 1 }),
  },
  {
    op: 'POST /api/answers',
    validStatus: 201,
    client: () => clerk,
    params: () => ({}),
    valid: () => ({ lang: 'fi', question: 'Sumuako?', answer: 'Sumua.', topic: 'sumu', permitTypes: ['noise'] }),
  },
  {
    op: 'PUT /api/answers/:id',
    validStatus: 200,
    client: () => clerk,
    params: () => ({ id: knowledge.answerId }),
    valid: () => ({ lang: 'fi', question: 'Sumuako?', answer: 'Sumua!', topic: 'sumu' }),
  },
  {
    op: 'DELETE /api/answers/:id',
    validStatus: 204,
    client: () => clerk,
    params: () => ({ id: knowledge.deletableAnswerId }),
  },
  {
    // The permit has no decision: refused with 409, as a valid request of the deciding authority.
    op: 'POST /api/solutions',
    validStatus: 409,
    client: () => clerk,
    params: () => ({}),
    valid: () => ({ permitId: knowledge.undecidedPermitId }),
  },
  {
    op: 'PUT /api/authorities/:code/connection',
    validStatus: 200,
    client: () => bridge.manager,
    params: () => ({ code: 'POLICE-SISA' }),
    valid: () => ({ mode: 'webhook', webhookUrl: 'https://asiat.poliisi.example/webhook', version: 1 }),
  },
  {
    op: 'POST /api/authorities/:code/connection/secret',
    validStatus: 200,
    client: () => bridge.manager,
    params: () => ({ code: 'POLICE-SISA' }),
  },
  {
    op: 'POST /api/authorities/:code/bridge-events/:id/redeliver',
    validStatus: 200,
    client: () => bridge.manager,
    params: () => ({ code: 'POLICE-SISA', id: bridge.deliveredEventId }),
  },
  {
    // Signed with the connection's secret, so generated bodies reach the event schema (unsigned ones get 401).
    op: 'POST /api/bridge/:authorityCode/events',
    validStatus: 200,
    client: () => bridge.system,
    params: () => ({ authorityCode: 'CITY-TRE' }),
    valid: () => ({ type: 'case.status', version: 1, projectId, permitType: 'noise', data: { status: 'Vireillä' } }),
  },
];

/** Uploads take the file as the body and their fields in the query. */
interface UploadTarget {
  op: Target['op'];
  path: () => string;
  valid: () => Record<string, string>;
}

const UPLOADS: UploadTarget[] = [
  {
    op: 'POST /api/projects/:id/documents',
    path: () => `/api/projects/${projectId}/documents`,
    valid: () => ({ title: 'Sumu', fileName: 'sumu.pdf', permitType: 'noise', secret: 'false' }),
  },
  {
    op: 'POST /api/projects/:id/documents/:documentId/versions',
    path: () => `/api/projects/${projectId}/documents/${documentId}/versions`,
    valid: () => ({ fileName: 'versio.pdf' }),
  },
];

/** Command operations fuzzed by another property than the JSON-body one, and which. */
const FUZZED_ELSEWHERE: Record<string, string> = {
  'POST /api/projects/:id/documents':
    "a file body: 'uploads under generated input' (query fields, file names, types, bytes)",
  'POST /api/projects/:id/documents/:documentId/versions': "a file body: 'uploads under generated input'",
};

const pathOf = (op: string, params: Record<string, string>) =>
  op.replace(/^\S+ /, '').replace(/:(\w+)/g, (_m, name: string) => params[name]!);
const methodOf = (op: string) => op.split(' ')[0]!;

/** Never 5xx or a stack trace; errors are problem+json; a refusal writes nothing. */
async function expectSafe(res: Response, before: Awaited<ReturnType<typeof counts>>, target?: Target) {
  const text = await res.text();
  expect(res.status).toBeLessThan(500);
  expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
  if (res.status >= 400) {
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await counts()).toEqual(before);
  } else if (target?.async) {
    await settle();
  }
  return text;
}

it('every command operation of the API is fuzzed here', () => {
  const commands = OPERATIONS.filter((op) => op.method !== 'get').map((op) => `${op.method.toUpperCase()} ${op.path}`);
  const fuzzed = TARGETS.map((t) => t.op as string);
  expect(commands.filter((key) => !fuzzed.includes(key) && !(key in FUZZED_ELSEWHERE))).toEqual([]);
  // Nothing named here that the API does not have, and what is fuzzed elsewhere is fuzzed below.
  expect([...fuzzed, ...Object.keys(FUZZED_ELSEWHERE)].filter((key) => !commands.includes(key))).toEqual([]);
  expect(Object.keys(FUZZED_ELSEWHERE).sort()).toEqual(UPLOADS.map((u) => u.op).sort());
});

describe('command endpoints under generated input', () => {
  const withBody = TARGETS.filter((t) => t.valid);

  // What the generators change is a request that reaches the handler: the valid one is answered as expected.
  it.each(TARGETS.map((t) => [t.op, t] as const))('%s: the valid request', async (_op, target) => {
    const before = await counts();
    const res = await target.client().raw(methodOf(target.op), pathOf(target.op, target.params()), target.valid?.(), {
      'idempotency-key': randomUUID(),
    });
    expect([res.status, await res.text()]).toEqual([target.validStatus, expect.any(String)]);
    if (res.status >= 400) expect(await counts()).toEqual(before);
    else if (target.async) await settle();
  });

  it.each(withBody.map((t) => [t.op, t] as const))('%s: generated bodies', async (_op, target) => {
    await fc.assert(
      fc.asyncProperty(mutated(target.valid!()), async (body) => {
        const before = await counts();
        const res = await target
          .client()
          .raw(methodOf(target.op), pathOf(target.op, target.params()), body === undefined ? 'null' : body, {
            'idempotency-key': randomUUID(),
          });
        await expectSafe(res, before, target);
      }),
      { numRuns: 25 },
    );
  });

  it.each(TARGETS.filter((t) => t.op.includes(':')).map((t) => [t.op, t] as const))(
    '%s: generated path parameters',
    async (_op, target) => {
      const names = Object.keys(target.params());
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...names), segment, async (name, value) => {
          const before = await counts();
          const path = pathOf(target.op, { ...target.params(), [name]: value });
          const res = await target
            .client()
            .raw(methodOf(target.op), path, target.valid?.(), { 'idempotency-key': randomUUID() });
          await expectSafe(res, before, target);
        }),
        { numRuns: 12 },
      );
    },
  );

  it('malformed JSON never gets past the parser', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withBody), fc.string({ maxLength: 60 }), async (target, raw) => {
        fc.pre(raw !== '' && !isJson(raw));
        const before = await counts();
        const res = await target.client().raw(methodOf(target.op), pathOf(target.op, target.params()), raw, {
          'idempotency-key': randomUUID(),
        });
        expect(res.status).toBe(400);
        await expectSafe(res, before);
      }),
      { numRuns: 40 },
    );
  });

  // JSON can carry a lone surrogate (\uD800) that PostgreSQL cannot store: refused at the door, naming the field.
  it.each(withBody.map((t) => [t.op, t] as const))('%s: text that is not valid Unicode', async (_op, target) => {
    for (const path of stringLeaves(target.valid!())) {
      const before = await counts();
      const body = withLeaf(target.valid!(), path, (text) => `${text}\uD800`);
      const res = await target
        .client()
        .raw(methodOf(target.op), pathOf(target.op, target.params()), body, { 'idempotency-key': randomUUID() });
      const text = await expectSafe(res, before);
      expect([res.status, (JSON.parse(text) as { field?: string }).field]).toEqual([400, path.join('.')]);
    }
  });

  it('odd content types and Idempotency-Keys are refused as such, never 5xx', async () => {
    const type = fc.oneof(
      fc.constantFrom(
        'application/json; charset=utf-7',
        'application/json; charset=latin1',
        'application/json; charset=""',
        'application/merge-patch+json',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
      ),
      fc.string({ maxLength: 40 }),
    );
    const key = fc.oneof(fc.uuid(), fc.string({ maxLength: 300 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withBody), type, key, async (target, contentType, idempotencyKey) => {
        const before = await counts();
        const res = await target
          .client()
          .raw(methodOf(target.op), pathOf(target.op, target.params()), target.valid!(), {
            'content-type': contentType,
            'idempotency-key': idempotencyKey,
          });
        await expectSafe(res, before, target);
      }),
      { numRuns: 40 },
    );
  });
});

describe('uploads under generated input', () => {
  /** A multipart body made of generated parts: what a browser form might send by mistake. */
  const multipart = fc
    .record({ name: anyText(20), filename: anyText(40), type: fc.string({ maxLength: 30 }), content: anyText(80) })
    .map(({ name, filename, type, content }) =>
      Buffer.from(
        `--x\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\n` +
          `Content-Type: ${type}\r\n\r\n${content}\r\n--x--\r\n`,
      ),
    );
  const bytes = fc.oneof(
    fc.constantFrom(PDF, PNG, EXE, EICAR, Buffer.alloc(0), Buffer.from('Aukioloajat: 10–22\n')),
    fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
    multipart,
  );
  const contentType = fc.oneof(
    fc.constantFrom(
      'application/pdf',
      'image/png',
      'text/plain; charset=utf-8',
      'application/octet-stream',
      'multipart/form-data; boundary=x',
      'application/json',
      'application/x-www-form-urlencoded',
    ),
    fc.string({ maxLength: 40 }),
  );
  /** The query fields with one replaced by any text, dropped, or one added. */
  const fields = (valid: Record<string, string>) => {
    const keys = Object.keys(valid);
    return fc.oneof(
      fc.constant(valid),
      fc
        .record({ key: fc.constantFrom(...keys), value: anyText(260) })
        .map(({ key, value }) => ({ ...valid, [key]: value })),
      fc.constantFrom(...keys).map((key) => {
        const { [key]: _dropped, ...rest } = valid;
        return rest;
      }),
      fc.record({ key: anyText(12), value: anyText(20) }).map(({ key, value }) => ({ ...valid, [key]: value })),
      // File names that try to leave their place.
      fc
        .constantFrom('../../etc/passwd', 'a\\b.pdf', 'nul\u0000.pdf', ' ', '.', 'x'.repeat(201), 'ääkköset €.pdf')
        .map((fileName) => ({ ...valid, fileName })),
    );
  };

  it.each(UPLOADS.map((u) => [u.op, u] as const))('%s', async (_op, target) => {
    await fc.assert(
      fc.asyncProperty(fields(target.valid()), contentType, bytes, async (query, type, data) => {
        const before = await counts();
        const res = await upload(organiser, target.path(), query, data, type);
        const text = await expectSafe(res, before);
        if (res.status === 201) {
          // Stored whole: the newest version is exactly the bytes sent.
          const doc = JSON.parse(text) as { versions: Array<{ size: number; href: string }> };
          const newest = doc.versions.at(-1)!;
          expect(newest.size).toBe(data.length);
          const stored = Buffer.from(await (await organiser.raw('GET', newest.href)).arrayBuffer());
          expect(stored.equals(data)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});

/** The paths of every string in a JSON value. */
function stringLeaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

/** A deep copy of `value` with the string at `path` changed. */
function withLeaf<T>(value: T, path: (string | number)[], change: (text: string) => string): T {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  at[last] = change(at[last] as string);
  return copy as T;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
