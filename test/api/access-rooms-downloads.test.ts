/**
 * The authorisation matrix of access.test.ts extended to socket rooms and file downloads,
 * against the real stack, with every refusal in the security log:
 *   - every room kind (project, authority, user, site, notice, an unknown id, an unknown kind)
 *     × every role: joined exactly when the matching GET is allowed; a refused join is a
 *     room.refused event with the actor, the room and the socket; an allowed one is not logged;
 *   - every download (document versions, a trade-secret one, citizens' photos with and without
 *     the reporter's identity, the risk-report CSVs) × every role: the bytes for those allowed;
 *     401/403 or a 404 that withholds (trade secret, anonymous reporter) for the rest, whose
 *     body never contains the file, each logged with who asked for what;
 *   - the administrators' read of the log: paged, newest first, filtered by kind.
 */
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { ApiClient } from '../../api/client';
import { DEMO } from '../../prisma/seed';
import { useApiStack } from '../support/stack';
import { EVERYONE, SIGNED_IN, signInRoles, type Role } from '../support/roles';
import { until } from '../support/env';

const stack = useApiStack({ rateLimits: { signInPerMinute: 1000, publicWritesPerMinute: 1000 } });

/** The project's noise permit and the supervised site are both the City of Tampere's. */
const CITY: Role[] = ['involvedClerk', 'supervisor'];
const PROJECT_READERS: Role[] = ['organiser', 'agent', ...CITY, 'serviceDesk', 'admin'];
const RISK_READERS: Role[] = ['involvedClerk', 'otherClerk', 'supervisor', 'admin'];

const clients = {} as Record<Role, ApiClient>;
let projectId: string;
let noticeId: string;
/** A site without supervision: any authority user reads it. */
let siteId: string;
/** A site supervised by the City of Tampere, with citizens' photos. */
let photoSiteId: string;
let plainDoc: { href: string };
let secretDoc: { id: string; href: string };
let hiddenPhoto: { id: string; url: string };
let namedPhoto: { id: string; url: string };
const PLAIN_MARKER = `plain-${randomUUID()}`;
const SECRET_MARKER = `secret-${randomUUID()}`;
const pdf = (marker: string) =>
  Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

