// The full Temporal server (not the dev server) with PostgreSQL persistence, as production
// runs it (docker-compose: temporalio/auto-setup on the app's PostgreSQL). The server and its
// SQL schema tool are built once with Go into .tools/temporal-server/<version>/; the schema
// files come from the same module in Go's module cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import {
  SetupError,
  ensureTemporalCli,
  log,
  portFree,
  root,
  run,
  stopChild,
  waitForPort,
} from '../../scripts/lib/tools.mjs';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';

function goBinary() {
  const r = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new SetupError(
      'Go is needed to build the Temporal server for this benchmark: install Go 1.25+ and run again.',
    );
  }
  return r.stdout.trim();
}

/** `server` and `sql` (temporal-sql-tool) of TEMPORAL_SERVER_VERSION, built on first use; and the module's directory. */
export function ensureTemporalServer() {
  const dir = path.join(root, '.tools', 'temporal-server', TEMPORAL_SERVER_VERSION);
  const bins = { server: path.join(dir, 'server'), sql: path.join(dir, 'sql') };
  const go = goBinary();
  for (const [name, pkg] of [
    ['server', 'cmd/server'],
    ['sql', 'cmd/tools/sql'],
  ]) {
    if (fs.existsSync(bins[name])) continue;
    log(
      `building the Temporal ${name === 'sql' ? 'SQL tool' : 'server'} ${TEMPORAL_SERVER_VERSION} with Go (first run only, a few minutes)…`,
      process.stderr,
    );
    run(go, ['install', `${MODULE}/${pkg}@${TEMPORAL_SERVER_VERSION}`], {
      env: { ...process.env, GOBIN: dir, CGO_ENABLED: '0' },
      stdio: ['ignore', 2, 2],
    });
  }
  // The schema files ship in the module; `go mod download` is a no-op once it is cached.
  const r = spawnSync(go, ['mod', 'download', '-json', `${MODULE}@${TEMPORAL_SERVER_VERSION}`], {
    cwd: os.tmpdir(),
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  if (r.status !== 0) throw new SetupError(`go mod download ${MODULE} failed: ${r.stderr.trim()}`);
  const moduleDir = JSON.parse(r.stdout).Dir;
  return { ...bins, moduleDir };
}

/**
 * A free port below 32768: Temporal stores the ports of its cluster members in a smallint
 * column, so the ephemeral range (where the kernel hands out port 0) does not fit.
 */
const taken = new Set();
async function lowPort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (taken.has(port) || !(await portFree(port))) continue;
    taken.add(port);
    return port;
  }
}

const yaml = (o, indent = '') =>
  Object.entries(o)
    .map(([k, v]) =>
      v !== null && typeof v === 'object'
        ? `${indent}${k}:\n${yaml(v, `${indent}  `)}`
        : `${indent}${k}: ${JSON.stringify(v)}`,
    )
    .join('\n');

/**
 * Creates Temporal's two databases on the PostgreSQL server at `postgresUrl` (a superuser URL),
 * loads their schema, starts the server on free ports, and creates the `default` namespace.
 */
