/**
 * The pure parts of the seed's use case 2 reports. The reports run over stored assessments
 * in PostgreSQL (api/risk-reports.ts); what remains here is turning summed area points back into named, ranked subject areas.
 */
import type { RiskModel } from './model';

export interface AreaRank {
  area: string;
  points: number;
  averagePoints: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Item 4: the subject areas that cause the most risk points in a group, from the points of
 * its classified sites summed per area (`sums[i]` belongs to `model.areas[i]`). The target
 * group's own points are the same for every site of the group and say nothing about what
 * to supervise, so they are left out. Ties go by area id so the order is stable.
 */
export function rankAreas(model: RiskModel, sums: number[], sites: number, limit = 3): AreaRank[] {
  if (sites <= 0) return [];
  return model.areas
    .map((area, i) => ({ area, sum: sums[i] ?? 0 }))
    .filter(({ area }) => area.kind !== 'targetGroup')
    .map(({ area, sum }) => ({ area: area.id, points: round2(sum), averagePoints: round2(sum / sites) }))
    .sort((a, b) => b.points - a.points || a.area.localeCompare(b.area))
    .slice(0, limit);
}

/** Adds area sums made under different model versions, by area id, in the current model's order. */
export function mergeAreaSums(current: RiskModel, parts: Array<{ areas: string[]; sums: number[] }>): number[] {
  const index = new Map(current.areas.map((a, i) => [a.id, i]));
  const total = current.areas.map(() => 0);
  for (const part of parts) {
    part.areas.forEach((id, i) => {
      const at = index.get(id);
      if (at !== undefined) total[at]! += part.sums[i] ?? 0;
    });
  }
  return total;
}
