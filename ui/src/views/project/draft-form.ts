/**
 * The application form's logic (F07, F08): which fields are asked, what the user typed as a
 * draft value, the traffic lights (the same checkDraft the server runs, so the lights change
 * as the user types and agree with what submission will say), and the patch that autosave
 * sends (only what changed since the last save).
 */
import {
  checkDraft,
  requiredFields,
  type DraftCheck,
  type DraftValue,
  type ProjectDraft,
} from '../../../../domain/draft';
import type { FieldDef } from '../../../../domain/catalogue';
import { permitType as permitTypeDef } from '../../../../domain/catalogue';
import type { AdviceAnswers } from '../../../../domain/advice';
import { PROJECT_STEP_NORM_DAYS } from '../../../../domain/permit-project';

export type { DraftCheck, DraftValue, ProjectDraft, FieldDef };

export interface FormSection {
  /** 'common' or the permit type. */
  id: string;
  nameFi: string;
  nameEn: string;
  fields: FieldDef[];
}

/** The common description once, then one section per permit, each with only the fields that apply. */
export function formSections(permitTypes: string[], answers?: AdviceAnswers): FormSection[] {
  const fields = requiredFields(permitTypes, answers);
  return [
    { id: 'common', nameFi: 'Hankkeen yleiskuvaus', nameEn: 'About the project', fields: fields.common },
    ...permitTypes.map((t) => {
      const def = permitTypeDef(t);
      return { id: t, nameFi: def?.nameFi ?? t, nameEn: def?.nameEn ?? t, fields: fields.sections[t] ?? [] };
    }),
  ];
}

/** `common.x` or `sections.<type>.x`: the path checkDraft and the API use for a field. */
export const fieldPath = (section: string, key: string) =>
  section === 'common' ? `common.${key}` : `sections.${section}.${key}`;

export function valueAt(draft: ProjectDraft, section: string, key: string): DraftValue | undefined {
  return section === 'common' ? draft.common[key] : draft.sections[section]?.[key];
}

/**
 * What an input's raw text means as a draft value: empty is "no value" (null); numbers accept
 * a decimal comma and spaces as thousands separators ("1 200,5"); text that is no number stays
 * text so the traffic light can say "enter a number" instead of silently dropping it.
 */
export function parseInput(field: FieldDef, raw: string | boolean): DraftValue {
  if (field.type === 'boolean')
    return typeof raw === 'boolean' ? raw : raw === 'true' ? true : raw === 'false' ? false : null;
  const text = String(raw);
  if (text.trim() === '') return null;
  if (field.type === 'number') {
    const normalised = text.replace(/[\s\u00a0]/g, '').replace(',', '.');
    const n = Number(normalised);
    return /^-?\d+(\.\d+)?$/.test(normalised) && Number.isFinite(n) ? n : text;
  }
  return text;
}

/** A draft value shown in an input (numbers with the locale's decimal separator). */
export function displayValue(value: DraftValue | undefined, locale: 'fi' | 'en'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return locale === 'fi' ? String(value).replace('.', ',') : String(value);
  return String(value);
}

export function setValue(draft: ProjectDraft, section: string, key: string, value: DraftValue): ProjectDraft {
  if (section === 'common') return { ...draft, common: { ...draft.common, [key]: value } };
  return { ...draft, sections: { ...draft.sections, [section]: { ...draft.sections[section], [key]: value } } };
}

export function check(
  draft: ProjectDraft,
  permitTypes: string[],
  answers: AdviceAnswers | undefined,
  today: string,
): DraftCheck {
  return checkDraft(draft, permitTypes, answers, today);
}

export interface DraftPatch {
  common?: Record<string, DraftValue>;
  sections?: Record<string, Record<string, DraftValue>>;
  secret?: { mark?: string[]; unmark?: string[] };
}

/** What autosave sends: the values and trade-secret marks that differ from the saved draft; null when nothing does. */
export function patchBetween(saved: ProjectDraft, current: ProjectDraft): DraftPatch | null {
  const patch: DraftPatch = {};
  const changed = (a: Record<string, DraftValue> | undefined, b: Record<string, DraftValue>) =>
    Object.fromEntries(Object.entries(b).filter(([k, v]) => (a?.[k] ?? null) !== (v ?? null)));
  const common = changed(saved.common, current.common);
  if (Object.keys(common).length) patch.common = common;
  for (const [type, fields] of Object.entries(current.sections)) {
    const diff = changed(saved.sections[type], fields);
    if (Object.keys(diff).length) (patch.sections ??= {})[type] = diff;
  }
  const before = new Set(saved.secret ?? []);
  const after = new Set(current.secret ?? []);
  const mark = [...after].filter((p) => !before.has(p));
  const unmark = [...before].filter((p) => !after.has(p));
  if (mark.length || unmark.length)
    patch.secret = { ...(mark.length ? { mark } : {}), ...(unmark.length ? { unmark } : {}) };
  return Object.keys(patch).length ? patch : null;
}

export function toggleSecret(draft: ProjectDraft, path: string, secret: boolean): ProjectDraft {
  const marks = new Set(draft.secret ?? []);
  if (secret) marks.add(path);
  else marks.delete(path);
  return { ...draft, secret: [...marks].sort() };
}

/**
 * F06 before any case exists: the norm-based duration in days from today to the last
 * decision, the project steps first (kickoff only where it is held), then the permits in
 * parallel, the slowest deciding. Appeal periods are listed apart: the decision is usable
 * before it is final for most permits.
 */
export function normForecastDays(permitTypes: string[], kickoff: boolean): { toDecision: number; toFinal: number } {
  const project =
    PROJECT_STEP_NORM_DAYS.advice +
    PROJECT_STEP_NORM_DAYS.draft +
    (kickoff ? PROJECT_STEP_NORM_DAYS.kickoff : 0) +
    PROJECT_STEP_NORM_DAYS.submission;
  let toDecision = 0;
  let toFinal = 0;
  for (const t of permitTypes) {
    const n = permitTypeDef(t)?.norms;
    if (!n) continue;
    const decision = n.processing + n.hearing + n.replies + n.draftReview + n.decision;
    toDecision = Math.max(toDecision, decision);
    toFinal = Math.max(toFinal, decision + n.service + n.appeal);
  }
  return { toDecision: project + toDecision, toFinal: project + toFinal };
}
