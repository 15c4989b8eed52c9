// Where a benchmark's time goes: CPU seconds of processes from /proc, of a PostgreSQL cluster
// split by database (its backends' process titles name them), statement counts and times per
// database from pg_stat_statements, and a workflow's history summarised by event type.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { SetupError, freePort } from '../../scripts/lib/tools.mjs';
import { startPostgres } from '../../scripts/lib/postgres.mjs';

const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime, stime and the waited-for children's times of a process, in seconds; null once it is gone. */
export function processCpu(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return {
      self: (Number(f[11]) + Number(f[12])) / TICKS,
      children: (Number(f[13]) + Number(f[14])) / TICKS,
      ppid: Number(f[1]),
    };
  } catch {
    return null;
  }
}

/** CPU seconds of the given processes (their threads included), summed. */
export function cpuOf(pids) {
  return pids.reduce((sum, pid) => sum + (processCpu(pid)?.self ?? 0), 0);
}

/**
 * CPU seconds of a Node process's threads: the main JavaScript thread (where activities run),
 * Temporal's Rust core (tokio-runtime-w…), and the rest (the workflow sandbox's worker thread,
 * V8's compiler and GC helpers, libuv). Threads that ended are not counted.
 */
export function threadCpu(pid) {
  const split = { main: 0, temporalCore: 0, other: 0 };
  let tids = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return split;
  }
  for (const tid of tids) {
    try {
      const name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const cpu = processCpu(`${pid}/task/${tid}`)?.self ?? 0;
      split[Number(tid) === Number(pid) ? 'main' : name.startsWith('tokio') ? 'temporalCore' : 'other'] += cpu;
    } catch {
      // the thread ended in between
    }
  }
  return split;
}

/** Busy and total CPU seconds of the whole machine (every process, not only this benchmark's). */
export function machineCpu() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4]; // idle + iowait
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}

function childrenOf(ppid) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (processCpu(entry)?.ppid === ppid) pids.push(Number(entry));
  }
  return pids;
}

/**
 * A PostgreSQL cluster's CPU: the postmaster and every child it has (exited backends included,
 * through the postmaster's children times), and the live backends grouped by their database.
 */
export function postgresCpu(postmasterPid) {
  const pm = processCpu(postmasterPid);
  if (!pm) return null;
  const backends = {};
  let live = 0;
  for (const pid of childrenOf(postmasterPid)) {
    const cpu = processCpu(pid)?.self ?? 0;
    live += cpu;
    let title = '';
    try {
      title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    // "postgres: <user> <database> <host>(<port>) <state>"; background processes have no database.
    const m = /^postgres: \S+ (\S+) \S+\(\d+\)/.exec(title);
    const db = m ? m[1] : 'background';
    backends[pid] = { db, cpu };
  }
  return { total: pm.self + pm.children + live, backends };
}

/** CPU seconds per database between two postgresCpu() snapshots (backends that exited in between are lost). */
export function postgresCpuDelta(before, after) {
  if (!before || !after) return null;
  const byDatabase = {};
  for (const [pid, { db, cpu }] of Object.entries(after.backends)) {
    byDatabase[db] = (byDatabase[db] ?? 0) + cpu - (before.backends[pid]?.cpu ?? 0);
  }
  return { total: after.total - before.total, byDatabase };
}

/**
 * A throwaway cluster (scripts/lib/postgres.mjs) restarted with pg_stat_statements loaded,
 * so statements can be counted per database. Same settings otherwise (fsync off).
 */
export async function startPostgresWithStatements() {
  const server = startPostgres(await freePort());
  const bin = path.dirname(
    fs.readlinkSync(`/proc/${fs.readFileSync(path.join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]}/exe`),
  );
  fs.appendFileSync(
    path.join(server.dataDir, 'postgresql.auto.conf'),
    "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.max = 10000\n",
  );
  const args = [
    '-D',
    server.dataDir,
    '-l',
    path.join(path.dirname(server.dataDir), 'log'),
    '-w',
    '-m',
    'fast',
    'restart',
  ];
  const r =
    process.getuid?.() === 0
      ? spawnSync('runuser', ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), ...args], { encoding: 'utf8' })
      : spawnSync(path.join(bin, 'pg_ctl'), args, { encoding: 'utf8' });
  if (r.status !== 0) {
    server.stop();
    throw new SetupError(`restarting PostgreSQL with pg_stat_statements failed: ${(r.stderr || r.stdout).trim()}`);
  }
  return {
    ...server,
    postmasterPid: () => Number(fs.readFileSync(path.join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]),
  };
}

