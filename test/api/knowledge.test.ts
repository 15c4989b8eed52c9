/**
 * Advice and knowledge (F01–F03) against the real stack: search relevance on the seeded corpus
 * (the expected document first for Finnish and English queries), filters, the authorities-only
 * audience, the chat from opening to the answer store and search, live rooms, who may do what,
 * bad input that changes nothing, guides adapted to the profile and edited by their authority,
 * and an authority's decided case published anonymised to the solution store.
 */
import { randomUUID } from 'node:crypto';
import { ApiClient, CaseParties } from '../../api/client';
import type { RoomEventMessage } from '../../api/live';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { SEED_ANSWERS, SEED_GUIDES, SEED_SOLUTIONS } from '../../prisma/seed-knowledge';
import { MEDIUM_RISK } from '../support/cases';
import { submitThroughApi } from '../support/http-cases';
import { until } from '../support/env';
import { listenToRoom } from '../support/rooms';
import { twoAuthorityProject, useApiStack } from '../support/stack';

const stack = useApiStack();
let organiser: ApiClient;
let agent: ApiClient;
let foodManager: ApiClient;
let desk: ApiClient;
let city: ApiClient;
let police: ApiClient;
let supervisor: ApiClient;
let resident: ApiClient;
let admin: ApiClient;
let anonymous: ApiClient;
let projectId: string;

beforeAll(async () => {
  const signIn = (email: string) => ApiClient.signIn(stack.base, email);
  organiser = await signIn(DEMO_USERS.organiser);
  agent = await signIn(DEMO_USERS.agent);
  await agent.actFor(agent.session!.mandates[0]!.id);
  foodManager = await signIn(DEMO_USERS.foodManager);
  desk = await signIn(DEMO_USERS.serviceDesk);
  city = await signIn(AUTHORITY_USERS['CITY-TRE']!);
  police = await signIn(AUTHORITY_USERS['POLICE-SISA']!);
  supervisor = await signIn(DEMO_USERS.supervisor);
  resident = await signIn(DEMO_USERS.resident);
  admin = await signIn(DEMO_USERS.admin);
  anonymous = new ApiClient(stack.base);
  projectId = await twoAuthorityProject(organiser, 'Kesäkonsertti');
});

interface SearchResult {
  kind: string;
  refId: string;
  lang: string;
  title: string;
  permitTypes: string[];
  authorityCode: string | null;
  region: string | null;
  industry: string | null;
  snippet: Array<{ text: string; hit: boolean }>;
}
interface SearchPage {
  total: number;
  results: SearchResult[];
}

const search = (client: ApiClient, params: Record<string, string>) =>
  client.request<SearchPage>('GET', `/api/search?${new URLSearchParams(params)}`);
const command = (client: ApiClient, method: string, path: string, body?: unknown, key = randomUUID()) =>
  client.raw(method, path, body, { 'idempotency-key': key });

/** The seeded record each expected document comes from, found by what identifies it in the seed. */
async function refOf(expected: Expected): Promise<string> {
  const db = stack.db.handle.db;
  switch (expected.kind) {
    case 'guide':
      return (await db.guide.findUniqueOrThrow({ where: { slug: expected.slug } })).id;
    case 'answer':
      return (await db.storedAnswer.findFirstOrThrow({ where: { question: expected.question } })).id;
    case 'solution':
      return (
        await db.solution.findFirstOrThrow({ where: { permitType: expected.permitType, region: expected.region } })
      ).id;
    case 'contact':
      return (await db.authority.findUniqueOrThrow({ where: { code: expected.code } })).id;
  }
}

type Expected =
  | { kind: 'guide'; slug: string }
  | { kind: 'answer'; question: string }
  | { kind: 'solution'; permitType: string; region: string }
  | { kind: 'contact'; code: string };

const guide = (slug: string): Expected => {
  expect(SEED_GUIDES.some((g) => g.slug === slug)).toBe(true);
  return { kind: 'guide', slug };
};
const answer = (question: string): Expected => {
  expect(SEED_ANSWERS.some((a) => a.question === question)).toBe(true);
  return { kind: 'answer', question };
};
const solution = (permitType: string, region: string): Expected => {
  expect(SEED_SOLUTIONS.some((s) => s.permitType === permitType && s.region === region)).toBe(true);
  return { kind: 'solution', permitType, region };
};

