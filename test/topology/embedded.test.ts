/**
 * The embedded default (one process hosting API and worker over PGlite) killed with
 * kill -9 while a command is in flight, then started again: the workflow continues from
 * where it was, the data is intact and nothing is written twice.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, temporalAddress } from '../support/env';

const root = path.resolve(__dirname, '..', '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'permits-embedded-'));
const taskQueue = `embedded-${randomUUID()}`;
let port: number;
let platform: ChildProcess | undefined;

const env = () => {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    ROLE: 'embedded',
    DATA_DIR: dataDir,
    PGLITE_DIR: path.join(dataDir, 'pg'),
    PORT: String(port),
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'warn',
    UI_DIST: '',
  };
  delete e.DATABASE_URL;
  return e;
};

function start(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'platform', 'main.js')], {
    cwd: root,
    env: env(),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`embedded platform exited with ${code}`)));
  });
}

const base = () => `http://127.0.0.1:${port}`;
const command = (id: string, body: unknown, key = randomUUID()) =>
  fetch(`${base()}/api/projects/${id}/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  port = await freePort();
  execFileSync(process.execPath, [path.join(root, 'scripts', 'prisma.mjs'), 'migrate', 'deploy'], {
    cwd: root,
    env: env(),
    stdio: 'ignore',
  });
  execFileSync(process.execPath, [path.join(root, 'dist', 'prisma', 'seed.js')], {
    cwd: root,
    env: env(),
    stdio: 'ignore',
  });
  platform = await start();
});

afterAll(() => {
  platform?.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded default survives kill -9', () => {
  it('continues the workflow after a restart with the data intact and nothing done twice', async () => {
    const created = await fetch(`${base()}/api/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        organisationId: '00000000-0000-4000-8000-000000000002',
        title: 'Kill -9 test',
        permits: [{ permitType: 'noise', authorityCode: 'CITY-TRE' }],
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await command(id, { action: 'completeAdvice' })).status).toBe(200);

    // Kill the process that is both API and worker right after a command reaches it.
    const key = randomUUID();
    const inFlight = command(id, { action: 'submitDraft' }, key).catch(() => null);
    await new Promise((r) => setTimeout(r, 50));
    platform?.kill('SIGKILL');
    await inFlight;
    platform = await start();

    // The client retries with the same key: applied exactly once, wherever the kill landed.
    expect((await command(id, { action: 'submitDraft' }, key)).status).toBe(200);
    for (const body of [
      { action: 'holdKickoff' },
      { action: 'confirmReceipt', permitType: 'noise', caseNumber: 'TRE/9' },
      { action: 'decide', permitType: 'noise', decision: 'approved' },
    ]) {
      expect((await command(id, body)).status).toBe(200);
    }
    const timeline = (await (await fetch(`${base()}/api/projects/${id}/timeline`)).json()) as Array<{ type: string }>;
    expect(timeline.map((e) => e.type)).toEqual([
      'completeAdvice',
      'submitDraft',
      'holdKickoff',
      'confirmReceipt',
      'decide',
    ]);
    const project = (await (await fetch(`${base()}/api/projects/${id}`)).json()) as { step: string };
    expect(project.step).toBe('completed');
  });
});
