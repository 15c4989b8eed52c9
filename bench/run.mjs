#!/usr/bin/env node
// `npm run bench`: every benchmark, one after another on this machine, each writing its JSON
// to bench/results/, then the plots for docs/performance.md (bench/plot.mjs). Each is also a
// script of its own (npm run bench:risk | bench:reports | bench:workflows | bench:api | bench:live).
//   npm run bench [-- --quick]   --quick: smaller sizes, for trying the scripts out
//   npm run bench -- --only api,live
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBuild, ensureDependencies } from '../scripts/lib/tools.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? new Set(process.argv[onlyAt + 1].split(',')) : null;

const BENCHMARKS = [
  ['risk', 'risk-assess.mjs', quick ? ['--sites', '10000'] : []],
  ['workflows', 'workflows.mjs', quick ? ['--n', '20', '--workers', '1,2'] : []],
  ['api', 'api.mjs', quick ? ['--seconds', '3'] : []],
  ['live', 'live.mjs', quick ? ['--sockets', '100', '--updates', '5'] : []],
  // Last: it loads 1 000 000 inspections (about 10 minutes and 2.5 GB of disk).
  ['reports', 'risk-reports.mjs', quick ? ['--sites', '2000', '--requests', '10'] : []],
];

ensureDependencies({ quiet: true });
ensureBuild({ quiet: true });
const failed = [];
for (const [name, script, args] of BENCHMARKS) {
  if (only && !only.has(name)) continue;
  process.stderr.write(`[bench] ${name}: node bench/${script} ${args.join(' ')}\n`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [path.join(here, script), ...args], { stdio: 'inherit' });
  process.stderr.write(`[bench] ${name}: exit ${run.status} after ${Math.round((Date.now() - started) / 1000)} s\n`);
  if (run.status !== 0) failed.push(name);
}
spawnSync(process.execPath, [path.join(here, 'plot.mjs')], { stdio: 'inherit' });
if (failed.length) {
  process.stderr.write(`[bench] failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
