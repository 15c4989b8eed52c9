/**
 * The seed's use case 2 over many sites (pure): ranking by inspection frequency, one
 * group's sites, class counts per group, and the subject areas that cause the most risk
 * points per group. Input is assessments already made; callers choose the time window.
 */
import type { Assessment, RiskClass } from './engine';

export interface AssessedSite {
  siteId: string;
  siteName: string;
  assessment: Assessment;
}

export interface RankedSite {
  siteId: string;
  siteName: string;
  targetGroup: string;
  score: number | null;
  riskClass: RiskClass | null;
  frequencyPerYear: number | null;
}

const row = (s: AssessedSite): RankedSite => ({
  siteId: s.siteId,
  siteName: s.siteName,
  targetGroup: s.assessment.targetGroup.id,
  score: s.assessment.score,
  riskClass: s.assessment.riskClass,
  frequencyPerYear: s.assessment.frequencyPerYear,
});

/** Highest frequency first; unclassified last; ties by score, then name, so the order is stable. */
function byFrequency(a: RankedSite, b: RankedSite): number {
  return (
    (b.frequencyPerYear ?? -1) - (a.frequencyPerYear ?? -1) ||
    (b.score ?? -1) - (a.score ?? -1) ||
    a.siteName.localeCompare(b.siteName, 'fi')
  );
}

/** Item 1: all sites ranked by frequency, grouped by target group (groups in model order of first appearance). */
export function rankingByGroup(sites: AssessedSite[]): Array<{ targetGroup: string; sites: RankedSite[] }> {
  const groups = new Map<string, RankedSite[]>();
  for (const s of sites) {
    const list = groups.get(s.assessment.targetGroup.id) ?? [];
    list.push(row(s));
    groups.set(s.assessment.targetGroup.id, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([targetGroup, list]) => ({ targetGroup, sites: list.sort(byFrequency) }));
}

/** Item 2: one group's sites ranked with class and frequency. */
export function groupRanking(sites: AssessedSite[], targetGroup: string): RankedSite[] {
  return sites
    .filter((s) => s.assessment.targetGroup.id === targetGroup)
    .map(row)
    .sort(byFrequency);
}

/** Item 3: per group the number of sites in each class, and those not classified. */
export function classCounts(
  sites: AssessedSite[],
): Array<{ targetGroup: string; R1: number; R2: number; R3: number; unclassified: number; total: number }> {
  const counts = new Map<string, { R1: number; R2: number; R3: number; unclassified: number; total: number }>();
  for (const s of sites) {
    const c = counts.get(s.assessment.targetGroup.id) ?? { R1: 0, R2: 0, R3: 0, unclassified: 0, total: 0 };
    c[s.assessment.riskClass ?? 'unclassified'] += 1;
    c.total += 1;
    counts.set(s.assessment.targetGroup.id, c);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([targetGroup, c]) => ({ targetGroup, ...c }));
}

/** Item 4: per group the subject areas that cause the most risk points (classified sites; target-group points excluded). */
export function topAreas(
  sites: AssessedSite[],
  limit = 3,
): Array<{
  targetGroup: string;
  sites: number;
  areas: Array<{ area: string; points: number; averagePoints: number }>;
}> {
  const sums = new Map<string, { sites: number; points: Map<string, number> }>();
  for (const s of sites) {
    if (!s.assessment.classified) continue;
    const g = sums.get(s.assessment.targetGroup.id) ?? { sites: 0, points: new Map<string, number>() };
    g.sites += 1;
    for (const area of s.assessment.areas) {
      if (area.id === 'targetGroup') continue;
      g.points.set(area.id, (g.points.get(area.id) ?? 0) + area.points);
    }
    sums.set(s.assessment.targetGroup.id, g);
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([targetGroup, g]) => ({
      targetGroup,
      sites: g.sites,
      areas: [...g.points.entries()]
        .map(([area, points]) => ({
          area,
          points: Math.round(points * 100) / 100,
          averagePoints: Math.round((points / g.sites) * 100) / 100,
        }))
        .sort((a, b) => b.points - a.points || a.area.localeCompare(b.area))
        .slice(0, limit),
    }));
}
