import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../api/app';
import { createActivities } from '../../activities';
import { seed, DEMO } from '../../prisma/seed';
import { freshDatabase, temporalAddress } from '../support/env';

const logger = pino({ level: 'silent' });
const taskQueue = `api-${randomUUID()}`;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let client: Client;
let server: http.Server;
let worker: Worker;
let workerRun: Promise<void>;
let nativeConnection: NativeConnection;
let base: string;

beforeAll(async () => {
  db = await freshDatabase();
  await seed(db.handle.db);
  client = new Client({ connection: await Connection.connect({ address: temporalAddress() }) });
  nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({ db: db.handle.db, logger, events: { publish: () => undefined } }),
  });
  workerRun = worker.run();
  server = http.createServer(
    createApp({ db: db.handle.db, temporal: client, logger, config: { TEMPORAL_TASK_QUEUE: taskQueue, UI_DIST: '' } }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  worker?.shutdown();
  await workerRun;
  await nativeConnection?.close();
  await client?.connection.close();
  await db?.drop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const validProject = {
  organisationId: DEMO.organisationId,
  title: 'Kesäfestivaali',
  permits: [{ permitType: 'noise', authorityCode: 'CITY-TRE' }],
};

describe('API against real PostgreSQL and Temporal', () => {
  it('reports every component up', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'up',
      components: { database: { status: 'up' }, temporal: { status: 'up' }, worker: { status: 'up' } },
    });
  });

  it.each([
    ['title', { ...validProject, title: '' }],
    ['organisationId', { ...validProject, organisationId: 'not-a-uuid' }],
    ['permits', { ...validProject, permits: [] }],
    ['permits.0.authorityCode', { ...validProject, permits: [{ permitType: 'noise' }] }],
  ])('refuses a project with a bad %s, naming the field, and writes nothing', async (field, body) => {
    const before = await db.handle.db.permitProject.count();
    const res = await post('/api/projects', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path)).toContain(field);
    expect(await db.handle.db.permitProject.count()).toBe(before);
  });

  it('refuses an unknown authority with 404 naming the field, and starts no workflow', async () => {
    const before = await db.handle.db.permitProject.count();
    const res = await post('/api/projects', {
      ...validProject,
      permits: [{ permitType: 'noise', authorityCode: 'NOPE' }],
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ field: 'permits.0.authorityCode' });
    expect(await db.handle.db.permitProject.count()).toBe(before);
  });

  it('moves a fresh project from advice to a final decision through the API alone', async () => {
    const created = await post('/api/projects', validProject);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const commands = [
      { action: 'completeAdvice' },
      { action: 'submitDraft' },
      { action: 'holdKickoff' },
      { action: 'confirmReceipt', permitType: 'noise', caseNumber: 'TRE/2026/1' },
      { action: 'decide', permitType: 'noise', decision: 'approved' },
    ];
    for (const command of commands) {
      const res = await post(`/api/projects/${id}/commands`, command, { 'idempotency-key': randomUUID() });
      expect(res.status).toBe(200);
    }
    const project = (await (await fetch(`${base}/api/projects/${id}`)).json()) as {
      step: string;
      permits: Array<{ decision: string }>;
    };
    expect(project.step).toBe('completed');
    expect(project.permits[0]?.decision).toBe('approved');
    const timeline = (await (await fetch(`${base}/api/projects/${id}/timeline`)).json()) as Array<{ type: string }>;
    expect(timeline.map((e) => e.type)).toEqual(commands.map((c) => c.action));
  });

  it('answers a command that does not fit the step with 409 naming the step', async () => {
    const { id } = (await (await post('/api/projects', validProject)).json()) as { id: string };
    const res = await post(
      `/api/projects/${id}/commands`,
      { action: 'decide', permitType: 'noise', decision: 'approved' },
      { 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(409);
    const problem = (await res.json()) as { title: string; step: string; allowed: string[] };
    expect(problem.title).toMatch(/step "advice"/);
    expect(problem).toMatchObject({ step: 'advice', allowed: ['completeAdvice', 'cancel'] });
  });

  it('requires an idempotency key on commands', async () => {
    const { id } = (await (await post('/api/projects', validProject)).json()) as { id: string };
    const res = await post(`/api/projects/${id}/commands`, { action: 'completeAdvice' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'Idempotency-Key' });
  });

  it('answers malformed JSON, oversized bodies and unknown routes without internals', async () => {
    const malformed = await post('/api/projects', '{oops');
    expect(malformed.status).toBe(400);
    const huge = await post('/api/projects', { ...validProject, description: 'x'.repeat(400_000) });
    expect(huge.status).toBe(413);
    const unknown = await fetch(`${base}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    for (const res of [malformed, huge, unknown]) expect(await res.text()).not.toMatch(/at .*\.(js|ts):\d+/);
  });
});
