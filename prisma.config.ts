// Prisma CLI configuration: migrations run through a driver adapter and the
// WebAssembly schema engine, so nothing native is downloaded (docs/adr/0002-prisma.md).
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import type { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    // scripts/prisma.mjs sets PGLITE_DIR when DATABASE_URL is unset (the embedded default).
    const embeddedDir = process.env.PGLITE_DIR;
    if (!embeddedDir) {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      const { migrationPool } = await import('./prisma/migration-pool');
      return new PrismaPg(migrationPool(process.env.DATABASE_URL ?? ''));
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    fs.mkdirSync(path.dirname(path.resolve(embeddedDir)), { recursive: true });
    // Typed against an older driver-adapter-utils; same protocol (see platform/db.ts).
    return new PrismaPGlite(new PGlite(embeddedDir)) as unknown as PrismaPg;
  },
});
