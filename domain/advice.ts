/** F04 permit-need exploration and F05 recommendations: the questionnaire and what follows from it. */
import { z } from 'zod';
import { PERMIT_TYPES, evaluateCondition } from './catalogue';

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
  .strict();
export type AdviceAnswers = z.infer<typeof ZAdviceAnswers>;

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

/** Which permits the answers require (F04) and what else is likely needed or useful (F05). Catalogue order. */
export function explorePermitNeeds(answers: AdviceAnswers): AdviceResult {
  const bag = answers as Record<string, unknown>;
  const permits: PermitNeed[] = [];
  const recommendations: Recommendation[] = [];
  for (const def of PERMIT_TYPES) {
    if (evaluateCondition(def.neededWhen, bag)) {
      permits.push({
        permitType: def.permitType,
        authorityCode: def.authorityCode,
        nameFi: def.nameFi,
        nameEn: def.nameEn,
        reasonFi: 'Vastaustesi perusteella tarvitaan.',
        reasonEn: 'Required by your answers.',
      });
    } else if (def.likelyWhen && evaluateCondition(def.likelyWhen, bag)) {
      recommendations.push({
        kind: 'permit',
        id: def.permitType,
        titleFi: def.nameFi,
        titleEn: def.nameEn,
        reasonFi: 'Todennäköisesti tarpeen; tarkista viranomaiselta.',
        reasonEn: 'Likely needed; check with the authority.',
      });
    }
  }
  const authorities = new Set(permits.map((p) => p.authorityCode));
  if (authorities.size >= 3) {
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
      reasonFi: 'Natura 2000 -alueen lähellä voidaan tarvita Natura-arviointi.',
      reasonEn: 'Near a Natura 2000 area a Natura assessment may be required.',
    });
  }
  return { permits, recommendations };
}
