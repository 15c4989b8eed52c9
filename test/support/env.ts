import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { openDb, type DbHandle } from '../../platform/db';

const root = path.resolve(__dirname, '..', '..');

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the suite with \`npm test\` (scripts/test.mjs starts the servers)`);
  return value;
}

export const temporalAddress = (): string => required('TEST_TEMPORAL_ADDRESS');

/** A fresh PostgreSQL database with every migration applied; dropped by `drop()`. */
export async function freshDatabase(): Promise<{ url: string; handle: DbHandle; drop(): Promise<void> }> {
  const serverUrl = required('TEST_DATABASE_URL');
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new PgClient({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  execFileSync(process.execPath, [path.join(root, 'scripts', 'prisma.mjs'), 'migrate', 'deploy'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url.toString() },
    stdio: 'ignore',
  });
  const handle = await openDb({ DATABASE_URL: url.toString(), DATA_DIR: '' });
  return {
    url: url.toString(),
    handle,
    async drop() {
      await handle.close();
      const c = new PgClient({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A TCP port that was free a moment ago on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns something truthy; fails naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
