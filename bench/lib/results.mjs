// Where benchmarks leave their figures: one JSON file per benchmark under bench/results/,
// with the machine it ran on, so docs/performance.md and its plots are generated from them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from '../../scripts/lib/tools.mjs';

export const resultsDir = path.join(root, 'bench', 'results');

export function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Writes bench/results/<name>.json and prints the same object as one JSON line. */
export function writeResult(name, result) {
  const record = { benchmark: name, measuredAt: new Date().toISOString(), machine: machine(), ...result };
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(record)}\n`);
  return record;
}

/** Percentiles (nearest rank) of a list of numbers, in the list's unit. */
export function percentiles(values, ps = [50, 95, 99]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return Object.fromEntries(ps.map((p) => [`p${p}`, sorted.length ? round(at(p)) : null]));
}

export const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** `--name value` from the command line as a number, else the fallback. */
export function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
