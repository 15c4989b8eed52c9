#!/usr/bin/env node
// Benchmarks: workflow overhead and scale-out (issue: performance).
//
// Overhead: N permit projects (one permit, public-event at POLICE-SISA, medium risk) are
// started and driven through submission and one authority decision exactly as
// test/support/cases.ts CaseDriver does (row written as the API would, workflow started,
// 7 project updates, the section's state polled until ready, 3 section updates), against N
// bare workflows (bench/lib/bare-workflow.js) that take the same 10 updates (and one query)
// and do nothing else. Same Temporal server, same Worker options, same client concurrency;
// bare and ours run alternately. Throughput runs from the first start to the last decision
// accepted; CPU of every process, statements per database and sampled workflow histories
// say where the difference goes. Target: ours ≥ 0.5 × bare.
//
// Scale-out: the same with 1, 2 and 4 worker processes (of each kind) against one Temporal
// server with PostgreSQL persistence.
//
//   npm run --silent bench:workflows [-- --n 80 --concurrency 20 --workers 1,2,4 --rounds 2]
//   other options: --scale-rounds 1 (rounds at the other worker counts), --warmup 10, --poll-ms 50,
//   --samples 5 (histories read per run), --server full|dev
// A full run with the defaults takes about 5–10 minutes on 2 cores.
// Writes bench/results/workflow-overhead.json (the first worker count, 1 by default) and
// bench/results/scale-out.json, each also as one JSON line on stdout. Set BENCH_DATABASE_URL
// to use an existing PostgreSQL server (then no per-database CPU figures).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ensureTemporalCli, freePort, root, startTemporal, stopChild, waitForPort } from '../scripts/lib/tools.mjs';
import { database, dist, prepare, require, startProcess } from './lib/stack.mjs';
import { option, percentiles, round, writeResult } from './lib/results.mjs';
import { startTemporalServer, TEMPORAL_SERVER_VERSION } from './lib/temporal-server.mjs';
import {
  cpuOf,
  machineCpu,
  postgresCpu,
  postgresCpuDelta,
  processCpu,
  startPostgresWithStatements,
  statementStats,
  summariseHistory,
  threadCpu,
} from './lib/probes.mjs';

const N = Number(option('n', 80));
const CONCURRENCY = Number(option('concurrency', 20));
const WORKERS = String(option('workers', '1,2,4'))
  .split(',')
  .map(Number)
  .filter((w) => w > 0);
const ROUNDS = Number(option('rounds', 2)); // for the first worker count (the overhead benchmark)
const SCALE_ROUNDS = Number(option('scale-rounds', 1)); // for the other worker counts
const WARMUP = Number(option('warmup', 10));
const POLL_MS = Number(option('poll-ms', 50));
const SAMPLES = Number(option('samples', 5));
const SERVER = option('server', 'full');
const VARIANT = option('variant', 'spread'); // 'none' skips the run spread over every authority
const SETTLE_MS = 1500; // after the last decision: the section records `served`, CPU probes catch up
const TARGET_RATIO = 0.5;

