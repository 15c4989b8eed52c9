import fs from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient, type Prisma } from '../prisma/generated/client';
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
    const adapter = new PrismaPg({ connectionString: config.DATABASE_URL, options: '-c jit=off' });
    const db = new PrismaClient({ adapter, transactionOptions: TRANSACTIONS });
    return { db, kind: 'postgresql', close: () => db.$disconnect() };
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
