/**
 * The risk reports page's logic (use case 2): query strings and CSV links for a window,
 * the ranking regrouped by target group across pages, and chart rows from each report.
 */
import type { ChartGroup } from './chart';
import type { RiskModel } from './risk';

export interface ReportWindow {
  from: string;
  to: string;
  model: string;
}

/** GET /api/risk-reports/class-counts */
export interface ClassCountRow {
  model: string;
  targetGroup: string;
  R1: number;
  R2: number;
  R3: number;
  unclassified: number;
  total: number;
}

/** GET /api/risk-reports/top-areas */
export interface TopAreasGroup {
  model: string;
  targetGroup: string;
  sites: number;
  areas: Array<{ area: string; points: number; averagePoints: number }>;
}

/** A site in GET /api/risk-reports/ranking and /groups/:group */
export interface RankedSite {
  siteId: string;
  siteName: string;
  model: string;
  targetGroup: string;
  score: number | null;
  riskClass: string | null;
  frequencyPerYear: number | null;
  assessedAt: string | null;
}

/** The query string of a report: the window's non-empty fields, then `extra` (e.g. format=csv). */
export function reportQuery(window: ReportWindow, extra: Record<string, string | number> = {}): string {
  const pairs: Array<[string, string]> = [];
  if (window.from) pairs.push(['from', window.from]);
  if (window.to) pairs.push(['to', window.to]);
  if (window.model) pairs.push(['model', window.model]);
  for (const [k, v] of Object.entries(extra)) pairs.push([k, String(v)]);
  return pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '';
}

/** The report's path: the ranking of every group, or one group's (item 2). */
export const rankingPath = (group: string) =>
  group ? `/api/risk-reports/groups/${encodeURIComponent(group)}` : '/api/risk-reports/ranking';

/** The same report as CSV (the API sends every row, not a page). */
export const csvHref = (path: string, window: ReportWindow, extra: Record<string, string | number> = {}) =>
  `${path}${reportQuery(window, { ...extra, format: 'csv' })}`;

/** Ranked sites in API order regrouped into consecutive runs of the same model and group. */
export function groupRanked(sites: RankedSite[]): Array<{ model: string; targetGroup: string; sites: RankedSite[] }> {
  const groups: Array<{ model: string; targetGroup: string; sites: RankedSite[] }> = [];
  for (const site of sites) {
    const last = groups.at(-1);
    if (last && last.model === site.model && last.targetGroup === site.targetGroup) last.sites.push(site);
    else groups.push({ model: site.model, targetGroup: site.targetGroup, sites: [site] });
  }
  return groups;
}

/** The `count` sites with the highest frequency (then score), unclassified ones last. */
export function highestFrequency(sites: RankedSite[], count: number): RankedSite[] {
  return [...sites]
    .sort(
      (a, b) =>
        (b.frequencyPerYear ?? -1) - (a.frequencyPerYear ?? -1) ||
        (b.score ?? -1) - (a.score ?? -1) ||
        a.siteName.localeCompare(b.siteName, 'fi'),
    )
    .slice(0, count);
}

type Pick = (fi: string, en: string) => string;

/** A target group's name in its model, or its id when the model does not know it. */
export function groupName(models: RiskModel[], modelId: string, groupId: string, pick: Pick): string {
  const g = models.find((m) => m.id === modelId)?.groups.find((x) => x.id === groupId);
  return g ? pick(g.nameFi, g.nameEn) : groupId;
}

export function areaName(models: RiskModel[], modelId: string, areaId: string, pick: Pick): string {
  const a = models.find((m) => m.id === modelId)?.areas.find((x) => x.id === areaId);
  return a ? pick(a.nameFi, a.nameEn) : areaId;
}

/** Item 3 as one chart: a stacked bar per group (R1, R2, R3, unclassified). */
export function classCountChart(rows: ClassCountRow[], models: RiskModel[], pick: Pick): ChartGroup[] {
  return [
    {
      id: 'class-counts',
      rows: rows.map((r) => ({
        id: `${r.model}/${r.targetGroup}`,
        label: groupName(models, r.model, r.targetGroup, pick),
        segments: [
          { key: 'R1', value: r.R1 },
          { key: 'R2', value: r.R2 },
          { key: 'R3', value: r.R3 },
          { key: 'unclassified', value: r.unclassified },
        ],
      })),
    },
  ];
}

/** Item 4: per group its top areas by average points per classified site. */
export function topAreasChart(
  groups: TopAreasGroup[],
  models: RiskModel[],
  pick: Pick,
  sitesLabel: (n: number) => string,
): ChartGroup[] {
  return groups
    .filter((g) => g.areas.length > 0)
    .map((g) => ({
      id: `${g.model}/${g.targetGroup}`,
      label: `${groupName(models, g.model, g.targetGroup, pick)} (${sitesLabel(g.sites)})`,
      rows: g.areas.map((a) => ({
        id: `${g.model}/${g.targetGroup}/${a.area}`,
        label: areaName(models, g.model, a.area, pick),
        segments: [{ key: 'average', value: a.averagePoints }],
      })),
    }));
}
