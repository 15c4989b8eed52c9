/**
 * The solution store's anonymiser (F02): removes identifying data from a decided case before it
 * is published to everyone as a past decision in a similar case. Pure, no I/O.
 *
 * Two kinds of identifiers go:
 * - those with a shape, whatever the case: personal identity codes (henkilötunnus), business IDs
 *   (y-tunnus), e-mail addresses, phone numbers and street addresses (a street name ending in a
 *   Finnish street word, with its number);
 * - those known from the case: the people involved (users, signers, contact persons), the
 *   organisation's name and the project's title. People's first names and surnames are removed
 *   separately and with Finnish case endings ("Oksasen", "Ollille"), because a decision names
 *   them inflected.
 * Anything unsure is removed rather than kept: an over-eager redaction costs a word, a missed one
 * publishes a person.
 */

export type AnonymiseLang = 'fi' | 'en';

export interface KnownIdentifiers {
  /** People's full names ("Olli Oksanen"). */
  people?: readonly string[];
  organisationName?: string | null;
  businessId?: string | null;
  projectTitle?: string | null;
  /** Addresses named in the case (the event site), removed as phrases. */
  addresses?: readonly string[];
  /** Any other identifying phrase (a brand, a venue's private owner). */
  other?: readonly string[];
}

type Placeholder =
  'personalId' | 'businessId' | 'email' | 'phone' | 'address' | 'person' | 'organisation' | 'project' | 'other';

export const PLACEHOLDERS: Record<AnonymiseLang, Record<Placeholder, string>> = {
  fi: {
    personalId: '[henkilötunnus]',
    businessId: '[y-tunnus]',
    email: '[sähköposti]',
    phone: '[puhelin]',
    address: '[osoite]',
    person: '[henkilö]',
    organisation: '[organisaatio]',
    project: '[hanke]',
    other: '[poistettu]',
  },
  en: {
    personalId: '[personal ID]',
    businessId: '[business ID]',
    email: '[e-mail]',
    phone: '[phone]',
    address: '[address]',
    person: '[person]',
    organisation: '[organisation]',
    project: '[project]',
    other: '[removed]',
  },
};

// Letters of Finnish and Swedish names and words, for boundaries (\b knows only ASCII).
const L = 'A-Za-zÀ-ÖØ-öø-ÿ';
const before = `(?<![${L}0-9])`;
const after = `(?![${L}0-9])`;

/** Henkilötunnus: DDMMYY, a century sign (+, -, A–F, U–Y), three digits and a check character. */
const PERSONAL_ID = new RegExp(`${before}\\d{6}[-+A-FU-Y]\\d{3}[0-9A-Y]${after}`, 'gi');
/** Y-tunnus: seven digits, a hyphen and a check digit (also with the FI prefix of a VAT number). */
const BUSINESS_ID = new RegExp(`${before}(?:FI)?\\d{7}-?\\d${after}`, 'gi');
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/**
 * Phone numbers: +358 or a leading 0, then digits in groups separated by spaces or hyphens
 * (040 123 4567, 03-565 6000, +358 40 123 4567, 0401234567); at least 7 digits in all.
 */
const PHONE = /(?<![\w+])(?:\+358[\s-]?\(?0?\)?|0)\d{1,3}(?:[\s-]?\d{2,4}){2,4}(?!\d)/g;
/** Finnish and Swedish street words a street name ends with. */
const STREET_WORDS =
  'katu|kadun|kadulla|tie|tien|tiellä|kuja|kujan|kujalla|polku|polun|väylä|väylän|raitti|ranta|rannan|' +
  'puistikko|tori|torin|torilla|aukio|aukion|kaari|kaaren|rinne|rinteen|piha|pihan|bulevardi|esplanadi|' +
  'gatan|vägen|gränd|road|street|avenue';
/**
 * A street name (a word ending in a street word, after a capitalised genitive for two-word
 * names: "Kalevan puistotie"), its number and an optional staircase and flat.
 */
