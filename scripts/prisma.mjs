#!/usr/bin/env node
// Runs the Prisma CLI offline: the native engines are never downloaded because the
// client is Rust-free and migrations use the WebAssembly engine through the adapter
// in prisma.config.ts. Prisma only checks that these paths exist.
import { spawnSync } from 'node:child_process';
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
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
