/**
 * F07 smart entry (asks only what is needed, traffic lights, absolute obstacles) and F08
 * prefill from the customer profile and a previous project. Pure: no clock, so whatever
 * depends on today gets `today` as an argument.
 */
import { COMMON_FIELDS, requirePermitType, type FieldDef } from './catalogue';
import { explorePermitNeeds, type AdviceAnswers } from './advice';

export type DraftValue = string | number | boolean | null;
export interface ProjectDraft {
  common: Record<string, DraftValue>;
  /** Keyed by permit type. */
  sections: Record<string, Record<string, DraftValue>>;
  /** Field paths the customer marked as trade secrets ("common.x", "sections.<type>.x"). */
  secret?: string[];
}

/** The marks after a save: marked paths added, unmarked ones removed, sorted. */
export function applySecretMarks(
  before: string[] | undefined,
  marks?: { mark?: string[]; unmark?: string[] },
): string[] {
  const set = new Set(before ?? []);
  for (const p of marks?.mark ?? []) set.add(p);
  for (const p of marks?.unmark ?? []) set.delete(p);
  return [...set].sort();
}

/**
 * The draft as someone who may not read trade secrets sees it: each marked field's value
 * withheld (null) and listed in `redacted`, so the reader knows something is there.
 */
export function redactSecrets(draft: ProjectDraft): { draft: ProjectDraft; redacted: string[] } {
  const redacted: string[] = [];
  const common = { ...draft.common };
  const sections = Object.fromEntries(Object.entries(draft.sections).map(([t, f]) => [t, { ...f }]));
  for (const path of draft.secret ?? []) {
    const [scope, a, b] = path.split('.');
    const fields = scope === 'common' ? common : scope === 'sections' && a ? sections[a] : undefined;
    const key = scope === 'common' ? a : b;
    if (fields && key && key in fields) {
      fields[key] = null;
      redacted.push(path);
    }
  }
  return { draft: { common, sections, secret: draft.secret ?? [] }, redacted };
}
export type Light = 'green' | 'amber' | 'red';
export interface DraftIssue {
  /** E.g. 'common.startDate' or 'sections.noise.soundLevelDb'. */
  path: string;
  level: 'missing' | 'warning' | 'obstacle';
  messageFi: string;
  messageEn: string;
}
export interface DraftCheck {
  light: Light;
  /** Nothing missing and no obstacle: the project can be submitted. */
  complete: boolean;
  issues: DraftIssue[];
  /** 'common' and each permit type. */
  perSection: Record<string, Light>;
}

/**
 * The Assembly Act's legal minimum for a public-event notification is five days, but the
 * police ask for two weeks so that security and traffic arrangements can still be changed.
 */
export const POLICE_LEAD_DAYS = 14;

const asked = (f: FieldDef, answers?: AdviceAnswers) =>
  // Without advice answers nothing is known, so everything is asked.
  !f.askWhen || !answers || Boolean(answers[f.askWhen as keyof AdviceAnswers]);

/** The fields the application asks: the common ones plus each permit's section, only those that apply. */
export function requiredFields(
  permitTypes: string[],
  answers?: AdviceAnswers,
): { common: FieldDef[]; sections: Record<string, FieldDef[]> } {
  return {
    common: COMMON_FIELDS.filter((f) => asked(f, answers)),
    sections: Object.fromEntries(
      permitTypes.map((t) => [t, requirePermitType(t).fields.filter((f) => asked(f, answers))]),
    ),
  };
}

const isEmpty = (v: DraftValue | undefined): v is null | undefined | '' =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** Day number of an ISO date (YYYY-MM-DD, optionally with a time), or null when it is no real date. */
function dayNumber(iso: string): number | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2027-02-30 over to March; a real date survives the round trip.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return ms / 86_400_000;
}

function valueProblem(f: FieldDef, value: DraftValue): { fi: string; en: string } | null {
  switch (f.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : { fi: 'anna luku', en: 'enter a number' };
    case 'date':
      return typeof value === 'string' && dayNumber(value) !== null
        ? null
        : { fi: 'anna päivämäärä (VVVV-KK-PP)', en: 'enter a date (YYYY-MM-DD)' };
    case 'boolean':
      return typeof value === 'boolean' ? null : { fi: 'valitse kyllä tai ei', en: 'choose yes or no' };
    case 'text':
      return typeof value === 'string' ? null : { fi: 'anna teksti', en: 'enter text' };
  }
}

