#!/usr/bin/env node
// `npm run audit`: the dependency audit of what ships (production dependencies). Runs
// `npm audit --omit=dev` against the registry's advisory database and fails on any high or
// critical advisory that docs/security/audit-exceptions.json does not explain (package,
// advisory id, why it does not apply here, date to look at it again).
// Exit codes: 0 clean or explained, 1 unexplained high/critical, 3 the audit could not run
// (the registry did not answer the advisory endpoint): that is never reported as clean.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { root } from './lib/tools.mjs';

const exceptionsFile = path.join(root, 'docs', 'security', 'audit-exceptions.json');
const exceptions = fs.existsSync(exceptionsFile) ? JSON.parse(fs.readFileSync(exceptionsFile, 'utf8')) : [];

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = { error: { summary: (run.stderr || run.stdout || 'no output').trim().split('\n').pop() } };
}
if (report.error || report.message) {
  const why = report.message || report.error?.summary || report.error?.detail || 'no answer';
  process.stderr.write(
    `[audit] the audit could not run: ${why}\n` +
      '[audit] npm audit needs the registry advisory endpoint (POST …/-/npm/v1/security/advisories/bulk); ' +
      'a registry mirror that only serves packages answers 405. Run it where the public registry is reachable.\n',
  );
  process.exit(3);
}

const today = new Date().toISOString().slice(0, 10);
const findings = Object.values(report.vulnerabilities ?? {}).flatMap((v) =>
  (v.via ?? [])
    .filter((via) => typeof via === 'object')
    .map((via) => ({ package: v.name, severity: via.severity, advisory: via.url, title: via.title, range: via.range })),
);
const serious = findings.filter((f) => f.severity === 'high' || f.severity === 'critical');
const explained = (f) =>
  exceptions.find((e) => e.package === f.package && e.advisory === f.advisory && (!e.reviewBy || e.reviewBy >= today));
const open = serious.filter((f) => !explained(f));
const counts = report.metadata?.vulnerabilities ?? {};
process.stdout.write(
  `${JSON.stringify({ audit: 'npm audit --omit=dev', counts, highOrCritical: serious.length, explained: serious.length - open.length, open })}\n`,
);
process.exit(open.length ? 1 : 0);
