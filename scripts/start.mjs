#!/usr/bin/env node
// `npm start`: installs, builds and runs the whole platform on the embedded default
// (Temporal dev server + PGlite under .data/), then prints one URL. Ctrl-C stops it all.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  SetupError,
  checkNode,
  ensureBuild,
  ensureDependencies,
  ensureTemporalCli,
  log,
  portFree,
  root,
  run,
  startTemporal,
  stopChild,
  waitForPort,
} from './lib/tools.mjs';

const PORT = Number(process.env.PORT ?? 3000);
const TEMPORAL_PORT = Number(process.env.TEMPORAL_PORT ?? 7233);
const TEMPORAL_UI_PORT = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
const dataDir = path.resolve(root, process.env.DATA_DIR ?? '.data');
const children = [];

async function main() {
  checkNode();
  for (const [name, port] of [
    ['PORT', PORT],
    ['TEMPORAL_PORT', TEMPORAL_PORT],
    ['TEMPORAL_UI_PORT', TEMPORAL_UI_PORT],
  ]) {
    if (!(await portFree(port)))
      throw new SetupError(`Port ${port} (${name}) is already in use: stop what uses it or set ${name}=<free port>.`);
  }
  ensureDependencies();
  const temporalBin = ensureTemporalCli();
  ensureBuild();
  fs.mkdirSync(dataDir, { recursive: true });

  log('starting Temporal dev server…');
  const temporal = startTemporal(temporalBin, {
    port: TEMPORAL_PORT,
    uiPort: TEMPORAL_UI_PORT,
    dataDir,
    logFile: path.join(dataDir, 'temporal.log'),
  });
  children.push(temporal);
  temporal.once(
    'exit',
    (code) =>
      !stopping && fail(`Temporal dev server exited (code ${code}); see ${path.join(dataDir, 'temporal.log')}.`),
  );
  await waitForPort(TEMPORAL_PORT, 60_000);

  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PGLITE_DIR: path.join(dataDir, 'pg'),
    PORT: String(PORT),
    TEMPORAL_ADDRESS: `127.0.0.1:${TEMPORAL_PORT}`,
    UI_DIST: path.join(root, 'dist', 'ui'),
  };
  delete env.DATABASE_URL;
  log('applying database migrations…');
  run('node', ['scripts/prisma.mjs', 'migrate', 'deploy'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  run('node', ['dist/prisma/seed.js'], { env });

  log('starting API and worker…');
  const platform = spawn(process.execPath, ['dist/platform/main.js'], {
    cwd: root,
    env: { ...env, ROLE: 'embedded' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(platform);
  platform.once('exit', (code) => !stopping && fail(`The platform process exited (code ${code}).`));
  await new Promise((resolve) => platform.once('message', resolve));
  await waitHealthy(`http://127.0.0.1:${PORT}`);
  // The public URL (PUBLIC_URL, by default http://127.0.0.1:PORT): sign-in redirects go there.
  const publicUrl = process.env.PUBLIC_URL ?? `http://127.0.0.1:${PORT}`;
  await seedDemoProjects(publicUrl);
  log(`ready: ${publicUrl}  (Temporal UI: http://127.0.0.1:${TEMPORAL_UI_PORT}; Ctrl-C stops)`);
}

/** Waits until /api/health reports every component up (the worker's first poll included). */
async function waitHealthy(base) {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const res = await fetch(`${base}/api/health`).catch(() => null);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new SetupError(`The platform did not become healthy within 60 s: see ${base}/api/health.`);
}

/** Demo projects in every step, created through the API so each has real workflows (prisma/demo-projects.ts). */
async function seedDemoProjects(base) {
  const { seedDemoProjects: seedProjects } = await import(path.join(root, 'dist', 'prisma', 'demo-projects.js'));
  const { ApiClient } = await import(path.join(root, 'dist', 'api', 'client.js'));
  const { DEMO_USERS } = await import(path.join(root, 'dist', 'prisma', 'seed.js'));
  try {
    const admin = await ApiClient.signIn(base, DEMO_USERS.admin);
    if ((await admin.request('GET', '/api/projects')).length > 0) return;
    log(`seeded ${await seedProjects(base)} demo projects`);
  } catch (err) {
    throw new SetupError(`Seeding demo projects failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children.reverse()) await stopChild(child);
  process.exit(code);
}
function fail(message) {
  process.stderr.write(`[platform] ${message}\n`);
  void shutdown(1);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((err) => fail(err instanceof SetupError ? err.message : `start failed: ${err?.message ?? err}`));
