/**
 * What the fault-tolerance scenarios share: components a scenario owns and breaks (its own
 * Temporal dev server, its own PostgreSQL cluster), the platform's processes from dist/, a
 * real SMTP server that records every delivery, a client that retries a command with the same
 * Idempotency-Key until it is answered, and the exactly-once checks on the stored results.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { SMTPServer } from 'smtp-server';
import { ApiError, CaseParties, type CaseApi } from '../../api/client';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import type { Db } from '../../platform/db';
import type { ProjectCommandBody, ProjectView } from '../../workflows/permit-project/messages';
import { projectWorkflowId } from '../../workflows/permit-project/messages';
import type { SectionCommandBody, SectionView } from '../../workflows/permit-section/messages';
import { sectionWorkflowId } from '../../workflows/permit-section/messages';
import type { SectionStep } from '../../domain/permit-section';
import { freePort, until } from '../support/env';
import { decideThroughApi, submitThroughApi } from '../support/http-cases';
import { hearingCommand } from '../support/cases';

export const root = path.resolve(__dirname, '..', '..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A folder for one scenario's logs and data. */
export function scratchDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `permits-faults-${name}-`));
}

/** Removes a scenario's folder, unless KEEP_FAULT_LOGS is set (then says where it is). */
export function removeScratch(dir: string): void {
  if (process.env.KEEP_FAULT_LOGS) process.stderr.write(`fault scenario logs kept in ${dir}\n`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

const started = Date.now();
/** With FAULTS_TRACE set, notes on stderr how far a scenario has come (to see where time goes). */
export function trace(what: string): void {
  if (process.env.FAULTS_TRACE)
    process.stderr.write(`[faults +${((Date.now() - started) / 1000).toFixed(1)}s] ${what}\n`);
}

/** Runs an export of one of the plain-Node set-up libraries (scripts/lib/*.mjs) in a child Node. */
function runLib(lib: string, code: string): string {
  const url = pathToFileURL(path.join(root, 'scripts', 'lib', lib)).href;
  return execFileSync(process.execPath, ['--input-type=module', '-e', `import * as lib from '${url}';\n${code}`], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

// ---------------------------------------------------------------------------------------------
// Temporal: a dev server of the scenario's own, its state in a SQLite file so that a restart on
// the same port finds every workflow, timer and pending activity where it was.

export class TemporalServer {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(dir: string): Promise<TemporalServer> {
    const server = new TemporalServer(await freePort(), dir);
    await server.start();
    return server;
  }

  /** Starts the server (again) on its port with its database file; resolves once it answers. */
  async start(): Promise<void> {
    const bin = process.env.TEMPORAL_BIN || runLib('tools.mjs', 'process.stdout.write(lib.ensureTemporalCli())');
    const log = fs.openSync(path.join(this.dir, 'temporal.log'), 'a');
    // The same arguments as scripts/lib/tools.mjs startTemporal (which a Jest test cannot import).
    this.child = spawn(
      bin,
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--db-filename',
        path.join(this.dir, 'temporal.db'),
        '--log-level',
        'error',
        '--headless',
      ],
      { stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    await until(
      `Temporal on ${this.address}`,
      async () => {
        const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 }).catch(() => null);
        if (!connection) return false;
        try {
          await connection.workflowService.describeNamespace({ namespace: 'default' });
          return true;
        } catch {
          return false;
        } finally {
          await connection.close();
        }
      },
      60_000,
    );
  }

  /** Stops the server: SIGKILL is a crash, SIGTERM an orderly stop. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a throwaway cluster of the scenario's own (scripts/lib/postgres.mjs), migrated and
// seeded, that the scenario stops and starts under the running platform.

export class PostgresServer {
  private constructor(
    readonly url: string,
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PostgresServer> {
    const port = await freePort();
    const started = JSON.parse(
      runLib('postgres.mjs', `const c = lib.startPostgres(${port}); process.stdout.write(JSON.stringify(c));`),
    ) as { url: string; dataDir: string };
    const server = new PostgresServer(started.url, started.dataDir, port);
    const env = { ...process.env, DATABASE_URL: server.url };
    execFileSync(process.execPath, [path.join(root, 'scripts', 'prisma.mjs'), 'migrate', 'deploy'], {
      cwd: root,
      env,
      stdio: 'ignore',
    });
    execFileSync(process.execPath, [path.join(root, 'dist', 'prisma', 'seed.js')], { cwd: root, env, stdio: 'ignore' });
    return server;
  }

  private control(call: string): void {
    runLib('postgres.mjs', `lib.postgresCluster(${JSON.stringify(this.dataDir)}, ${this.port}).${call};`);
  }

  /** Stops the server, keeping its data: 'immediate' is a crash (no checkpoint, recovery at start). */
  stopOnly(mode: 'fast' | 'immediate' = 'immediate'): void {
    this.control(`stopOnly(${JSON.stringify(mode)})`);
  }

  start(): void {
    this.control('start()');
  }

  /** Stops the server and deletes the cluster. */
  destroy(): void {
    try {
      this.control('stop()');
    } catch {
      // Already stopped: the data directory is removed below.
      fs.rmSync(path.dirname(this.dataDir), { recursive: true, force: true });
    }
  }
}

/** A test's own connection that holds a row lock: an activity that writes the row waits, mid-transaction. */
export class RowLock {
  private constructor(private readonly client: PgClient) {}

  /** Locks the project's read-model row (every project and section activity updates it). */
  static async onProject(url: string, projectId: string): Promise<RowLock> {
    const client = new PgClient({ connectionString: url });
    client.on('error', () => undefined); // the server may go away under it: that is the point
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT id FROM "PermitProject" WHERE id = $1 FOR UPDATE', [projectId]);
    return new RowLock(client);
  }

  /** Resolves once another session waits for this lock: an activity is inside its transaction now. */
  async waitForWaiter(timeoutMs = 60_000): Promise<void> {
    await until(
      'an activity waiting on the locked row',
      async () => {
        const { rows } = await this.client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))`,
        );
        return rows[0]!.n > 0;
      },
      timeoutMs,
    );
  }

  async release(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// The platform's processes, exactly as production runs them (dist/platform/main.js).

export interface PlatformSettings {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  /** The API's port (also the public URL the workers put in e-mails). */
  port: number;
  logDir: string;
  smtpUrl?: string;
  env?: Record<string, string>;
}

export class Platform {
  readonly running = new Set<ChildProcess>();
  private count = 0;

  constructor(readonly settings: PlatformSettings) {}

  get base(): string {
    return `http://127.0.0.1:${this.settings.port}`;
  }

  /** Starts an API or worker process; resolves once it reports ready. */
  start(role: 'api' | 'worker'): Promise<ChildProcess> {
    const s = this.settings;
    const name = `${role}-${++this.count}`;
    const log = fs.openSync(path.join(s.logDir, `${name}.log`), 'a');
    const child = spawn(process.execPath, [path.join(root, 'dist', 'platform', 'main.js')], {
      cwd: root,
      env: {
        ...process.env,
        ROLE: role,
        SERVICE_NAME: name,
        PORT: String(role === 'api' ? s.port : 0),
        PUBLIC_URL: this.base,
        DATABASE_URL: s.databaseUrl,
        DATA_DIR: s.logDir,
        SESSION_SECRET: 'faults-session-secret-of-at-least-32-chars',
        TEMPORAL_ADDRESS: s.temporalAddress,
        TEMPORAL_TASK_QUEUE: s.taskQueue,
        LOG_LEVEL: 'warn',
        UI_DIST: '',
        APPEAL_PERIOD_SECONDS: '1',
        NOTICE_MIN_DAYS: '0',
        ALERT_INTERVAL_SECONDS: '1',
        // Every client here shares one address; the public-write budget is not what is tested.
        RATE_LIMIT_PUBLIC_WRITES_PER_MINUTE: '100000',
        ...(s.smtpUrl ? { SMTP_URL: s.smtpUrl, MAIL_FROM: 'Lupapalvelu <no-reply@faults.example>' } : {}),
        ...s.env,
      },
      stdio: ['ignore', log, log, 'ipc'],
    });
    fs.closeSync(log);
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve(child));
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code} (log: ${s.logDir}/${name}.log)`)));
    });
  }

  /** kill -9: no shutdown hook runs, in-flight activities and requests are cut off where they are. */
  async kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((c) => this.kill(c)));
  }
}

// ---------------------------------------------------------------------------------------------
// E-mail: a real SMTP server that records every message delivered to it.

export interface Delivery {
  to: string;
  messageId: string;
  subject: string;
}

export interface MailCatcher {
  url: string;
  /** Messages the server accepted (answered 250 to a sender that was still there to hear it). */
  deliveries: Delivery[];
  /** Holds every message from now on before accepting it; resolves once one is held mid-delivery. */
  stall(): Promise<void>;
  /** Refuses the held messages with a temporary failure (their senders died waiting) and stops holding. */
  drop(): void;
  close(): Promise<void>;
}

export async function startMailCatcher(): Promise<MailCatcher> {
  const deliveries: Delivery[] = [];
  const closed = new Set<string>();
  let held: Array<{ accept(): void; refuse(): void }> | null = null;
  let onHeld: (() => void) | null = null;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onClose(session) {
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(raw)?.[1]?.trim() ?? '';
        const accept = () => {
          if (closed.has(session.id)) return; // the sender died waiting: not delivered
          for (const r of session.envelope.rcptTo) {
            deliveries.push({ to: r.address, messageId: header('Message-ID'), subject: header('Subject') });
          }
          callback();
        };
        const refuse = () => callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        if (held) {
          held.push({ accept, refuse });
          onHeld?.();
        } else accept();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  return {
    url: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    deliveries,
    stall() {
      held = [];
      return new Promise<void>((resolve) => (onHeld = resolve));
    },
    drop() {
      const waiting = held ?? [];
      held = null;
      onHeld = null;
      waiting.forEach((m) => m.refuse());
    },
    close: () => new Promise<void>((r) => smtp.close(() => r())),
  };
}

// ---------------------------------------------------------------------------------------------
// Clients that keep trying: a network error, a 5xx (503 while a component is down) or a 429 is
// answered by sending the same request again with the same Idempotency-Key.

/** What the clients saw on the way: every failed attempt, by status (0: no answer at all). */
export class Outcomes {
  readonly failures: Array<{ what: string; status: number; body: unknown }> = [];

  statuses(): number[] {
    return [...new Set(this.failures.map((f) => f.status))].sort();
  }

  /** Failed attempts that were not a clean refusal: a 500, or a 5xx without problem+json. */
  unclean() {
    return this.failures.filter(
      (f) =>
        f.status === 500 ||
        (f.status >= 500 && !(typeof f.body === 'object' && f.body && 'title' in f.body && 'status' in f.body)),
    );
  }
}

export const retryable = (err: unknown) =>
  !(err instanceof ApiError) || err.status >= 500 || err.status === 429 || err.status === 408;

/** Calls `attempt` until it does not fail retryably; the caller keeps the idempotency key fixed. */
export async function retrying<T>(
  outcomes: Outcomes,
  what: string,
  attempt: () => Promise<T>,
  timeoutMs = 150_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!retryable(err) || Date.now() > end) throw err;
      outcomes.failures.push({
        what,
        status: err instanceof ApiError ? err.status : 0,
        body: err instanceof ApiError ? err.body : String(err),
      });
      await sleep(Math.min(100 * 2 ** i, 1000));
    }
  }
}

export interface Accepted {
  projectId: string;
  /** null: a project command. */
  permitType: string | null;
  action: string;
  key: string;
}

/**
 * Every party of the cases (CaseParties), each command sent with one key and retried with it
 * until answered; what was accepted is written down for the exactly-once checks.
 */
export class ResilientCases implements CaseApi {
  readonly parties: CaseParties;
  readonly accepted: Accepted[] = [];

  constructor(
    readonly base: string,
    readonly outcomes = new Outcomes(),
  ) {
    this.parties = new CaseParties(base, DEMO_USERS.organiser, AUTHORITY_USERS);
  }

  /** Signs every party in while everything is up (a failed sign-in would stay cached). */
  async signIn(): Promise<void> {
    await this.parties.customer();
    for (const code of Object.keys(AUTHORITY_USERS)) await this.parties.authority(code);
  }

  async createProject(title: string): Promise<string> {
    const { id } = await this.parties.createProject({ organisationId: DEMO.festivalOrgId, title });
    return id;
  }

  async command(projectId: string, body: ProjectCommandBody, key: string = randomUUID()): Promise<ProjectView> {
    const view = await retrying(this.outcomes, `${body.action} on ${projectId}`, () =>
      this.parties.command(projectId, body, key),
    );
    this.accepted.push({ projectId, permitType: null, action: body.action, key });
    return view;
  }

  async sectionCommand(
    projectId: string,
    permitType: string,
    body: SectionCommandBody,
    key: string = randomUUID(),
  ): Promise<SectionView> {
    const view = await retrying(this.outcomes, `${body.action} on ${projectId}/${permitType}`, () =>
      this.parties.sectionCommand(projectId, permitType, body, key),
    );
    this.accepted.push({ projectId, permitType, action: body.action, key });
    return view;
  }

  section(projectId: string, permitType: string): Promise<SectionView> {
    return retrying(this.outcomes, `read ${projectId}/${permitType}`, () =>
      this.parties.section(projectId, permitType),
    );
  }

  async waitForSection(projectId: string, permitType: string, step: SectionStep, timeoutMs = 120_000) {
    await this.authorityCodeOf(projectId, permitType); // read once, retried; cached for the polls
    return this.parties.waitForSection(projectId, permitType, step, timeoutMs);
  }

  authorityCodeOf(projectId: string, permitType: string): Promise<string> {
    return retrying(this.outcomes, `authority of ${permitType}`, () =>
      this.parties.authorityCodeOf(projectId, permitType),
    );
  }
}

export interface CommentBody {
  kind: 'opinion' | 'objection';
  authorName: string;
  anonymous: boolean;
  text: string;
}

/** POST /api/notices/:id/comments as anyone on the internet would (no session). */
export function postComment(base: string, noticeId: string, body: unknown, key?: string): Promise<Response> {
  return fetch(`${base}/api/notices/${noticeId}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
}

/**
 * A third party's comment, retried with its key until the platform answers: the comment's id
 * (201), or null when it was refused because the notice period had closed in the meantime (409).
 */
export async function comment(
  cases: ResilientCases,
  projectId: string,
  noticeId: string,
  body: CommentBody,
  key: string = randomUUID(),
): Promise<string | null> {
  const created = await retrying(cases.outcomes, `comment on ${noticeId}`, async () => {
    const res = await postComment(cases.base, noticeId, body, key);
    const parsed = (await res.json()) as { id: string; title?: string };
    if (res.status === 409 && parsed.title?.startsWith('The notice period is closed')) return null;
    if (res.status !== 201) throw new ApiError(res.status, parsed);
    return parsed.id;
  });
  if (created) cases.accepted.push({ projectId, permitType: 'noise', action: 'comment', key });
  return created;
}

/**
 * Starts a public hearing. A start that was never carried out and is retried past its own
 * closing time is refused, naming why (400 on closesAt from the API, or 409 from the workflow
 * when it waited behind a fault); the clerk then sets a new period, as in the UI, under a new key.
 */
export async function startHearing(cases: ResilientCases, id: string, permitType: string, noticeMs: number) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await cases.sectionCommand(id, permitType, hearingCommand(noticeMs));
    } catch (err) {
      const body = err instanceof ApiError ? JSON.stringify(err.body) : '';
      const late =
        err instanceof ApiError &&
        ((err.status === 409 && body.includes('must end in the future')) ||
          (err.status === 400 && body.includes('"path":"closesAt"')));
      if (!late || attempt >= 5) throw err;
    }
  }
}