// ---------------------------------------------------------------------------------------------
// Clean-up of everything started, also on failure and on Ctrl-C.
const cleanups = [];
let cleaning = null;
let stopping = false; // processes are being stopped on purpose
function cleanup() {
  stopping = true;
  cleaning ??= (async () => {
    while (cleanups.length) {
      const fn = cleanups.pop();
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`[bench] clean-up failed: ${err?.message ?? err}\n`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    process.stderr.write(`[bench] ${signal}: stopping…\n`);
    void cleanup().finally(() => process.exit(130));
  });
}
// Last resort when the process exits before the clean-up finished (another module's signal
// handler may call process.exit): kill what is left, synchronously.
const hardStops = new Set();
process.on('exit', () => {
  for (const fn of hardStops) {
    try {
      fn();
    } catch {
      // exiting anyway
    }
  }
});
const running = new Set();
hardStops.add(() => running.forEach((c) => c.kill('SIGKILL')));
// A worker that dies while instances are driven would leave their updates waiting forever:
// the run fails instead (stopping workers on purpose first sets `stopping`).
let reportDeath = () => undefined;
const death = new Promise((_, reject) => {
  reportDeath = reject;
});
death.catch(() => undefined);
const track = (child) => {
  running.add(child);
  child.once('exit', (code, signal) => {
    running.delete(child);
    if (!stopping) reportDeath(new Error(`worker process ${child.pid} exited (${signal ?? code}) during the run`));
  });
  return child;
};
const PHASE_TIMEOUT_MS = 15 * 60_000;
/** The promise, unless a worker dies or it takes longer than any sane run first. */
function guarded(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took over ${PHASE_TIMEOUT_MS / 60_000} minutes`)),
      PHASE_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, death, timeout]).finally(() => clearTimeout(timer));
}
const note = (message) => process.stderr.write(`[bench] ${message}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

// ---------------------------------------------------------------------------------------------
prepare();
const { Client, Connection } = require('@temporalio/client');
const { Client: PgClient } = require('pg');
const { projectCommandUpdate, projectWorkflowId } = dist('workflows', 'permit-project', 'messages.js');
const { sectionCommandUpdate, sectionStateQuery, sectionWorkflowId } = dist(
  'workflows',
  'permit-section',
  'messages.js',
);
const { requiredFields } = dist('domain', 'draft.js');
const { DEMO } = dist('prisma', 'seed.js');
const { openDb } = dist('platform', 'db.js');

// One permit at one authority, answers that profile as medium risk (test/support/cases.ts).
const PERMITS = [{ permitType: 'public-event', authorityCode: 'POLICE-SISA' }];
const ANSWERS = { kind: 'event', attendance: 5000, alcohol: true, amplifiedSound: true, nightTime: true };

/** A value every field type accepts, chosen so no traffic-light rule objects (as in cases.ts). */
function valueFor(type, key) {
  if (type === 'number') return 100;
  if (type === 'boolean') return false;
  if (type === 'date') return key.toLowerCase().includes('end') ? '2027-06-03' : '2027-06-01';
  if (key.toLowerCase().includes('email')) return 'test@example.fi';
  return `${key} value`;
}
function completeDraftPatch(permitTypes, answers) {
  const fields = requiredFields(permitTypes, answers);
  return {
    common: Object.fromEntries(fields.common.map((f) => [f.key, valueFor(f.type, f.key)])),
    sections: Object.fromEntries(
      Object.entries(fields.sections).map(([type, defs]) => [
        type,
        Object.fromEntries(defs.map((f) => [f.key, valueFor(f.type, f.key)])),
      ]),
    ),
  };
}

// CaseDriver.toProcessing and decideWithoutHearing, command by command.
function commandsFor(permits) {
  return {
    project: [
      { action: 'completeAdvice' },
      {
        action: 'saveDraft',
        patch: completeDraftPatch(
          permits.map((p) => p.permitType),
          ANSWERS,
        ),
      },
      { action: 'submitDraft' },
      ...[...new Set(permits.map((p) => p.authorityCode))].map((code) => ({
        action: 'confirmKickoff',
        authorityCode: code,
        dataSufficient: true,
        attends: false,
      })),
      { action: 'holdKickoff', minutes: 'Data sufficient; no meeting needed.' },
      { action: 'submit' },
      ...permits.map((p, i) => ({ action: 'confirmReceipt', permitType: p.permitType, caseNumber: `CASE/${i + 1}` })),
    ],
    section: [
      { action: 'proposeDraft', text: 'Draft decision' },
      { action: 'reviewDraft', accepted: true },
      { action: 'decide', decision: 'approved', text: 'Decision', signedBy: 'Pekka Poliisi' },
    ],
  };
}
const { project: PROJECT_COMMANDS, section: SECTION_COMMANDS } = commandsFor(PERMITS);
const UPDATES = PROJECT_COMMANDS.length + SECTION_COMMANDS.length;

// ---------------------------------------------------------------------------------------------
/** The Temporal dev server (SQLite), like stack.mjs temporalDevServer but with its pid for the CPU probe. */
async function devServer() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-temporal-'));
  const child = startTemporal(ensureTemporalCli(), { port, dataDir: dir, logFile: path.join(dir, 'temporal.log') });
  const stop = async () => {
    await stopChild(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address: `127.0.0.1:${port}`, pid: child.pid, stop, killNow };
}

/** bench/lib/bare-worker.mjs; resolves once it reports ready over IPC (as stack.mjs startProcess). */
function startBareWorker(env) {
  const child = spawn(process.execPath, [path.join(root, 'bench', 'lib', 'bare-worker.mjs')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(track(child)));
    child.once('exit', (code) => reject(new Error(`bare worker exited with ${code}`)));
  });
}

/** Starts every process; on a failure stops the ones that did start. */
async function startAll(starts) {
  const settled = await Promise.allSettled(starts);
  const started = settled.filter((s) => s.status === 'fulfilled').map((s) => track(s.value));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((c) => stopChild(c, 5000)));
    throw failed.reason;
  }
  return started;
}

/** Runs fn(i) for i < n with `concurrency` callers at a time; the first failure stops the rest. */
async function pool(n, concurrency, fn) {
  let next = 0;
  let failure = null;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n && !failure) {
        const i = next++;
        try {
          await fn(i);
        } catch (err) {
          failure ??= err;
        }
      }
    }),
  );
  if (failure) throw failure;
}

