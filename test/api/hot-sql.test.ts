/**
 * The hot SQL path (docs/adr/0015-hot-sql-path.md) against real PostgreSQL: the same rows as
 * Prisma for the same statement, a transaction that commits whole or not at all, and
 * PostgreSQL's error codes for the callers' retries.
 */
import { randomUUID } from 'node:crypto';
import { freePort, freshDatabase } from '../support/env';
import { DatabaseUnreachableError, hotQuery, hotTransaction, openDb } from '../../platform/db';
import { unavailableComponent } from '../../api/errors';
import { Prisma } from '../../prisma/generated/client';
import { isUniqueViolation } from '../../activities/timeline';

let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
  db = await freshDatabase();
  await db.handle.db.$executeRawUnsafe('CREATE TABLE hot_probe (key text PRIMARY KEY, n int NOT NULL)');
});

afterAll(async () => {
  await db?.drop();
});

const count = async (key: string) =>
  (await db.handle.db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM hot_probe WHERE key = ${key}`)[0]!
    .n;

describe('hot SQL path', () => {
  it('answers a statement as Prisma does, again and again on the same prepared statement', async () => {
    const at = '2026-11-23T10:15:00.000Z';
    const statement = (id: string) => Prisma.sql`
      SELECT ${id}::uuid::text AS id, ARRAY['a', ${id}]::text[] AS tags, (${at}::timestamptz > now()) AS future,
             7::int AS n, jsonb_build_object('k', ${id}::text)::text AS doc,
             to_char(${at}::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt"`;
    for (let i = 0; i < 3; i++) {
      const id = randomUUID();
      const hot = await hotQuery<{ doc: string }>(db.handle.db, statement(id));
      expect(hot).toEqual(await db.handle.db.$queryRaw(statement(id)));
      expect(hot).toEqual([{ id, tags: ['a', id], future: false, n: 7, doc: expect.any(String), occurredAt: at }]);
      expect(JSON.parse(hot[0]!.doc)).toEqual({ k: id });
    }
  });

  it('commits a transaction whole, with its answers', async () => {
    const key = randomUUID();
    const inserted = await hotTransaction(db.handle.db, async (tx) => {
      const n = await tx.$executeRaw`INSERT INTO hot_probe (key, n) VALUES (${key}, 1), (${`${key}:2`}, 2)`;
      const [row] = await tx.$queryRaw<Array<{ total: number }>>`
        SELECT sum(n)::int AS total FROM hot_probe WHERE key LIKE ${`${key}%`}`;
      return { n, total: row!.total };
    });
    expect(inserted).toEqual({ n: 2, total: 3 });
    expect(await count(key)).toBe(1);
  });

  it('writes nothing when the transaction fails, and passes on PostgreSQL’s error code', async () => {
    const key = randomUUID();
    await db.handle.db.$executeRaw`INSERT INTO hot_probe (key, n) VALUES (${key}, 1)`;
    const fresh = randomUUID();
    const failed = hotTransaction(db.handle.db, async (tx) => {
      await tx.$executeRaw`INSERT INTO hot_probe (key, n) VALUES (${fresh}, 1)`;
      await tx.$executeRaw`INSERT INTO hot_probe (key, n) VALUES (${key}, 2)`;
    });
    const err = await failed.catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(await count(fresh)).toBe(0);
    // A failure of the caller's own code rolls back as well, and the pool stays usable.
    const thrown = hotTransaction(db.handle.db, async (tx) => {
      await tx.$executeRaw`INSERT INTO hot_probe (key, n) VALUES (${fresh}, 1)`;
      throw new Error('refused after writing');
    });
    await expect(thrown).rejects.toThrow('refused after writing');
    expect(await count(fresh)).toBe(0);
    const results = await Promise.all(
      Array.from({ length: 30 }, () => hotQuery<{ one: number }>(db.handle.db, Prisma.sql`SELECT 1::int AS one`)),
    );
    expect(results.flat()).toEqual(Array.from({ length: 30 }, () => ({ one: 1 })));
  });

  it('reports a database it cannot reach as unreachable, which the API answers with 503', async () => {
    const nowhere = await openDb({
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/none`,
      DATA_DIR: '',
    });
    try {
      const read = await hotQuery(nowhere.db, Prisma.sql`SELECT 1`).catch((e: unknown) => e);
      const write = await hotTransaction(nowhere.db, (tx) => tx.$executeRaw`SELECT 1`).catch((e: unknown) => e);
      for (const err of [read, write]) {
        expect(err).toBeInstanceOf(DatabaseUnreachableError);
        expect(unavailableComponent(err)).toBe('database');
      }
    } finally {
      await nowhere.close();
    }
  });
});
