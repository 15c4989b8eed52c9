// Set-up helpers shared by `npm start` and `npm test`. Plain Node, no dependencies,
// because they run before `npm ci` has installed anything.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** Thrown for set-up problems that the user can fix; printed as one line. */
export class SetupError extends Error {}

export function log(message, stream = process.stdout) {
  stream.write(`[platform] ${message}\n`);
}

export function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new SetupError(`Node.js ${process.versions.node} is too old: install Node.js 20.19 or newer.`);
  }
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (r.error) throw new SetupError(`${cmd} could not be run: ${r.error.message}`);
  if (r.status !== 0) throw new SetupError(`${cmd} ${args.join(' ')} failed with exit code ${r.status}.`);
}

/** `quiet`: child output goes to stderr so a command's stdout stays machine-readable. */
const quietStdio = (quiet) => (quiet ? { stdio: ['ignore', 2, 2] } : {});

export function ensureDependencies({ quiet = false } = {}) {
  if (fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) return;
  log('installing dependencies (npm ci)…', quiet ? process.stderr : process.stdout);
  run('npm', ['ci', '--no-audit', '--no-fund'], quietStdio(quiet));
}

/** `temporal` on PATH, else .tools/bin/temporal, built once from the Go module proxy. */
export function ensureTemporalCli() {
  const onPath = which('temporal');
  if (onPath) return onPath;
  const bin = path.join(root, '.tools', 'bin', 'temporal');
  if (fs.existsSync(bin)) return bin;
  const go = which('go');
  if (!go) {
    throw new SetupError(
      'The Temporal CLI is missing and Go is not installed to build it: install Go 1.25+ (or put `temporal` on PATH) and run again.',
    );
  }
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into .tools/bin (first run only, a few minutes)…`);
  run(go, ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: path.dirname(bin), CGO_ENABLED: '0' },
  });
  return bin;
}

/** Newest modification time under the given paths (files only). */
function newest(paths) {
  let max = 0;
  const walk = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) if (e !== 'node_modules' && e !== 'generated') walk(path.join(p, e));
    } else max = Math.max(max, st.mtimeMs);
  };
  paths.forEach((p) => walk(path.join(root, p)));
  return max;
}

/** Generates the Prisma client and builds server and UI when sources changed since the last build. */
export function ensureBuild({ quiet = false } = {}) {
  const stamp = path.join(root, 'dist', '.build-stamp');
  const sources = ['platform', 'domain', 'workflows', 'activities', 'api', 'ui', 'prisma', 'package-lock.json'];
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  if (built > newest(sources)) return;
  log('building…', quiet ? process.stderr : process.stdout);
  run('node', ['scripts/prisma.mjs', 'generate'], quietStdio(quiet));
  run('npm', ['run', '--silent', 'build'], quietStdio(quiet));
  fs.writeFileSync(stamp, new Date().toISOString());
}

export function portFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** A TCP port that was free a moment ago on the loopback interface. */
export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port, timeoutMs, host = '127.0.0.1') {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const open = await new Promise((resolve) => {
      const s = net.connect(port, host);
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new SetupError(`Nothing answered on ${host}:${port} within ${timeoutMs / 1000} s.`);
}

/** Starts the Temporal dev server with its SQLite file under dataDir. */
export function startTemporal(bin, { port, uiPort, dataDir, logFile }) {
  fs.mkdirSync(dataDir, { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    path.join(dataDir, 'temporal.db'),
    '--log-level',
    'warn',
  ];
  if (uiPort) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  return spawn(bin, args, { cwd: root, stdio: ['ignore', out, out] });
}

export function stopChild(child, timeoutMs = 15000) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}
