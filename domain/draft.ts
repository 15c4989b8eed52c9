/** F07 smart entry (asks only what is needed, traffic lights, absolute obstacles) and F08 prefill. */
import { COMMON_FIELDS, permitType, type FieldDef } from './catalogue';
import type { AdviceAnswers } from './advice';

export type DraftValue = string | number | boolean | null;
export interface ProjectDraft {
  common: Record<string, DraftValue>;
  sections: Record<string, Record<string, DraftValue>>;
}
export type Light = 'green' | 'amber' | 'red';
export interface DraftIssue {
  path: string;
  level: 'missing' | 'warning' | 'obstacle';
  messageFi: string;
  messageEn: string;
}
export interface DraftCheck {
  light: Light;
  complete: boolean;
  issues: DraftIssue[];
  perSection: Record<string, Light>;
}

/** Police must get a public-event notification at least this many days before the event. */
const POLICE_LEAD_DAYS = 14;

const asked = (f: FieldDef, answers?: AdviceAnswers) =>
  !f.askWhen || !answers || Boolean((answers as Record<string, unknown>)[f.askWhen]);

/** The fields the application asks: the common ones plus each permit's section, only those that apply. */
export function requiredFields(
  permitTypes: string[],
  answers?: AdviceAnswers,
): { common: FieldDef[]; sections: Record<string, FieldDef[]> } {
  return {
    common: COMMON_FIELDS.filter((f) => asked(f, answers)),
    sections: Object.fromEntries(
      permitTypes.map((t) => [t, (permitType(t)?.fields ?? []).filter((f) => asked(f, answers))]),
    ),
  };
}

const empty = (v: DraftValue | undefined) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function daysBetween(fromIso: string, toIso: string): number {
  return (Date.parse(toIso) - Date.parse(fromIso)) / (24 * 60 * 60 * 1000);
}

/** Checks a draft; `today` (YYYY-MM-DD) enables lead-time warnings without reading a clock. */
export function checkDraft(
  draft: ProjectDraft,
  permitTypes: string[],
  answers?: AdviceAnswers,
  today?: string,
): DraftCheck {
  const issues: DraftIssue[] = [];
  const fields = requiredFields(permitTypes, answers);
  const check = (prefix: string, defs: FieldDef[], values: Record<string, DraftValue> | undefined) => {
    for (const f of defs) {
      const value = values?.[f.key];
      const path = `${prefix}.${f.key}`;
      if (empty(value)) {
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
      } else if (f.type === 'number' && typeof value !== 'number') {
        issues.push({
          path,
          level: 'missing',
          messageFi: `${f.labelFi}: anna luku`,
          messageEn: `${f.labelEn}: enter a number`,
        });
      } else if (f.type === 'date' && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
        issues.push({
          path,
          level: 'missing',
          messageFi: `${f.labelFi}: anna päivämäärä`,
          messageEn: `${f.labelEn}: enter a date`,
        });
      }
    }
  };
  check('common', fields.common, draft.common);
  for (const [type, defs] of Object.entries(fields.sections)) check(`sections.${type}`, defs, draft.sections[type]);

  const start = draft.common.startDate;
  const end = draft.common.endDate;
  if (typeof start === 'string' && typeof end === 'string' && end < start) {
    issues.push({
      path: 'common.endDate',
      level: 'warning',
      messageFi: 'Päättymispäivä on ennen alkamispäivää',
      messageEn: 'The end date is before the start date',
    });
  }
  if (
    today &&
    typeof start === 'string' &&
    permitTypes.includes('public-event') &&
    daysBetween(today, start) < POLICE_LEAD_DAYS
  ) {
    issues.push({
      path: 'common.startDate',
      level: 'warning',
      messageFi: `Yleisötilaisuudesta on ilmoitettava poliisille ${POLICE_LEAD_DAYS} päivää ennen`,
      messageEn: `The police must be notified of a public event ${POLICE_LEAD_DAYS} days in advance`,
    });
  }
  // Absolute obstacles: no amount of paperwork makes these permissible.
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
      messageFi: 'Vaarallisten kemikaalien varastointi edellyttää pelastussuunnitelmaa',
      messageEn: 'Storing hazardous chemicals requires a rescue plan',
    });
  }

  const lightOf = (list: DraftIssue[]): Light =>
    list.some((i) => i.level !== 'warning') ? 'red' : list.length > 0 ? 'amber' : 'green';
  return {
    light: lightOf(issues),
    complete: !issues.some((i) => i.level !== 'warning'),
    issues,
    perSection: Object.fromEntries(
      ['common', ...permitTypes].map((t) => [
        t,
        lightOf(issues.filter((i) => i.path.startsWith(t === 'common' ? 'common.' : `sections.${t}`))),
      ]),
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

/** F08: profile data first, then everything from a previous project except dates; never empties a field. */
export function prefillDraft(
  permitTypes: string[],
  profile: CustomerProfile,
  previous?: ProjectDraft,
): { draft: ProjectDraft; prefilled: string[] } {
  const draft: ProjectDraft = { common: {}, sections: Object.fromEntries(permitTypes.map((t) => [t, {}])) };
  const prefilled: string[] = [];
  const put = (target: Record<string, DraftValue>, path: string, key: string, value: DraftValue | undefined) => {
    if (empty(value)) return;
    if (!prefilled.includes(path)) prefilled.push(path);
    target[key] = value as DraftValue;
  };
  put(draft.common, 'common.contactName', 'contactName', profile.contactName);
  put(draft.common, 'common.contactEmail', 'contactEmail', profile.contactEmail);
  put(draft.common, 'common.contactPhone', 'contactPhone', profile.contactPhone);
  put(draft.common, 'common.address', 'address', profile.address);
  put(draft.common, 'common.municipality', 'municipality', profile.municipality);
  if (previous) {
    const dateKeys = new Set(COMMON_FIELDS.filter((f) => f.type === 'date').map((f) => f.key));
    for (const [k, v] of Object.entries(previous.common)) {
      if (!dateKeys.has(k)) put(draft.common, `common.${k}`, k, v);
    }
    for (const t of permitTypes) {
      const fields = permitType(t)?.fields ?? [];
      for (const [k, v] of Object.entries(previous.sections[t] ?? {})) {
        const def = fields.find((f) => f.key === k);
        if (def && def.type !== 'date') put(draft.sections[t]!, `sections.${t}.${k}`, k, v);
      }
    }
  }
  return { draft, prefilled };
}