// ---------------------------------------------------------------------------------------------
async function main() {
  const started = Date.now();
  const external = process.env.BENCH_DATABASE_URL;
  let cluster = null;
  if (!external) {
    cluster = await startPostgresWithStatements();
    let stopped = false;
    const stopCluster = () => {
      if (stopped) return;
      stopped = true;
      cluster.stop(); // synchronous (pg_ctl stop -m fast)
    };
    cleanups.push(stopCluster);
    hardStops.add(stopCluster);
    process.env.BENCH_DATABASE_URL = cluster.url; // database() below makes the app database on it
  }
  const postgresUrl = process.env.BENCH_DATABASE_URL;
  note('migrating and seeding the app database…');
  const appDb = await database();
  cleanups.push(() => appDb.drop());
  const appDbName = new URL(appDb.url).pathname.slice(1);

  let temporal;
  if (SERVER === 'dev') {
    note('starting the Temporal dev server…');
    temporal = await devServer();
    cleanups.push(() => temporal.stop());
    hardStops.add(() => temporal.killNow());
  } else {
    note(`starting the Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL…`);
    temporal = await startTemporalServer({
      postgresUrl,
      databasePrefix: `bench_temporal_${randomUUID().slice(0, 8)}`,
    });
    cleanups.push(() => temporal.stop({ dropDatabases: Boolean(external) })); // it kills itself on exit too
  }
  const serverInfo =
    SERVER === 'dev'
      ? { kind: 'temporal dev server (temporal server start-dev)', persistence: 'SQLite file' }
      : {
          kind: 'Temporal server (go.temporal.io/server cmd/server)',
          version: TEMPORAL_SERVER_VERSION,
          persistence: `PostgreSQL (postgres12 plugin), databases ${Object.values(temporal.databases).join(' and ')}`,
          numHistoryShards: temporal.shards,
          postgres: external
            ? 'BENCH_DATABASE_URL: the same server as the app database, databases of their own'
            : 'the same throwaway PostgreSQL cluster as the app database (as docker-compose), databases of their own; fsync off',
        };

  const handle = await openDb({ DATABASE_URL: appDb.url, DATA_DIR: '' });
  cleanups.push(() => handle.close());
  const db = handle.db;
  const connection = await Connection.connect({ address: temporal.address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection });
  const stats = await statementStats(PgClient, postgresUrl);
  if (stats) cleanups.push(() => stats.end());
  const authorities = await db.authority.findMany();
  const authorityId = (code) => authorities.find((a) => a.code === code).id;
  const queues = { ours: `bench-ours-${randomUUID().slice(0, 8)}`, bare: `bench-bare-${randomUUID().slice(0, 8)}` };
  const dbNames = temporal.databases
    ? { app: appDbName, temporal: temporal.databases.default, temporalVisibility: temporal.databases.visibility }
    : { app: appDbName };

  // -- driving one instance ------------------------------------------------------------------
  const now = () => performance.now();

  // The variant: the same permit, its projects spread round-robin over every seeded authority.
  const spreadPermits = authorities.map((a) => [{ permitType: PERMITS[0].permitType, authorityCode: a.code }]);
  const spreadCommands = spreadPermits.map(commandsFor);

  async function driveOurs(rec, i, spread) {
    const permits = spread ? spreadPermits[i % spreadPermits.length] : PERMITS;
    const commands = spread
      ? spreadCommands[i % spreadCommands.length]
      : { project: PROJECT_COMMANDS, section: SECTION_COMMANDS };
    const id = randomUUID();
    let t = now();
    await db.permitProject.create({
      data: {
        id,
        workflowId: projectWorkflowId(id),
        organisationId: DEMO.festivalOrgId,
        title: 'Workflow benchmark',
        step: 'advice',
        status: 'active',
        adviceAnswers: ANSWERS,
        permits: {
          create: permits.map((p) => ({
            permitType: p.permitType,
            step: 'draft',
            status: 'active',
            authorityId: authorityId(p.authorityCode),
          })),
        },
      },
    });
    rec('insertRow', now() - t);
    t = now();
    const project = await client.workflow.start('permitProjectWorkflow', {
      taskQueue: queues.ours,
      workflowId: projectWorkflowId(id),
      args: [{ projectId: id, permits, settings: {} }],
    });
    rec('start', now() - t);
    for (const body of commands.project) {
      t = now();
      await project.executeUpdate(projectCommandUpdate, { args: [{ idempotencyKey: randomUUID(), ...body }] });
      rec(body.action, now() - t, true);
    }
    let polls = 0;
    let last;
    for (const permit of permits) {
      const section = client.workflow.getHandle(sectionWorkflowId(id, permit.permitType));
      t = now();
      for (;;) {
        polls++;
        const view = await section.query(sectionStateQuery).catch(() => null);
        if (view?.ready) break;
        if (now() - t > 60_000) throw new Error(`section ${permit.permitType} of ${id} was not prepared in 60 s`);
        await sleep(POLL_MS);
      }
      rec('untilReady', now() - t);
      for (const body of commands.section) {
        t = now();
        last = await section.executeUpdate(sectionCommandUpdate, { args: [{ idempotencyKey: randomUUID(), ...body }] });
        rec(body.action, now() - t, true);
      }
    }
    if (last?.decision !== 'approved')
      throw new Error(`project ${id}: decision not accepted (${JSON.stringify(last)})`);
    return { id, polls };
  }

  async function driveBare(rec) {
    const id = `bare-${randomUUID()}`;
    let t = now();
    const wf = await client.workflow.start('bareWorkflow', {
      taskQueue: queues.bare,
      workflowId: id,
      args: [{ updates: UPDATES }],
    });
    rec('start', now() - t);
    let last;
    for (const [i, body] of [...PROJECT_COMMANDS, ...SECTION_COMMANDS].entries()) {
      t = now();
      last = await wf.executeUpdate('command', { args: [{ idempotencyKey: randomUUID(), ...body }] });
      rec(body.action, now() - t, true);
      if (i === PROJECT_COMMANDS.length - 1) {
        // Ours polls the section until it is ready (at least once): the bare one is asked once.
        t = now();
        await wf.query('state');
        rec('untilReady', now() - t);
      }
    }
    if (last?.received !== UPDATES) throw new Error(`bare ${id}: ${JSON.stringify(last)}`);
    return { id, polls: 1 };
  }

  // -- probes --------------------------------------------------------------------------------
  let workers = { ours: [], bare: [] };
  const postmaster = cluster ? cluster.postmasterPid() : null;
  const threadsOf = (children) => {
    const sum = { main: 0, temporalCore: 0, other: 0 };
    for (const c of children) for (const [k, v] of Object.entries(threadCpu(c.pid))) sum[k] += v;
    return sum;
  };
  const snapshot = () => ({
    at: now(),
    machine: machineCpu(),
    driver: process.cpuUsage(),
    threads: { ours: threadsOf(workers.ours), bare: threadsOf(workers.bare) },
    perProcess: {
      ours: workers.ours.map((c) => processCpu(c.pid)?.self ?? 0),
      bare: workers.bare.map((c) => processCpu(c.pid)?.self ?? 0),
    },
    ours: cpuOf(workers.ours.map((c) => c.pid)),
    bare: cpuOf(workers.bare.map((c) => c.pid)),
    temporal: temporal.pid ? (processCpu(temporal.pid)?.self ?? null) : null,
    postgres: postmaster ? postgresCpu(postmaster) : null,
  });

  async function sampleHistories(kind, ids) {
    const summaries = [];
    for (const id of ids) {
      const wfIds =
        kind === 'ours' ? [projectWorkflowId(id), ...PERMITS.map((p) => sectionWorkflowId(id, p.permitType))] : [id];
      const parts = [];
      for (const wfId of wfIds) parts.push(summariseHistory(await client.workflow.getHandle(wfId).fetchHistory()));
      summaries.push(parts);
    }
    return summaries;
  }

  /** One timed batch of n instances of a kind; with `probe`, what it cost. */
  async function phase(kind, n, { probe = true, spread = false } = {}) {
    const latencies = new Map();
    const updateLatencies = [];
    const rec = (label, ms, isUpdate = false) => {
      if (!latencies.has(label)) latencies.set(label, []);
      latencies.get(label).push(ms);
      if (isUpdate) updateLatencies.push(ms);
    };
    const instanceMs = [];
    const ids = [];
    let polls = 0;
    if (probe) await stats?.reset();
    const before = probe ? snapshot() : null;
    const t0 = now();
    await guarded(
      pool(n, CONCURRENCY, async (i) => {
        const t = now();
        const r = await (kind === 'ours' ? driveOurs(rec, i, spread) : driveBare(rec));
        instanceMs.push(now() - t);
        ids.push(r.id);
        polls += r.polls;
      }),
      `${n} ${kind} instances`,
    );
    const seconds = (now() - t0) / 1000;
    if (!probe) return null;
    await sleep(SETTLE_MS);
    const after = snapshot();
    const statements = stats ? await stats.read(appDbName) : null;
    const histories = await sampleHistories(kind, ids.slice(0, SAMPLES));
    const wall = (after.at - before.at) / 1000;
    const driverCpu = (after.driver.user - before.driver.user + after.driver.system - before.driver.system) / 1e6;
    return {
      kind,
      n,
      seconds,
      instancesPerSecond: n / seconds,
      updatesPerSecond: (n * UPDATES) / seconds,
      queriesPerInstance: polls / n,
      latencies,
      updateLatencies,
      instanceMs,
      cpu: {
        wallSeconds: wall,
        worker: after[kind] - before[kind],
        workerThreads: Object.fromEntries(
          Object.entries(after.threads[kind]).map(([k, v]) => [k, v - before.threads[kind][k]]),
        ),
        machineBusy: after.machine.busy - before.machine.busy,
        workerByProcess: after.perProcess[kind].map((x, i) => x - before.perProcess[kind][i]),
        otherWorkers: after[kind === 'ours' ? 'bare' : 'ours'] - before[kind === 'ours' ? 'bare' : 'ours'],
        temporal: after.temporal !== null && before.temporal !== null ? after.temporal - before.temporal : null,
        postgres: postgresCpuDelta(before.postgres, after.postgres),
        driver: driverCpu,
      },
      statements,
      histories,
    };
  }

  // -- rows ----------------------------------------------------------------------------------
  const rows = [];
  for (const count of WORKERS) {
    note(`starting ${count} worker process(es) of each kind…`);
    const env = { DATABASE_URL: appDb.url, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'default' };
    const groups = await Promise.allSettled([
      startAll(
        Array.from({ length: count }, () => startProcess('worker', { ...env, TEMPORAL_TASK_QUEUE: queues.ours })),
      ),
      startAll(Array.from({ length: count }, () => startBareWorker({ ...env, TEMPORAL_TASK_QUEUE: queues.bare }))),
    ]);
    const failed = groups.find((g) => g.status === 'rejected');
    if (failed) {
      const up = groups.filter((g) => g.status === 'fulfilled').flatMap((g) => g.value);
      await Promise.all(up.map((c) => stopChild(c, 5000)));
      throw failed.reason;
    }
    const [ours, bare] = groups.map((g) => g.value);
    workers = { ours, bare };
    const stopWorkers = async () => {
      stopping = true;
      await Promise.all([...ours, ...bare].map((c) => stopChild(c, 15000)));
      stopping = false;
    };
    cleanups.push(stopWorkers);
    try {
      note(`warm-up: ${WARMUP} of each…`);
      await phase('bare', WARMUP, { probe: false });
      await phase('ours', WARMUP, { probe: false });
      const runs = { bare: [], ours: [] };
      const rounds = rows.length === 0 ? ROUNDS : SCALE_ROUNDS;
      for (let r = 1; r <= rounds; r++) {
        for (const kind of ['bare', 'ours']) {
          const run = await phase(kind, N);
          note(
            `${count} worker(s), round ${r}, ${kind}: ${round(run.instancesPerSecond, 2)} instances/s, ${round(run.updatesPerSecond)} updates/s`,
          );
          runs[kind].push(run);
        }
      }
      // Variant (first worker count only): the same projects spread over every authority, to
      // measure what the shared authority room lock costs.
      let spread = null;
      if (rows.length === 0 && VARIANT === 'spread') {
        spread = await phase('ours', N, { spread: true });
        note(
          `${count} worker(s), ours spread over ${authorities.length} authorities: ${round(spread.instancesPerSecond, 2)} instances/s`,
        );
      }
      rows.push({ workers: count, runs, spread, spreadOver: authorities.map((a) => a.code) });
    } finally {
      cleanups.splice(cleanups.indexOf(stopWorkers), 1);
      await stopWorkers();
      workers = { ours: [], bare: [] };
    }
  }

  // -- results -------------------------------------------------------------------------------
  const settings = {
    n: N,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    roundsAtOtherWorkerCounts: SCALE_ROUNDS,
    order: 'bare, ours alternately per round, after a warm-up of both',
    warmup: WARMUP,
    queryPollMs: POLL_MS,
    workerOptions:
      'both: Worker.create({ connection, namespace, taskQueue, shutdownGraceTime: "10 seconds", activities, workflowsPath }) — ' +
      'platform/temporal.ts createWorker (ours: dist/platform/main.js ROLE=worker; bare: bench/lib/bare-worker.mjs), SDK defaults otherwise',
    permits: PERMITS,
    answers: ANSWERS,
  };
  const perInstance = {
    updates: UPDATES,
    projectUpdates: PROJECT_COMMANDS.map((c) => c.action),
    sectionUpdates: SECTION_COMMANDS.map((c) => c.action),
    starts: { ours: '1 workflow start (+ the section child, started by the project)', bare: 1 },
  };

  const overheadRow = rows[0];
  const overhead = {
    server: serverInfo,
    workers: overheadRow.workers,
    cpus: os.cpus().length,
    settings,
    perInstance,
    ...compare(overheadRow),
    breakdown: breakdown(overheadRow, dbNames),
    variant: spreadVariant(overheadRow, dbNames),
    benchmarkSeconds: Math.round((Date.now() - started) / 1000),
  };
  writeResult('workflow-overhead', overhead);

  const base = rows.find((r) => r.workers === 1) ?? rows[0];
  const baseIps = {
    ours: mean(base.runs.ours.map((r) => r.instancesPerSecond)),
    bare: mean(base.runs.bare.map((r) => r.instancesPerSecond)),
  };
  const scaleRows = rows.map((row) => {
    const c = compare(row);
    const bd = breakdown(row, dbNames);
    const costs = (kind) => ({
      cpuMsPerInstance: bd[kind].cpuMs.total,
      cpuMsPerInstanceBy: {
        worker: bd[kind].cpuMs.worker,
        temporalServer: bd[kind].cpuMs.temporalServer,
        postgres: bd[kind].cpuMs.postgres,
        driver: bd[kind].cpuMs.driver,
      },
      coresBusy: bd[kind].coresBusy,
      advisoryLockWaitMsPerInstance: bd[kind].statements?.app?.advisoryLockWaitMsPerInstance ?? null,
      workflowTasksOnAnotherWorkerPerInstance: bd[kind].history.workflowTasksOnAnotherWorkerPerInstance,
      workerCpuSecondsByProcess: byProcess(row.runs[kind]),
    });
    return {
      workers: row.workers,
      ours: { ...pick(c.ours), ...costs('ours') },
      bare: { ...pick(c.bare), ...costs('bare') },
      ratio: c.ratio,
      speedup: {
        ours: round(c.ours.instancesPerSecond / baseIps.ours, 2),
        bare: round(c.bare.instancesPerSecond / baseIps.bare, 2),
      },
    };
  });
  const series = (f) => scaleRows.map(f).join(' → ');
  writeResult('scale-out', {
    server: serverInfo,
    cpus: os.cpus().length,
    settings,
    perInstance,
    note:
      'Each row starts that many worker processes of ours and as many bare ones (idle while the other kind runs) on one Temporal server; ' +
      'the Temporal server, PostgreSQL and the driver share the same cores, so once the cores are busy more workers cannot add throughput.',
    rows: scaleRows,
    explanation: [
      `Workers ${series((r) => r.workers)}: ours ${series((r) => r.ours.instancesPerSecond)} projects/s ` +
        `(speedup ${series((r) => r.speedup.ours)}), bare ${series((r) => r.bare.instancesPerSecond)} workflows/s ` +
        `(speedup ${series((r) => r.speedup.bare)}).`,
      `CPU per project for ours ${series((r) => r.ours.cpuMsPerInstance)} ms (worker part ` +
        `${series((r) => r.ours.cpuMsPerInstanceBy.worker)} ms); the whole machine's busy cores while ours ran ` +
        `${series((r) => r.ours.coresBusy.wholeMachine)} of ${os.cpus().length}.`,
      `Workflow tasks per project taken by another worker than the previous one (a replay from history): ` +
        `${series((r) => r.ours.workflowTasksOnAnotherWorkerPerInstance)}.`,
    ],
    benchmarkSeconds: Math.round((Date.now() - started) / 1000),
  });
}
const pick = (k) => ({
  instancesPerSecond: k.instancesPerSecond,
  updatesPerSecond: k.updatesPerSecond,
  rounds: k.rounds,
  updateLatencyMs: k.latencyMs.update,
});
/** Each worker process's CPU seconds in a run, averaged over the runs: how evenly the work spread. */
const byProcess = (runs) =>
  runs[0].cpu.workerByProcess.map((_, i) => round(mean(runs.map((r) => r.cpu.workerByProcess[i])), 2));

