/**
 * F04 permit-need exploration and F05 recommendations: the questionnaire and what follows
 * from it. Which permit is needed when is data (neededWhen/likelyWhen in the catalogue);
 * this module only evaluates those rules and explains them.
 */
import { z } from 'zod';
import { PERMIT_TYPES, evaluateCondition, matchingLeaves, type Condition, type LeafCondition } from './catalogue';

// A type alias, not an interface: answers are stored as JSON, and only object type aliases
// get the implicit index signature that lets them pass as Prisma JSON or Record<string, unknown>.
export type AdviceAnswers = {
  kind: 'event' | 'facility';
  attendance?: number;
  alcohol?: boolean;
  foodSales?: boolean;
  amplifiedSound?: boolean;
  nightTime?: boolean;
  temporaryStructures?: boolean;
  fireworks?: boolean;
  publicArea?: boolean;
  hazardousChemicalsTonnes?: number;
  emissions?: boolean;
  waterWorks?: boolean;
  newBuilding?: boolean;
  naturaArea?: boolean;
  municipality?: string;
};

// The upper bounds only keep absurd input out; no real event or store comes near them.
export const ZAdviceAnswers = z
  .object({
    kind: z.enum(['event', 'facility']),
    attendance: z.number().int().min(0).max(10_000_000).optional(),
    alcohol: z.boolean().optional(),
    foodSales: z.boolean().optional(),
    amplifiedSound: z.boolean().optional(),
    nightTime: z.boolean().optional(),
    temporaryStructures: z.boolean().optional(),
    fireworks: z.boolean().optional(),
    publicArea: z.boolean().optional(),
    hazardousChemicalsTonnes: z.number().min(0).max(10_000_000).optional(),
    emissions: z.boolean().optional(),
    waterWorks: z.boolean().optional(),
    newBuilding: z.boolean().optional(),
    naturaArea: z.boolean().optional(),
    municipality: z.string().max(100).optional(),
  })
  .strict() satisfies z.ZodType<AdviceAnswers>;

// Checked both ways, so the schema and the type cannot drift apart unnoticed.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesInterface: Same<z.infer<typeof ZAdviceAnswers>, AdviceAnswers> = true;
void schemaMatchesInterface;

export interface AdviceQuestion {
  key: keyof AdviceAnswers;
  type: 'choice' | 'boolean' | 'number' | 'text';
  labelFi: string;
  labelEn: string;
  options?: string[];
  askWhen?: { key: keyof AdviceAnswers; eq: unknown };
}

const EVENT = { key: 'kind', eq: 'event' } as const;
const FACILITY = { key: 'kind', eq: 'facility' } as const;