/** Finnish queries in inflected forms, as people type them, and the document that must come first. */
const FINNISH: Array<[string, Expected]> = [
  ['meluilmoituksen tekeminen', guide('noise-outdoor-concert')],
  ['elintarvikehuoneiston rekisteröinti', guide('food-premises-registration')],
  ['pelastussuunnitelma yleisötapahtumaan', guide('rescue-plan-event')],
  ['ilmoitus poliisille yleisötilaisuudesta', guide('public-event-police')],
  ['anniskeluluvan hakeminen', guide('alcohol-serving-event')],
  ['ympäristöluvan käsittelyaika', guide('environmental-permit-facility')],
  ['kemikaalien varastointi', guide('chemical-notification')],
  ['katsomon rakentaminen', guide('temporary-structures')],
  ['järjestyksenvalvojien määrä', answer('Kuinka monta järjestyksenvalvojaa tapahtumaan tarvitaan?')],
  ['ilotulitus järven rannalla', solution('fireworks', 'Tampere')],
  ['Sisä-Suomen poliisilaitos puhelin', { kind: 'contact', code: 'POLICE-SISA' }],
];

const ENGLISH: Array<[string, Expected]> = [
  ['noise notification outdoor concert', guide('noise-outdoor-concert')],
  ['register food premises', guide('food-premises-registration')],
  ['rescue plan for a public event', guide('rescue-plan-event')],
  ['alcohol serving licence', guide('alcohol-serving-event')],
  ['food truck festival', answer('Can we sell food from a food truck at a festival?')],
  ['hazardous chemicals storage', guide('chemical-notification')],
  ['who handles fireworks', answer('Who handles fireworks notifications?')],
  ['chemicals agency phone', { kind: 'contact', code: 'TUKES' }],
  ['sawmill dust emissions', solution('environmental', 'Valkeakoski')],
];

describe('search relevance on the seeded corpus (F02)', () => {
  it.each(FINNISH)('Finnish: "%s" finds the expected document first', async (q, expected) => {
    const page = await search(anonymous, { q });
    expect(page.results[0]).toMatchObject({ kind: expected.kind, refId: await refOf(expected), lang: 'fi' });
  });

  it.each(ENGLISH)('English: "%s" finds the expected document first', async (q, expected) => {
    const page = await search(anonymous, { q });
    expect(page.results[0]).toMatchObject({ kind: expected.kind, refId: await refOf(expected), lang: 'en' });
  });

  it('marks the matched words in the snippet and keeps one row per record', async () => {
    const page = await search(anonymous, { q: 'meluilmoituksen tekeminen' });
    const hits = page.results[0]!.snippet.filter((p) => p.hit).map((p) => p.text.toLowerCase());
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.startsWith('meluilmoitu') || h.startsWith('tekemi'))).toBe(true);
    const keys = page.results.map((r) => `${r.kind}:${r.refId}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('searches one language when asked, and finds nothing for stop words alone', async () => {
    const english = await search(anonymous, { q: 'noise notification', lang: 'en' });
    expect(english.results.length).toBeGreaterThan(0);
    expect(english.results.every((r) => r.lang === 'en')).toBe(true);
    const finnishOnly = await search(anonymous, { q: 'noise notification', lang: 'fi' });
    expect(finnishOnly.results.every((r) => r.lang === 'fi')).toBe(true);
    expect(await search(anonymous, { q: 'the and of' })).toEqual({ total: 0, results: [] });
  });
});

describe('search filters and paging', () => {
  const q = 'tapahtuma ilmoitus lupa';

  it('narrows by kind, permit type, authority, region and industry; every result fits', async () => {
    const all = await search(anonymous, { q, limit: '50' });
    expect(all.total).toBeGreaterThan(5);
    const filters: Array<[Record<string, string>, (r: SearchResult) => boolean]> = [
      [{ kind: 'solution' }, (r) => r.kind === 'solution'],
      [{ permitType: 'noise' }, (r) => r.permitTypes.includes('noise')],
      [{ authorityCode: 'RESCUE-PIR' }, (r) => r.authorityCode === 'RESCUE-PIR'],
      [{ region: 'tampere' }, (r) => r.region === 'Tampere'],
      [{ industry: 'industry' }, (r) => r.industry === 'industry'],
    ];
    for (const [filter, fits] of filters) {
      const narrowed = await search(anonymous, { q, limit: '50', ...filter });
      expect(narrowed.total).toBeGreaterThan(0);
      expect(narrowed.total).toBeLessThan(all.total);
      expect(narrowed.results.every(fits)).toBe(true);
    }
    const both = await search(anonymous, { q, limit: '50', kind: 'solution', region: 'Tampere' });
    expect(both.results.every((r) => r.kind === 'solution' && r.region === 'Tampere')).toBe(true);
  });

  it('pages through the same ranking', async () => {
    const whole = await search(anonymous, { q, limit: '6' });
    const first = await search(anonymous, { q, limit: '3' });
    const second = await search(anonymous, { q, limit: '3', offset: '3' });
    expect([...first.results, ...second.results].map((r) => r.refId)).toEqual(whole.results.map((r) => r.refId));
    expect(second.total).toBe(whole.total);
  });

  it('refuses bad parameters naming the field', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ q: '' }, 'q'],
      [{ q: 'x'.repeat(201) }, 'q'],
      [{ q: 'melu', lang: 'sv' }, 'lang'],
      [{ q: 'melu', kind: 'secret' }, 'kind'],
      [{ q: 'melu', permitType: 'no-such' }, 'permitType'],
      [{ q: 'melu', limit: '500' }, 'limit'],
      [{ q: 'melu', offset: '-1' }, 'offset'],
      [{ q: 'melu', industry: 'mining' }, 'industry'],
    ];
    for (const [params, field] of cases) {
      const res = await anonymous.raw('GET', `/api/search?${new URLSearchParams(params)}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain(field);
    }
  });
});

