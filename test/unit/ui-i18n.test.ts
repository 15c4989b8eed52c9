/** The UI's strings: the same files and keys in Finnish and English, and every literal key used exists. */
import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve(__dirname, '..', '..', 'ui', 'src');
const i18n = path.join(dir, 'i18n');
const load = (locale: string) =>
  Object.fromEntries(
    fs
      .readdirSync(path.join(i18n, locale))
      .map((f) => [f, JSON.parse(fs.readFileSync(path.join(i18n, locale, f), 'utf8')) as Record<string, string>]),
  );

function sources(at: string): string[] {
  return fs.readdirSync(at, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(at, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(svelte|ts)$/.test(e.name) ? [p] : [];
  });
}

describe('UI strings', () => {
  const fi = load('fi');
  const en = load('en');

  it('has the same files with the same keys in both languages, none empty', () => {
    expect(Object.keys(fi).sort()).toEqual(Object.keys(en).sort());
    for (const file of Object.keys(fi)) {
      expect({ file, keys: Object.keys(fi[file]!).sort() }).toEqual({ file, keys: Object.keys(en[file]!).sort() });
      for (const [key, text] of [...Object.entries(fi[file]!), ...Object.entries(en[file]!)]) {
        expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
      }
    }
  });

  it('defines each key in one file only', () => {
    const seen = new Map<string, string>();
    for (const [file, strings] of Object.entries(fi)) {
      for (const key of Object.keys(strings)) {
        expect({ key, alsoIn: seen.get(key) }).toEqual({ key, alsoIn: undefined });
        seen.set(key, file);
      }
    }
  });

  it('has every key that the code names literally', () => {
    const all = new Set(Object.values(fi).flatMap((s) => Object.keys(s)));
    const missing: string[] = [];
    for (const file of sources(dir)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\('([a-zA-Z][\w.]*)'/g)) {
        if (!all.has(m[1]!)) missing.push(`${path.relative(dir, file)}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