/** The questionnaire, in the order it is asked; event questions only for events, facility ones for facilities. */
export const ADVICE_QUESTIONS: readonly AdviceQuestion[] = [
  {
    key: 'kind',
    type: 'choice',
    labelFi: 'Mitä olet järjestämässä?',
    labelEn: 'What are you planning?',
    options: ['event', 'facility'],
  },
  { key: 'municipality', type: 'text', labelFi: 'Missä kunnassa?', labelEn: 'In which municipality?' },
  {
    key: 'attendance',
    type: 'number',
    labelFi: 'Arvioitu osallistujamäärä',
    labelEn: 'Expected attendance',
    askWhen: EVENT,
  },
  {
    key: 'publicArea',
    type: 'boolean',
    labelFi: 'Käytetäänkö yleistä aluetta (katu, puisto)?',
    labelEn: 'Is a public area (street, park) used?',
    askWhen: EVENT,
  },
  {
    key: 'amplifiedSound',
    type: 'boolean',
    labelFi: 'Onko vahvistettua ääntä?',
    labelEn: 'Is there amplified sound?',
    askWhen: EVENT,
  },
  {
    key: 'nightTime',
    type: 'boolean',
    labelFi: 'Jatkuuko tapahtuma klo 22 jälkeen?',
    labelEn: 'Does it go on after 22:00?',
    askWhen: EVENT,
  },
  {
    key: 'alcohol',
    type: 'boolean',
    labelFi: 'Anniskellaanko alkoholia?',
    labelEn: 'Is alcohol served?',
    askWhen: EVENT,
  },
  { key: 'foodSales', type: 'boolean', labelFi: 'Myydäänkö ruokaa?', labelEn: 'Is food sold?', askWhen: EVENT },
  {
    key: 'temporaryStructures',
    type: 'boolean',
    labelFi: 'Rakennetaanko lavoja tai katsomoita?',
    labelEn: 'Are stages or stands built?',
    askWhen: EVENT,
  },
  { key: 'fireworks', type: 'boolean', labelFi: 'Onko ilotulitus?', labelEn: 'Are there fireworks?', askWhen: EVENT },
  {
    key: 'hazardousChemicalsTonnes',
    type: 'number',
    labelFi: 'Vaarallisia kemikaaleja varastossa (t)',
    labelEn: 'Hazardous chemicals stored (t)',
    askWhen: FACILITY,
  },
  {
    key: 'emissions',
    type: 'boolean',
    labelFi: 'Aiheutuuko päästöjä ilmaan, veteen tai maaperään?',
    labelEn: 'Are there emissions to air, water or soil?',
    askWhen: FACILITY,
  },
  {
    key: 'waterWorks',
    type: 'boolean',
    labelFi: 'Rakennetaanko vesistöön?',
    labelEn: 'Is there construction in a water body?',
    askWhen: FACILITY,
  },
  {
    key: 'newBuilding',
    type: 'boolean',
    labelFi: 'Rakennetaanko uusi rakennus tai laajennus?',
    labelEn: 'Is a new building or extension built?',
    askWhen: FACILITY,
  },
  {
    key: 'naturaArea',
    type: 'boolean',
    labelFi: 'Onko paikka Natura 2000 -alueella tai sen vieressä?',
    labelEn: 'Is the site in or next to a Natura 2000 area?',
  },
];

/** The questions that apply given the answers so far (the first one, kind, always does). */
export function questionsFor(answers: Partial<AdviceAnswers>): AdviceQuestion[] {
  return ADVICE_QUESTIONS.filter((q) => !q.askWhen || answers[q.askWhen.key] === q.askWhen.eq);
}

export interface PermitNeed {
  permitType: string;
  authorityCode: string;
  nameFi: string;
  nameEn: string;
  reasonFi: string;
  reasonEn: string;
}
export interface Recommendation {
  kind: 'permit' | 'service' | 'guide';
  id: string;
  titleFi: string;
  titleEn: string;
  reasonFi: string;
  reasonEn: string;
}
export interface AdviceResult {
  permits: PermitNeed[];
  recommendations: Recommendation[];
}

type Fact = (value: unknown) => { fi: string; en: string };
/** Finnish writes a decimal comma: 0,5 t. */
const fiNumber = (v: unknown) => String(v).replace('.', ',');
const yes =
  (fi: string, en: string): Fact =>
  () => ({ fi, en });

/** How each answer reads in a reason; a Record so a new answer cannot go unexplained. */
const FACTS: Readonly<Record<keyof AdviceAnswers, Fact>> = {
  kind: (v) => (v === 'event' ? { fi: 'tapahtuma', en: 'an event' } : { fi: 'laitos', en: 'a facility' }),
  attendance: (v) => ({ fi: `osallistujia ${fiNumber(v)}`, en: `${String(v)} attendees` }),
  alcohol: yes('alkoholia anniskellaan', 'alcohol is served'),
  foodSales: yes('ruokaa myydään', 'food is sold'),
  amplifiedSound: yes('vahvistettua ääntä', 'amplified sound'),
  nightTime: yes('jatkuu klo 22 jälkeen', 'goes on after 22:00'),
  temporaryStructures: yes('tilapäisiä rakennelmia', 'temporary structures'),
  fireworks: yes('ilotulitus', 'fireworks'),
  publicArea: yes('yleinen alue käytössä', 'a public area is used'),
  hazardousChemicalsTonnes: (v) => ({
    fi: `vaarallisia kemikaaleja ${fiNumber(v)} t`,
    en: `${String(v)} t of hazardous chemicals`,
  }),
  emissions: yes('päästöjä ympäristöön', 'emissions to the environment'),
  waterWorks: yes('rakentamista vesistöön', 'construction in a water body'),
  newBuilding: yes('uusi rakennus tai laajennus', 'a new building or extension'),
  naturaArea: yes('Natura 2000 -alue', 'a Natura 2000 area'),
  municipality: (v) => ({ fi: `kunta ${String(v)}`, en: `municipality ${String(v)}` }),
};

