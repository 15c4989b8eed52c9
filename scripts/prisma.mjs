#!/usr/bin/env node
// Runs the Prisma CLI offline: the native engines are never downloaded because the
// client is Rust-free and migrations use the WebAssembly engine through the adapter
// in prisma.config.ts. Prisma only checks that these paths exist.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const placeholder = path.join(root, 'package.json');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? placeholder,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
if (!process.env.DATABASE_URL) {
  // Embedded default: the schema needs a postgresql:// URL, the adapter ignores it.
  env.DATABASE_URL = 'postgresql://embedded@localhost/pglite';
  env.PGLITE_DIR = process.env.PGLITE_DIR ?? path.join(root, '.data', 'pg');
}
const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: ['inherit', 'pipe', 'inherit'],
});
// With the PGlite adapter, `migrate deploy` finishes its work but does not exit when no
// migration is pending (the adapter keeps the event loop alive). Once Prisma has printed
// its final verdict and read-only work is done, stop it.
const DONE = /No pending migrations to apply\.|All migrations have been successfully applied\./;
let finished = false;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!finished && env.PGLITE_DIR && DONE.test(chunk.toString())) {
    finished = true;
    setTimeout(() => child.kill('SIGTERM'), 2000).unref();
  }
});
child.on('exit', (code, signal) => process.exit(signal && finished ? 0 : (code ?? 1)));