const cpuTotal = (cpu) => cpu.worker + (cpu.temporal ?? 0) + (cpu.postgres?.total ?? 0) + cpu.driver;

/** Throughput and latency of both kinds in a row, and the ratio. */
function compare(row) {
  const kind = (runs) => {
    const ips = runs.map((r) => r.instancesPerSecond);
    const labels = [...runs[0].latencies.keys()];
    return {
      instancesPerSecond: round(mean(ips), 2),
      updatesPerSecond: round(mean(runs.map((r) => r.updatesPerSecond)), 1),
      rounds: ips.map((x) => round(x, 2)),
      queriesPerInstance: round(mean(runs.map((r) => r.queriesPerInstance)), 2),
      latencyMs: {
        update: percentiles(runs.flatMap((r) => r.updateLatencies)),
        instance: percentiles(runs.flatMap((r) => r.instanceMs)),
        byStep: Object.fromEntries(labels.map((l) => [l, percentiles(runs.flatMap((r) => r.latencies.get(l) ?? []))])),
      },
    };
  };
  const ours = kind(row.runs.ours);
  const bare = kind(row.runs.bare);
  const ratio = round(ours.instancesPerSecond / bare.instancesPerSecond, 3);
  return { ours, bare, ratio, target: TARGET_RATIO, withinTarget: ratio >= TARGET_RATIO };
}