function describeLeaf(leaf: LeafCondition, answers: AdviceAnswers): { fi: string; en: string } {
  const fact = FACTS[leaf.answer](answers[leaf.answer]);
  if ('eq' in leaf) return fact;
  const [sign, limit] = 'gte' in leaf ? ['≥', leaf.gte] : ['>', leaf.gt];
  return { fi: `${fact.fi} (raja ${sign} ${fiNumber(limit)})`, en: `${fact.en} (threshold ${sign} ${limit})` };
}

/** Why a rule matched, in the customer's terms: the answers that made it true. */
function explain(c: Condition, answers: AdviceAnswers): { fi: string; en: string } {
  const leaves = matchingLeaves(c, answers);
  // "An event" explains nothing on its own when a more specific answer also counts.
  const telling = leaves.some((l) => l.answer !== 'kind') ? leaves.filter((l) => l.answer !== 'kind') : leaves;
  const facts = telling.map((l) => describeLeaf(l, answers));
  return { fi: facts.map((f) => f.fi).join('; '), en: facts.map((f) => f.en).join('; ') };
}

/** Distinct authorities at which a kickoff meeting saves more time than it costs. */
export const KICKOFF_MIN_AUTHORITIES = 3;

/**
 * Which permits the answers require (F04) and what else is likely needed or useful (F05).
 * Permits and permit recommendations in catalogue order, then services, then guides.
 */
export function explorePermitNeeds(answers: AdviceAnswers): AdviceResult {
  const permits: PermitNeed[] = [];
  const recommendations: Recommendation[] = [];
  for (const def of PERMIT_TYPES) {
    const { permitType, authorityCode, nameFi, nameEn } = def;
    if (evaluateCondition(def.neededWhen, answers)) {
      const why = explain(def.neededWhen, answers);
      permits.push({
        permitType,
        authorityCode,
        nameFi,
        nameEn,
        reasonFi: `Tarvitaan vastaustesi perusteella: ${why.fi}.`,
        reasonEn: `Needed because of your answers: ${why.en}.`,
      });
    } else if (def.likelyWhen && evaluateCondition(def.likelyWhen, answers)) {
      const why = explain(def.likelyWhen, answers);
      recommendations.push({
        kind: 'permit',
        id: permitType,
        titleFi: nameFi,
        titleEn: nameEn,
        reasonFi: `Todennäköisesti tarpeen (${why.fi}); tarkista viranomaiselta.`,
        reasonEn: `Likely needed (${why.en}); check with the authority.`,
      });
    }
  }
  const authorities = new Set(permits.map((p) => p.authorityCode));
  if (authorities.size >= KICKOFF_MIN_AUTHORITIES) {
    recommendations.push({
      kind: 'service',
      id: 'kickoff-meeting',
      titleFi: 'Yhteinen aloituspalaveri',
      titleEn: 'Joint kickoff meeting',
      reasonFi: `Hankkeessa on ${authorities.size} viranomaista: yhteinen palaveri säästää aikaa.`,
      reasonEn: `${authorities.size} authorities are involved: one joint meeting saves time.`,
    });
  }
  if (answers.kind === 'facility') {
    recommendations.push({
      kind: 'guide',
      id: 'self-monitoring',
      titleFi: 'Omavalvontaopas',
      titleEn: 'Self-monitoring guide',
      reasonFi: 'Luvan jälkeen laitos raportoi omavalvonnastaan valvojalle.',
      reasonEn: 'After the permit the facility reports its self-monitoring to the supervisor.',
    });
  }
  if (answers.naturaArea) {
    recommendations.push({
      kind: 'guide',
      id: 'natura-assessment',
      titleFi: 'Natura-arvioinnin tarveharkinta',
      titleEn: 'Natura assessment screening',
      reasonFi: 'Natura 2000 -alueella tai sen lähellä voidaan tarvita Natura-arviointi.',
      reasonEn: 'In or near a Natura 2000 area a Natura assessment may be required.',
    });
  }
  return { permits, recommendations };
}
