/**
 * `npm run --silent risk -- <command>`: the risk engine on the command line, JSON in and out.
 *   groups             every target group with its class ranges and frequency per band
 *   factors            every factor with its area, kind, points and the groups it applies to
 *   assess < site.json one site's assessment with the full breakdown
 *   models             the models available (`--model <id>` selects one; default food-2008)
 * Bad input exits with status 2 and one line on stderr naming the field.
 */
import { z } from 'zod';
import {
  BAND_MULTIPLIER,
  DEFAULT_RISK_MODEL,
  RISK_MODELS,
  RiskInputError,
  applicableFactors,
  assess,
  classRanges,
  frequencyFor,
  pointsPerGrade,
  riskModel,
  type Band,
  type RiskModel,
} from '../domain/risk';

const ZSiteInput = z
  .object({
    model: z.string().optional(),
    targetGroup: z.string().min(1),
    monthsOpen: z.number().optional(),
    present: z.array(z.string()).default([]),
    grades: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export class CliError extends Error {}

function groups(model: RiskModel) {
  return model.groups.map((g) => {
    const ranges = classRanges(g);
    return {
      id: g.id,
      nameFi: g.nameFi,
      nameEn: g.nameEn,
      baselinePerYear: g.baselinePerYear,
      min: g.classRange.min,
      max: g.classRange.max,
      classes: { R1: ranges.R1, R2: ranges.R2, R3: ranges.R3 },
      bandSplit: { R1: ranges.r1Mid, R3: ranges.r3Mid },
      frequencyPerBand: Object.fromEntries(
        (Object.keys(BAND_MULTIPLIER) as Band[]).map((b) => [b, frequencyFor(g, b)]),
      ),
      ...(g.reconciliation ? { reconciliation: g.reconciliation } : {}),
    };
  });
}

function factors(model: RiskModel) {
  return model.factors.map((f) => {
    const area = model.areas.find((a) => a.id === f.area)!;
    return {
      id: f.id,
      area: f.area,
      nameFi: f.nameFi,
      nameEn: f.nameEn,
      kind: area.kind === 'graded' ? 'graded' : 'presence',
      ...(area.kind === 'graded'
        ? { share: f.share, pointsPerGrade: Math.round(pointsPerGrade(model, f.id) * 1000) / 1000, part: f.part }
        : { points: f.points }),
      ...(f.exclusive ? { exclusive: f.exclusive } : {}),
      groups: model.groups
        .filter((g) => applicableFactors(model, g, f.area).some((x) => x.id === f.id))
        .map((g) => g.id),
    };
  });
}

/** Runs one command; returns what to print. Throws CliError or RiskInputError for bad input. */
export function runRiskCommand(args: string[], stdin: string): unknown {
  const modelFlag = args.indexOf('--model');
  const modelId = modelFlag >= 0 ? args[modelFlag + 1] : undefined;
  const command = args.find((a, i) => !a.startsWith('--') && (modelFlag < 0 || i !== modelFlag + 1));
  if (command === 'models') {
    return RISK_MODELS.map((m) => ({
      id: m.id,
      version: m.version,
      labelFi: m.labelFi,
      labelEn: m.labelEn,
      status: m.status,
    }));
  }
  if (command === 'assess') {
    let raw: unknown;
    try {
      raw = JSON.parse(stdin);
    } catch {
      throw new CliError('input: not valid JSON');
    }
    const parsed = ZSiteInput.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CliError(`${issue.path.join('.') || 'input'}: ${issue.message}`);
    }
    const model = riskModel(parsed.data.model ?? modelId ?? DEFAULT_RISK_MODEL);
    if (!model) throw new CliError(`model: unknown model "${parsed.data.model ?? modelId}"`);
    return assess(model, parsed.data);
  }
  const model = riskModel(modelId ?? DEFAULT_RISK_MODEL);
  if (!model) throw new CliError(`--model: unknown model "${modelId}"`);
  if (command === 'groups') return groups(model);
  if (command === 'factors') return factors(model);
  throw new CliError('usage: risk groups | factors | assess < site.json | models [--model <id>]');
}

export interface CliResult {
  status: 0 | 2;
  stdout: string;
  stderr: string;
}

/** Control characters and line separators of user input, escaped: an error is always one line. */
const oneLine = (text: string) =>
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * What the process prints and its exit status: JSON on stdout (0), or for bad input one line
 * `error: <field>: <message>` on stderr (2). Anything else is a bug and is thrown.
 */
export function runCli(args: string[], stdin: string): CliResult {
  try {
    const out = runRiskCommand(args, stdin);
    return { status: 0, stdout: `${JSON.stringify(out, null, 2)}\n`, stderr: '' };
  } catch (err) {
    if (err instanceof CliError || err instanceof RiskInputError) {
      return { status: 2, stdout: '', stderr: `error: ${oneLine(err.message)}\n` };
    }
    throw err;
  }
}

if (require.main === module) {
  const chunks: Buffer[] = [];
  const needsInput = process.argv.includes('assess');
  const finish = () => {
    const result = runCli(process.argv.slice(2), Buffer.concat(chunks).toString('utf8'));
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.status;
  };
  if (needsInput) {
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', finish);
  } else {
    finish();
  }
}