export async function startTemporalServer({ postgresUrl, databasePrefix = 'temporal', shards = 4 }) {
  const { server, sql, moduleDir } = ensureTemporalServer();
  const pg = new URL(postgresUrl);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-temporal-server-'));
  const logFile = path.join(dir, 'temporal.log');
  const databases = { default: databasePrefix, visibility: `${databasePrefix}_visibility` };
  const sqlArgs = (db) => [
    '--plugin',
    'postgres12',
    '--ep',
    pg.hostname,
    '-p',
    pg.port || '5432',
    '-u',
    decodeURIComponent(pg.username),
    ...(pg.password ? ['--pw', decodeURIComponent(pg.password)] : []),
    '--db',
    db,
  ];
  const schema = (kind) => path.join(moduleDir, 'schema', 'postgresql', 'v12', kind, 'versioned');
  const out = fs.openSync(logFile, 'a');
  const tool = (args) => {
    const r = spawnSync(sql, args, { stdio: ['ignore', out, out] });
    if (r.status !== 0) throw new SetupError(`temporal-sql-tool ${args.join(' ')} failed: see ${logFile}`);
  };
  for (const [kind, db] of [
    ['temporal', databases.default],
    ['visibility', databases.visibility],
  ]) {
    tool([...sqlArgs(db), 'create-database']);
    tool([...sqlArgs(db), 'setup-schema', '-v', '0.0']);
    tool([...sqlArgs(db), 'update-schema', '-d', schema(kind)]);
  }

  const port = await lowPort();
  const ports = {};
  for (const name of [
    'http',
    'frontendMembership',
    'history',
    'historyMembership',
    'matching',
    'matchingMembership',
    'worker',
    'workerMembership',
  ]) {
    ports[name] = await lowPort();
  }
  const store = (databaseName, maxConns) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.hostname}:${pg.port || 5432}`,
      connectProtocol: 'tcp',
      user: decodeURIComponent(pg.username),
      password: decodeURIComponent(pg.password),
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort, membershipPort, extra = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  // config/development-postgres12.yaml of the same version, with free ports and without metrics or pprof.
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: shards,
      datastores: {
        'postgres-default': store(databases.default, 20),
        'postgres-visibility': store(databases.visibility, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: rpc(port, ports.frontendMembership, { httpPort: ports.http }),
      history: rpc(ports.history, ports.historyMembership),
      matching: rpc(ports.matching, ports.matchingMembership),
      worker: rpc(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${port}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
  };
  fs.mkdirSync(path.join(dir, 'config'));
  fs.writeFileSync(path.join(dir, 'config', 'bench.yaml'), `${yaml(config)}\n`);

  const child = spawn(server, ['--root', dir, '--config', 'config', '--env', 'bench', '--allow-no-auth', 'start'], {
    cwd: dir,
    stdio: ['ignore', out, out],
  });
  let exited = null;
  child.once('exit', (code, signal) => (exited = signal ?? code));
  const address = `127.0.0.1:${port}`;
  let stopped = false;
  const stop = async ({ dropDatabases = false } = {}) => {
    if (stopped) return;
    stopped = true;
    await stopChild(child, 15000);
    process.off('exit', killNow);
    if (dropDatabases) {
      for (const db of Object.values(databases)) {
        spawnSync(sql, ['--quiet', ...sqlArgs(db), 'drop-database', '--force'], { stdio: ['ignore', out, out] });
      }
    }
    fs.closeSync(out);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  /** Synchronous, for when the process exits before stop() finished (e.g. another signal handler's exit). */
  function killNow() {
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.on('exit', killNow);
  try {
    await waitForPort(port, 90_000);
    // The server does not create `default`; the frontend and then the namespace cache need a
    // moment (the frontend answers "not healthy yet" at first).
    const cli = ensureTemporalCli();
    const retry = async (args, ok = () => false) => {
      const until = Date.now() + 90_000;
      for (;;) {
        const r = spawnSync(cli, [...args, '--address', address], { encoding: 'utf8' });
        if (r.status === 0 || ok(r.stderr)) return;
        if (exited !== null) throw new SetupError(`the Temporal server exited (${exited}): see ${logFile}`);
        if (Date.now() > until) throw new SetupError(`temporal ${args.join(' ')} failed: ${r.stderr.trim()}`);
        await new Promise((res) => setTimeout(res, 500));
      }
    };
    await retry(['operator', 'namespace', 'create', '--namespace', 'default', '--retention', '1d'], (err) =>
      /already/i.test(err),
    );
    await retry(['workflow', 'count', '--namespace', 'default']);
  } catch (err) {
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
    await stop();
    throw new SetupError(`${err.message}\n${tail}`);
  }
  return {
    address,
    pid: child.pid,
    databases,
    shards,
    version: TEMPORAL_SERVER_VERSION,
    stop,
    killNow,
  };
}
