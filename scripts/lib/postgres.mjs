// A throwaway PostgreSQL cluster for tests, from Debian's postgresql package.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SetupError } from './tools.mjs';

function pgBinDir() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

/** Installs Debian packages that are missing (the machine runs as root; CI starts fresh). */
export function ensureDebianPackages(packages) {
  const missing = packages.filter(({ check }) => !check());
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name);
  process.stdout.write(`[test] installing Debian packages: ${names.join(' ')}\n`);
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (update.status !== 0 || install.status !== 0)
    throw new SetupError(`apt-get could not install ${names.join(' ')}: install them and run again.`);
}

export const hasPostgres = () => pgBinDir() !== null;

/** Runs a PostgreSQL server binary as the `postgres` user (initdb refuses root); throws with its last line. */
function asPostgres(bin, cmd, args) {
  const isRoot = process.getuid?.() === 0;
  const r = isRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { encoding: 'utf8' })
    : spawnSync(path.join(bin, cmd), args, { encoding: 'utf8' });
  if (r.status !== 0) throw new SetupError(`${cmd} failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
}

function serverBinaries() {
  const bin = pgBinDir();
  if (!bin) throw new SetupError('PostgreSQL server binaries not found under /usr/lib/postgresql.');
  return bin;
}

/**
 * Control of a cluster made by startPostgres, from its data directory and port (also from
 * another process, e.g. a test that stops and restarts the server under a running platform).
 * Its socket and log sit next to the data directory.
 */
export function postgresCluster(dataDir, port) {
  const bin = serverBinaries();
  const dir = path.dirname(dataDir);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    port,
    /** Starts the server (again) on its port with its data. */
    start() {
      asPostgres(bin, 'pg_ctl', [
        '-D',
        dataDir,
        '-l',
        path.join(dir, 'log'),
        '-w',
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`,
        'start',
      ]);
    },
    /** Stops the server and keeps the data; `immediate` is a crash (recovery at the next start). */
    stopOnly(mode = 'fast') {
      asPostgres(bin, 'pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
    },
    /** Stops the server and deletes the cluster. */
    stop() {
      try {
        asPostgres(bin, 'pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Starts a cluster owned by the `postgres` user (initdb refuses root) on the given port. */
export function startPostgres(port) {
  const bin = serverBinaries();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'permits-pg-'));
  fs.chmodSync(dir, 0o777);
  const dataDir = path.join(dir, 'data');
  asPostgres(bin, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const cluster = postgresCluster(dataDir, port);
  cluster.start();
  return cluster;
}
