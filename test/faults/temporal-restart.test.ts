/**
 * The Temporal server crashes (SIGKILL) in the middle of a burst of commands, while an
 * activity has just written its transaction and cannot report it, and is started again on
 * the same port with the same database file; later it is stopped in order (SIGTERM) and
 * started again. Reads of the read model keep working while it is down, commands and live
 * state answer a clean 503 in bounded time, the worker processes reconnect on their own, and
 * every case completes with each accepted command recorded exactly once and no e-mail twice.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { seed } from '../../prisma/seed';
import { freePort, freshDatabase } from '../support/env';
import {
  Platform,
  ResilientCases,
  RowLock,
  TemporalServer,
  expectExactlyOnce,
  expectMailsOnce,
  expectReplayable,
  startBurst,
  problemOf,
  removeScratch,
  retriedActivities,
  scratchDir,
  sleep,
  startMailCatcher,
  waitForProjects,
} from './support';

const dir = scratchDir('temporal');
let temporal: TemporalServer;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let platform: Platform;
let workers: ChildProcess[] = [];
let api: ChildProcess;

beforeAll(async () => {
  [temporal, db, mail] = await Promise.all([TemporalServer.start(dir), freshDatabase(), startMailCatcher()]);
  await seed(db.handle.db);
  platform = new Platform({
    databaseUrl: db.url,
    temporalAddress: temporal.address,
    taskQueue: `faults-temporal-${randomUUID()}`,
    port: await freePort(),
    logDir: dir,
    smtpUrl: mail.url,
  });
  [api, ...workers] = await Promise.all([platform.start('api'), platform.start('worker'), platform.start('worker')]);
});

afterAll(async () => {
  await platform?.stopAll();
  await temporal?.kill();
  await mail?.close();
  await db?.drop();
  removeScratch(dir);
});

async function timed(request: () => Promise<Response>) {
  const started = Date.now();
  const answer = await problemOf(await request());
  return { ...answer, ms: Date.now() - started };
}

describe('Temporal server crash and restart', () => {
  it('keeps reads up, answers 503 for commands while it is down, and completes every case once', async () => {
    const cases = new ResilientCases(platform.base);
    await cases.signIn();
    const run = await startBurst(cases, db.handle.db, 'Temporal restart', 3);
    const ids = run.ids;

    // An activity of the first case waits on a row this test holds; the server dies; the
    // activity then commits and cannot report it: a retry must find its write, not repeat it.
    await waitForProjects(db.handle.db, [ids[0]!], 'processing', 60_000);
    const lock = await RowLock.onProject(db.url, ids[0]!);
    await lock.waitForWaiter();
    await temporal.kill('SIGKILL');
    const down = Date.now();
    await lock.release();

    const customer = await cases.parties.customer();
    const [read, live, command] = await Promise.all([
      timed(() => customer.raw('GET', `/api/projects/${ids[0]}`)),
      timed(() => customer.raw('GET', `/api/projects/${ids[0]}/live`)),
      timed(() =>
        customer.raw(
          'POST',
          `/api/projects/${ids[0]}/commands`,
          { action: 'completeAdvice' },
          { 'idempotency-key': randomUUID() },
        ),
      ),
    ]);
    const answers = { live, command };
    // The read model does not need the case engine.
    expect(read.status).toBe(200);
    for (const what of ['live', 'command'] as const) {
      expect({ what, status: answers[what].status, type: answers[what].type }).toEqual({
        what,
        status: 503,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(answers[what].ms).toBeLessThan(45_000);
      expect(answers[what].body).toMatchObject({ code: 'UNAVAILABLE', title: expect.stringMatching(/case engine/) });
    }

    // Down long enough that the worker gives up reporting the activity's completion.
    await sleep(15_000 - (Date.now() - down));
    await temporal.start();
    // An orderly stop and start a little later, while the burst goes on.
    await sleep(1500);
    await temporal.kill('SIGTERM');
    await sleep(1000);
    await temporal.start();

    await run.finished();
    await expectExactlyOnce(db.handle.db, cases.accepted, ids);
    await expectMailsOnce(db.handle.db, mail.deliveries);
    expect(cases.outcomes.unclean()).toEqual([]);
    expect([api, ...workers].every((p) => p.exitCode === null)).toBe(true);
    // The activity that committed while the server was down was run again and found its write.
    const permits = ['public-event', 'noise', 'rescue-plan'];
    expect(await retriedActivities(temporal.address, ids[0]!, permits)).toBeGreaterThan(0);
    // What the workers decided across the restarts is what a replay of each history decides.
    await expectReplayable(temporal.address, platform.settings.taskQueue);
  });
});