describe('audience: archived projects for authorities only', () => {
  it('shows archive documents to authority users and ADMIN, never to customers, the desk or the public', async () => {
    const refId = randomUUID();
    await stack.db.handle.db.searchDocument.create({
      data: {
        id: `archive:${refId}:fi`,
        kind: 'archive',
        refId,
        lang: 'fi',
        title: 'Arkistoitu hanke: Rantajuhlat',
        body: 'Arkistoitu lupahanke, päätökset ja asiakirjat. Zyxwarkisto.',
        permitTypes: ['noise'],
        authorityCode: 'CITY-TRE',
        region: 'Tampere',
        audience: 'authority',
      },
    });
    const sees = async (client: ApiClient) =>
      (await search(client, { q: 'zyxwarkisto' })).results.some((r) => r.refId === refId);
    for (const client of [city, police, supervisor, admin]) expect(await sees(client)).toBe(true);
    for (const client of [anonymous, organiser, agent, foodManager, desk, resident])
      expect(await sees(client)).toBe(false);
    expect(
      (await search(organiser, { q: 'zyxwarkisto', kind: 'archive' })).results.some((r) => r.refId === refId),
    ).toBe(false);
  });
});

interface Conversation {
  id: string;
  status: string;
  handledBy: string;
  authorityCode: string | null;
  projectId: string | null;
  messages: Array<{ id: string; side: string; body: string; authorName: string }>;
}

