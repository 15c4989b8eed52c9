/**
 * Property-based tests (fast-check) of the risk command line's input: generated valid sites
 * are assessed; the same sites with one field replaced, dropped or added, arbitrary JSON and
 * malformed text either succeed or get the documented bad-input answer — status 2 and exactly
 * one line on stderr naming the field — and never an unexpected error. In-process through
 * runCli (hundreds of runs), then a handful through the real process.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { runCli, type CliResult } from '../../platform/risk-cli';
import { DEFAULT_RISK_MODEL, RISK_MODELS, applicableFactors, type RiskModel } from '../../domain/risk';

const root = path.resolve(__dirname, '..', '..');
const FIELDS = ['input', 'model', '--model', 'targetGroup', 'monthsOpen', 'present', 'grades'];
/** `error: <field>: <message>` on one line, the field one of the input's (or the whole input). */
const BAD_INPUT = new RegExp(`^error: (${FIELDS.join('|')})(\\.[^\\n]*?)?: [^\\n]+\\n$`);

/** A site that fits a model: its presence factors (one of each exclusive set), grades for what applies. */
function validSite(model: RiskModel): fc.Arbitrary<Record<string, unknown>> {
  return fc.constantFrom(...model.groups).chain((group) => {
    const ofKind = (kind: string) =>
      model.areas.filter((a) => a.kind === kind).flatMap((a) => applicableFactors(model, group, a.id));
    const present = fc.subarray(ofKind('presence').map((f) => f.id)).map((chosen) => {
      const seen = new Set<string>();
      return chosen.filter((id) => {
        const exclusive = model.factors.find((f) => f.id === id)!.exclusive;
        if (!exclusive) return true;
        if (seen.has(exclusive)) return false;
        seen.add(exclusive);
        return true;
      });
    });
    return present.chain((present) => {
      const gradable = ofKind('graded').filter((f) => !f.requires || f.requires.some((r) => present.includes(r)));
      const grade = fc.option(fc.constantFrom('A', 'B', 'C', 'D'), { nil: undefined });
      return fc
        .record({
          grades: fc.tuple(...gradable.map(() => grade)),
          monthsOpen: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
          withModel: fc.boolean(),
        })
        .map(({ grades, monthsOpen, withModel }) => ({
          // Without `model` the default one assesses it.
          ...(withModel || model.id !== DEFAULT_RISK_MODEL ? { model: model.id } : {}),
          targetGroup: group.id,
          ...(monthsOpen !== undefined ? { monthsOpen } : {}),
          present,
          grades: Object.fromEntries(
            gradable.flatMap((f, i) => (grades[i] === undefined ? [] : [[f.id, grades[i]] as const])),
          ),
        }));
    });
  });
}

/** Any text: printable, control characters and line breaks, or any Unicode. */
const anyText = (maxLength: number) =>
  fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }), fc.constant('line\nbreak'));

const sites = fc.constantFrom(...RISK_MODELS).chain(validSite);

/** A valid site with one change: a field replaced by any JSON value, dropped, or one added. */
const mutatedSite = sites.chain((site) => {
  const keys = Object.keys(site);
  return fc.oneof(
    fc
      .record({ key: fc.constantFrom(...keys), value: fc.jsonValue() })
      .map(({ key, value }) => ({ site: { ...site, [key]: value }, change: `replaced ${key}` })),
    fc.constantFrom(...keys).map((key) => {
      const { [key]: _dropped, ...rest } = site;
      return { site: rest, change: `dropped ${key}` };
    }),
    fc
      .record({ key: anyText(12), value: fc.jsonValue() })
      .filter(({ key }) => !keys.includes(key))
      .map(({ key, value }) => ({ site: { ...site, [key]: value }, change: `added ${key}` })),
    // Inside the lists: a factor id or a grade replaced by any string.
    fc.record({ id: anyText(40), grade: anyText(3) }).map(({ id, grade }) => ({
      site: {
        ...site,
        present: [...(site.present as string[]), id],
        grades: { ...(site.grades as object), [id]: grade },
      },
      change: `listed ${id}`,
    })),
  );
});

/** The documented outcomes, and nothing else. */
function expectDocumented(result: CliResult) {
  if (result.status === 0) {
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as { classified: boolean; missing: string[] };
    expect(typeof out.classified).toBe('boolean');
  } else {
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(BAD_INPUT);
  }
}

describe('risk command line under generated input', () => {
  it('assesses every generated valid site', () => {
    fc.assert(
      fc.property(sites, (site) => {
        const result = runCli(['assess'], JSON.stringify(site));
        expect(result).toMatchObject({ status: 0, stderr: '' });
        const out = JSON.parse(result.stdout) as {
          targetGroup: { id: string };
          classified: boolean;
          missing: string[];
        };
        expect(out.targetGroup.id).toBe(site.targetGroup);
        expect(out.classified).toBe(out.missing.length === 0);
      }),
      { numRuns: 200 },
    );
  });

  it('a site with one field changed succeeds or names the field on one line (status 2)', () => {
    const outcomes = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(mutatedSite, ({ site, change }) => {
        const result = runCli(['assess'], JSON.stringify(site));
        expectDocumented(result);
        outcomes[result.status === 0 ? 'ok' : 'refused']++;
        // A key the input does not know is refused, naming it.
        if (change.startsWith('added ')) {
          expect(result.status).toBe(2);
          expect(result.stderr).toMatch(/^error: input: Unrecognized key/);
        }
      }),
      { numRuns: 400 },
    );
    // Both outcomes occur: the generator reaches the engine as well as the parser.
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('arbitrary JSON and malformed text are refused on one line, never thrown', () => {
    const text = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      sites
        .map((s) => JSON.stringify(s))
        .chain((json) => fc.nat({ max: json.length }).map((cut) => json.slice(0, cut))),
    );
    fc.assert(
      fc.property(
        text,
        fc.constantFrom<string[]>(['assess'], ['assess', '--model', 'facility-example']),
        (stdin, args) => expectDocumented(runCli(args, stdin)),
      ),
      { numRuns: 400 },
    );
  });

  it('any --model value and command: documented outcomes only', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('groups', 'factors', 'models', 'assess', 'dance'),
        fc.oneof(fc.constantFrom(...RISK_MODELS.map((m) => m.id)), fc.string({ maxLength: 20 })),
        (command, model) => {
          const result = runCli([command, '--model', model], '{"targetGroup":"restaurant"}');
          if (result.status === 2) expect(result.stderr).toMatch(/^error: [^\n]+\n$/);
          else expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the process itself: JSON and status 0, or status 2 with one line on stderr', () => {
    const samples = fc.sample(mutatedSite, { numRuns: 4, seed: 42 }).map((m) => JSON.stringify(m.site));
    const inputs = [
      JSON.stringify({ targetGroup: 'restaurant', present: ['activity.aLaCarte'] }),
      '{oops',
      '{"targetGroup":"restaurant","present":["a\\nb"]}',
      ...samples,
    ];
    for (const input of inputs) {
      const run = spawnSync(
        process.execPath,
        [
          '-r',
          path.join(root, 'test', 'support', 'register-ts.cjs'),
          path.join(root, 'platform', 'risk-cli.ts'),
          'assess',
        ],
        { input, encoding: 'utf8', timeout: 30_000 },
      );
      // The same answer as in-process, byte for byte.
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual(runCli(['assess'], input));
    }
  });
});
