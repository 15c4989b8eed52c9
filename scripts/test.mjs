#!/usr/bin/env node
// `npm test`: installs what the suite needs (npm packages, Debian's PostgreSQL and
// Chromium, the Go-built Temporal CLI), starts a real PostgreSQL and a real Temporal
// dev server, then runs static checks and every Jest project. Reuses what is there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  SetupError,
  freePort,
  checkNode,
  ensureBuild,
  ensureDependencies,
  ensureTemporalCli,
  log,
  root,
  run,
  startTemporal,
  stopChild,
  waitForPort,
} from './lib/tools.mjs';
import { ensureDebianPackages, hasPostgres, startPostgres } from './lib/postgres.mjs';

async function main() {
  checkNode();
  ensureDebianPackages([
    { name: 'postgresql', check: hasPostgres },
    { name: 'chromium', check: () => fs.existsSync('/usr/bin/chromium') },
    // xmllint validates the Finvoice export against the official schema (test/unit/finvoice.test.ts).
    { name: 'libxml2-utils', check: () => fs.existsSync('/usr/bin/xmllint') },
  ]);
  ensureDependencies();
  const temporalBin = ensureTemporalCli();
  ensureBuild();

  log('static checks: typecheck, lint, format');
  run('npm', ['run', '--silent', 'typecheck']);
  run('npm', ['run', '--silent', 'lint']);
  run('npm', ['run', '--silent', 'format:check']);

  const pg = startPostgres(await freePort());
  const temporalPort = await freePort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'permits-temporal-'));
  const temporal = startTemporal(temporalBin, {
    port: temporalPort,
    dataDir: tmp,
    logFile: path.join(tmp, 'temporal.log'),
  });
  let status = 1;
  try {
    await waitForPort(temporalPort, 60_000);
    const env = {
      ...process.env,
      TEST_DATABASE_URL: pg.url,
      TEST_TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_BIN: temporalBin,
    };
    const jest = spawnSync(
      process.execPath,
      [
        path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
        '--runInBand',
        '--forceExit',
        ...process.argv.slice(2),
      ],
      { cwd: root, env, stdio: 'inherit' },
    );
    status = jest.status ?? 1;
  } finally {
    await stopChild(temporal);
    pg.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(status);
}

main().catch((err) => {
  process.stderr.write(`[test] ${err instanceof SetupError ? err.message : (err?.stack ?? err)}\n`);
  process.exit(1);
});