async function uploadPdf(marker: string, query: Record<string, string>) {
  const res = await fetch(`${stack.base}/api/projects/${projectId}/documents?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/pdf',
      'idempotency-key': randomUUID(),
      cookie: clients.organiser.cookieHeader(),
      'x-csrf-token': clients.organiser.session!.csrfToken,
    },
    body: new Uint8Array(pdf(marker)),
  });
  expect(res.status).toBe(201);
  const doc = (await res.json()) as { id: string; versions: Array<{ href: string }> };
  return { id: doc.id, href: doc.versions[0]!.href };
}

beforeAll(async () => {
  await signInRoles(stack.base, clients, { involvedCode: 'CITY-TRE', otherCode: 'POLICE-SISA' });

  projectId = (
    await clients.organiser.createProject({
      organisationId: DEMO.festivalOrgId,
      title: 'Huoneet ja lataukset',
      permits: [{ permitType: 'noise', authorityCode: 'CITY-TRE' }],
    })
  ).id;
  plainDoc = await uploadPdf(PLAIN_MARKER, { title: 'Kartta', fileName: 'kartta.pdf' });
  secretDoc = await uploadPdf(SECRET_MARKER, { title: 'Budjetti', fileName: 'budjetti.pdf', secret: 'true' });

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
        area: { type: 'Circle', center: [23.76, 61.5], radiusMeters: 300 },
        opensAt: new Date(),
        closesAt: new Date(Date.now() + 86_400_000),
      },
    })
  ).id;
  siteId = (await db.site.findFirstOrThrow({ where: { name: 'Ravintola Laukontori' } })).id;
  photoSiteId = (await db.site.findFirstOrThrow({ where: { name: 'Kahvila Tammela (uusi)' } })).id;

  // Citizens' photos at a supervised site: one reporter hidden, one shown.
  await clients.supervisor.request(
    'POST',
    `/api/sites/${photoSiteId}/supervision`,
    { authorityCode: 'CITY-TRE' },
    { 'idempotency-key': randomUUID() },
  );
  await until(
    'the cycle to open',
    async () => (await clients.supervisor.raw('GET', `/api/sites/${photoSiteId}/supervision`)).status === 200,
  );
  const photo = { contentType: 'image/png', data: PNG.toString('base64') };
  for (const [description, anonymous] of [
    ['Kuva: piilossa', true],
    ['Kuva: nimellä', false],
  ] as const) {
    await clients.resident.request(
      'POST',
      `/api/sites/${photoSiteId}/supervision/reports`,
      { kind: 'citizenObservation', description, anonymous, photo },
      { 'idempotency-key': randomUUID() },
    );
  }
  type Obs = { id: string; description: string; photoUrl: string | null };
  const observations = await until('the reports with photos', async () => {
    const list = await clients.supervisor.request<Obs[]>('GET', `/api/sites/${photoSiteId}/observations`);
    return list.filter((o) => o.photoUrl).length === 2 ? list : null;
  });
  const find = (text: string) => observations.find((o) => o.description === text)!;
  hiddenPhoto = { id: find('Kuva: piilossa').id, url: find('Kuva: piilossa').photoUrl! };
  namedPhoto = { id: find('Kuva: nimellä').id, url: find('Kuva: nimellä').photoUrl! };
});

/** The security log's row of one request or socket, once written (after the answer). */
const securityEventOf = (requestId: string) =>
  until(`the security event of ${requestId}`, () =>
    stack.db.handle.db.securityEvent.findFirst({ where: { requestId }, omit: { id: true } }),
  );

const actorId = (role: Role) => clients[role].session?.user.id ?? null;

describe('socket rooms: every room kind × every role', () => {
  interface Room {
    name: string;
    room: (role: Role) => string;
    allowed: Role[];
    /** Why the others are refused: not allowed, or not a room at all. */
    refusal?: 'not allowed' | 'not a room';
  }
  const ROOMS: Room[] = [
    { name: 'project:<id>', room: () => `project:${projectId}`, allowed: PROJECT_READERS },
    { name: 'project:<unknown id>', room: () => `project:${randomUUID()}`, allowed: [] },
    { name: 'authority:<its code>', room: () => 'authority:CITY-TRE', allowed: CITY },
    { name: 'authority:<unknown code>', room: () => 'authority:NOWHERE', allowed: [] },
    {
      name: 'user:<own id>',
      room: (role) => `user:${actorId(role) ?? randomUUID()}`,
      allowed: SIGNED_IN,
    },
    { name: "user:<the organiser's id>", room: () => `user:${actorId('organiser')}`, allowed: ['organiser'] },
    {
      name: 'site:<id>',
      room: () => `site:${siteId}`,
      allowed: ['foodManager', 'involvedClerk', 'otherClerk', 'supervisor', 'admin'],
    },
    {
      name: 'site:<supervised by the city>',
      room: () => `site:${photoSiteId}`,
      allowed: ['foodManager', ...CITY, 'admin'],
    },
    { name: 'notice:<id>', room: () => `notice:${noticeId}`, allowed: EVERYONE },
    { name: 'notice:<unknown id>', room: () => `notice:${randomUUID()}`, allowed: [] },
    { name: 'an unknown kind', room: () => `meeting:${projectId}`, allowed: [], refusal: 'not a room' },
  ];

  const open = async (client: ApiClient): Promise<Socket> => {
    const socket = connect(stack.base, {
      transports: ['websocket'],
      extraHeaders: { cookie: client.cookieHeader() },
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  };
  const join = (socket: Socket, room: string) =>
    socket.emitWithAck('room:join', { room }) as Promise<{ ok: boolean; error?: string }>;

  const cases = ROOMS.flatMap((r) => EVERYONE.map((role) => [r.name, role, r] as const));

  it.each(cases)('%s as %s', async (_name, role, room) => {
    const socket = await open(clients[role]);
    try {
      const name = room.room(role);
      const answer = await join(socket, name);
      const logged = () => stack.db.handle.db.securityEvent.findMany({ where: { requestId: socket.id } });
      if (room.allowed.includes(role)) {
        expect(answer).toMatchObject({ ok: true });
        // Not logged: a refused join on the same socket afterwards is its only event.
        expect(await join(socket, 'nothing')).toMatchObject({ ok: false });
        await securityEventOf(socket.id!);
        expect((await logged()).map((e) => e.resource)).toEqual(['nothing']);
      } else {
        const reason = room.refusal ?? 'not allowed';
        expect(answer).toEqual({ ok: false, error: reason });
        expect(await securityEventOf(socket.id!)).toMatchObject({
          kind: 'room.refused',
          actorId: actorId(role),
          method: 'JOIN',
          resource: name,
          status: null,
          ip: expect.stringMatching(/127\.0\.0\.1/),
          details: { reason },
        });
      }
    } finally {
      socket.close();
    }
  });

  it('a join that is not even a request is refused and logged too', async () => {
    const socket = await open(clients.resident);
    try {
      expect(await socket.emitWithAck('room:join', 42)).toEqual({ ok: false, error: 'not a room' });
      expect(await securityEventOf(socket.id!)).toMatchObject({
        kind: 'room.refused',
        actorId: actorId('resident'),
        resource: '42',
      });
    } finally {
      socket.close();
    }
  });
});

describe('file downloads: every download × every role', () => {
  interface Download {
    name: string;
    path: () => string;
    allowed: Role[];
    /** Roles who may read the resource but not this file: a 404 that withholds it, logged. */
    withheld?: Partial<Record<Role, 'secret.withheld' | 'identity.withheld'>>;
    /** The file as those allowed get it. */
    expect: (res: Response, body: Buffer) => void;
    /** What a refused answer must never contain. */
    secret: () => Buffer[];
  }

  const isPdf = (marker: string) => (res: Response, body: Buffer) => {
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(body.equals(pdf(marker))).toBe(true);
  };
  const isPng = (res: Response, body: Buffer) => {
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(body.equals(PNG)).toBe(true);
  };
  const isCsv = (res: Response, body: Buffer) => {
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?[\w-]+\.csv"?$/);
    expect(body.toString('utf8').split('\n')[0]).toContain(',');
  };
  const csvSecrets = () => [Buffer.from('targetGroup'), Buffer.from('Ravintola Laukontori')];

  const DOWNLOADS: Download[] = [
    {
      name: 'a document version',
      path: () => plainDoc.href,
      allowed: PROJECT_READERS,
      expect: isPdf(PLAIN_MARKER),
      secret: () => [Buffer.from(PLAIN_MARKER), Buffer.from('%PDF')],
    },
    {
      name: 'a trade-secret document version',
      path: () => secretDoc.href,
      allowed: ['organiser', 'agent', ...CITY, 'admin'],
      withheld: { serviceDesk: 'secret.withheld' },
      expect: isPdf(SECRET_MARKER),
      secret: () => [Buffer.from(SECRET_MARKER), Buffer.from('%PDF')],
    },
    {
      name: "an anonymous citizen's photo",
      path: () => hiddenPhoto.url,
      allowed: [...CITY, 'admin'],
      withheld: { foodManager: 'identity.withheld' },
      expect: isPng,
      secret: () => [PNG.subarray(0, 16), Buffer.from(PNG.toString('base64').slice(0, 24))],
    },
    {
      name: "a named citizen's photo",
      path: () => namedPhoto.url,
      allowed: ['foodManager', ...CITY, 'admin'],
      expect: isPng,
      secret: () => [PNG.subarray(0, 16), Buffer.from(PNG.toString('base64').slice(0, 24))],
    },
    {
      name: 'the ranking as CSV',
      path: () => '/api/risk-reports/ranking?format=csv',
      allowed: RISK_READERS,
      expect: isCsv,
      secret: csvSecrets,
    },
    {
      name: "a group's sites as CSV",
      path: () => '/api/risk-reports/groups/restaurant?format=csv',
      allowed: RISK_READERS,
      expect: isCsv,
      secret: csvSecrets,
    },
    {
      name: 'class counts as CSV',
      path: () => '/api/risk-reports/class-counts?format=csv',
      allowed: RISK_READERS,
      expect: isCsv,
      secret: () => [Buffer.from('targetGroup')],
    },
    {
      name: 'top areas as CSV',
      path: () => '/api/risk-reports/top-areas?format=csv',
      allowed: RISK_READERS,
      expect: isCsv,
      secret: () => [Buffer.from('targetGroup')],
    },
  ];

  const cases = DOWNLOADS.flatMap((d) => EVERYONE.map((role) => [d.name, role, d] as const));

  it.each(cases)('%s as %s', async (_name, role, download) => {
    const requestId = `download-${randomUUID()}`;
    const res = await clients[role].raw('GET', download.path(), undefined, { 'x-request-id': requestId });
    const body = Buffer.from(await res.arrayBuffer());
    if (download.allowed.includes(role)) {
      expect(res.status).toBe(200);
      download.expect(res, body);
      return;
    }
    const withheld = download.withheld?.[role];
    const status = withheld ? 404 : role === 'public' ? 401 : 403;
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('content-disposition')).toBeNull();
    for (const part of download.secret()) expect(body.includes(part)).toBe(false);
    const logged = await securityEventOf(requestId);
    expect(logged).toMatchObject({
      kind: withheld ?? 'http.refused',
      actorId: actorId(role),
      method: 'GET',
      resource: download.path().replace(/\?.*$/, ''),
      status,
    });
    if (withheld === 'secret.withheld') expect(logged.details).toMatchObject({ documents: [secretDoc.id] });
    if (withheld === 'identity.withheld') expect(logged.details).toMatchObject({ observations: [hiddenPhoto.id] });
  });

  it('the service desk does not see the trade-secret document listed, and that is logged', async () => {
    const requestId = `list-${randomUUID()}`;
    const listed = await clients.serviceDesk.request<Array<{ id: string }>>(
      'GET',
      `/api/projects/${projectId}/documents`,
      undefined,
      { 'x-request-id': requestId },
    );
    expect(listed.map((d) => d.id)).not.toContain(secretDoc.id);
    expect(listed).toHaveLength(1);
    expect(await securityEventOf(requestId)).toMatchObject({
      kind: 'secret.withheld',
      actorId: actorId('serviceDesk'),
      status: 200,
      details: { documents: [secretDoc.id] },
    });
  });
});

describe('the security log (GET /api/security-events)', () => {
  type Page = {
    events: Array<{ id: string; kind: string; resource: string; actorId: string | null; details: unknown }>;
    next: string | null;
  };

  it('pages newest first, filtered by kind, and holds no bodies or secret values', async () => {
    // Three refusals of our own, newest last.
    const marker = `body-${randomUUID()}`;
    for (let i = 0; i < 3; i++) {
      const requestId = `page-${i}-${randomUUID()}`;
      const res = await clients.resident.raw(
        'POST',
        `/api/projects/${projectId}/messages`,
        { body: marker },
        { 'x-request-id': requestId, 'idempotency-key': randomUUID() },
      );
      expect(res.status).toBe(403);
      await securityEventOf(requestId);
    }
    const first = await clients.admin.request<Page>(
      'GET',
      `/api/security-events?kind=http.refused&actorId=${actorId('resident')}&limit=2`,
    );
    expect(first.events).toHaveLength(2);
    expect(first.next).toBe(first.events[1]!.id);
    const second = await clients.admin.request<Page>(
      'GET',
      `/api/security-events?kind=http.refused&actorId=${actorId('resident')}&limit=2&before=${first.next}`,
    );
    const ids = [...first.events, ...second.events].map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(first.events.map((e) => e.resource)).toEqual([
      `/api/projects/${projectId}/messages`,
      `/api/projects/${projectId}/messages`,
    ]);
    const all = await clients.admin.request<Page>('GET', '/api/security-events?limit=500');
    expect(JSON.stringify(all)).not.toContain(marker);
    expect(JSON.stringify(all)).not.toContain(SECRET_MARKER);
    for (const kind of ['room.refused', 'secret.withheld', 'identity.withheld'] as const) {
      const page = await clients.admin.request<Page>('GET', `/api/security-events?kind=${kind}`);
      expect(page.events.length).toBeGreaterThan(0);
      expect(new Set(page.events.map((e) => e.kind))).toEqual(new Set([kind]));
    }
  });

  it.each([
    ['kind=nope', 'kind'],
    ['limit=0', 'limit'],
    ['before=abc', 'before'],
    ['before=99999999999999999999', 'before'],
    ['before=9999999999999999999', 'before'],
    ['colour=red', ''],
  ])('refuses ?%s naming the field', async (query, field) => {
    const res = await clients.admin.raw('GET', `/api/security-events?${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain(field);
  });
});