/** pg_stat_statements in the `postgres` database of the server, or null where it cannot be loaded. */
export async function statementStats(Client, url) {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await admin.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
  } catch {
    await admin.end();
    return null;
  }
  return {
    async reset() {
      await admin.query('SELECT pg_stat_statements_reset()');
    },
    /** Calls and execution time per database, and the top statements of one database by time. */
    async read(topOf, top = 8) {
      const per = await admin.query(
        `SELECT d.datname AS db, sum(s.calls)::bigint AS calls, sum(s.total_exec_time) AS ms
           FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
          GROUP BY d.datname`,
      );
      const topRows = topOf
        ? (
            await admin.query(
              `SELECT s.calls::bigint AS calls, s.total_exec_time AS ms, s.query
                 FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                WHERE d.datname = $1 ORDER BY s.total_exec_time DESC LIMIT $2`,
              [topOf, top],
            )
          ).rows
        : [];
      // The advisory locks that order room events (activities/timeline.ts appendRoomEvent): their
      // time is time spent waiting for another transaction holding the same room.
      const special = await admin.query(
        `SELECT d.datname AS db,
                sum(s.calls) FILTER (WHERE s.query ILIKE '%pg_advisory_xact_lock%')::bigint AS lock_calls,
                coalesce(sum(s.total_exec_time) FILTER (WHERE s.query ILIKE '%pg_advisory_xact_lock%'), 0) AS lock_ms,
                sum(s.calls) FILTER (WHERE s.query ILIKE 'COMMIT%')::bigint AS commits
           FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
          GROUP BY d.datname`,
      );
      const extra = Object.fromEntries(special.rows.map((r) => [r.db, r]));
      return {
        byDatabase: Object.fromEntries(
          per.rows.map((r) => [
            r.db,
            {
              calls: Number(r.calls),
              ms: r.ms,
              commits: Number(extra[r.db]?.commits ?? 0),
              advisoryLockCalls: Number(extra[r.db]?.lock_calls ?? 0),
              advisoryLockMs: Number(extra[r.db]?.lock_ms ?? 0),
            },
          ]),
        ),
        top: topRows.map((r) => ({
          calls: Number(r.calls),
          ms: r.ms,
          query: r.query.replace(/\s+/g, ' ').slice(0, 160),
        })),
      };
    },
    end: () => admin.end(),
  };
}

const ms = (t) => (t ? Number(t.seconds?.toString() ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : NaN);
const kindOf = (event) => {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes') && event[k]);
  return key ? key.replace(/EventAttributes$/, '') : `type${event.eventType}`;
};

/**
 * A workflow history summarised: events by kind, and per activity its type, the time it
 * waited for a worker (scheduled → started) and ran (started → completed).
 */
export function summariseHistory(history) {
  const events = {};
  const scheduled = new Map();
  const started = new Map();
  const activities = [];
  // A workflow task taken by another worker than the previous one means that worker had no
  // cached copy and replayed the history first; tasks scheduled on the normal (not sticky)
  // queue after the first are where that can happen.
  const workflowTasks = { count: 0, runMs: 0, workerSwitches: 0, normalQueueAfterFirst: 0 };
  let wtStarted = null;
  let lastIdentity = null;
  let scheduledTasks = 0;
  for (const e of history.events ?? []) {
    const kind = kindOf(e);
    events[kind] = (events[kind] ?? 0) + 1;
    const id = Number(e.eventId?.toString());
    if (kind === 'activityTaskScheduled') {
      scheduled.set(id, { type: e.activityTaskScheduledEventAttributes.activityType?.name, at: ms(e.eventTime) });
    } else if (kind === 'activityTaskStarted') {
      started.set(Number(e.activityTaskStartedEventAttributes.scheduledEventId?.toString()), ms(e.eventTime));
    } else if (kind === 'activityTaskCompleted') {
      const sid = Number(e.activityTaskCompletedEventAttributes.scheduledEventId?.toString());
      const s = scheduled.get(sid);
      const st = started.get(sid);
      if (s && st) activities.push({ type: s.type, queueMs: st - s.at, runMs: ms(e.eventTime) - st });
    } else if (kind === 'workflowTaskScheduled') {
      if (scheduledTasks++ > 0 && e.workflowTaskScheduledEventAttributes.taskQueue?.kind !== 2) {
        workflowTasks.normalQueueAfterFirst++; // TASK_QUEUE_KIND_STICKY is 2
      }
    } else if (kind === 'workflowTaskStarted') {
      wtStarted = ms(e.eventTime);
      const identity = e.workflowTaskStartedEventAttributes.identity;
      if (lastIdentity !== null && identity !== lastIdentity) workflowTasks.workerSwitches++;
      lastIdentity = identity;
    } else if (kind === 'workflowTaskCompleted' && wtStarted !== null) {
      workflowTasks.count++;
      workflowTasks.runMs += ms(e.eventTime) - wtStarted;
      wtStarted = null;
    }
  }
  return { length: (history.events ?? []).length, events, activities, workflowTasks };
}