/**
 * One festival from advice to every permit final, as its parties would drive it: submission,
 * an information request answered, a public hearing with comments, and each permit decided.
 */
export async function festival(cases: ResilientCases, id: string, options: { comments?: number } = {}) {
  const submitted = await submitThroughApi(cases, id, FESTIVAL);
  const police = await cases.authorityCodeOf(id, 'public-event');
  const asked = await cases.sectionCommand(id, 'public-event', {
    action: 'requestInfo',
    authorityCode: police,
    question: 'How many guards?',
  });
  await cases.sectionCommand(id, 'public-event', {
    action: 'answerInfo',
    requestId: asked.openInfoRequests[0]!,
    answer: 'Twelve guards.',
  });
  await startHearing(cases, id, 'noise', 6000);
  const project = await retrying(cases.outcomes, `read ${id}`, async () =>
    (await cases.parties.customer()).request<{ notices: Array<{ id: string }> }>('GET', `/api/projects/${id}`),
  );
  const noticeId = project.notices[0]!.id;
  await Promise.all(
    Array.from({ length: options.comments ?? 3 }, (_, i) =>
      comment(cases, id, noticeId, {
        kind: i % 2 ? 'objection' : 'opinion',
        authorName: `Neighbour ${i}`,
        anonymous: i === 0,
        text: `Comment ${i} on the noise.`,
      }),
    ),
  );
  await Promise.all(submitted.permits.map((p) => decideThroughApi(cases, id, p.permitType)));
}