function fieldIssues(prefix: string, defs: FieldDef[], values: Record<string, DraftValue> | undefined): DraftIssue[] {
  const issues: DraftIssue[] = [];
  for (const f of defs) {
    const value = values?.[f.key];
    const path = `${prefix}.${f.key}`;
    if (isEmpty(value)) {
      if (f.required) {
        issues.push({
          path,
          level: 'missing',
          messageFi: `${f.labelFi} puuttuu`,
          messageEn: `${f.labelEn} is missing`,
        });
      } else if (f.critical) {
        issues.push({
          path,
          level: 'warning',
          messageFi: `${f.labelFi}: tieto nopeuttaa käsittelyä`,
          messageEn: `${f.labelEn}: giving it speeds up processing`,
        });
      }
      continue;
    }
    // A value of the wrong type is as good as none: the authority cannot use it.
    const problem = valueProblem(f, value);
    if (problem) {
      issues.push({
        path,
        level: 'missing',
        messageFi: `${f.labelFi}: ${problem.fi}`,
        messageEn: `${f.labelEn}: ${problem.en}`,
      });
    } else if (typeof value === 'number' && value < 0) {
      issues.push({
        path,
        level: 'warning',
        messageFi: `${f.labelFi}: negatiivinen arvo`,
        messageEn: `${f.labelEn}: the value is negative`,
      });
    }
  }
  return issues;
}

const dayOf = (v: DraftValue | undefined) => (typeof v === 'string' ? dayNumber(v) : null);

function dateIssues(
  draft: ProjectDraft,
  sections: Record<string, FieldDef[]>,
  permitTypes: string[],
  today?: string,
): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const start = dayOf(draft.common.startDate);
  const end = dayOf(draft.common.endDate);
  if (start !== null && end !== null && end < start) {
    issues.push({
      path: 'common.endDate',
      level: 'warning',
      messageFi: 'Päättymispäivä on ennen alkamispäivää',
      messageEn: 'The end date is before the start date',
    });
  } else if (start !== null && end !== null) {
    // A permit's own date (e.g. the fireworks display) belongs within the project's dates;
    // outside them it is most likely a typo, or a date copied from an earlier year.
    for (const [type, defs] of Object.entries(sections)) {
      for (const f of defs.filter((d) => d.type === 'date')) {
        const day = dayOf(draft.sections[type]?.[f.key]);
        if (day !== null && (day < start || day > end)) {
          issues.push({
            path: `sections.${type}.${f.key}`,
            level: 'warning',
            messageFi: `${f.labelFi} ei osu hankkeen alkamis- ja päättymispäivän väliin`,
            messageEn: `${f.labelEn} is outside the project's start and end dates`,
          });
        }
      }
    }
  }
  if (today !== undefined && start !== null && permitTypes.includes('public-event')) {
    const now = dayNumber(today);
    if (now === null) throw new RangeError(`today must be an ISO date, got "${today}"`);
    if (start - now < POLICE_LEAD_DAYS) {
      issues.push({
        path: 'common.startDate',
        level: 'warning',
        messageFi: `Yleisötilaisuudesta pitää ilmoittaa poliisille ${POLICE_LEAD_DAYS} päivää ennen alkua`,
        messageEn: `The police must be notified of a public event ${POLICE_LEAD_DAYS} days before it starts`,
      });
    }
  }
  return issues;
}

/**
 * The attendance given in the application may be larger than in the advice; if that makes
 * another permit necessary (e.g. a rescue plan from 200 people on) the project lacks it.
 */
function attendanceIssues(draft: ProjectDraft, permitTypes: string[], answers?: AdviceAnswers): DraftIssue[] {
  const attendance = draft.common.attendance;
  if (!answers || typeof attendance !== 'number' || attendance === answers.attendance) return [];
  const before = new Set(explorePermitNeeds(answers).permits.map((p) => p.permitType));
  return explorePermitNeeds({ ...answers, attendance })
    .permits.filter((p) => !before.has(p.permitType) && !permitTypes.includes(p.permitType))
    .map((p) => ({
      path: 'common.attendance',
      level: 'warning' as const,
      messageFi: `Osallistujamäärällä ${attendance} tarvitaan myös: ${p.nameFi}`,
      messageEn: `With ${attendance} attendees this is also needed: ${p.nameEn}`,
    }));
}