describe('chat advice (F01)', () => {
  it('opens → the desk answers → hands over → the authority answers → saved to the answer store → found by search', async () => {
    // Arrange: the customer's chat is kept with the project; the customer and the queues listen.
    const opened = await command(organiser, 'POST', '/api/chat/conversations', {
      topic: 'Melu',
      body: 'Saako konsertissa soittaa puoleenyöhön?',
      projectId,
      page: `/projects/${projectId}`,
    });
    expect(opened.status).toBe(201);
    const conversation = (await opened.json()) as Conversation;
    expect(conversation).toMatchObject({ status: 'open', handledBy: 'serviceDesk', projectId });
    const room = listenToRoom(stack.base, organiser, `chat:${conversation.id}`);
    const deskQueue = listenToRoom(stack.base, desk, 'chatqueue:DESK');
    const cityQueue = listenToRoom(stack.base, city, 'chatqueue:CITY-TRE');
    const policeQueue = listenToRoom(stack.base, police, 'chatqueue:POLICE-SISA');
    try {
      for (const l of [room, deskQueue, cityQueue, policeQueue]) expect((await l.joined).ok).toBe(true);
      const deskList = await desk.request<Array<{ id: string }>>('GET', '/api/chat/conversations?status=open');
      expect(deskList.map((c) => c.id)).toContain(conversation.id);

      // Act: the desk answers and hands over; the city answers.
      const deskAnswer = await command(desk, 'POST', `/api/chat/conversations/${conversation.id}/messages`, {
        body: 'Kysyn ympäristönsuojelusta.',
      });
      expect(deskAnswer.status).toBe(201);
      const handover = await command(desk, 'POST', `/api/chat/conversations/${conversation.id}/handover`, {
        authorityCode: 'CITY-TRE',
        note: 'Meluilmoitus, yöaika',
      });
      expect(handover.status).toBe(200);
      expect(await handover.json()).toMatchObject({ handledBy: 'authority', authorityCode: 'CITY-TRE' });
      const cityList = await city.request<Array<{ id: string }>>('GET', '/api/chat/conversations');
      expect(cityList.map((c) => c.id)).toContain(conversation.id);
      const reply = await command(city, 'POST', `/api/chat/conversations/${conversation.id}/messages`, {
        body: 'Äänentoisto yöaikaan kello 22 jälkeen vaatii meluilmoituksessa erityiset perusteet ja mittaukset.',
      });
      expect(reply.status).toBe(201);
      const cityMessage = (await reply.json()) as { id: string; side: string };
      expect(cityMessage.side).toBe('authority');

      // Assert: everyone who follows it saw every step live; other authorities saw nothing.
      const sides = (events: RoomEventMessage[]) =>
        events.map((e) => (e.data as { message: { side: string } }).message.side);
      await until('the live chat events', async () => room.received.length >= 3 && cityQueue.received.length >= 2);
      expect(sides(room.received)).toEqual(['serviceDesk', 'system', 'authority']);
      expect(sides(deskQueue.received)).toEqual(['serviceDesk', 'system', 'authority']);
      expect(sides(cityQueue.received)).toEqual(['system', 'authority']);
      await new Promise((r) => setTimeout(r, 300));
      expect(policeQueue.received).toEqual([]);

      // The authority saves its answer to the answer store, and search finds it first.
      const saved = await command(city, 'POST', '/api/answers', {
        lang: 'fi',
        question: 'Saako ulkoilmakonsertissa soittaa puoleenyöhön?',
        answer: 'Äänentoisto yöaikaan kello 22 jälkeen vaatii meluilmoituksessa erityiset perusteet ja mittaukset.',
        topic: 'melu',
        industry: 'events',
        permitTypes: ['noise'],
        sourceMessageId: cityMessage.id,
      });
      expect(saved.status).toBe(201);
      const stored = (await saved.json()) as { id: string; authorityCode: string };
      expect(stored.authorityCode).toBe('CITY-TRE');
      const again = await command(city, 'POST', '/api/answers', {
        lang: 'fi',
        question: 'Saako ulkoilmakonsertissa soittaa puoleenyöhön?',
        answer: 'x',
        topic: 'melu',
        sourceMessageId: cityMessage.id,
      });
      expect(((await again.json()) as { id: string }).id).toBe(stored.id);
      const found = await search(anonymous, { q: 'soittaa puoleenyöhön' });
      expect(found.results[0]).toMatchObject({ kind: 'answer', refId: stored.id });
      const audit = await stack.db.handle.db.auditEntry.findMany({
        where: { entityId: { in: [conversation.id, stored.id] } },
        orderBy: { at: 'asc' },
      });
      expect(audit.map((a) => a.action)).toEqual([
        'openConversation',
        'postChatMessage',
        'handOverConversation',
        'postChatMessage',
        'saveAnswer',
      ]);
    } finally {
      for (const l of [room, deskQueue, cityQueue, policeQueue]) l.socket.close();
    }
  });

  it('keeps a conversation with its project for the project readers; others are refused', async () => {
    const opened = (await (
      await command(organiser, 'POST', '/api/chat/conversations', { topic: 'Aikataulu', body: 'Milloin?', projectId })
    ).json()) as Conversation;
    const status = async (client: ApiClient) =>
      (await client.raw('GET', `/api/chat/conversations/${opened.id}`)).status;
    // The customer, the agent acting for the organisation (a project reader), the desk, involved authorities, ADMIN.
    for (const client of [organiser, agent, desk, city, police, admin]) expect(await status(client)).toBe(200);
    // Another organisation's customer, an authority not involved, the public.
    const tukes = await ApiClient.signIn(stack.base, AUTHORITY_USERS.TUKES!);
    expect(await status(foodManager)).toBe(403);
    expect(await status(tukes)).toBe(403);
    expect(await status(resident)).toBe(403);
    expect(await status(anonymous)).toBe(401);
    const kept = await police.request<Array<{ id: string }>>('GET', `/api/chat/conversations?projectId=${projectId}`);
    expect(kept.map((c) => c.id)).toContain(opened.id);
    expect((await foodManager.raw('GET', `/api/chat/conversations?projectId=${projectId}`)).status).toBe(403);
    // Rooms are joined like the reads: not the thread for the Tukes clerk, not another's queue.
    const joins: Array<[ApiClient, string, boolean]> = [
      [tukes, `chat:${opened.id}`, false],
      [foodManager, `chat:${opened.id}`, false],
      [police, `chat:${opened.id}`, true],
      [organiser, 'chatqueue:DESK', false],
      [city, 'chatqueue:DESK', false],
      [desk, 'chatqueue:DESK', true],
      [police, 'chatqueue:CITY-TRE', false],
      [supervisor, 'chatqueue:CITY-TRE', true],
    ];
    for (const [client, room, ok] of joins) {
      const join = listenToRoom(stack.base, client, room);
      try {
        expect([room, (await join.joined).ok]).toEqual([room, ok]);
      } finally {
        join.socket.close();
      }
    }
  });

  it('lets only the customer side open chats, and only about projects they may read', async () => {
    const body = { topic: 'Kysymys', body: 'Hei' };
    expect((await command(anonymous, 'POST', '/api/chat/conversations', body)).status).toBe(401);
    for (const client of [resident, city, desk, admin]) {
      expect((await command(client, 'POST', '/api/chat/conversations', body)).status).toBe(403);
    }
    expect((await command(agent, 'POST', '/api/chat/conversations', body)).status).toBe(201);
    expect((await command(foodManager, 'POST', '/api/chat/conversations', { ...body, projectId })).status).toBe(403);
    const missing = await command(organiser, 'POST', '/api/chat/conversations', { ...body, projectId: randomUUID() });
    expect([missing.status, ((await missing.json()) as { field: string }).field]).toEqual([404, 'projectId']);
  });

  it('lets only whoever handles it write, hand over and close; a closed conversation takes nothing', async () => {
    const c = (await (
      await command(foodManager, 'POST', '/api/chat/conversations', { topic: 'Rekisteröinti', body: 'Miten?' })
    ).json()) as Conversation;
    const path = `/api/chat/conversations/${c.id}`;
    expect((await command(city, 'POST', `${path}/messages`, { body: 'x' })).status).toBe(403);
    expect(
      (await command(foodManager, 'POST', `${path}/handover`, { authorityCode: 'CITY-TRE', note: 'x' })).status,
    ).toBe(403);
    expect(
      (await command(desk, 'POST', `${path}/handover`, { authorityCode: 'CITY-TRE', note: 'Valvonta' })).status,
    ).toBe(200);
    // After the hand-over the desk reads but no longer writes; the city does.
    expect((await command(desk, 'POST', `${path}/messages`, { body: 'x' })).status).toBe(403);
    expect((await command(police, 'POST', `${path}/messages`, { body: 'x' })).status).toBe(403);
    expect((await command(city, 'POST', `${path}/messages`, { body: 'Ilmoitus neljä viikkoa ennen.' })).status).toBe(
      201,
    );
    const key = randomUUID();
    const closed = await command(foodManager, 'POST', `${path}/close`, undefined, key);
    expect(closed.status).toBe(200);
    expect(await closed.json()).toMatchObject({ status: 'closed' });
    // A repeated close is the same answer; a new one and any message are refused.
    expect((await command(foodManager, 'POST', `${path}/close`, undefined, key)).status).toBe(200);
    expect((await command(foodManager, 'POST', `${path}/close`)).status).toBe(409);
    expect((await command(foodManager, 'POST', `${path}/messages`, { body: 'x' })).status).toBe(409);
    const mine = await foodManager.request<Array<{ id: string; status: string }>>('GET', '/api/chat/conversations');
    expect(mine.find((m) => m.id === c.id)?.status).toBe('closed');
    expect(
      (await organiser.request<Array<{ id: string }>>('GET', '/api/chat/conversations')).map((m) => m.id),
    ).not.toContain(c.id);
  });

  it('refuses bad input naming the field and writes nothing; a repeated key opens one conversation', async () => {
    const db = stack.db.handle.db;
    const counts = () =>
      Promise.all([
        db.chatConversation.count(),
        db.chatMessage.count(),
        db.storedAnswer.count(),
        db.guide.count(),
        db.auditEntry.count(),
        db.roomEvent.count(),
      ]);
    const before = await counts();
    const open = (body: unknown) => command(organiser, 'POST', '/api/chat/conversations', body);
    const cases: Array<[() => Promise<Response>, string]> = [
      [() => open({ topic: '', body: 'x' }), 'topic'],
      [() => open({ topic: 'x', body: '' }), 'body'],
      [() => open({ topic: 'x', body: 'x'.repeat(5001) }), 'body'],
      [() => open({ topic: 'x', body: 'x', projectId: 'not-a-uuid' }), 'projectId'],
      [() => open({ topic: 'x', body: 'x', extra: true }), ''],
      [
        () => command(city, 'POST', '/api/answers', { lang: 'sv', question: 'Kysymys?', answer: 'x', topic: 'x' }),
        'lang',
      ],
      [
        () =>
          command(city, 'POST', '/api/answers', {
            lang: 'fi',
            question: 'Kysymys?',
            answer: 'x',
            topic: 'x',
            permitTypes: ['no-such'],
          }),
        'permitTypes.0',
      ],
      [() => command(city, 'POST', '/api/solutions', { permitId: 'x' }), 'permitId'],
    ];
    for (const [send, field] of cases) {
      const res = await send();
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain(field);
    }
    const noKey = await organiser.raw('POST', '/api/chat/conversations', { topic: 'x', body: 'x' });
    expect([noKey.status, ((await noKey.json()) as { field: string }).field]).toEqual([400, 'Idempotency-Key']);
    const c = (await (await open({ topic: 'Avun tarve', body: 'Apua' })).json()) as Conversation;
    const unknown = await command(desk, 'POST', `/api/chat/conversations/${c.id}/handover`, {
      authorityCode: 'NOBODY',
      note: 'x',
    });
    expect([unknown.status, ((await unknown.json()) as { field: string }).field]).toEqual([400, 'authorityCode']);
    const [conversations, messages, ...rest] = await counts();
    expect([conversations, messages]).toEqual([before[0] + 1, before[1] + 1]);
    expect(rest.slice(0, 2)).toEqual(before.slice(2, 4));

    const key = randomUUID();
    const [a, b] = await Promise.all([
      command(organiser, 'POST', '/api/chat/conversations', { topic: 'Kerran', body: 'Kerran' }, key),
      command(organiser, 'POST', '/api/chat/conversations', { topic: 'Kerran', body: 'Kerran' }, key),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const [first, second] = (await Promise.all([a.json(), b.json()])) as Conversation[];
    expect(first!.id).toBe(second!.id);
    expect(first!.messages).toHaveLength(1);
    expect(await db.chatConversation.count()).toBe(conversations + 1);
  });
});

describe('the answer store', () => {
  it('is written by experts only, each their own, and search follows every edit', async () => {
    const body = {
      lang: 'en',
      question: 'Is a tent of 60 square metres a temporary structure?',
      answer: 'Yes, a marquee tent over 50 square metres needs a permit.',
      topic: 'structures',
      permitTypes: ['temporary-structure'],
    };
    for (const client of [organiser, agent, resident])
      expect((await command(client, 'POST', '/api/answers', body)).status).toBe(403);
    expect((await command(anonymous, 'POST', '/api/answers', body)).status).toBe(401);
    const created = (await (await command(desk, 'POST', '/api/answers', body)).json()) as { id: string };
    expect((await search(anonymous, { q: 'marquee tent' })).results[0]?.refId).toBe(created.id);
    // The desk's answers are the desk's: an authority may not change them.
    const edited = { ...body, answer: 'Yes, a pavilion tent over 50 square metres needs a permit.' };
    expect((await city.raw('PUT', `/api/answers/${created.id}`, edited)).status).toBe(403);
    expect((await desk.raw('PUT', `/api/answers/${created.id}`, edited)).status).toBe(200);
    expect((await search(anonymous, { q: 'pavilion tent' })).results[0]?.refId).toBe(created.id);
    expect((await search(anonymous, { q: 'marquee' })).results.some((r) => r.refId === created.id)).toBe(false);
    expect((await city.raw('DELETE', `/api/answers/${created.id}`)).status).toBe(403);
    expect((await desk.raw('DELETE', `/api/answers/${created.id}`)).status).toBe(204);
    expect((await desk.raw('DELETE', `/api/answers/${created.id}`)).status).toBe(404);
    expect((await search(anonymous, { q: 'pavilion tent' })).results.some((r) => r.refId === created.id)).toBe(false);
  });
});

interface AdaptedGuide {
  slug: string;
  specificity: number;
  reasons: Array<{ criterion: string; values: string[] }>;
  version: number;
  id: string;
}

describe('guides adapted to the profile (F03)', () => {
  it("gives a project's step guides for its permits, the organisation's industry and the event size, most specific first", async () => {
    // The festival association's project with a noise and a public-event permit, 3 000 people (a medium event).
    const project = (await organiser.createProject({ organisationId: DEMO.festivalOrgId, title: 'Opastettava hanke' }))
      .id;
    await organiser.command(project, {
      action: 'answerAdvice',
      answers: { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true },
    });
    const view = await organiser.request<{ step: string; profile: Record<string, unknown>; guides: AdaptedGuide[] }>(
      'GET',
      `/api/guides?projectId=${project}&step=draft`,
    );
    expect(view.profile).toMatchObject({ industry: 'events', companySize: 'micro', eventSize: 'medium' });
    const permits = view.profile.permitTypes as string[];
    const slugs = view.guides.map((g) => g.slug);
    expect(slugs).toContain('noise-outdoor-concert');
    expect(slugs).toContain('filling-in-the-application');
    // The small-event checklist is for small events, the food guide for the food industry.
    expect(slugs).not.toContain('small-event-checklist');
    expect(slugs).not.toContain('food-premises-registration');
    // Most specific first; every reason names what matched.
    const specificity = view.guides.map((g) => g.specificity);
    expect(specificity).toEqual([...specificity].sort((a, b) => b - a));
    const noise = view.guides.find((g) => g.slug === 'noise-outdoor-concert')!;
    expect(noise.reasons).toEqual([
      { criterion: 'permitType', values: ['noise'] },
      { criterion: 'industry', values: ['events'] },
    ]);
    expect(view.guides.at(-1)!.reasons).toEqual([{ criterion: 'general', values: [] }]);
    for (const g of view.guides)
      for (const r of g.reasons.filter((x) => x.criterion === 'permitType'))
        expect(r.values.every((v) => permits.includes(v))).toBe(true);
  });

  it("uses the signed-in user's own organisation without a project, and refuses projects they may not read", async () => {
    const food = await foodManager.request<{ guides: AdaptedGuide[] }>('GET', '/api/guides?step=supervision');
    expect(food.guides.map((g) => g.slug)).toContain('food-self-monitoring');
    const publicView = await anonymous.request<{ guides: AdaptedGuide[] }>('GET', '/api/guides?step=supervision');
    expect(publicView.guides.map((g) => g.slug)).not.toContain('food-self-monitoring');
    expect((await foodManager.raw('GET', `/api/guides?projectId=${projectId}`)).status).toBe(403);
  });

  it('is edited by its own authority: version increments, audited, stale edits refused, search re-indexed', async () => {
    const db = stack.db.handle.db;
    const current = await db.guide.findUniqueOrThrow({ where: { slug: 'noise-outdoor-concert' } });
    const edit = {
      step: current.step,
      permitTypes: current.permitTypes,
      industries: current.industries,
      companySizes: current.companySizes,
      eventSizes: current.eventSizes,
      titleFi: current.titleFi,
      titleEn: current.titleEn,
      bodyFi: `${current.bodyFi} Kiekkokentän tapahtumissa mittaus tehdään aina.`,
      bodyEn: current.bodyEn,
      version: current.version,
    };
    expect((await police.raw('PUT', `/api/guides/${current.id}`, edit)).status).toBe(403);
    expect((await desk.raw('PUT', `/api/guides/${current.id}`, edit)).status).toBe(403);
    const saved = await city.raw('PUT', `/api/guides/${current.id}`, edit);
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ version: current.version + 1 });
    // The same edit again is the same answer; an edit from the old version by someone else is a 409.
    expect((await city.raw('PUT', `/api/guides/${current.id}`, edit)).status).toBe(200);
    const stale = await supervisor.raw('PUT', `/api/guides/${current.id}`, { ...edit, bodyEn: 'Other text.' });
    expect([stale.status, ((await stale.json()) as { field: string }).field]).toEqual([409, 'version']);
    expect((await search(anonymous, { q: 'kiekkokentän' })).results[0]?.refId).toBe(current.id);
    expect(await db.auditEntry.count({ where: { entityId: current.id, action: 'updateGuide' } })).toBe(1);
  });

  it('lets the desk create shared guides and authorities their own', async () => {
    const body = (slug: string, authorityCode?: string | null) => ({
      slug,
      step: 'hearing',
      titleFi: 'Kuulutuksen aikana',
      titleEn: 'During the public notice',
      bodyFi: 'Vastaa muistutuksiin vastineella.',
      bodyEn: 'Reply to objections.',
      ...(authorityCode !== undefined ? { authorityCode } : {}),
    });
    const shared = await command(desk, 'POST', '/api/guides', body('hearing-replies'));
    expect(shared.status).toBe(201);
    expect(await shared.json()).toMatchObject({ authorityCode: null, version: 1 });
    expect((await command(desk, 'POST', '/api/guides', body('hearing-replies-2'))).status).toBe(201);
    expect((await command(desk, 'POST', '/api/guides', body('hearing-city', 'CITY-TRE'))).status).toBe(403);
    expect((await command(police, 'POST', '/api/guides', body('hearing-city', 'CITY-TRE'))).status).toBe(403);
    const own = await command(city, 'POST', '/api/guides', body('hearing-city'));
    expect(await own.json()).toMatchObject({ authorityCode: 'CITY-TRE' });
    const taken = await command(city, 'POST', '/api/guides', body('hearing-city'));
    expect([taken.status, ((await taken.json()) as { field: string }).field]).toEqual([409, 'slug']);
    for (const client of [organiser, resident])
      expect((await command(client, 'POST', '/api/guides', body('x-guide'))).status).toBe(403);
  });
});

