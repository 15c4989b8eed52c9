/**
 * The UI's size budget: the first page loads under 300 KB of JavaScript (gzip), and MapLibre
 * only where a map is shown. Reads the build's manifest (npm run build writes it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from '../support/browser';

interface Chunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
const dist = process.env.UI_DIST ?? path.join(root, 'dist', 'ui');
const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
  string,
  Chunk
>;
const gzipKb = (file: string) => gzipSync(fs.readFileSync(path.join(dist, file))).length / 1024;

/** A chunk and everything it imports statically: what the browser must load before it runs. */
function staticClosure(key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key]?.imports ?? []) staticClosure(dep, seen);
  return seen;
}
const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry) as string;
const home = Object.keys(manifest).find((k) => k.endsWith('views/Home.svelte')) as string;
const containsMaplibre = (key: string) =>
  fs.readFileSync(path.join(dist, manifest[key]!.file), 'utf8').includes('maplibregl');

describe('UI bundle budget', () => {
  it('loads the first page (the shell and the home page) with under 300 KB of JavaScript gzip', () => {
    const first = new Set([...staticClosure(entry), ...staticClosure(home)]);
    const kb = [...first].reduce((sum, key) => sum + gzipKb(manifest[key]!.file), 0);
    process.stdout.write(`[bundle] first page: ${first.size} chunks, ${kb.toFixed(1)} KB gzip\n`);
    expect(kb).toBeGreaterThan(5);
    expect(kb).toBeLessThan(300);
  });

  it('keeps MapLibre out of the first page and in a chunk loaded on demand', () => {
    const first = new Set([...staticClosure(entry), ...staticClosure(home)]);
    expect([...first].filter(containsMaplibre)).toEqual([]);
    const withMap = Object.keys(manifest).filter(containsMaplibre);
    expect(withMap.length).toBeGreaterThan(0);
    // Every chunk holding MapLibre is reached only through a dynamic import.
    const dynamicallyImported = new Set(Object.values(manifest).flatMap((c) => c.dynamicImports ?? []));
    for (const key of withMap) {
      const importers = Object.keys(manifest).filter((k) => manifest[k]!.imports?.includes(key));
      expect({ key, reachable: dynamicallyImported.has(key) || importers.length > 0 }).toEqual({
        key,
        reachable: true,
      });
      expect(first.has(key)).toBe(false);
    }
  });
});