/** What one kind's runs cost per instance: CPU of each process, statements per database, history. */
function costsOf(runs, dbNames) {
  const dbKey = (name) => Object.entries(dbNames).find(([, v]) => v === name)?.[0] ?? name;
  const n = runs.reduce((a, r) => a + r.n, 0);
  const sum = (f) => runs.reduce((a, r) => a + (f(r) ?? 0), 0);
  const msPer = (f) => round((sum(f) * 1000) / n, 1);
  const postgres = {};
  for (const r of runs) {
    for (const [db, s] of Object.entries(r.cpu.postgres?.byDatabase ?? {})) {
      if (db === 'postgres') continue; // the benchmark's own pg_stat_statements reads
      const k = dbKey(db);
      postgres[k] = (postgres[k] ?? 0) + s;
    }
  }
  const hasPg = runs.every((r) => r.cpu.postgres);
  const cpuMs = {
    worker: msPer((r) => r.cpu.worker),
    workerThreads: {
      mainJsThread: msPer((r) => r.cpu.workerThreads.main),
      temporalCore: msPer((r) => r.cpu.workerThreads.temporalCore),
      otherThreads: msPer((r) => r.cpu.workerThreads.other),
    },
    temporalServer: runs.every((r) => r.cpu.temporal !== null) ? msPer((r) => r.cpu.temporal) : null,
    postgres: hasPg ? msPer((r) => r.cpu.postgres.total) : null,
    postgresByDatabase: hasPg
      ? Object.fromEntries(Object.entries(postgres).map(([k, v]) => [k, round((v * 1000) / n, 1)]))
      : null,
    driver: msPer((r) => r.cpu.driver),
    idleWorkersOfTheOtherKind: msPer((r) => r.cpu.otherWorkers),
  };
  cpuMs.total = round(cpuMs.worker + (cpuMs.temporalServer ?? 0) + (cpuMs.postgres ?? 0) + cpuMs.driver, 1);
  const wall = sum((r) => r.cpu.wallSeconds);
  const statements = {};
  for (const r of runs) {
    for (const [db, s] of Object.entries(r.statements?.byDatabase ?? {})) {
      if (db === 'postgres') continue;
      const k = dbKey(db);
      statements[k] ??= { calls: 0, ms: 0, commits: 0, advisoryLockCalls: 0, advisoryLockMs: 0 };
      for (const f of Object.keys(statements[k])) statements[k][f] += s[f];
    }
  }
  const histories = runs.flatMap((r) => r.histories);
  const events = {};
  let activities = [];
  let workflowTasks = 0;
  let workflowTaskMs = 0;
  let workerSwitches = 0;
  let normalQueue = 0;
  let historyEvents = 0;
  for (const parts of histories) {
    for (const h of parts) {
      historyEvents += h.length;
      workflowTasks += h.workflowTasks.count;
      workflowTaskMs += h.workflowTasks.runMs;
      workerSwitches += h.workflowTasks.workerSwitches;
      normalQueue += h.workflowTasks.normalQueueAfterFirst;
      activities = activities.concat(h.activities);
      for (const [k, v] of Object.entries(h.events)) events[k] = (events[k] ?? 0) + v;
    }
  }
  const hn = histories.length || 1;
  const byType = {};
  for (const a of activities) (byType[a.type] ??= []).push(a);
  return {
    cpuMs,
    coresBusy: {
      byThisBenchmark: hasPg ? round(sum((r) => cpuTotal(r.cpu)) / wall, 2) : null,
      wholeMachine: round(sum((r) => r.cpu.machineBusy) / wall, 2),
    },
    statements: Object.keys(statements).length
      ? Object.fromEntries(
          Object.entries(statements).map(([k, s]) => [
            k,
            {
              perInstance: round(s.calls / n, 1),
              execMsPerInstance: round(s.ms / n, 1),
              commitsPerInstance: round(s.commits / n, 1),
              ...(s.advisoryLockCalls
                ? {
                    advisoryLocksPerInstance: round(s.advisoryLockCalls / n, 1),
                    advisoryLockWaitMsPerInstance: round(s.advisoryLockMs / n, 1),
                  }
                : {}),
            },
          ]),
        )
      : null,
    history: {
      sampledInstances: histories.length,
      eventsPerInstance: round(historyEvents / hn, 1),
      workflowTasksPerInstance: round(workflowTasks / hn, 1),
      workflowTaskMsPerInstance: round(workflowTaskMs / hn, 1),
      workflowTasksOnAnotherWorkerPerInstance: round(workerSwitches / hn, 1),
      workflowTasksOffTheStickyQueuePerInstance: round(normalQueue / hn, 1),
      eventsByKind: Object.fromEntries(
        Object.entries(events)
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => [k, round(v / hn, 1)]),
      ),
      activitiesPerInstance: round(activities.length / hn, 1),
      activityRunMsPerInstance: round(activities.reduce((x, a) => x + a.runMs, 0) / hn, 1),
      activityQueueMsPerInstance: round(activities.reduce((x, a) => x + a.queueMs, 0) / hn, 1),
      activities: Object.fromEntries(
        Object.entries(byType).map(([type, list]) => [
          type,
          {
            perInstance: round(list.length / hn, 1),
            runMs: percentiles(list.map((x) => x.runMs)),
            queueMs: percentiles(list.map((x) => x.queueMs)),
          },
        ]),
      ),
    },
    topAppStatements: runs.at(-1).statements?.top.map((x) => ({ ...x, ms: round(x.ms, 1) })) ?? null,
  };
}

