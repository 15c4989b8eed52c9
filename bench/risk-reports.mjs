#!/usr/bin/env node
// Benchmark: the four use case 2 risk reports through the HTTP API over a throwaway
// PostgreSQL holding N sites and 10 inspections per site (each with its stored
// assessment), with a different time window per request. Prints one JSON line per
// report and one for the data set. Target (issue 4): p95 under 300 ms per report over
// 100 000 sites and 1 000 000 inspections.
//   npm run --silent bench:reports [-- --sites 100000 --requests 40]
// Set BENCH_DATABASE_URL to use an existing server (a database named permits_bench is
// created there, replacing one of that name).
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { ensureBuild, ensureDependencies, freePort, root } from '../scripts/lib/tools.mjs';
import { startPostgres } from '../scripts/lib/postgres.mjs';
import { writeResult } from './lib/results.mjs';

ensureDependencies({ quiet: true });
ensureBuild({ quiet: true });
const require = createRequire(import.meta.url);
const dist = (...p) => require(path.join(root, 'dist', ...p));
const { riskModel, applicableFactors, assess } = dist('domain', 'risk', 'index.js');
const { createApp } = dist('api', 'app.js');
const { ApiClient } = dist('api', 'client.js');
const { openDb } = dist('platform', 'db.js');
const { seed, DEMO_USERS } = dist('prisma', 'seed.js');
const pino = require('pino');
const { Client: PgClient } = require('pg');
const { Client: TemporalClient } = require('@temporalio/client');

const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SITES = option('sites', 100_000);
const PER_SITE = 10;
const REQUESTS = option('requests', 40);
const model = riskModel('food-2008');
const END = Date.parse('2026-11-01T00:00:00Z');
const SPAN = 5 * 365 * 86_400_000; // inspections spread over five years

// A fixed-seed generator: every run builds the same data and asks the same windows.
let state = 7;
const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = (list) => list[Math.floor(next() * list.length)];
const grade = () => 'ABCD'[Math.floor(next() * 4)];

let server = null;
let pg = null;
async function database() {
  let base = process.env.BENCH_DATABASE_URL;
  if (!base) {
    server = startPostgres(await freePort());
    base = server.url;
  }
  const admin = new PgClient({ connectionString: base });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS permits_bench');
  await admin.query('CREATE DATABASE permits_bench');
  await admin.end();
  const url = new URL(base);
  url.pathname = '/permits_bench';
  execFileSync(process.execPath, [path.join(root, 'scripts', 'prisma.mjs'), 'migrate', 'deploy'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url.toString() },
    stdio: 'ignore',
  });
  return url.toString();
}

/** Inserts rows column by column through unnest: one statement per batch. */
async function insert(client, sql, columns) {
  await client.query(sql, columns);
}

