/**
 * Assesses a site from its stored data and stores the result with the model version it
 * used (issue 4: every assessment names its model version). Used by the supervision
 * activities after each inspection or report, and by the seed for its inspection history.
 */
import { createHash } from 'node:crypto';
import type { Prisma } from '../prisma/generated/client';
import type { Tx } from '../platform/db';
import { assess, riskModel, siteInputFromInspections, type Assessment, type RiskModel } from '../domain/risk';
import { observationFactors, type ReportedEvent } from '../domain/supervision';

const json = (value: unknown) => value as Prisma.InputJsonValue;

/** Content hashes of the loaded models (a model object never changes once loaded). */
const hashes = new WeakMap<RiskModel, string>();
function modelHash(model: RiskModel): string {
  let hash = hashes.get(model);
  if (!hash) {
    hash = createHash('sha256').update(JSON.stringify(model)).digest('hex');
    hashes.set(model, hash);
  }
  return hash;
}

/** Thrown when a site names a model this build does not have. */
export class UnknownModelError extends Error {
  constructor(readonly modelId: string) {
    super(`unknown risk model ${modelId}`);
  }
}

export interface StoreAssessmentArgs {
  siteId: string;
  cycleId: string | null;
  /** The moment assessed: inspections and observations up to it count. */
  at: Date;
  /** 'inspection', 'selfMonitoring', 'incident', 'citizenObservation', 'profileChange', 'seed'. */
  reason: string;
  /** Idempotency key of the change that caused it; the stored row is keyed `${key}:assessment`. */
  key: string;
}

/**
 * The site's assessment at `at`: the latest grade of each factor over its inspections, its
 * activity profile, and the presence factors its recent observations imply. Throws
 * RiskInputError for data the engine refuses, UnknownModelError for an unknown model.
 */
export async function storeAssessment(tx: Tx, args: StoreAssessmentArgs): Promise<Assessment> {
  const site = await tx.site.findUniqueOrThrow({
    where: { id: args.siteId },
    include: {
      inspections: { where: { inspectedAt: { lte: args.at } }, orderBy: { inspectedAt: 'asc' } },
      observations: { where: { observedAt: { lte: args.at } } },
    },
  });
  const model = riskModel(site.riskModel);
  if (!model) throw new UnknownModelError(site.riskModel);
  const { input } = siteInputFromInspections(
    site,
    site.inspections.map((i) => ({
      inspectedAt: i.inspectedAt,
      grades: i.grades as Record<string, string>,
      present: i.present,
    })),
  );
  const derived = observationFactors(
    model,
    site.observations.map((o) => ({
      kind: o.kind as ReportedEvent['kind'],
      observedAt: o.observedAt,
      deviation: o.deviation,
      nearMiss: o.nearMiss,
    })),
    args.at,
  );
  input.present = [...new Set([...(input.present ?? []), ...derived])].sort();
  const assessment = assess(model, input);
  // The definition (tens of kilobytes) is written once per version, not sent with every assessment.
  const stored = await tx.riskModelVersion.findUnique({
    where: { modelId_version: { modelId: model.id, version: model.version } },
    select: { id: true },
  });
  if (!stored) {
    await tx.riskModelVersion.createMany({
      data: [{ modelId: model.id, version: model.version, definition: json(model), sha256: modelHash(model) }],
      skipDuplicates: true,
    });
  }
  const byArea = new Map(assessment.areas.map((a) => [a.id, a.points]));
  const supersededAt = await takeOver(tx, site.id, args.at);
  await tx.siteAssessment.create({
    data: {
      siteId: site.id,
      cycleId: args.cycleId,
      modelId: model.id,
      modelVersion: model.version,
      assessedAt: args.at,
      reason: args.reason,
      targetGroup: site.targetGroup,
      classified: assessment.classified,
      score: assessment.score,
      riskClass: assessment.riskClass,
      band: assessment.band,
      frequencyPerYear: assessment.frequencyPerYear,
      missing: assessment.missing,
      areaPoints: model.areas.map((a) => byArea.get(a.id) ?? 0),
      input: json(input),
      idempotencyKey: `${args.key}:assessment`,
      supersededAt,
    },
  });
  return assessment;
}

/**
 * Keeps each site's assessments a chain of half-open intervals [assessedAt, supersededAt):
 * the assessment current at `at` now ends at `at`, and the new one ends where that one
 * ended (when it is stored out of order) or stays open. The site row is locked so two
 * assessments of one site cannot interleave. Returns the new assessment's supersededAt.
 */
async function takeOver(tx: Tx, siteId: string, at: Date): Promise<Date | null> {
  await tx.$queryRaw`SELECT 1 FROM "Site" WHERE id = ${siteId}::uuid FOR UPDATE`;
  const current = await tx.siteAssessment.findFirst({
    where: { siteId, assessedAt: { lte: at }, OR: [{ supersededAt: null }, { supersededAt: { gt: at } }] },
    select: { id: true, supersededAt: true },
  });
  if (current) {
    await tx.siteAssessment.update({ where: { id: current.id }, data: { supersededAt: at } });
    return current.supersededAt;
  }
  // Older than every stored assessment of the site: it ends where the earliest one begins.
  const earliest = await tx.siteAssessment.findFirst({
    where: { siteId, assessedAt: { gt: at } },
    orderBy: { assessedAt: 'asc' },
    select: { assessedAt: true },
  });
  return earliest?.assessedAt ?? null;
}