const ADDRESS = new RegExp(
  `${before}(?:\\p{Lu}\\p{Ll}+n\\s)?[${L}-]*(?:${STREET_WORDS})\\s+\\d{1,4}(?:\\s?[A-Za-z])?(?:[\\s-]?\\d{1,3})?${after}`,
  'gu',
);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A phrase matched case-insensitively, across any whitespace, with a case ending on its last word (Oy:n, ry:lle). */
function phrasePattern(phrase: string): RegExp | null {
  const words = phrase.trim().split(/\s+/).filter(Boolean).map(escapeRe);
  if (words.length === 0) return null;
  return new RegExp(`${before}${words.join('\\s+')}(?::?[${L}]{0,6})${after}`, 'giu');
}

/**
 * One part of a person's name with its Finnish case endings: the stem is the name less its
 * last three letters for long names (Oksanen → Oksa-sen, Mäkinen → Mäki-selle), the whole
 * name for short ones (Olli → Olli-n), followed by up to six letters.
 */
function namePartPattern(part: string): RegExp | null {
  const clean = part.replace(/[^\p{L}'-]/gu, '');
  if (clean.length < 3) return null;
  const letters = [...(clean.length >= 6 ? clean.slice(0, -3) : clean)];
  // Capitalised as a name is, so a surname that is also a word ("Mäki", "Poliisi") leaves the
  // word alone mid-sentence; the rest of the letters in either case (OKSANEN in a signature).
  const [first, ...rest] = letters;
  const stem = [
    escapeRe(first!.toLocaleUpperCase('fi')),
    ...rest.map((c) => `[${escapeRe(c.toLocaleLowerCase('fi'))}${escapeRe(c.toLocaleUpperCase('fi'))}]`),
  ].join('');
  return new RegExp(`${before}${stem}[${L}]{0,7}${after}`, 'gu');
}

/** The text with every identifier replaced by a placeholder in the language of the summary. */
export function anonymise(text: string, known: KnownIdentifiers = {}, lang: AnonymiseLang = 'fi'): string {
  const p = PLACEHOLDERS[lang];
  let out = text;
  // Known phrases first (longest first), so a title or a name containing a pattern goes whole.
  const phrases: Array<[string, string]> = [
    ...(known.projectTitle ? [[known.projectTitle, p.project] as [string, string]] : []),
    ...(known.organisationName ? [[known.organisationName, p.organisation] as [string, string]] : []),
    ...(known.addresses ?? []).map((a) => [a, p.address] as [string, string]),
    ...(known.other ?? []).map((o) => [o, p.other] as [string, string]),
    ...(known.people ?? []).map((n) => [n, p.person] as [string, string]),
  ].sort((a, b) => b[0].length - a[0].length);
  for (const [phrase, placeholder] of phrases) {
    const re = phrasePattern(phrase);
    if (re) out = out.replace(re, placeholder);
  }
  // Shapes: the most specific first (a henkilötunnus contains digits a phone pattern would take).
  out = out.replace(EMAIL, p.email);
  out = out.replace(PERSONAL_ID, p.personalId);
  if (known.businessId) {
    const re = phrasePattern(known.businessId);
    if (re) out = out.replace(re, p.businessId);
  }
  out = out.replace(BUSINESS_ID, p.businessId);
  out = out.replace(PHONE, p.phone);
  out = out.replace(ADDRESS, p.address);
  // People's names part by part, inflected.
  for (const name of known.people ?? []) {
    for (const part of name.split(/[\s-]+/)) {
      const re = namePartPattern(part);
      if (re) out = out.replace(re, p.person);
    }
  }
  // Adjacent placeholders of one person ("[henkilö] [henkilö]") read as one.
  const person = escapeRe(p.person);
  return out.replace(new RegExp(`${person}(?:\\s+${person})+`, 'g'), p.person);
}
