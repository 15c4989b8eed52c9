/**
 * From a site's stored data to the engine's input (use case 1 of the seed): the grades of
 * the inspections inside a user-chosen time window — the latest grade of each factor wins —
 * the site's activity profile, and the authority findings recorded in that window.
 */
import type { SiteInput } from './engine';

export interface StoredSite {
  targetGroup: string;
  monthsOpen: number | null;
  /** Presence factors describing the activity (e.g. activity.aLaCarte). */
  activity: string[];
}

export interface StoredInspection {
  inspectedAt: Date;
  grades: Record<string, string>;
  /** Presence factors found at the inspection (authority actions such as requests issued). */
  present: string[];
}

export interface TimeWindow {
  from?: Date;
  to?: Date;
}

export function siteInputFromInspections(
  site: StoredSite,
  inspections: StoredInspection[],
  window: TimeWindow = {},
  model?: string,
): { input: SiteInput; inspectionsUsed: number; lastInspectionAt: Date | null } {
  const inWindow = inspections
    .filter((i) => (!window.from || i.inspectedAt >= window.from) && (!window.to || i.inspectedAt <= window.to))
    .sort((a, b) => a.inspectedAt.getTime() - b.inspectedAt.getTime());
  const grades: Record<string, string> = {};
  const present = new Set(site.activity);
  for (const inspection of inWindow) {
    Object.assign(grades, inspection.grades);
    for (const id of inspection.present) present.add(id);
  }
  return {
    input: {
      ...(model ? { model } : {}),
      targetGroup: site.targetGroup,
      ...(site.monthsOpen ? { monthsOpen: site.monthsOpen } : {}),
      present: [...present].sort(),
      grades,
    },
    inspectionsUsed: inWindow.length,
    lastInspectionAt: inWindow.at(-1)?.inspectedAt ?? null,
  };
}
