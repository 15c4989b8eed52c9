/**
 * The production topology without Docker: real PostgreSQL, a Temporal server, the API
 * process and two worker processes, all from the built dist/ exactly as docker-compose
 * runs them. Includes kill -9 of every worker while a command is in flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { seed, DEMO } from '../../prisma/seed';
import { freePort, freshDatabase, temporalAddress } from '../support/env';

const root = path.resolve(__dirname, '..', '..');
let db: Awaited<ReturnType<typeof freshDatabase>>;
let base: string;
const taskQueue = `topology-${randomUUID()}`;
const running = new Set<ChildProcess>();
let workers: ChildProcess[] = [];

function startProcess(role: 'api' | 'worker', port = 0): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'platform', 'main.js')], {
    cwd: root,
    env: {
      ...process.env,
      ROLE: role,
      SERVICE_NAME: role,
      PORT: String(port),
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'warn',
      UI_DIST: '',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

const command = (id: string, body: unknown, key = randomUUID()) =>
  fetch(`${base}/api/projects/${id}/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  db = await freshDatabase();
  await seed(db.handle.db);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const [, ...started] = await Promise.all([startProcess('api', port), startProcess('worker'), startProcess('worker')]);
  workers = started;
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await db?.drop();
});

describe('production topology: PostgreSQL + Temporal + API + two workers', () => {
  it('completes a permit workflow across the processes and survives kill -9 of every worker mid-command', async () => {
    const created = await fetch(`${base}/api/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        organisationId: DEMO.festivalOrgId,
        title: 'Topology test',
        permits: [
          { permitType: 'public-event', authorityCode: 'POLICE-SISA' },
          { permitType: 'noise', authorityCode: 'CITY-TRE' },
        ],
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    for (const action of ['completeAdvice', 'submitDraft']) expect((await command(id, { action })).status).toBe(200);

    // kill -9 every worker, send the next command while none runs, then start a fresh one.
    for (const worker of workers) worker.kill('SIGKILL');
    const key = randomUUID();
    const inFlight = command(id, { action: 'holdKickoff' }, key);
    await new Promise((r) => setTimeout(r, 1000));
    workers = [await startProcess('worker')];
    expect((await inFlight).status).toBe(200);
    // A client retry of the same command changes nothing.
    expect((await command(id, { action: 'holdKickoff' }, key)).status).toBe(200);

    for (const body of [
      { action: 'confirmReceipt', permitType: 'noise', caseNumber: 'TRE/5' },
      { action: 'confirmReceipt', permitType: 'public-event', caseNumber: 'POL/5' },
      { action: 'decide', permitType: 'noise', decision: 'approved' },
      { action: 'decide', permitType: 'public-event', decision: 'approvedWithConditions' },
    ]) {
      expect((await command(id, body)).status).toBe(200);
    }
    const project = await db.handle.db.permitProject.findUniqueOrThrow({ where: { id } });
    expect(project.step).toBe('completed');
    const events = await db.handle.db.timelineEvent.findMany({ where: { projectId: id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.type)).toEqual([
      'completeAdvice',
      'submitDraft',
      'holdKickoff',
      'confirmReceipt',
      'confirmReceipt',
      'decide',
      'decide',
    ]);
  });
});