/** Where the time goes: both kinds' costs per instance and sentences comparing them. */
function breakdown(row, dbNames) {
  const ours = costsOf(row.runs.ours, dbNames);
  const bare = costsOf(row.runs.bare, dbNames);
  return { ours, bare, explanation: explain(ours, bare, row, dbNames) };
}

/** The run spread over every authority, summarised against the row's one-authority runs. */
function spreadVariant(row, dbNames) {
  const run = row.spread;
  if (!run) return null;
  const c = costsOf([run], dbNames);
  const ours = mean(row.runs.ours.map((r) => r.instancesPerSecond));
  const bare = mean(row.runs.bare.map((r) => r.instancesPerSecond));
  return {
    what:
      "ours again, but each project's permit goes to the next seeded authority in turn instead of all to " +
      `${PERMITS[0].authorityCode}: fewer projects share each authority room's advisory lock`,
    authorities: row.spreadOver,
    n: run.n,
    instancesPerSecond: round(run.instancesPerSecond, 2),
    updatesPerSecond: round(run.updatesPerSecond, 1),
    speedupOverOneAuthority: round(run.instancesPerSecond / ours, 2),
    ratioToBare: round(run.instancesPerSecond / bare, 3),
    updateLatencyMs: percentiles(run.updateLatencies),
    cpuMsPerInstance: c.cpuMs.total,
    coresBusy: c.coresBusy,
    advisoryLockWaitMsPerInstance: c.statements?.app?.advisoryLockWaitMsPerInstance ?? null,
  };
}

