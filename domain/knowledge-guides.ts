/**
 * E-service guides that adapt to the user (F03): which guides of a step apply to a profile
 * (industry, company size, event size, the project's permits), the most specific first, each
 * with the reasons it applies. Pure, no I/O and no imports: the UI takes its lists from here,
 * the API builds its schemas from them (api/knowledge.ts) and loads guides and the profile.
 */
export const INDUSTRIES = ['events', 'food', 'industry', 'retail', 'construction', 'other'] as const;
export const COMPANY_SIZES = ['micro', 'small', 'medium', 'large'] as const;
export const EVENT_SIZES = ['small', 'medium', 'large'] as const;
/** Steps a guide belongs to: the project's steps and the permit sections' steps people ask about. */
export const GUIDE_STEPS = [
  'advice',
  'draft',
  'kickoff',
  'submission',
  'processing',
  'hearing',
  'decision',
  'supervision',
] as const;

export type Industry = (typeof INDUSTRIES)[number];
export type CompanySize = (typeof COMPANY_SIZES)[number];
export type EventSize = (typeof EVENT_SIZES)[number];

/**
 * Event size from the expected attendance. The limits follow the police's and rescue
 * services' practice: below 1 000 people a small event (a notification is usually enough),
 * below 10 000 a medium one (a rescue plan and security staff), from 10 000 a large one
 * (a safety plan agreed in advance, traffic arrangements).
 */
export function eventSizeOf(attendance: number | null | undefined): EventSize | null {
  if (attendance === null || attendance === undefined || !Number.isFinite(attendance) || attendance < 0) return null;
  if (attendance < 1000) return 'small';
  if (attendance < 10_000) return 'medium';
  return 'large';
}

export interface GuideProfile {
  industry: string | null;
  companySize: string | null;
  eventSize: EventSize | null;
  /** The project's permits; empty when there is no project. */
  permitTypes: readonly string[];
}

export interface GuideCriteria {
  permitTypes: readonly string[];
  industries: readonly string[];
  companySizes: readonly string[];
  eventSizes: readonly string[];
}

export type GuideReason =
  | { criterion: 'permitType'; values: string[] }
  | { criterion: 'industry'; values: string[] }
  | { criterion: 'companySize'; values: string[] }
  | { criterion: 'eventSize'; values: string[] }
  | { criterion: 'general'; values: [] };

export interface Adapted<G> {
  guide: G;
  /** How many of the guide's criteria the profile met (0: a general guide). */
  specificity: number;
  reasons: GuideReason[];
}

/**
 * Whether one criterion lets the guide apply: an empty criterion applies to everyone; a
 * criterion the profile cannot answer (no project, no industry) does not apply, because the
 * guide is written for someone else.
 */
function matchOne(wanted: readonly string[], have: readonly string[]): string[] | null {
  if (wanted.length === 0) return [];
  const hits = wanted.filter((w) => have.includes(w));
  return hits.length > 0 ? hits : null;
}

/** The guides that apply to the profile, the most specific first (then by `order`), with their reasons. */
export function adaptGuides<G extends GuideCriteria>(
  guides: readonly G[],
  profile: GuideProfile,
  order: (a: G, b: G) => number = () => 0,
): Array<Adapted<G>> {
  const out: Array<Adapted<G>> = [];
  for (const guide of guides) {
    const checks: Array<[GuideReason['criterion'], readonly string[], readonly string[]]> = [
      ['permitType', guide.permitTypes, profile.permitTypes],
      ['industry', guide.industries, profile.industry ? [profile.industry] : []],
      ['companySize', guide.companySizes, profile.companySize ? [profile.companySize] : []],
      ['eventSize', guide.eventSizes, profile.eventSize ? [profile.eventSize] : []],
    ];
    const reasons: GuideReason[] = [];
    let applies = true;
    for (const [criterion, wanted, have] of checks) {
      const hits = matchOne(wanted, have);
      if (hits === null) {
        applies = false;
        break;
      }
      if (hits.length > 0) reasons.push({ criterion, values: hits } as GuideReason);
    }
    if (!applies) continue;
    out.push({
      guide,
      specificity: reasons.length,
      reasons: reasons.length > 0 ? reasons : [{ criterion: 'general', values: [] }],
    });
  }
  return out.sort((a, b) => b.specificity - a.specificity || order(a.guide, b.guide));
}
