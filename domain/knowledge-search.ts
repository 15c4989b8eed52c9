/**
 * Search (F02): what one searchable document holds for each source record and language, what
 * a search result shows of it, and the "any word" query that backs up PostgreSQL's Finnish
 * stemmer. Pure, no I/O and no imports: the UI imports its kinds and result shape from here.
 */

/** What can be searched: the platform's own knowledge, and (for authorities) the archive. */
export const SEARCH_KINDS = ['guide', 'answer', 'contact', 'solution', 'archive'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
export const OWN_KINDS = ['guide', 'answer', 'contact', 'solution'] as const;
export type SearchLang = 'fi' | 'en';

/** The fields of a searchable document that a search result shows too. */
export interface SearchDocumentFields {
  id: string;
  kind: SearchKind;
  refId: string;
  lang: SearchLang;
  title: string;
  body: string;
  permitTypes: string[];
  authorityCode: string | null;
  region: string | null;
  industry: string | null;
}

export interface SearchDocumentInput extends SearchDocumentFields {
  audience: 'public' | 'authority';
}

/** A piece of a result's snippet; `hit` marks the words the query matched. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/** One result of GET /api/search as the UI reads it. */
export interface SearchResult extends SearchDocumentFields {
  snippet: SnippetPart[];
}

export const searchDocumentId = (kind: SearchKind, refId: string, lang: SearchLang) => `${kind}:${refId}:${lang}`;

/**
 * The backup query for a document language: every stem of the query (as PostgreSQL's
 * configuration gave it) as a prefix, joined by OR. The Snowball Finnish stemmer leaves
 * consonant gradation and the -us/-uks- alternation apart ("meluilmoitus" → meluilmoitus,
 * "meluilmoituksen" → meluilmoituks; "lupa" → lu, "luvan" → luv), so a stem of six or more
 * letters is shortened by two before it is used as a prefix: meluilmoitu:* finds both.
 * Shorter stems are matched exactly.
 * Returns null when the query has no stems (only stop words or punctuation).
 */
export function prefixQuery(lexemes: readonly string[]): string | null {
  const parts = [...new Set(lexemes.filter((l) => [...l].length >= 2))].map((l) => {
    const letters = [...l];
    // A short stem stays exact: as a prefix "a" or "pl" would match half the corpus.
    const long = letters.length >= 6;
    const text = long ? letters.slice(0, -2).join('') : l;
    // tsquery text syntax: a quoted lexeme, quotes doubled and backslashes escaped.
    return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'${long ? ':*' : ''}`;
  });
  return parts.length > 0 ? parts.join(' | ') : null;
}

interface GuideLike {
  id: string;
  slug: string;
  titleFi: string;
  titleEn: string;
  bodyFi: string;
  bodyEn: string;
  permitTypes: string[];
  industries: string[];
  authorityCode: string | null;
}

export function guideDocuments(g: GuideLike): SearchDocumentInput[] {
  return (['fi', 'en'] as const).map((lang) => ({
    id: searchDocumentId('guide', g.id, lang),
    kind: 'guide',
    refId: g.id,
    lang,
    title: lang === 'fi' ? g.titleFi : g.titleEn,
    body: lang === 'fi' ? g.bodyFi : g.bodyEn,
    permitTypes: g.permitTypes,
    authorityCode: g.authorityCode,
    region: null,
    industry: g.industries.length === 1 ? g.industries[0]! : null,
    audience: 'public',
  }));
}

/** A stored answer's searchable fields (the ChatAnswer row; the seed's answers without the id). */
export interface AnswerLike {
  id: string;
  lang: string;
  question: string;
  answer: string;
  topic: string;
  industry: string | null;
  permitTypes: string[];
  authorityCode: string | null;
}

/** A stored answer is written in one language and searched in that language only. */
export function answerDocuments(a: AnswerLike): SearchDocumentInput[] {
  const lang: SearchLang = a.lang === 'en' ? 'en' : 'fi';
  return [
    {
      id: searchDocumentId('answer', a.id, lang),
      kind: 'answer',
      refId: a.id,
      lang,
      title: a.question,
      body: `${a.answer}\n${a.topic}`,
      permitTypes: a.permitTypes,
      authorityCode: a.authorityCode,
      region: null,
      industry: a.industry,
      audience: 'public',
    },
  ];
}

interface SolutionLike {
  id: string;
  permitType: string;
  authorityCode: string;
  region: string;
  industry: string | null;
  summaryFi: string;
  summaryEn: string;
}

export function solutionDocuments(s: SolutionLike, names: { fi: string; en: string }): SearchDocumentInput[] {
  return (['fi', 'en'] as const).map((lang) => ({
    id: searchDocumentId('solution', s.id, lang),
    kind: 'solution',
    refId: s.id,
    lang,
    title: lang === 'fi' ? `Ratkaisu: ${names.fi}, ${s.region}` : `Solution: ${names.en}, ${s.region}`,
    body: lang === 'fi' ? s.summaryFi : s.summaryEn,
    permitTypes: [s.permitType],
    authorityCode: s.authorityCode,
    region: s.region,
    industry: s.industry,
    audience: 'public',
  }));
}

interface AuthorityLike {
  id: string;
  code: string;
  nameFi: string;
  nameEn: string;
  email: string;
  phone: string | null;
}

/** An authority's contact card: names, e-mail, phone and the permits it handles (from the catalogue). */
export function contactDocuments(
  a: AuthorityLike,
  handles: Array<{ permitType: string; nameFi: string; nameEn: string }>,
): SearchDocumentInput[] {
  return (['fi', 'en'] as const).map((lang) => {
    const fi = lang === 'fi';
    const lines = [
      `${fi ? 'Sähköposti' : 'E-mail'}: ${a.email}`,
      ...(a.phone ? [`${fi ? 'Puhelin' : 'Phone'}: ${a.phone}`] : []),
      `${fi ? 'Käsittelee' : 'Handles'}: ${handles.map((h) => (fi ? h.nameFi : h.nameEn)).join(', ')}`,
    ];
    return {
      id: searchDocumentId('contact', a.id, lang),
      kind: 'contact',
      refId: a.id,
      lang,
      title: fi ? a.nameFi : a.nameEn,
      body: lines.join('\n'),
      permitTypes: handles.map((h) => h.permitType),
      authorityCode: a.code,
      region: null,
      industry: null,
      audience: 'public',
    };
  });
}