/** Answers that need three permits: public-event (police), noise with a hearing (city), rescue-plan. */
export const FESTIVAL = { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true } as const;

/** A burst: `count` festivals driven by their parties at once, from advice to every permit final. */
export async function startBurst(cases: ResilientCases, db: Db, title: string, count: number) {
  const ids = await Promise.all(Array.from({ length: count }, (_, n) => cases.createProject(`${title} ${n + 1}`)));
  const done = Promise.all(ids.map((id) => festival(cases, id)));
  done.catch(() => undefined); // awaited in finished(); a failure meanwhile is not unhandled
  return {
    ids,
    /** Resolves when every case has been driven to its end and completed; rethrows the first failure. */
    async finished() {
      await done;
      await waitForProjects(db, ids, 'completed');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The checks after a fault: nothing lost, nothing twice.

export async function waitForProjects(db: Db, ids: string[], step: string, timeoutMs = 120_000): Promise<void> {
  await until(
    `${ids.length} projects in step ${step}`,
    async () => (await db.permitProject.count({ where: { id: { in: ids }, step } })) === ids.length,
    timeoutMs,
  );
}

/** Audit entries of the archive (F22): the archive's own, not a command's timeline event. */
const ARCHIVE_ACTIONS = ['archiveProject', 'disposeArchivedRecords'];

/**
 * Every accepted command has exactly one timeline event (its key is the workflow id and the
 * client's key); every transition of each permit follows the one before it (none lost, none
 * repeated) from processing to final; each event has exactly one audit entry; read-model rows
 * made by commands exist once per command; a closed project is archived once; every decided
 * permit has exactly one invoice.
 */
export async function expectExactlyOnce(db: Db, accepted: Accepted[], projectIds: string[]): Promise<void> {
  const keyOf = (a: Accepted) =>
    `${a.permitType === null ? projectWorkflowId(a.projectId) : sectionWorkflowId(a.projectId, a.permitType)}:${a.key}`;
  const events = await db.timelineEvent.findMany({
    where: { projectId: { in: projectIds } },
    orderBy: { id: 'asc' },
  });
  const byKey = new Map<string, number>();
  for (const e of events) byKey.set(e.idempotencyKey, (byKey.get(e.idempotencyKey) ?? 0) + 1);
  const missing = accepted.filter((a) => byKey.get(keyOf(a)) !== 1);
  expect(missing).toEqual([]);

  // The permit transitions, in commit order: each starts where the previous one ended.
  const permits = await db.permit.findMany({ where: { projectId: { in: projectIds } } });
  for (const permit of permits) {
    const section = `${sectionWorkflowId(permit.projectId, permit.permitType)}:`;
    const chain = events
      .filter((e) => e.idempotencyKey.startsWith(section))
      .map((e) => ({ type: e.type, ...(e.payload as { from?: string; to?: string }) }))
      .filter((e) => e.from !== undefined && e.to !== undefined);
    expect(chain[0]?.from).toBe('processing');
    for (let i = 1; i < chain.length; i++) {
      expect({ permit: permit.permitType, event: chain[i]!.type, from: chain[i]!.from }).toEqual({
        permit: permit.permitType,
        event: chain[i]!.type,
        from: chain[i - 1]!.to,
      });
    }
    expect(chain.at(-1)?.to).toBe(permit.step);
    const types = chain.map((e) => e.type);
    if (permit.step === 'final') {
      for (const once of ['decide', 'served', 'final']) expect(types.filter((t) => t === once)).toHaveLength(1);
    }
  }

  // One audit entry per timeline event (written in the same transaction; no constraint would stop a second).
  const audits = await db.auditEntry.groupBy({
    by: ['action'],
    where: {
      OR: projectIds.flatMap((id) => [{ entityId: id }, { entityId: { startsWith: `${id}/` } }]),
      action: { notIn: ['createProject', ...ARCHIVE_ACTIONS] },
    },
    _count: { _all: true },
  });
  const eventCounts = new Map<string, number>();
  for (const e of events) eventCounts.set(e.type, (eventCounts.get(e.type) ?? 0) + 1);
  expect(Object.fromEntries(audits.map((a) => [a.action, a._count._all]))).toEqual(Object.fromEntries(eventCounts));

  // A closed project is archived once (its package written by an activity that may be retried).
  // Both read in one snapshot: an archive still being written may commit between two reads.
  const [archived, packages] = await db.$transaction(
    async (tx) => {
      const audited = await tx.auditEntry.groupBy({
        by: ['entityId'],
        where: { action: 'archiveProject', entityId: { in: projectIds } },
        _count: { _all: true },
      });
      return [audited, await tx.archivePackage.count({ where: { projectId: { in: projectIds } } })] as const;
    },
    { isolationLevel: 'RepeatableRead' },
  );
  expect(archived.filter((a) => a._count._all !== 1)).toEqual([]);
  expect(packages).toBe(archived.length);

  // Invoices (F20): every decided permit has one, and no permit two, whatever crashed meanwhile.
  const decided = permits.filter((p) => p.decision !== null).map((p) => `${p.projectId}/${p.permitType}`);
  const invoiced = async () =>
    (
      await db.invoice.groupBy({
        by: ['projectId', 'permitType'],
        where: { projectId: { in: projectIds }, kind: 'permit' },
        _count: { _all: true },
      })
    ).map((i) => ({ permit: `${i.projectId}/${i.permitType}`, count: i._count._all }));
  await until('an invoice for every decided permit', async () => {
    const permitsInvoiced = new Set((await invoiced()).map((i) => i.permit));
    return decided.every((p) => permitsInvoiced.has(p));
  });
  expect((await invoiced()).filter((i) => i.count !== 1)).toEqual([]);

  // Read-model rows a command creates: one per accepted command.
  const count = (action: string) => accepted.filter((a) => a.action === action).length;
  expect(await db.infoRequest.count({ where: { projectId: { in: projectIds } } })).toBe(count('requestInfo'));
  expect(await db.notice.count({ where: { projectId: { in: projectIds } } })).toBe(count('startHearing'));
  expect(await db.comment.count({ where: { notice: { projectId: { in: projectIds } } } })).toBe(
    count('comment') + count('reply'),
  );
  expect(await db.supervisionStart.count({ where: { projectId: { in: projectIds } } })).toBe(
    permits.filter((p) => p.step === 'final' && p.decision !== 'rejected').length,
  );
}

/**
 * E-mails: once every alert has been delivered or is held by a claim of a sender that was
 * killed, no recipient got the same alert mail twice, every mail is an alert's, and every
 * alert marked sent was delivered. (Invoices are checked with the other rows made once, in
 * expectExactlyOnce.)
 */
export async function expectMailsOnce(db: Db, deliveries: Delivery[], timeoutMs = 60_000): Promise<void> {
  await until(
    'every notification fanned out and every pending alert e-mail sent',
    async () =>
      (await db.notification.count({ where: { sentAt: null } })) === 0 &&
      (await db.alert.count({ where: { emailState: 'pending' } })) === 0,
    timeoutMs,
  );
  const seen = new Map<string, number>();
  for (const d of deliveries) seen.set(`${d.to} ${d.messageId}`, (seen.get(`${d.to} ${d.messageId}`) ?? 0) + 1);
  expect([...seen].filter(([, n]) => n > 1)).toEqual([]);

  const alerts = await db.alert.findMany({ where: { emailState: { in: ['sent', 'sending'] } } });
  const users = new Map((await db.user.findMany()).map((u) => [u.id, u.email]));
  const expected = new Map(alerts.map((a) => [`<alert-${a.id}@127.0.0.1>`, a]));
  for (const d of deliveries) {
    const alert = expected.get(d.messageId);
    expect({ messageId: d.messageId, to: alert ? users.get(alert.userId) : 'no such alert' }).toEqual({
      messageId: d.messageId,
      to: d.to,
    });
  }
  const delivered = new Set(deliveries.map((d) => d.messageId));
  const sentButMissing = alerts.filter((a) => a.emailState === 'sent' && !delivered.has(`<alert-${a.id}@127.0.0.1>`));
  expect(sentButMissing).toEqual([]);
}

/**
 * Activities of a case's workflows that the server timed out and ran again: the trace of an
 * activity whose worker died while it ran (no heartbeat: its start-to-close timeout fires).
 */
export async function retriedActivities(address: string, projectId: string, permitTypes: string[]): Promise<number> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    let retried = 0;
    for (const workflowId of [
      projectWorkflowId(projectId),
      ...permitTypes.map((p) => sectionWorkflowId(projectId, p)),
    ]) {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      retried += (history.events ?? []).filter(
        (e) => e.activityTaskTimedOutEventAttributes || (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
      ).length;
    }
    return retried;
  } finally {
    await connection.close();
  }
}

/** Terminates what a scenario left running on the suite's shared Temporal server (its task queue's workflows). */
export async function endWorkflows(address: string, taskQueue: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const running = client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` });
    for await (const wf of running) {
      await client.workflow
        .getHandle(wf.workflowId, wf.runId)
        .terminate('fault scenario over')
        .catch(() => undefined);
    }
  } finally {
    await connection.close();
  }
}

/**
 * Every workflow history of a task queue replays against the workflow code without a
 * determinism violation: what a worker decided live after a fault is what any other worker
 * decides when it takes the case over (or answers a query on it) from its history.
 */
export async function expectReplayable(address: string, taskQueue: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const histories = client.workflow.list({ query: `TaskQueue = '${taskQueue}'` }).intoHistories();
    const failures: Array<{ workflowId: string; error: string }> = [];
    let replayed = 0;
    const options = { workflowsPath: require.resolve('../../workflows'), replayName: 'faults' };
    for await (const result of Worker.runReplayHistories(options, histories)) {
      replayed++;
      if (result.error) failures.push({ workflowId: result.workflowId, error: result.error.message });
    }
    expect(failures).toEqual([]);
    expect(replayed).toBeGreaterThan(0);
  } finally {
    await connection.close();
  }
}

/** problem+json of a refusal: its status, title and code, never a stack. */
export async function problemOf(res: Response): Promise<{ status: number; type: string | null; body: unknown }> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the assertion shows the text
  }
  return { status: res.status, type: res.headers.get('content-type'), body };
}