async function load(url, organisationId) {
  pg = new PgClient({ connectionString: url });
  await pg.connect();
  const started = Date.now();
  let engineMs = 0;
  const batch = 2_000; // sites per statement (20 000 inspections and assessments)
  for (let from = 0; from < SITES; from += batch) {
    const sites = { id: [], name: [], group: [], activity: [], months: [] };
    const insp = { id: [], site: [], at: [], grades: [] };
    const asmt = {
      site: [],
      at: [],
      group: [],
      classified: [],
      score: [],
      cls: [],
      band: [],
      freq: [],
      missing: [],
      areas: [],
      input: [],
      superseded: [],
    };
    for (let i = from; i < Math.min(SITES, from + batch); i++) {
      const id = randomUUID();
      const group = pick(model.groups);
      const activity = applicableFactors(model, group, 'activity')
        .filter((f) => !f.exclusive && next() < 0.2)
        .map((f) => f.id);
      const monthsOpen = next() < 0.05 ? 4 : null;
      sites.id.push(id);
      sites.name.push(`Kohde ${i + 1}`);
      sites.group.push(group.id);
      sites.activity.push(`{${activity.join(',')}}`);
      sites.months.push(monthsOpen);
      const factors = model.areas
        .filter((a) => a.kind === 'graded')
        .flatMap((a) => applicableFactors(model, group, a.id))
        .filter((f) => !f.requires || f.requires.some((r) => activity.includes(r)));
      const merged = {};
      const times = Array.from({ length: PER_SITE }, () => END - Math.floor(next() * SPAN)).sort((a, b) => a - b);
      for (const [k, at] of times.entries()) {
        // The first inspection grades everything (a few grades missing); later ones what was looked at.
        const graded = {};
        for (const f of factors) if (k === 0 ? next() > 0.002 : next() < 0.15) graded[f.id] = grade();
        Object.assign(merged, graded);
        const inspectionId = randomUUID();
        insp.id.push(inspectionId);
        insp.site.push(id);
        insp.at.push(new Date(at).toISOString());
        insp.grades.push(JSON.stringify(graded));
        const input = {
          targetGroup: group.id,
          present: activity,
          grades: { ...merged },
          ...(monthsOpen ? { monthsOpen } : {}),
        };
        const t = process.hrtime.bigint();
        const r = assess(model, input);
        engineMs += Number(process.hrtime.bigint() - t) / 1e6;
        const byArea = new Map(r.areas.map((a) => [a.id, a.points]));
        asmt.site.push(id);
        asmt.at.push(new Date(at).toISOString());
        asmt.group.push(group.id);
        asmt.classified.push(r.classified);
        asmt.score.push(r.score);
        asmt.cls.push(r.riskClass);
        asmt.band.push(r.band);
        asmt.freq.push(r.frequencyPerYear);
        asmt.missing.push(`{${r.missing.join(',')}}`);
        asmt.areas.push(`{${model.areas.map((a) => byArea.get(a.id) ?? 0).join(',')}}`);
        asmt.input.push(JSON.stringify(input));
        // Each assessment is current until the next one of its site (what storeAssessment keeps).
        asmt.superseded.push(k + 1 < times.length ? new Date(times[k + 1]).toISOString() : null);
      }
    }
    await insert(
      pg,
      `INSERT INTO "Site" (id, "organisationId", name, address, municipality, "targetGroup", "riskModel", activity, "monthsOpen")
       SELECT id, $6, name, 'Hämeenkatu 1', 'Tampere', grp, 'food-2008', act::text[], months
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[]) AS t(id, name, grp, act, months)`,
      [sites.id, sites.name, sites.group, sites.activity, sites.months, organisationId],
    );
    await insert(
      pg,
      `INSERT INTO "Inspection" (id, "siteId", "inspectedAt", inspector, grades, present)
       SELECT id, site, at, 'Ville Valvoja', grades::jsonb, '{}'::text[]
       FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[]) AS t(id, site, at, grades)`,
      [insp.id, insp.site, insp.at, insp.grades],
    );
    await insert(
      pg,
      `INSERT INTO "SiteAssessment" (id, "siteId", "modelId", "modelVersion", "assessedAt", reason, "targetGroup",
         classified, score, "riskClass", band, "frequencyPerYear", missing, "areaPoints", input, "idempotencyKey",
         "supersededAt")
       SELECT gen_random_uuid(), site, $12, $13, at, 'inspection', grp, cls_ok, score, cls, band, freq,
              missing::text[], areas::float8[], input::jsonb, gen_random_uuid()::text, superseded
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::bool[], $5::float8[], $6::text[], $7::text[],
                   $8::float8[], $9::text[], $10::text[], $11::text[], $14::timestamptz[])
            AS t(site, at, grp, cls_ok, score, cls, band, freq, missing, areas, input, superseded)`,
      [
        asmt.site,
        asmt.at,
        asmt.group,
        asmt.classified,
        asmt.score,
        asmt.cls,
        asmt.band,
        asmt.freq,
        asmt.missing,
        asmt.areas,
        asmt.input,
        model.id,
        model.version,
        asmt.superseded,
      ],
    );
  }
  // What autovacuum does in production: statistics and the visibility map for index-only scans.
  await pg.query('VACUUM ANALYZE');
  const counts = await pg.query(
    `SELECT (SELECT count(*) FROM "Site")::int AS sites, (SELECT count(*) FROM "Inspection")::int AS inspections,
            (SELECT count(*) FROM "SiteAssessment")::int AS assessments,
            pg_size_pretty(pg_database_size(current_database())) AS size`,
  );
  return { ...counts.rows[0], loadSeconds: Math.round((Date.now() - started) / 1000), engineMs: Math.round(engineMs) };
}