describe('the solution store', () => {
  it("publishes the authority's own decided case with identifying data removed", async () => {
    // Arrange: a case decided by the police with conditions that name people and contacts.
    const cases = new CaseParties(stack.base, DEMO_USERS.organiser, AUTHORITY_USERS);
    const title = 'Rantarock Pyynikki 2027';
    const id = (await organiser.createProject({ organisationId: DEMO.festivalOrgId, title, municipality: 'Tampere' }))
      .id;
    await submitThroughApi(cases, id, MEDIUM_RISK);
    const conditions =
      'Vastuuhenkilö Olli Oksanen (puh. 040 123 4567, olli.organiser@tammerfest.example) vastaa järjestyksestä. ' +
      'Tammerfest ry (y-tunnus 2345678-9) ilmoittaa muutoksista. Kokoontumispaikka Hämeenkatu 10 B 4. ' +
      `Oksasen henkilötunnus 010190-123A. ${title} päättyy klo 23.`;
    for (let guard = 0; guard < 10; guard++) {
      const view = await cases.section(id, 'public-event');
      const can = (a: string) => view.allowed.includes(a as never);
      if (view.step !== 'processing' && view.step !== 'draftReview' && !can('decide')) break;
      if (can('decide'))
        await cases.sectionCommand(id, 'public-event', {
          action: 'decide',
          decision: 'approvedWithConditions',
          conditions,
          text: 'Ilmoitus käsitelty.',
          signedBy: 'Pekka Poliisi',
        });
      else if (can('reviewDraft'))
        await cases.sectionCommand(id, 'public-event', { action: 'reviewDraft', accepted: true });
      else if (can('proposeDraft'))
        await cases.sectionCommand(id, 'public-event', {
          action: 'proposeDraft',
          text: 'Ehdotetaan, että Olli Oksaselle annetaan määräykset.',
        });
      else throw new Error(`no way forward: ${view.step} ${view.allowed.join(', ')}`);
    }
    const permit = await until('the decision', async () =>
      stack.db.handle.db.permit.findFirst({
        where: { projectId: id, permitType: 'public-event', decidedAt: { not: null } },
      }),
    );
    const noisePermit = await stack.db.handle.db.permit.findFirstOrThrow({
      where: { projectId: id, permitType: 'noise' },
    });

    // Another authority's case, an undecided one, and non-authorities are refused.
    expect((await command(city, 'POST', '/api/solutions', { permitId: permit.id })).status).toBe(403);
    expect((await command(organiser, 'POST', '/api/solutions', { permitId: permit.id })).status).toBe(403);
    expect((await command(city, 'POST', '/api/solutions', { permitId: noisePermit.id })).status).toBe(409);
    const before = await stack.db.handle.db.solution.count();

    // Act
    const published = await command(police, 'POST', '/api/solutions', { permitId: permit.id });
    expect(published.status).toBe(201);
    const solution = (await published.json()) as {
      id: string;
      summaryFi: string;
      summaryEn: string;
      conditions: string;
    };
    const again = await command(police, 'POST', '/api/solutions', { permitId: permit.id });
    expect([again.status, ((await again.json()) as { id: string }).id]).toEqual([200, solution.id]);
    expect(await stack.db.handle.db.solution.count()).toBe(before + 1);

    // Assert: nothing identifying survives, in either language; the case is findable.
    const published_text = `${solution.summaryFi}\n${solution.summaryEn}\n${solution.conditions}`;
    for (const identifier of [
      'Olli',
      'Oksa',
      '040 123 4567',
      'olli.organiser',
      'Tammerfest',
      '2345678-9',
      'Hämeenkatu',
      '010190-123A',
      'Rantarock',
      'Pekka',
    ]) {
      expect(published_text).not.toContain(identifier);
    }
    expect(solution.summaryFi).toContain('[henkilö]');
    expect(solution.summaryEn).toContain('[person]');
    expect(solution.summaryFi).toContain('päättyy klo 23');
    const found = await search(anonymous, { q: 'yleisötilaisuusilmoitus järjestyksestä', kind: 'solution' });
    expect(found.results[0]?.refId).toBe(solution.id);
  }, 120_000);
});
