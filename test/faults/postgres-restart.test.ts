/**
 * PostgreSQL crashes (pg_ctl stop -m immediate) in the middle of a burst of commands, with an
 * activity inside its transaction, and comes back on the same port with the same data; later
 * it is stopped in order (-m fast) and started again. While it is down the API answers every
 * request at once with a clean 503 problem+json (never a 500 or a stack trace, never a hang);
 * afterwards every case completes, every accepted command is recorded exactly once and no
 * alert e-mail reaches anyone twice.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { openDb, type DbHandle } from '../../platform/db';
import { freePort, temporalAddress } from '../support/env';
import {
  endWorkflows,
  Platform,
  PostgresServer,
  ResilientCases,
  RowLock,
  expectExactlyOnce,
  expectMailsOnce,
  startBurst,
  postComment,
  problemOf,
  removeScratch,
  scratchDir,
  sleep,
  startMailCatcher,
  waitForProjects,
} from './support';

const dir = scratchDir('postgres');
let pg: PostgresServer;
let handle: DbHandle;
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let platform: Platform;
let workers: ChildProcess[] = [];

beforeAll(async () => {
  pg = await PostgresServer.start();
  handle = await openDb({ DATABASE_URL: pg.url, DATA_DIR: '' });
  mail = await startMailCatcher();
  platform = new Platform({
    databaseUrl: pg.url,
    temporalAddress: temporalAddress(),
    taskQueue: `faults-postgres-${randomUUID()}`,
    port: await freePort(),
    logDir: dir,
    smtpUrl: mail.url,
  });
  const [, ...started] = await Promise.all([platform.start('api'), platform.start('worker'), platform.start('worker')]);
  workers = started;
});

afterAll(async () => {
  await platform?.stopAll();
  if (platform) await endWorkflows(temporalAddress(), platform.settings.taskQueue);
  await mail?.close();
  await handle?.close();
  pg?.destroy();
  removeScratch(dir);
});

/** One request while the database is down: how long it took and what it answered. */
async function timed(request: () => Promise<Response>) {
  const started = Date.now();
  const answer = await problemOf(await request());
  return { ...answer, ms: Date.now() - started };
}

describe('PostgreSQL crash and restart', () => {
  it('answers 503 while it is down and loses or repeats nothing once it is back', async () => {
    const db = handle.db;
    const cases = new ResilientCases(platform.base);
    await cases.signIn();
    const run = await startBurst(cases, db, 'PostgreSQL restart', 3);
    const ids = run.ids;

    // An activity of the first case is inside its transaction, waiting on a row this test
    // holds, when the server crashes (both connections die with it).
    await waitForProjects(db, [ids[0]!], 'processing', 60_000);
    const lock = await RowLock.onProject(pg.url, ids[0]!);
    await lock.waitForWaiter();
    pg.stopOnly('immediate');
    await lock.release();

    const customer = await cases.parties.customer();
    const [read, command, comment, health] = await Promise.all([
      timed(() => customer.raw('GET', `/api/projects/${ids[0]}`)),
      timed(() =>
        customer.raw(
          'POST',
          `/api/projects/${ids[1]}/commands`,
          { action: 'completeAdvice' },
          { 'idempotency-key': randomUUID() },
        ),
      ),
      timed(() =>
        postComment(
          platform.base,
          randomUUID(),
          { kind: 'opinion', authorName: 'N', anonymous: false, text: 'Hi' },
          randomUUID(),
        ),
      ),
      timed(() => fetch(`${platform.base}/api/health`)),
    ]);
    const answers = { read, command, comment, health };
    for (const [what, answer] of Object.entries(answers)) {
      expect({ what, status: answer.status, type: answer.type }).toEqual({
        what,
        status: 503,
        type: expect.stringMatching(what === 'health' ? /json/ : /^application\/problem\+json/),
      });
      expect(answer.ms).toBeLessThan(15_000);
      expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+:\d+:\d+|prisma|ECONNREFUSED/i);
    }
    expect(answers.read.body).toMatchObject({
      status: 503,
      code: 'UNAVAILABLE',
      title: expect.stringMatching(/database/),
    });
    expect(answers.health.body).toMatchObject({ components: { database: { status: 'down' } } });

    await sleep(2000);
    pg.start();
    // An orderly restart a little later, while the burst goes on.
    await sleep(1500);
    pg.stopOnly('fast');
    await sleep(1000);
    pg.start();

    await run.finished();
    await expectExactlyOnce(db, cases.accepted, ids);
    await expectMailsOnce(db, mail.deliveries);
    expect(cases.outcomes.unclean()).toEqual([]);
    expect(workers.every((w) => w.exitCode === null)).toBe(true);
  });
});
