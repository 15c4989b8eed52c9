/** The authority's work queue (F16): one row per own permit, filtered and sorted. */
export interface QueuePermit {
  permitType: string;
  authorityCode: string;
  step: string;
  status: string;
  caseNumber: string | null;
  receivedAt: string | null;
  riskLevel: string | null;
  priority: number | null;
  dueAt: string | null;
  openInfoRequests: number;
  infoDueAt: string | null;
}
export interface QueueProject {
  id: string;
  title: string;
  organisation: string;
  step: string;
  status: string;
  updatedAt: string;
  permits: QueuePermit[];
}
export interface QueueRow {
  project: QueueProject;
  permit: QueuePermit;
  /** The queue's step: the project's until the permit is received, then the permit's. */
  step: string;
}
export type SortKey = 'due' | 'risk' | 'updated';
export interface QueueFilter {
  risk: string;
  step: string;
  text: string;
  /** Ended cases (final, notified, cancelled) are hidden unless asked for. */
  showEnded: boolean;
}

const RISK_ORDER: Record<string, number> = { high: 0, medium: 1, low: 2 };
const ENDED = new Set(['final', 'notified', 'cancelled']);

export function queueRows(projects: QueueProject[], authorityCode: string): QueueRow[] {
  return projects.flatMap((project) =>
    project.permits
      .filter((p) => p.authorityCode === authorityCode)
      .map((permit) => ({ project, permit, step: permit.receivedAt ? permit.step : project.step })),
  );
}

export function filterRows(rows: QueueRow[], f: QueueFilter): QueueRow[] {
  const text = f.text.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (f.showEnded || (!ENDED.has(r.permit.step) && r.project.status !== 'cancelled')) &&
      (!f.risk || (r.permit.riskLevel ?? 'none') === f.risk) &&
      (!f.step || r.step === f.step) &&
      (!text ||
        r.project.title.toLowerCase().includes(text) ||
        r.project.organisation.toLowerCase().includes(text) ||
        (r.permit.caseNumber ?? '').toLowerCase().includes(text)),
  );
}

/** The earliest date the row is due: an information request's due date or the step's forecast end. */
export function dueOf(r: QueueRow): number {
  const dates = [r.permit.infoDueAt, r.permit.dueAt].filter((d): d is string => !!d).map((d) => Date.parse(d));
  return dates.length ? Math.min(...dates) : Number.POSITIVE_INFINITY;
}

export function sortRows(rows: QueueRow[], key: SortKey): QueueRow[] {
  const risk = (r: QueueRow) => RISK_ORDER[r.permit.riskLevel ?? ''] ?? 3;
  const cmp: Record<SortKey, (a: QueueRow, b: QueueRow) => number> = {
    due: (a, b) => dueOf(a) - dueOf(b) || risk(a) - risk(b),
    risk: (a, b) => risk(a) - risk(b) || dueOf(a) - dueOf(b),
    updated: (a, b) => Date.parse(b.project.updatedAt) - Date.parse(a.project.updatedAt),
  };
  return [...rows].sort(cmp[key]);
}
