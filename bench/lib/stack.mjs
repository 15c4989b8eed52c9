// The production topology for benchmarks, started from the built dist/ exactly as
// docker-compose runs it: a throwaway PostgreSQL (migrated and seeded), a Temporal dev
// server (or TEMPORAL_ADDRESS given), one API process and any number of worker processes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import {
  ensureBuild,
  ensureDependencies,
  ensureTemporalCli,
  freePort,
  root,
  startTemporal,
  stopChild,
  waitForPort,
} from '../../scripts/lib/tools.mjs';
import { ensureDebianPackages, hasPostgres, startPostgres } from '../../scripts/lib/postgres.mjs';

export const require = createRequire(import.meta.url);
export const dist = (...p) => require(path.join(root, 'dist', ...p));

const cleanups = new Set();
/** Runs every registered clean-up (newest first) when the benchmark is interrupted. */
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    for (const fn of [...cleanups].reverse()) await fn().catch(() => undefined);
    process.exit(130);
  });
}
/** Wraps a stop function so an interrupted benchmark also runs it; calling it unregisters it. */
function registered(stop) {
  const once = async () => {
    cleanups.delete(once);
    await stop();
  };
  cleanups.add(once);
  return once;
}

export function prepare() {
  ensureDebianPackages([{ name: 'postgresql', check: hasPostgres }]);
  ensureDependencies({ quiet: true });
  ensureBuild({ quiet: true });
}

/** A fresh, migrated and seeded database on a throwaway server (or on BENCH_DATABASE_URL's). */
export async function database(name = `bench_${randomUUID().slice(0, 8)}`) {
  let server = null;
  let base = process.env.BENCH_DATABASE_URL;
  if (!base) {
    server = startPostgres(await freePort());
    base = server.url;
  }
  const { Client } = require('pg');
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const env = { ...process.env, DATABASE_URL: url.toString() };
  execFileSync(process.execPath, [path.join(root, 'scripts', 'prisma.mjs'), 'migrate', 'deploy'], {
    cwd: root,
    env,
    stdio: 'ignore',
  });
  execFileSync(process.execPath, [path.join(root, 'dist', 'prisma', 'seed.js')], { cwd: root, env, stdio: 'ignore' });
  return {
    url: url.toString(),
    server,
    drop: registered(async () => {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      server?.stop();
    }),
  };
}

/** A Temporal dev server on a free port with its SQLite file in a temporary directory. */
export async function temporalDevServer() {
  const bin = ensureTemporalCli();
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-temporal-'));
  const child = startTemporal(bin, { port, dataDir: dir, logFile: path.join(dir, 'temporal.log') });
  await waitForPort(port, 60_000);
  return {
    address: `127.0.0.1:${port}`,
    stop: registered(async () => {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    }),
  };
}

const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-logs-'));

/**
 * Starts dist/platform/main.js with the role; resolves once it reports ready over IPC. Its
 * output goes to a log file in a temporary directory (named in the error if it fails).
 */
export function startProcess(role, env, nodeArgs = []) {
  const logFile = path.join(logDir, `${role}-${randomUUID().slice(0, 8)}.log`);
  const out = fs.openSync(logFile, 'a');
  // BENCH_CPU_PROFILE_DIR=<dir>: each platform process writes a V8 CPU profile there on exit.
  const profile = process.env.BENCH_CPU_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, ...nodeArgs, path.join(root, 'dist', 'platform', 'main.js')], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', UI_DIST: '', ...env, ROLE: role, SERVICE_NAME: role },
    stdio: ['ignore', out, out, 'ipc'],
  });
  fs.closeSync(out);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}; its log: ${logFile}`)));
  });
}

/**
 * API + `workers` worker processes over one database and Temporal server. Rate limits are
 * raised: a benchmark's clients all come from 127.0.0.1.
 */
export async function startPlatform({ databaseUrl, temporalAddress, workers = 1, env = {} }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const taskQueue = `bench-${randomUUID().slice(0, 8)}`;
  const common = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PUBLIC_URL: base,
    RATE_LIMIT_SIGN_IN_PER_MINUTE: '1000000',
    RATE_LIMIT_PUBLIC_WRITES_PER_MINUTE: '1000000',
    NOTICE_MIN_DAYS: '0',
    ...env,
  };
  const children = await Promise.all([
    // BENCH_API_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to profile the API.
    startProcess('api', { ...common, PORT: String(port) }, process.env.BENCH_API_NODE_ARGS?.split(' ') ?? []),
    ...Array.from({ length: workers }, () => startProcess('worker', common)),
  ]);
  return {
    base,
    taskQueue,
    api: children[0],
    workers: children.slice(1),
    stop: registered(async () => {
      await Promise.all(children.map((c) => stopChild(c, 5000)));
    }),
  };
}