/** Absolute obstacles: no amount of paperwork makes these permissible as planned. */
function obstacles(permitTypes: string[], answers?: AdviceAnswers): DraftIssue[] {
  const issues: DraftIssue[] = [];
  if (answers?.naturaArea && answers.fireworks) {
    issues.push({
      path: 'sections.fireworks',
      level: 'obstacle',
      messageFi: 'Ilotulitus Natura 2000 -alueella ei ole sallittua',
      messageEn: 'Fireworks are not allowed in a Natura 2000 area',
    });
  }
  if (answers?.naturaArea && answers.emissions) {
    issues.push({
      path: 'sections.environmental',
      level: 'obstacle',
      messageFi: 'Päästöt Natura 2000 -alueelle edellyttävät ensin Natura-arviointia',
      messageEn: 'Emissions into a Natura 2000 area require a Natura assessment first',
    });
  }
  if ((answers?.hazardousChemicalsTonnes ?? 0) > 0 && !permitTypes.includes('rescue-plan')) {
    issues.push({
      path: 'sections.rescue-plan',
      level: 'obstacle',
      messageFi: 'Vaarallisten kemikaalien käsittely edellyttää pelastussuunnitelmaa',
      messageEn: 'Handling hazardous chemicals requires a rescue plan',
    });
  }
  return issues;
}

const lightOf = (issues: DraftIssue[]): Light =>
  issues.some((i) => i.level !== 'warning') ? 'red' : issues.length > 0 ? 'amber' : 'green';

const inSection = (path: string, section: string) => {
  const prefix = section === 'common' ? 'common' : `sections.${section}`;
  return path === prefix || path.startsWith(`${prefix}.`);
};

/**
 * Checks a draft against what its permits ask. Missing required data and obstacles are red
 * and block submission; warnings (missing critical extras, suspicious values) are amber.
 * `today` (YYYY-MM-DD) enables lead-time warnings without reading a clock.
 */
export function checkDraft(
  draft: ProjectDraft,
  permitTypes: string[],
  answers?: AdviceAnswers,
  today?: string,
): DraftCheck {
  const fields = requiredFields(permitTypes, answers);
  const issues = [
    ...fieldIssues('common', fields.common, draft.common),
    ...Object.entries(fields.sections).flatMap(([t, defs]) => fieldIssues(`sections.${t}`, defs, draft.sections[t])),
    ...dateIssues(draft, fields.sections, permitTypes, today),
    ...attendanceIssues(draft, permitTypes, answers),
    ...obstacles(permitTypes, answers),
  ];
  return {
    light: lightOf(issues),
    complete: !issues.some((i) => i.level !== 'warning'),
    issues,
    perSection: Object.fromEntries(
      ['common', ...permitTypes].map((s) => [s, lightOf(issues.filter((i) => inSection(i.path, s)))]),
    ),
  };
}

export interface CustomerProfile {
  organisationName: string;
  businessId?: string | null;
  contactName?: string;
  contactEmail?: string;
  contactPhone?: string;
  address?: string;
  municipality?: string;
}

const PROFILE_FIELDS = ['contactName', 'contactEmail', 'contactPhone', 'address', 'municipality'] as const;

/**
 * F08: the profile's contact data, then every field of a previous project that the new one
 * also asks. A previous project's value wins over the profile: it was given for this kind of
 * undertaking (the event's own producer, the site's address), the profile only for the
 * organisation. Dates are never copied (a new event has new dates) and an empty value
 * never overwrites anything.
 */
export function prefillDraft(
  permitTypes: string[],
  profile: CustomerProfile,
  previous?: ProjectDraft,
): { draft: ProjectDraft; prefilled: string[] } {
  const draft: ProjectDraft = { common: {}, sections: Object.fromEntries(permitTypes.map((t) => [t, {}])) };
  const prefilled: string[] = [];
  const put = (target: Record<string, DraftValue>, path: string, key: string, value: DraftValue | undefined) => {
    if (isEmpty(value)) return;
    target[key] = value;
    if (!prefilled.includes(path)) prefilled.push(path);
  };
  const copyable = (defs: readonly FieldDef[]) => new Set(defs.filter((f) => f.type !== 'date').map((f) => f.key));

  for (const key of PROFILE_FIELDS) put(draft.common, `common.${key}`, key, profile[key]);
  if (previous) {
    const common = copyable(COMMON_FIELDS);
    for (const [k, v] of Object.entries(previous.common)) if (common.has(k)) put(draft.common, `common.${k}`, k, v);
    for (const t of permitTypes) {
      const keys = copyable(requirePermitType(t).fields);
      const target = draft.sections[t]!;
      for (const [k, v] of Object.entries(previous.sections[t] ?? {})) {
        if (keys.has(k)) put(target, `sections.${t}.${k}`, k, v);
      }
    }
  }
  return { draft, prefilled };
}
