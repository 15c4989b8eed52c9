#!/usr/bin/env node
// Benchmark: API latency and throughput with 50 concurrent clients (autocannon) for reading
// a project's timeline and for posting a comment on an open public notice, each against a
// bare Express route in a process of its own returning the same JSON from memory, in the
// same run. Target (issue 7): the platform's p95 at most 3× the bare route's. A third row,
// the database floor, is the bare route after one round trip to the same PostgreSQL (a
// `SELECT 1` for the read, one committed INSERT for the comment): what any route that reads
// its permission fresh or stores before answering costs on this machine (bench/lib/bare-api.mjs).
//   npm run --silent bench:api [-- --connections 50 --seconds 10]
// The platform runs as in production: API and worker processes over PostgreSQL and a
// Temporal dev server (bench/lib/stack.mjs), seeded with the demo projects.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { database, dist, prepare, startPlatform, temporalDevServer } from './lib/stack.mjs';
import { option, percentiles, round, writeResult } from './lib/results.mjs';
import { stopChild } from '../scripts/lib/tools.mjs';

const CONNECTIONS = Number(option('connections', 50));
const SECONDS = Number(option('seconds', 10));
const TARGET_RATIO = 3;

/** Runs autocannon against one route and returns latency percentiles (ms) and throughput. */
async function load(name, { url, method = 'GET', headers = {}, body, uniqueKey = false }) {
  const requests = [
    {
      method,
      headers,
      body,
      // A new Idempotency-Key per request: each is a new comment, as from a new person.
      ...(uniqueKey
        ? { setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } }) }
        : {}),
    },
  ];
  const warm = await autocannon({ url, requests, connections: 5, amount: 50 });
  if (warm.non2xx) throw new Error(`${name}: warm-up answered ${warm.non2xx} non-2xx responses`);
  const latencies = [];
  const instance = autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  return {
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.total / (result.duration || SECONDS)),
    latencyMs: percentiles(latencies),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

function startBare(bodies, databaseUrl) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bare-')), 'bodies.json');
  fs.writeFileSync(file, JSON.stringify(bodies));
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, 'lib', 'bare-api.mjs'), {
    env: { ...process.env, BARE_BODIES: file, BARE_DATABASE_URL: databaseUrl },
  });
  return new Promise((resolve, reject) => {
    child.once('message', ({ port }) => resolve({ child, base: `http://127.0.0.1:${port}` }));
    child.once('exit', (code) => reject(new Error(`bare API exited with ${code}`)));
  });
}

async function main() {
  prepare();
  const { ApiClient } = dist('api', 'client.js');
  const { seedDemoProjects } = dist('prisma', 'demo-projects.js');
  const { DEMO_USERS } = dist('prisma', 'seed.js');
  const db = await database();
  const temporal = await temporalDevServer();
  const cleanup = [() => db.drop(), () => temporal.stop()];
  let bare;
  try {
    const platform = await startPlatform({ databaseUrl: db.url, temporalAddress: temporal.address });
    cleanup.unshift(() => platform.stop());
    await seedDemoProjects(platform.base);
    const organiser = await ApiClient.signIn(platform.base, DEMO_USERS.organiser);
    const projects = await organiser.request('GET', '/api/projects');
    const project = projects.find((p) => p.title === 'Tammerfest 2027');
    const notices = await (await fetch(`${platform.base}/api/notices`)).json();
    const notice = notices.find((n) => n.projectId === project.id);
    if (!notice) throw new Error('the demo project has no open notice');

    const timelinePath = `/api/projects/${project.id}/timeline`;
    const timelineRes = await organiser.raw('GET', timelinePath);
    const timeline = await timelineRes.text();
    const commentBody = JSON.stringify({
      kind: 'opinion',
      authorName: 'Kuormitustesti',
      anonymous: false,
      text: 'Mielipide kuulutukseen: musiikki päättyköön kello 23.',
    });
    const commentRes = await fetch(`${platform.base}/api/notices/${notice.id}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: commentBody,
    });
    if (commentRes.status !== 201) throw new Error(`a comment was answered ${commentRes.status}`);
    const comment = await commentRes.text();
    bare = await startBare({ timeline, comment }, db.url);
    cleanup.unshift(() => stopChild(bare.child, 5000));

    const json = { 'content-type': 'application/json' };
    const routes = {
      timeline: {
        platform: { url: `${platform.base}${timelinePath}`, headers: { cookie: organiser.cookieHeader() } },
        bare: { url: `${bare.base}/timeline` },
        floor: { url: `${bare.base}/timeline-db` },
      },
      comment: {
        platform: {
          url: `${platform.base}/api/notices/${notice.id}/comments`,
          method: 'POST',
          headers: json,
          body: commentBody,
          uniqueKey: true,
        },
        bare: { url: `${bare.base}/comments`, method: 'POST', headers: json, body: commentBody, uniqueKey: true },
        floor: { url: `${bare.base}/comments-db`, method: 'POST', headers: json, body: commentBody, uniqueKey: true },
      },
    };
    const rows = {};
    const only = option('only', null);
    for (const [name, route] of Object.entries(routes).filter(([n]) => !only || n === only)) {
      // Baseline first, then the platform, back to back on the same machine.
      const baseline = await load(`${name} (bare)`, route.bare);
      const floor = await load(`${name} (database floor)`, route.floor);
      const ours = await load(name, route.platform);
      const p95 = (a, b) => round(a.latencyMs.p95 / Math.max(b.latencyMs.p95, 0.1), 2);
      const ratio = p95(ours, baseline);
      rows[name] = {
        platform: ours,
        bare: baseline,
        floor,
        p95Ratio: ratio,
        throughputRatio: round(ours.requestsPerSecond / baseline.requestsPerSecond, 3),
        withinTarget: ratio <= TARGET_RATIO,
        // How far one database round trip alone is from the bare route, and ours from it.
        floorP95Ratio: p95(floor, baseline),
        p95RatioToFloor: p95(ours, floor),
      };
    }
    const stored = await (await fetch(`${platform.base}/api/notices/${notice.id}`)).json();
    writeResult('api', {
      connections: CONNECTIONS,
      seconds: SECONDS,
      targetP95Ratio: TARGET_RATIO,
      timelineEvents: JSON.parse(timeline).length,
      timelineBytes: Buffer.byteLength(timeline),
      commentsStored: stored.comments.length,
      routes: rows,
    });
  } finally {
    for (const step of cleanup) await step().catch((err) => process.stderr.write(`[bench] cleanup: ${err}\n`));
  }
}

main().catch((err) => {
  process.stderr.write(`[bench] ${err?.stack ?? err}\n`);
  process.exit(1);
});
