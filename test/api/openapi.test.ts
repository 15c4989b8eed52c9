/**
 * The OpenAPI document and the operation list behind it: every route in the source is
 * documented, every documented operation exists, a known path with a wrong method is 405
 * with Allow, and the documentation page is served by the platform itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { OPERATIONS } from '../../api/openapi';
import { startApi, type RunningApi } from '../support/api';
import { freshDatabase } from '../support/env';
import { seed } from '../../prisma/seed';

const root = path.resolve(__dirname, '..', '..');
let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: RunningApi;

beforeAll(async () => {
  db = await freshDatabase();
  await seed(db.handle.db);
  api = await startApi(db.handle.db, new Client(), { TEMPORAL_TASK_QUEUE: 'unused', UI_DIST: '' });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

/** Where each routes file is mounted (app.ts), split where one file builds two routers. */
const MOUNTS: Array<{ file: string; prefix: string; from?: string; until?: string }> = [
  { file: 'api/app.ts', prefix: '' },
  { file: 'api/projects.ts', prefix: '/api/projects' },
  { file: 'api/sites.ts', prefix: '/api/sites' },
  { file: 'api/supervision.ts', prefix: '/api/sites', until: 'export function publicSupervisionRoutes' },
  { file: 'api/supervision.ts', prefix: '/api/supervision-calendar', from: 'export function publicSupervisionRoutes' },
  { file: 'api/risk-reports.ts', prefix: '/api/risk-reports' },
  { file: 'api/public.ts', prefix: '/api' },
  { file: 'api/mandates.ts', prefix: '/api' },
  { file: 'api/messages.ts', prefix: '/api' },
  { file: 'api/alerts.ts', prefix: '/api' },
  { file: 'api/documents.ts', prefix: '/api' },
  { file: 'api/security-events.ts', prefix: '/api' },
  { file: 'api/knowledge.ts', prefix: '/api' },
  { file: 'api/venues.ts', prefix: '/api' },
  { file: 'api/invoices.ts', prefix: '/api' },
  { file: 'api/archive.ts', prefix: '/api' },
  { file: 'api/bridge.ts', prefix: '/api' },
  { file: 'api/auth/routes.ts', prefix: '/api' },
  { file: 'api/docs.ts', prefix: '/api' },
];

function routesInSource(): string[] {
  const found: string[] = [];
  for (const mount of MOUNTS) {
    let source = fs.readFileSync(path.join(root, mount.file), 'utf8');
    if (mount.from) source = source.slice(source.indexOf(mount.from));
    if (mount.until) source = source.slice(0, source.indexOf(mount.until));
    for (const m of source.matchAll(/(?:router|app)\.(get|post|put|delete|patch)\(\s*(\[[^\]]*\]|'[^']*')/g)) {
      const paths = m[2]!.startsWith('[') ? [...m[2]!.matchAll(/'([^']*)'/g)].map((p) => p[1]!) : [m[2]!.slice(1, -1)];
      for (const p of paths) {
        const full = `${mount.prefix}${p === '/' ? '' : p}`;
        // The UI's fallback and the documentation page's own script are not API operations.
        if (full.startsWith('/api') && full !== '/api/docs/init.js') found.push(`${m[1]!.toUpperCase()} ${full}`);
      }
    }
  }
  return found;
}

describe('OpenAPI 3.1', () => {
  it('documents exactly the routes the source defines', () => {
    const documented = OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path}`).sort();
    expect([...new Set(routesInSource())].sort()).toEqual(documented);
  });

  it('serves the document with request schemas generated from the zod schemas', async () => {
    const res = await fetch(`${api.base}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/projects/{id}/permits/{permitType}/commands');
    const create = doc.paths['/api/projects']!.post!.requestBody!.content['application/json']!.schema as {
      required: string[];
      properties: Record<string, { maxLength?: number }>;
    };
    expect(create.required).toEqual(expect.arrayContaining(['organisationId', 'title']));
    expect(create.properties.title!.maxLength).toBeGreaterThan(0);
    const comment = doc.paths['/api/notices/{id}/comments']!.post as unknown as {
      parameters: Array<{ in: string; name: string; required?: boolean }>;
    };
    expect(comment.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'path', name: 'id' }),
        expect.objectContaining({ in: 'header', name: 'Idempotency-Key', required: true }),
      ]),
    );
  });

  it('answers every documented operation (never "no such endpoint" or 405)', async () => {
    const sample = (p: string) =>
      p.replace(/:(\w+)/g, (_m, name: string) =>
        name === 'permitType'
          ? 'noise'
          : name === 'group'
            ? 'restaurant'
            : name === 'version'
              ? '1'
              : '00000000-0000-4000-8000-000000000001',
      );
    for (const op of OPERATIONS) {
      const res = await fetch(`${api.base}${sample(op.path)}`, {
        method: op.method.toUpperCase(),
        redirect: 'manual',
        headers: { 'content-type': 'application/json' },
        ...(op.method === 'get' ? {} : { body: '{}' }),
      });
      const text = await res.text();
      expect({ op: `${op.method} ${op.path}`, status: res.status }).not.toEqual(
        expect.objectContaining({ status: 405 }),
      );
      expect(text).not.toContain('No such endpoint');
      // 503 only where documented (health with the Temporal client not connected here).
      expect(res.status < 500 || (op.errors ?? []).includes(res.status)).toBe(true);
    }
  });

  it('answers a known path with a wrong method 405 and Allow, an unknown path 404', async () => {
    const health = await fetch(`${api.base}/api/health`, { method: 'DELETE' });
    expect(health.status).toBe(405);
    expect(health.headers.get('allow')).toBe('GET, HEAD');
    expect(await health.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    const projects = await fetch(`${api.base}/api/projects/00000000-0000-4000-8000-000000000001`, { method: 'PUT' });
    expect(projects.status).toBe(405);
    expect(projects.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${api.base}/api/nothing`, { method: 'PUT' })).status).toBe(404);
  });

  it('serves the browsable page and its assets from the platform', async () => {
    const page = await fetch(`${api.base}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/api/docs/assets/swagger-ui-bundle.js');
    for (const asset of [
      '/api/docs/assets/swagger-ui-bundle.js',
      '/api/docs/assets/swagger-ui.css',
      '/api/docs/init.js',
    ]) {
      expect((await fetch(`${api.base}${asset}`)).status).toBe(200);
    }
  });
});