/** Sentences from the figures: what ours costs per instance more than bare, and what bounds it. */
function explain(ours, bare, row, dbNames) {
  const lines = [];
  const c = compare(row);
  const cpus = os.cpus().length;
  lines.push(
    `Ours runs ${c.ours.instancesPerSecond} projects/s against ${c.bare.instancesPerSecond} bare workflows/s ` +
      `(${c.ratio}×, target ≥ ${TARGET_RATIO}) with the same ${UPDATES} updates per instance and ${row.workers} worker process(es).`,
  );
  const o = ours.cpuMs;
  const b = bare.cpuMs;
  if (o.postgres !== null && o.temporalServer !== null) {
    const extra = o.total - b.total;
    const part = (x, y) => `${round(x - y, 1)} ms (${Math.round(((x - y) / extra) * 100)}%)`;
    lines.push(
      `CPU per instance: ${o.total} ms for ours against ${b.total} ms bare (${round(o.total / b.total, 1)}×). ` +
        `Of the ${round(extra, 1)} ms more: worker ${part(o.worker, b.worker)}, PostgreSQL ${part(o.postgres, b.postgres)}, ` +
        `Temporal server ${part(o.temporalServer, b.temporalServer)}, benchmark driver ${part(o.driver, b.driver)}.`,
    );
    lines.push(
      `Worker CPU per instance by thread: main JS thread (activities, Prisma, SDK) ${o.workerThreads.mainJsThread} ms ` +
        `(bare ${b.workerThreads.mainJsThread}), Temporal core ${o.workerThreads.temporalCore} ms (bare ${b.workerThreads.temporalCore}), ` +
        `other threads (workflow sandbox, V8, libuv) ${o.workerThreads.otherThreads} ms (bare ${b.workerThreads.otherThreads}).`,
    );
    if (o.postgresByDatabase && b.postgresByDatabase) {
      const dbs = Object.entries(o.postgresByDatabase)
        .map(([k, v]) => `${k} ${v} ms (bare ${b.postgresByDatabase[k] ?? 0})`)
        .join(', ');
      lines.push(`PostgreSQL CPU per instance by database (live backends only): ${dbs}.`);
    }
    const maxRate = round((cpus * 1000) / o.total, 2);
    lines.push(
      `Cores busy while ours ran: ${ours.coresBusy.byThisBenchmark} by this benchmark's processes, ` +
        `${ours.coresBusy.wholeMachine} by the whole machine, of ${cpus}. At ${o.total} ms CPU per project, ${cpus} cores ` +
        `could carry at most ${maxRate} projects/s` +
        (ours.coresBusy.wholeMachine > cpus * 0.85 ? ': the machine was CPU-saturated.' : '.'),
    );
  }
  if (ours.statements && bare.statements) {
    const st = (x, k, f = 'perInstance') => x.statements[k]?.[f] ?? 0;
    lines.push(
      `Statements per instance: app database ${st(ours, 'app')} in ${st(ours, 'app', 'commitsPerInstance')} transactions ` +
        `(bare ${st(bare, 'app')})` +
        (ours.statements.temporal
          ? `, Temporal persistence ${st(ours, 'temporal')} (bare ${st(bare, 'temporal')}), ` +
            `visibility ${st(ours, 'temporalVisibility')} (bare ${st(bare, 'temporalVisibility')}).`
          : '.'),
    );
    const lock = ours.statements.app;
    if (lock?.advisoryLockWaitMsPerInstance) {
      lines.push(
        `Of the app database's ${lock.execMsPerInstance} ms of statement time per project, ${lock.advisoryLockWaitMsPerInstance} ms ` +
          `(${Math.round((lock.advisoryLockWaitMsPerInstance / lock.execMsPerInstance) * 100)}%) is waiting in pg_advisory_xact_lock ` +
          `(${lock.advisoryLocksPerInstance} per project): every timeline event is appended to the project's room and to its ` +
          `authority's room under that room's lock, held until the transaction commits, and all projects here go to one ` +
          `authority (${PERMITS.map((p) => p.authorityCode).join(', ')}), so their activity transactions queue on one lock ` +
          `whose hold time grows with everything else the transaction does after taking it.`,
      );
      const v = spreadVariant(row, dbNames);
      if (v) {
        lines.push(
          `Variant: the same projects spread round-robin over all ${v.authorities.length} seeded authorities ran ` +
            `${v.instancesPerSecond} projects/s (${v.speedupOverOneAuthority}× the one-authority figure, ${v.ratioToBare}× bare), ` +
            `waiting ${v.advisoryLockWaitMsPerInstance} ms per project for room locks, at ${v.cpuMsPerInstance} ms CPU per project: ` +
            (v.speedupOverOneAuthority < 1.15
              ? 'the lock queue lengthens each update but does not limit throughput here; CPU does.'
              : `the one shared authority lock costs about ${Math.round((1 - 1 / v.speedupOverOneAuthority) * 100)}% of the throughput.`),
        );
      }
    }
  }
  lines.push(
    `History per instance: ${ours.history.eventsPerInstance} events in the project and section workflows ` +
      `(${ours.history.activitiesPerInstance} activities, ${ours.history.workflowTasksPerInstance} workflow tasks) against ` +
      `${bare.history.eventsPerInstance} events (${bare.history.workflowTasksPerInstance} workflow tasks) for bare; ` +
      `activities ran ${ours.history.activityRunMsPerInstance} ms and waited ${ours.history.activityQueueMsPerInstance} ms ` +
      `for a worker per project.`,
  );
  lines.push(
    `Update latency p50 ${c.ours.latencyMs.update.p50} ms for ours (each update waits for its activity's transaction) ` +
      `against ${c.bare.latencyMs.update.p50} ms bare; ours also polls the section ${c.ours.queriesPerInstance} times ` +
      `(every ${POLL_MS} ms) until it is prepared.`,
  );
  return lines;
}

main()
  .catch((err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    process.exit(process.exitCode ?? 0);
  });