/** A window per request: none, open-ended, the last year, or a random stretch of the five years. */
function windows(n) {
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const list = [{}, { from: day(END - 365 * 86_400_000) }, { to: day(END - 2 * 365 * 86_400_000) }];
  while (list.length < n) {
    const a = END - Math.floor(next() * SPAN);
    const b = a + Math.floor(next() * (END - a));
    list.push({ from: day(a), to: day(b) });
  }
  return list;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(get, name, pathFor) {
  const times = [];
  let bytes = 0;
  const list = windows(REQUESTS);
  for (const w of list.slice(0, 3)) await (await get(pathFor(w))).arrayBuffer(); // warm-up
  for (const w of list) {
    const t = process.hrtime.bigint();
    const res = await get(pathFor(w));
    const body = await res.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${Buffer.from(body).toString()}`);
    bytes += body.byteLength;
  }
  times.sort((a, b) => a - b);
  const p95 = percentile(times, 95);
  return {
    benchmark: 'risk-report',
    report: name,
    requests: times.length,
    p50Ms: Math.round(percentile(times, 50)),
    p95Ms: Math.round(p95),
    maxMs: Math.round(times.at(-1)),
    averageKb: Math.round(bytes / times.length / 1024),
    targetP95Ms: 300,
    withinTarget: p95 < 300,
  };
}

const query = (w, extra = {}) => {
  const q = new URLSearchParams({ ...w, ...extra }).toString();
  return q ? `?${q}` : '';
};

async function main() {
  const url = await database();
  const handle = await openDb({ DATABASE_URL: url, DATA_DIR: '' });
  let httpServer = null;
  try {
    await seed(handle.db);
    const organisationId = (await handle.db.organisation.findFirstOrThrow()).id;
    const data = await load(url, organisationId);
    process.stdout.write(`${JSON.stringify({ benchmark: 'risk-report-data', ...data, node: process.version })}\n`);
    const measured = [];
    httpServer = http.createServer();
    await new Promise((r) => httpServer.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${httpServer.address().port}`;
    const { app } = await createApp({
      db: handle.db,
      temporal: new TemporalClient(), // lazy: the report routes never call Temporal
      logger: pino({ level: 'silent' }),
      config: {
        TEMPORAL_TASK_QUEUE: 'bench',
        UI_DIST: '',
        auth: { publicUrl: origin, sessionSecret: randomUUID() + randomUUID() },
      },
    });
    httpServer.on('request', app);
    // The reports are for authority users: the bench signs in as the demo supervisor.
    const supervisor = await ApiClient.signIn(origin, DEMO_USERS.supervisor);
    const get = (p) => supervisor.raw('GET', `/api/risk-reports${p}`);
    const group = model.groups[0].id;
    const reports = [
      ['ranking (JSON page of 500)', (w) => `/ranking${query(w)}`],
      [`group ${group}`, (w) => `/groups/${group}${query(w)}`],
      ['class counts', (w) => `/class-counts${query(w)}`],
      ['top areas', (w) => `/top-areas${query(w)}`],
      ['class counts (CSV)', (w) => `/class-counts${query(w, { format: 'csv' })}`],
    ];
    for (const [name, pathFor] of reports) {
      const row = await measure(get, name, pathFor);
      measured.push(row);
      process.stdout.write(`${JSON.stringify(row)}\n`);
    }
    // The full ranking as CSV is an export of every site, not an interactive report: timed, no target.
    const t = process.hrtime.bigint();
    const csv = await (await get('/ranking?format=csv')).text();
    const exported = {
      report: 'ranking (CSV, every site)',
      rows: csv.trim().split('\n').length - 1,
      ms: Math.round(Number(process.hrtime.bigint() - t) / 1e6),
      kb: Math.round(csv.length / 1024),
    };
    writeResult('risk-reports', { data, reports: measured, export: exported });
  } finally {
    httpServer?.close();
    await pg?.end();
    await handle.close();
    server?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  server?.stop();
  process.exit(1);
});
