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
import { CaseParties } from '../../api/client';
import { decideThroughApi, submitThroughApi } from '../support/http-cases';
import { freePort, temporalAddress } from '../support/env';
import { AUTHORITY_USERS, DEMO_USERS } from '../../prisma/seed';

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
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'warn',
    UI_DIST: '',
    APPEAL_PERIOD_SECONDS: '1',
    NOTICE_MIN_DAYS: '0',
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
  it('continues the workflows after a restart with the data intact and nothing done twice', async () => {
    const api = new CaseParties(base(), DEMO_USERS.organiser, AUTHORITY_USERS);
    const { id } = await api.createProject({
      organisationId: '00000000-0000-4000-8000-000000000002',
      title: 'Kill -9 test',
    });
    const answers = { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true } as const;

    // Kill the process that is both API and worker right after a command reaches it.
    const key = randomUUID();
    const inFlight = api.command(id, { action: 'answerAdvice', answers }, key).catch(() => null);
    await new Promise((r) => setTimeout(r, 50));
    platform?.kill('SIGKILL');
    await inFlight;
    platform = await start();

    // The client retries with the same key: applied exactly once, wherever the kill landed.
    const advised = await api.command(id, { action: 'answerAdvice', answers }, key);
    expect(advised.permits.length).toBeGreaterThan(0);
    await submitThroughApi(api, id, answers, advised);
    for (const p of advised.permits) await decideThroughApi(api, id, p.permitType);
    const timeline = await (
      await api.customer()
    ).request<Array<{ type: string }>>('GET', `/api/projects/${id}/timeline`);
    expect(timeline.filter((e) => e.type === 'answerAdvice')).toHaveLength(1);
    for (let i = 0; i < 100; i++) {
      const project = await (await api.customer()).request<{ step: string }>('GET', `/api/projects/${id}`);
      if (project.step === 'completed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await (await api.customer()).request<{ step: string }>('GET', `/api/projects/${id}`)).step).toBe(
      'completed',
    );
  });
});
