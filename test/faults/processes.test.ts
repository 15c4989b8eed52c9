/**
 * The platform's own processes die in the middle of a burst of commands on several cases at
 * once (API and workers from dist/, the suite's PostgreSQL and Temporal, a real SMTP server):
 * kill -9 of the workers while activities are inside their database transactions, and kill -9
 * of the API while commands are in flight. Clients retry with the same Idempotency-Key. Every
 * workflow completes, every accepted command is recorded exactly once, and no alert e-mail
 * reaches anyone twice.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { seed } from '../../prisma/seed';
import { freePort, freshDatabase, temporalAddress, until } from '../support/env';
import { decideThroughApi, submitThroughApi } from '../support/http-cases';
import { hearingCommand } from '../support/cases';
import type { SectionCommandBody } from '../../workflows/permit-section/messages';
import {
  endWorkflows,
  FESTIVAL,
  Platform,
  ResilientCases,
  RowLock,
  expectExactlyOnce,
  expectMailsOnce,
  startBurst,
  startHearing,
  expectReplayable,
  trace,
  removeScratch,
  retriedActivities,
  scratchDir,
  sleep,
  startMailCatcher,
  waitForProjects,
} from './support';

const dir = scratchDir('processes');
let db: Awaited<ReturnType<typeof freshDatabase>>;
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let platform: Platform;
let api: ChildProcess;
let workers: ChildProcess[] = [];

beforeAll(async () => {
  [db, mail] = await Promise.all([freshDatabase(), startMailCatcher()]);
  await seed(db.handle.db);
  platform = new Platform({
    databaseUrl: db.url,
    temporalAddress: temporalAddress(),
    taskQueue: `faults-processes-${randomUUID()}`,
    port: await freePort(),
    logDir: dir,
    smtpUrl: mail.url,
  });
  [api, ...workers] = await Promise.all([platform.start('api'), platform.start('worker'), platform.start('worker')]);
});

afterAll(async () => {
  await platform?.stopAll();
  if (platform) await endWorkflows(temporalAddress(), platform.settings.taskQueue);
  await mail?.close();
  await db?.drop();
  removeScratch(dir);
});

describe('process failures in a burst', () => {
  it('kill -9 of the workers mid-activity: every case completes, each command once, no e-mail twice', async () => {
    const cases = new ResilientCases(platform.base);
    await cases.signIn();
    const run = await startBurst(cases, db.handle.db, 'Worker kill', 3);
    trace('burst started');
    // One more case, driven here, whose hearing period ends while no worker is alive.
    const own = await cases.createProject('Worker kill, hearing ends meanwhile');
    const advised = await submitThroughApi(cases, own, FESTIVAL);

    // Both workers die while the first case's next activity is inside its transaction (it
    // waits on a row this test holds), while an alert e-mail is half-way through SMTP (the
    // server holds it) and while a hearing timer runs, with whatever else was in flight.
    await waitForProjects(db.handle.db, [run.ids[0]!], 'processing', 60_000);
    const lock = await RowLock.onProject(db.url, run.ids[0]!);
    await Promise.all([
      lock.waitForWaiter().then(() => trace('activity waits')),
      mail.stall().then(() => trace('mail held')),
    ]);
    await startHearing(cases, own, 'noise', 2000);
    await Promise.all(workers.map((w) => platform.kill(w)));
    trace('workers killed');
    const before = mail.deliveries.length;
    // The dispatcher's round died with its worker: it is run again within its heartbeat
    // timeout (20 s), not after its 2-minute start-to-close timeout.
    const resumed = until('e-mail delivery to resume', async () => mail.deliveries.length > before, 45_000);
    resumed.catch(() => undefined); // awaited below
    await lock.release();
    mail.drop();
    // Its hearing's timer fires while no worker is alive; the workflow task that delivers it
    // waits for the dead worker until it times out. Meanwhile one new worker answers the
    // parties' reads of that section from its history, then takes the case over.
    workers = [await platform.start('worker')];
    const rest = Promise.all(advised.permits.map((p) => decideThroughApi(cases, own, p.permitType)));
    rest.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
    await until(
      'the hearing to close',
      async () => (await db.handle.db.notice.findFirst({ where: { projectId: own } }))?.closedAt,
      60_000,
    );
    const second = platform.start('worker');
    trace('hearing closed');
    await resumed;
    trace('e-mail resumed');
    workers.push(await second);

    await Promise.all([run.finished(), rest]);
    const ids = [...run.ids, own];
    await waitForProjects(db.handle.db, ids, 'completed');
    trace('burst finished');
    await expectExactlyOnce(db.handle.db, cases.accepted, ids);
    await expectMailsOnce(db.handle.db, mail.deliveries);
    trace('checked');
    expect(mail.deliveries.length).toBeGreaterThan(0);
    expect(cases.accepted.filter((a) => a.action === 'comment').length).toBeGreaterThan(0);
    expect(cases.outcomes.unclean()).toEqual([]);
    // The activity the first kill cut off inside its transaction ran again after its timeout.
    const permits = ['public-event', 'noise', 'rescue-plan'];
    expect(await retriedActivities(temporalAddress(), run.ids[0]!, permits)).toBeGreaterThan(0);
    // What the workers decided after the kill is what a replay of each history decides.
    await expectReplayable(temporalAddress(), platform.settings.taskQueue);
    trace('replayed');
  });

  it('kill -9 of the API with commands in flight: retries with the same key apply each command once', async () => {
    const cases = new ResilientCases(platform.base);
    await cases.signIn();
    const run = await startBurst(cases, db.handle.db, 'API drop', 2);
    // One more case, driven here step by step, whose hearing start is in flight when the API dies.
    const own = await cases.createProject('API drop, hearing in flight');
    const advised = await submitThroughApi(cases, own, FESTIVAL);

    // Round 1: the start of the hearing is in its workflow, its activity waiting on a row this
    // test holds, when the API dies: the command completes with nobody to answer.
    const clerk = await cases.parties.authority(await cases.authorityCodeOf(own, 'noise'));
    const lock = await RowLock.onProject(db.url, own);
    const key = randomUUID();
    const start = hearingCommand(3000) as Extract<SectionCommandBody, { action: 'startHearing' }>;
    const lost = clerk.sectionCommand(own, 'noise', start, key).catch((err: unknown) => err);
    await lock.waitForWaiter();
    await platform.kill(api);
    expect(String(await lost)).toMatch(/fetch failed/); // no answer at all
    await lock.release();
    // By the time the API is back, the body's notice period has ended: a new command like it
    // would be refused; the same key still gets the first answer.
    await until('the notice period to end', async () => Date.now() > Date.parse(start.closesAt));
    api = await platform.start('api');
    const again = await clerk.sectionCommand(own, 'noise', start, key);
    expect({ step: again.step, closesAt: again.notice?.closesAt }).toEqual({
      step: 'hearing',
      closesAt: start.closesAt,
    });
    cases.accepted.push({ projectId: own, permitType: 'noise', action: 'startHearing', key });
    const rest = Promise.all(advised.permits.map((p) => decideThroughApi(cases, own, p.permitType)));
    rest.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled

    // Round 2: the API dies again at an arbitrary moment of the burst.
    await sleep(2000);
    await platform.kill(api);
    api = await platform.start('api');

    await Promise.all([run.finished(), rest]);
    const ids = [...run.ids, own];
    await waitForProjects(db.handle.db, ids, 'completed');
    await expectExactlyOnce(db.handle.db, cases.accepted, ids);
    await expectMailsOnce(db.handle.db, mail.deliveries);
    expect(cases.outcomes.unclean()).toEqual([]);
    // Clients lost their answers (no response at all) and got them on a retry.
    expect(cases.outcomes.statuses()).toContain(0);
  });
});
