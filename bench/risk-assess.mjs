#!/usr/bin/env node
// Benchmark: assess N synthetic sites with the full breakdown; prints one JSON line.
// `npm run --silent bench:risk [-- --sites 100000]`. Target (issue 4): under 1 s of engine time.
// Writes bench/results/risk-assess.json.
import path from 'node:path';
import { createRequire } from 'node:module';
import { ensureBuild, ensureDependencies, root } from '../scripts/lib/tools.mjs';
import { writeResult } from './lib/results.mjs';

ensureDependencies({ quiet: true });
ensureBuild({ quiet: true });
const require = createRequire(import.meta.url);
const { riskModel, applicableFactors, assess } = require(path.join(root, 'dist', 'domain', 'risk', 'index.js'));

const arg = process.argv.indexOf('--sites');
const count = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const model = riskModel('food-2008');

// A fixed-seed generator so every run assesses the same sites.
let state = 42;
const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;

const sites = [];
for (let i = 0; i < count; i++) {
  const group = model.groups[Math.floor(next() * model.groups.length)];
  const activity = applicableFactors(model, group, 'activity')
    .filter((f) => !f.exclusive && next() < 0.2)
    .map((f) => f.id);
  const grades = {};
  for (const area of model.areas.filter((a) => a.kind === 'graded')) {
    for (const f of applicableFactors(model, group, area.id)) {
      if (f.requires && !f.requires.some((r) => activity.includes(r))) continue;
      if (next() < 0.002) continue; // a few sites lack a grade and stay unclassified
      grades[f.id] = 'ABCD'[Math.floor(next() * 4)];
    }
  }
  sites.push({ targetGroup: group.id, present: activity, grades, ...(next() < 0.05 ? { monthsOpen: 4 } : {}) });
}

for (const s of sites.slice(0, 1000)) assess(model, s); // warm-up
const started = process.hrtime.bigint();
let classified = 0;
let factorsExplained = 0;
for (const s of sites) {
  const r = assess(model, s);
  if (r.classified) classified++;
  for (const a of r.areas) factorsExplained += a.factors.length;
}
const engineMs = Number(process.hrtime.bigint() - started) / 1e6;
// Baseline in the same run: the bare arithmetic over the same grades (a sum of grade values
// per site, no validation, no classes, no breakdown), so the figure also reads as a ratio.
const VALUE = { A: 0, B: 1, C: 2, D: 3 };
let checksum = 0;
const bareStarted = process.hrtime.bigint();
for (const s of sites) {
  let sum = s.present.length;
  for (const g in s.grades) sum += VALUE[s.grades[g]];
  checksum += sum;
}
const bareMs = Number(process.hrtime.bigint() - bareStarted) / 1e6;
writeResult('risk-assess', {
  model: `${model.id}@${model.version}`,
  sites: count,
  classified,
  factorsExplained,
  engineMs: Math.round(engineMs),
  microsecondsPerSite: Math.round(((engineMs * 1000) / count) * 10) / 10,
  bareSumMs: Math.round(bareMs * 10) / 10,
  ratioToBareSum: Math.round((engineMs / bareMs) * 10) / 10,
  checksum,
  targetMs: 1000,
  withinTarget: engineMs < 1000,
});
