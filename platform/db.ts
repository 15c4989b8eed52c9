import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient, Prisma } from '../prisma/generated/client';
import type { Config } from './config';

export type Db = PrismaClient;

/**
 * Interactive transactions (every activity's write): Prisma's defaults, 2 s to get a pooled
 * connection and 5 s to finish, fail whole transactions in a burst or on a busy machine, and
 * each failure is retried from the start by its activity, adding to the load that caused it.
 * An activity's own limit is Temporal's start-to-close timeout (30 s) anyway.
 */
const TRANSACTIONS = { maxWait: 10_000, timeout: 20_000 };
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Prisma.TransactionClient;

/** The embedded database directory cannot be opened; the message says what to do. */
export class EmbeddedDbError extends Error {
  override readonly name = 'EmbeddedDbError';
}

export interface DbHandle {
  db: Db;
  kind: 'postgresql' | 'embedded';
  close(): Promise<void>;
}

/**
 * Opens the database: PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set,
 * otherwise the embedded PGlite directory (one process only: see docs/adr/0001-topology.md).
 */
export async function openDb(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>): Promise<DbHandle> {
  if (config.DATABASE_URL) {
    // JIT compilation costs 40+ ms on every plan above jit_above_cost (the risk reports) and
    // never pays back on these short index scans (docs/performance.md), so sessions turn it off.
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL, options: '-c jit=off' });
    // An idle connection the server closed (a restart, a failover, a dropped test database)
    // is discarded by the pool and the next query opens a new one; unheard, the pool's
    // 'error' event would end the process.
    pool.on('error', () => undefined);
    const adapter = new PrismaPg(pool);
    const db = new PrismaClient({ adapter, transactionOptions: TRANSACTIONS });
    hotPools.set(db, pool);
    return {
      db,
      kind: 'postgresql',
      async close() {
        await db.$disconnect();
        if (!pool.ended) await pool.end();
      },
    };
  }
  const dir = path.resolve(config.DATA_DIR, 'pg');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const pglite = new PGlite(dir);
  try {
    await pglite.waitReady;
  } catch (err) {
    throw new EmbeddedDbError(
      `The embedded database in ${dir} could not be opened (${(err as Error).message}). ` +
        `If a forced stop damaged it, move it aside (mv ${dir} ${dir}.broken) and start again; demo data is re-seeded.`,
    );
  }
  // pglite-prisma-adapter 0.6 is typed against an older driver-adapter-utils; the wire
  // protocol is the same (verified end to end with Prisma 6.19, see docs/adr/0002-prisma.md).
  const adapter = new PrismaPGlite(pglite) as unknown as PrismaPg;
  const db = new PrismaClient({ adapter, transactionOptions: TRANSACTIONS });
  return {
    db,
    kind: 'embedded',
    async close() {
      await db.$disconnect();
      await pglite.close();
    },
  };
}

/** The pool under each PostgreSQL client, for hotQuery. */
const hotPools = new WeakMap<Db, pg.Pool>();
const statementNames = new Map<string, string>();

/**
 * A read on every request's path (who the actor is, what a timeline shows) as one prepared
 * statement on the client's own pool: parsed once per connection, then only its values travel,
 * and no query plan is compiled per call as Prisma's client does for raw SQL too (a third of
 * the API's busy CPU on the timeline route, docs/adr/0015-hot-sql-path.md). Same SQL, same connections and
 * the same answers as `db.$queryRaw`, which the embedded database still uses. Columns come
 * back as node-postgres parses them: select text, arrays, booleans, numbers or JSON, and
 * pass times in as ISO text cast in SQL.
 */
export async function hotQuery<T>(db: Db, sql: Prisma.Sql): Promise<T[]> {
  const pool = hotPools.get(db);
  if (!pool) return db.$queryRaw<T[]>(sql);
  try {
    return (await pool.query(prepared(sql))).rows as T[];
  } catch (err) {
    throw unreachable(err);
  }
}

/**
 * PostgreSQL could not be reached or its connection broke (refused, reset, timed out): the
 * request was not carried out. The API answers 503 for it, as for Prisma's own errors of the
 * kind (api/errors.ts); errors PostgreSQL itself reported keep their SQLSTATE.
 */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  constructor(cause: Error) {
    super(`Can't reach database server: ${cause.message}`, { cause });
  }
}

const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function unreachable(err: unknown): unknown {
  // Duck-typed: node's socket errors need not share this module's Error (a test's VM context).
  const e = err as { code?: unknown; message?: unknown } | null;
  return typeof e?.code === 'string' && SOCKET_ERRORS.has(e.code) && typeof e.message === 'string'
    ? new DatabaseUnreachableError(err as Error)
    : err;
}

/** A named statement per distinct SQL text: node-postgres parses it once per connection. */
function prepared(sql: Prisma.Sql): pg.QueryConfig {
  let name = statementNames.get(sql.text);
  if (!name) {
    name = `hot_${createHash('sha1').update(sql.text).digest('hex').slice(0, 20)}`;
    if (statementNames.size < 1000) statementNames.set(sql.text, name);
  }
  return { name, text: sql.text, values: sql.values };
}

/**
 * What a transaction of raw SQL needs: Prisma's transaction client has it, and so has
 * hotTransaction's. Write code that only takes this can run in either.
 */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
}

const toSql = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql =>
  query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);

/**
 * A transaction of raw SQL on a hot path (a batch of comments): BEGIN, the statements as
 * prepared statements on one pooled connection, COMMIT — or ROLLBACK on any error, which is
 * rethrown with PostgreSQL's own code (23505, 40P01) for the caller's retry. Within the same
 * 20 s as every interactive transaction here (statement_timeout, set for this transaction
 * only). The embedded database runs `fn` in a Prisma transaction instead.
 */
export async function hotTransaction<T>(db: Db, fn: (tx: RawSql) => Promise<T>): Promise<T> {
  const pool = hotPools.get(db);
  if (!pool) return db.$transaction((tx) => fn(tx));
  let broken: Error | undefined;
  const client = await pool.connect().catch((err: unknown) => {
    throw unreachable(err);
  });
  // A connection that breaks between two statements is reported to the statement that
  // waits on it (below); unheard, its 'error' event would end the process.
  const onBroken = (err: Error) => (broken = err);
  client.on('error', onBroken);
  try {
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${TRANSACTIONS.timeout}`);
    const tx: RawSql = {
      async $queryRaw<R>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
        return (await client.query(prepared(toSql(query, values)))).rows as R;
      },
      async $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
        return (await client.query(prepared(toSql(query, values)))).rowCount ?? 0;
      },
    };
    const result = await fn(tx);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
    throw unreachable(err);
  } finally {
    client.off('error', onBroken);
    // A connection that broke or could not even roll back is closed, not returned to the pool.
    client.release(broken);
  }
}
