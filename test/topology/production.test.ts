/**
 * The production topology without Docker: real PostgreSQL, a Temporal server, the API
 * process and two worker processes, all from the built dist/ exactly as docker-compose
 * runs them. Includes kill -9 of every worker while a command is in flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { seed, DEMO, DEMO_USERS, AUTHORITY_USERS } from '../../prisma/seed';
import { freePort, freshDatabase, temporalAddress } from '../support/env';
import { CaseParties } from '../../api/client';
import { decideThroughApi, submitThroughApi } from '../support/http-cases';
import { hearingCommand } from '../support/cases';

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
      PUBLIC_URL: base,
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'warn',
      UI_DIST: '',
      APPEAL_PERIOD_SECONDS: '1',
      NOTICE_MIN_DAYS: '0',
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
  it('runs a permit project across the processes and survives kill -9 of every worker mid-step', async () => {
    const api = new CaseParties(base, DEMO_USERS.organiser, AUTHORITY_USERS);
    const { id } = await api.createProject({ organisationId: DEMO.festivalOrgId, title: 'Topology test' });
    const answers = { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true, alcohol: true } as const;
    const submitted = await submitThroughApi(api, id, answers);
    expect(submitted.step).toBe('processing');

    // The noise permit's hearing is a durable timer; kill -9 every worker while it runs and
    // while a command is in flight, then start a fresh worker: the timer and the command complete.
    await api.sectionCommand(id, 'noise', hearingCommand(2000));
    for (const worker of workers) worker.kill('SIGKILL');
    const others = submitted.permits.map((p) => p.permitType).filter((t) => t !== 'noise');
    const key = randomUUID();
    const inFlight = api.sectionCommand(
      id,
      others[0]!,
      { action: 'requestInfo', authorityCode: await api.authorityCodeOf(id, others[0]!), question: 'Guards?' },
      key,
    );
    await new Promise((r) => setTimeout(r, 3000));
    workers = [await startProcess('worker')];
    const asked = await inFlight;
    expect(asked.openInfoRequests).toHaveLength(1);
    // A client retry of the same command changes nothing.
    expect(
      (
        await api.sectionCommand(
          id,
          others[0]!,
          { action: 'requestInfo', authorityCode: await api.authorityCodeOf(id, others[0]!), question: 'Guards?' },
          key,
        )
      ).openInfoRequests,
    ).toHaveLength(1);
    expect((await api.waitForSection(id, 'noise', 'replies')).step).toBe('replies');
    await api.sectionCommand(id, others[0]!, {
      action: 'answerInfo',
      requestId: asked.openInfoRequests[0]!,
      answer: '12 guards',
    });

    for (const p of submitted.permits) await decideThroughApi(api, id, p.permitType);
    const project = await waitForStep(id, 'completed');
    expect(project.step).toBe('completed');
    const closed = await db.handle.db.notice.findFirstOrThrow({ where: { projectId: id } });
    expect(closed.closedAt!.getTime()).toBeGreaterThanOrEqual(closed.closesAt.getTime());
    expect(await db.handle.db.infoRequest.count({ where: { projectId: id } })).toBe(1);
  });
});

async function waitForStep(id: string, step: string) {
  for (let i = 0; i < 150; i++) {
    const project = await db.handle.db.permitProject.findUniqueOrThrow({ where: { id } });
    if (project.step === step) return project;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`project did not reach ${step}`);
}
