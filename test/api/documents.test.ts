/**
 * The shared workspace (F36) against the real stack: uploads checked by size, by the type
 * sniffed from the content and by the virus-scan hook, refusals storing nothing; versions
 * numbered in turn also under concurrent uploads; idempotent uploads; trade-secret documents
 * hidden from the service desk; downloads as attachments with the stored bytes.
 */
import { randomUUID } from 'node:crypto';
import { ApiClient } from '../../api/client';
import { AUTHORITY_USERS, DEMO_USERS } from '../../prisma/seed';
import { startApi } from '../support/api';
import { twoAuthorityProject, useApiStack } from '../support/stack';

const stack = useApiStack();
let organiser: ApiClient;
let projectId: string;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001' +
    '0d0a2db40000000049454e44ae426082',
  'hex',
);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*');

beforeAll(async () => {
  organiser = await ApiClient.signIn(stack.base, DEMO_USERS.organiser);
  projectId = await twoAuthorityProject(organiser, 'Asiakirjat');
});

type Doc = {
  id: string;
  secret: boolean;
  versions: Array<{ version: number; contentType: string; size: number; href: string }>;
};

function upload(
  client: ApiClient,
  data: Buffer,
  query: Record<string, string>,
  {
    type = 'application/octet-stream',
    key = randomUUID(),
    path = `/api/projects/${projectId}/documents`,
    base = stack.base,
  } = {},
) {
  return fetch(`${base}${path}?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: {
      'content-type': type,
      'idempotency-key': key,
      cookie: client.cookieHeader(),
      'x-csrf-token': client.session?.csrfToken ?? '',
    },
    body: new Uint8Array(data),
  });
}

const stored = async () => {
  const db = stack.db.handle.db;
  return Promise.all([db.document.count(), db.documentVersion.count(), db.documentBlob.count()]);
};

describe('documents (F36)', () => {
  it('stores a document and its versions, and serves each version as uploaded', async () => {
    const created = await upload(organiser, PDF, { title: 'Turvallisuussuunnitelma', fileName: 'suunnitelma.pdf' });
    expect(created.status).toBe(201);
    const doc = (await created.json()) as Doc;
    expect(doc.versions).toEqual([
      expect.objectContaining({ version: 1, contentType: 'application/pdf', size: PDF.length }),
    ]);

    const next = await upload(
      organiser,
      PNG,
      { fileName: 'kartta.png' },
      {
        path: `/api/projects/${projectId}/documents/${doc.id}/versions`,
      },
    );
    expect(next.status).toBe(201);
    expect(((await next.json()) as Doc).versions.map((v) => [v.version, v.contentType])).toEqual([
      [1, 'application/pdf'],
      [2, 'image/png'],
    ]);

    const download = await organiser.raw('GET', doc.versions[0]!.href);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain("attachment; filename*=UTF-8''suunnitelma.pdf");
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
    // The involved authority reads it too.
    const city = await ApiClient.signIn(stack.base, AUTHORITY_USERS['CITY-TRE']!);
    expect((await city.raw('GET', doc.versions[0]!.href)).status).toBe(200);
  });

  it('refuses by content type, virus scan and emptiness, storing nothing', async () => {
    const before = await stored();
    const cases: Array<[Buffer, string, number]> = [
      [EXE, 'application/pdf', 415], // says PDF, is an executable
      [Buffer.from('a\u0000b'), 'text/plain', 415],
      [Buffer.from([0xff, 0xfe, 0xfd]), 'text/plain', 415],
      [EICAR, 'text/plain', 422],
      [Buffer.alloc(0), 'application/pdf', 400],
    ];
    for (const [data, type, status] of cases) {
      const res = await upload(organiser, data, { title: 'X', fileName: 'x.pdf' }, { type });
      expect([type, res.status]).toEqual([type, status]);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    const badQuery = await upload(organiser, PDF, { title: 'X', fileName: '../../etc/passwd' });
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as { errors: Array<{ path: string }> }).errors[0]!.path).toBe('fileName');
    expect(await stored()).toEqual(before);
    // Plain text that is what it says is fine.
    const text = await upload(
      organiser,
      Buffer.from('Aukioloajat: 10–22\n'),
      { title: 'Muistio', fileName: 'm.txt' },
      {
        type: 'text/plain; charset=utf-8',
      },
    );
    expect(text.status).toBe(201);
  });

  it('answers 413 above the configured size, storing nothing', async () => {
    const small = await startApi(stack.db.handle.db, stack.client, {
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      UI_DIST: '',
      DOCUMENT_MAX_MB: 1,
    });
    try {
      const client = await ApiClient.signIn(small.base, DEMO_USERS.organiser);
      const before = await stored();
      const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024)]);
      const res = await upload(client, big, { title: 'Iso', fileName: 'iso.pdf' }, { base: small.base });
      expect(res.status).toBe(413);
      expect(await stored()).toEqual(before);
    } finally {
      await small.close();
    }
  });

  it('is idempotent per key and numbers concurrent versions in turn', async () => {
    const key = randomUUID();
    const [a, b] = await Promise.all([
      upload(organiser, PDF, { title: 'Kerran', fileName: 'k.pdf' }, { key }),
      upload(organiser, PDF, { title: 'Kerran', fileName: 'k.pdf' }, { key }),
    ]);
    const [docA, docB] = [(await a.json()) as Doc, (await b.json()) as Doc];
    expect([a.status, b.status, docA.id]).toEqual([201, 201, docB.id]);
    expect(await stack.db.handle.db.document.count({ where: { title: 'Kerran' } })).toBe(1);

    const path = `/api/projects/${projectId}/documents/${docA.id}/versions`;
    const results = await Promise.all([0, 1, 2].map(() => upload(organiser, PNG, { fileName: 'v.png' }, { path })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    const versions = await stack.db.handle.db.documentVersion.findMany({
      where: { documentId: docA.id },
      orderBy: { version: 'asc' },
    });
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4]);
    // Identical content is stored once.
    expect(new Set(versions.map((v) => v.storageKey)).size).toBe(2);
    expect(
      (await upload(organiser, PDF, { title: 'X', fileName: 'x.pdf' }, { key: '' as ReturnType<typeof randomUUID> }))
        .status,
    ).toBe(400);
  });

  it('keeps trade-secret documents from the service desk and lets only the parties upload', async () => {
    const secret = (await (
      await upload(organiser, PDF, { title: 'Budjetti', fileName: 'budjetti.pdf', secret: 'true' })
    ).json()) as Doc;
    const desk = await ApiClient.signIn(stack.base, DEMO_USERS.serviceDesk);
    const listed = await desk.request<Doc[]>('GET', `/api/projects/${projectId}/documents`);
    expect(listed.map((d) => d.id)).not.toContain(secret.id);
    expect((await desk.raw('GET', secret.versions[0]!.href)).status).toBe(404);
    const police = await ApiClient.signIn(stack.base, AUTHORITY_USERS['POLICE-SISA']!);
    expect((await police.request<Doc[]>('GET', `/api/projects/${projectId}/documents`)).map((d) => d.id)).toContain(
      secret.id,
    );
    // Uploads: not the service desk or a resident; an authority not in the noise permit's thread.
    expect((await upload(desk, PDF, { title: 'X', fileName: 'x.pdf' })).status).toBe(403);
    const resident = await ApiClient.signIn(stack.base, DEMO_USERS.resident);
    expect((await upload(resident, PDF, { title: 'X', fileName: 'x.pdf' })).status).toBe(403);
    expect((await upload(police, PDF, { title: 'X', fileName: 'x.pdf', permitType: 'noise' })).status).toBe(403);
    expect(
      (await upload(police, PDF, { title: 'Lausunto', fileName: 'l.pdf', permitType: 'public-event' })).status,
    ).toBe(201);
  });
});
