/**
 * The archive (F22) over HTTP against the real stack: a project cancelled through the API closes,
 * its workflow starts the archive, and the package is found by the authorities involved; who may
 * read the summary and the package; bad input is refused naming the field.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ApiClient } from '../../api/client';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { until } from '../support/env';
import { useApiStack } from '../support/stack';

const stack = useApiStack();
let projectId: string;
const title = `Näsinpuiston kesäkonsertti ${randomUUID().slice(0, 8)}`;
const clients = {} as Record<'organiser' | 'clerk' | 'police' | 'admin' | 'foodManager' | 'resident', ApiClient>;

beforeAll(async () => {
  clients.organiser = await ApiClient.signIn(stack.base, DEMO_USERS.organiser);
  clients.clerk = await ApiClient.signIn(stack.base, AUTHORITY_USERS['CITY-TRE']!);
  clients.police = await ApiClient.signIn(stack.base, AUTHORITY_USERS['POLICE-SISA']!);
  clients.admin = await ApiClient.signIn(stack.base, DEMO_USERS.admin);
  clients.foodManager = await ApiClient.signIn(stack.base, DEMO_USERS.foodManager);
  clients.resident = await ApiClient.signIn(stack.base, DEMO_USERS.resident);
  // A project of Tammerfest ry with a City of Tampere permit, cancelled: closed, so archived.
  ({ id: projectId } = await clients.organiser.createProject({
    organisationId: DEMO.festivalOrgId,
    title,
    permits: [{ permitType: 'noise', authorityCode: 'CITY-TRE' }],
  }));
  await clients.organiser.command(projectId, { action: 'cancel', reason: 'Peruttu' });
  await until(
    'the archive package',
    () => stack.db.handle.db.archivePackage.findUnique({ where: { projectId } }),
    60_000,
  );
});

const get = (client: ApiClient | null, path: string) =>
  client ? client.raw('GET', path) : fetch(`${stack.base}${path}`);

interface Summary {
  projectId: string;
  title: string;
  status: string;
  sha256: string;
  records: Array<{ recordType: string; disposal: string; retainUntil: string | null; disposedAt: string | null }>;
}

const found = async (client: ApiClient, query: string) => {
  const res = await get(client, `/api/archive?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { packages: Summary[] }).packages.map((p) => p.projectId);
};

describe('archive search', () => {
  it('finds the archived project for the authority involved and the administrator, by text and filters', async () => {
    expect(await found(clients.clerk, `q=${encodeURIComponent('kesäkonsertti')}`)).toContain(projectId);
    expect(await found(clients.clerk, 'permitType=noise&from=2020-01-01')).toContain(projectId);
    expect(await found(clients.admin, `q=${encodeURIComponent(title)}`)).toEqual([projectId]);
    // Filters that exclude it.
    expect(await found(clients.clerk, 'permitType=public-event')).not.toContain(projectId);
    expect(await found(clients.clerk, 'to=2020-01-01')).not.toContain(projectId);
    expect(await found(clients.clerk, `q=${encodeURIComponent('lentokenttä')}`)).not.toContain(projectId);
  });

  it('shows nothing of it to an authority that was not involved', async () => {
    expect(await found(clients.police, `q=${encodeURIComponent('kesäkonsertti')}`)).not.toContain(projectId);
    expect((await get(clients.police, `/api/archive/${projectId}`)).status).toBe(403);
    expect((await get(clients.police, `/api/archive/${projectId}/package`)).status).toBe(403);
  });

  it('refuses the search to customers, residents and the public', async () => {
    for (const client of [clients.organiser, clients.foodManager, clients.resident]) {
      expect((await get(client, '/api/archive')).status).toBe(403);
    }
    expect((await get(null, '/api/archive')).status).toBe(401);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['/api/archive?from=yesterday', 'from'],
      ['/api/archive?from=2026-02-01&to=2026-01-01', 'to'],
      ['/api/archive?permitType=no-such-permit', 'permitType'],
      ['/api/archive?limit=0', 'limit'],
      [`/api/archive?q=${'x'.repeat(201)}`, 'q'],
      ['/api/archive?q=a%00b', 'q'],
      ['/api/archive?municipality=%0A', 'municipality'],
      ['/api/archive?q=a&q=b', 'q'],
      ['/api/archive/not-a-uuid', 'projectId'],
      ['/api/archive/not-a-uuid/package', 'projectId'],
    ];
    for (const [path, field] of cases) {
      const res = await get(clients.clerk, path);
      expect([path, res.status]).toEqual([path, 400]);
      const problem = (await res.json()) as { errors: Array<{ path: string }> };
      expect(problem.errors.map((e) => e.path)).toContain(field);
    }
  });
});

describe('one archived project', () => {
  it('gives its manifest to the authority, the administrator and its own organisation, no one else', async () => {
    for (const client of [clients.clerk, clients.admin, clients.organiser]) {
      const res = await get(client, `/api/archive/${projectId}`);
      expect(res.status).toBe(200);
      const summary = (await res.json()) as Summary;
      expect([summary.title, summary.status]).toEqual([title, 'archived']);
      expect(summary.records.find((r) => r.recordType === 'decision')).toMatchObject({
        disposal: 'permanent',
        retainUntil: null,
      });
      expect(summary.records.find((r) => r.recordType === 'comment')).toMatchObject({
        disposal: 'anonymise',
        disposedAt: null,
      });
    }
    expect((await get(clients.foodManager, `/api/archive/${projectId}`)).status).toBe(403);
    expect((await get(clients.resident, `/api/archive/${projectId}`)).status).toBe(403);
    expect((await get(null, `/api/archive/${projectId}`)).status).toBe(401);
    expect((await get(clients.clerk, `/api/archive/${randomUUID()}`)).status).toBe(404);
  });

  it('lets the authority download the package, its SHA-256 as stored, and audits the download', async () => {
    const audits = () =>
      stack.db.handle.db.auditEntry.count({
        where: { action: 'downloadArchivePackage', entity: 'ArchivePackage', entityId: projectId },
      });
    const before = await audits();
    const res = await get(clients.clerk, `/api/archive/${projectId}/package`);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    const stored = await stack.db.handle.db.archivePackage.findUniqueOrThrow({ where: { projectId } });
    expect(createHash('sha256').update(body).digest('hex')).toBe(stored.sha256);
    expect(res.headers.get('etag')).toBe(`"${stored.sha256}"`);
    expect((JSON.parse(body.toString('utf8')) as { projectId: string }).projectId).toBe(projectId);
    expect(await audits()).toBe(before + 1);
  });

  it('refuses the package to its own organisation (summary only), other customers and the public', async () => {
    for (const client of [clients.organiser, clients.foodManager, clients.resident]) {
      expect((await get(client, `/api/archive/${projectId}/package`)).status).toBe(403);
    }
    expect((await get(null, `/api/archive/${projectId}/package`)).status).toBe(401);
  });

  it('keeps the project readable as before after archiving', async () => {
    const res = await get(clients.organiser, `/api/projects/${projectId}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { title: string }).title).toBe(title);
  });
});
