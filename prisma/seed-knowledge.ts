/**
 * The knowledge base's demo data (F01–F03), and the corpus the search relevance test uses:
 * the seeded organisations' profiles, the authorities' switchboard numbers, bilingual guides
 * for the common steps of events and facilities, stored answers to frequent questions and
 * anonymised past decisions. Search documents are built from them by reindexKnowledge.
 */
import type { Db } from '../platform/db';
import { reindexKnowledge } from '../activities/knowledge';
import type { AnswerLike, SearchLang } from '../domain/knowledge-search';

const FOOD_ORG = '00000000-0000-4000-8000-000000000001';
const FESTIVAL_ORG = '00000000-0000-4000-8000-000000000002';

interface SeedGuide {
  slug: string;
  step: string;
  permitTypes?: string[];
  industries?: string[];
  companySizes?: string[];
  eventSizes?: string[];
  authorityCode: string | null;
  titleFi: string;
  titleEn: string;
  bodyFi: string;
  bodyEn: string;
}

export const SEED_GUIDES: SeedGuide[] = [
  {
    slug: 'noise-outdoor-concert',
    step: 'draft',
    permitTypes: ['noise'],
    industries: ['events'],
    authorityCode: 'CITY-TRE',
    titleFi: 'Meluilmoitus ulkoilmakonsertista',
    titleEn: 'Noise notification for an outdoor concert',
    bodyFi:
      'Ulkoilmakonsertista ja muusta tilapäisestä tapahtumasta, jossa käytetään äänentoistoa, tehdään meluilmoitus ' +
      'kunnan ympäristönsuojeluviranomaiselle viimeistään 30 vuorokautta ennen tapahtumaa. Meluilmoituksen tekeminen ' +
      'käy tässä palvelussa: liitä ilmoitukseen ohjelma, äänentoiston ajat, kaiuttimien sijainti kartalla ja arvio ' +
      'melutasosta lähimmissä asuinrakennuksissa. Kerro, miten lähialueen asukkaille tiedotetaan. Äänentoisto ' +
      'yöaikaan kello 22–7 vaatii painavat perusteet. Viranomainen voi antaa määräyksiä äänitasoista ja ' +
      'mittaamisesta.',
    bodyEn:
      'For an outdoor concert or other temporary event with amplified sound, submit a noise notification to the ' +
      'municipal environmental protection authority at least 30 days before the event. Attach the programme, the ' +
      'hours of amplified sound, the loudspeaker positions on a map and an estimate of the noise level at the ' +
      'nearest homes. Tell how residents nearby will be informed. Amplified sound at night (10 pm to 7 am) needs ' +
      'strong grounds. The authority may set sound level limits and require measurements.',
  },
  {
    slug: 'food-premises-registration',
    step: 'draft',
    industries: ['food'],
    authorityCode: 'CITY-TRE',
    titleFi: 'Elintarvikehuoneiston rekisteröinti',
    titleEn: 'Registering a food premises',
    bodyFi:
      'Elintarvikehuoneistosta tehdään ilmoitus kunnan elintarvikevalvontaan viimeistään neljä viikkoa ennen ' +
      'toiminnan aloittamista tai olennaista muuttamista. Ilmoituksessa kerrotaan toimija, huoneiston ' +
      'sijainti, toiminnan laatu ja laajuus sekä omavalvonnan järjestäminen. Valvontaviranomainen rekisteröi ' +
      'huoneiston ja lähettää todistuksen. Rekisteröinti on maksullinen, ja ensimmäinen tarkastus tehdään ' +
      'riskiluokituksen mukaisesti.',
    bodyEn:
      'Notify the municipal food control of a food premises at least four weeks before starting or substantially ' +
      'changing the operation. Give the operator, the location of the premises, the kind and scale of the ' +
      'operation and how own-check is organised. The authority registers the premises and sends a certificate. ' +
      'Registration is subject to a fee, and the first inspection follows the risk classification.',
  },
  {
    slug: 'public-event-police',
    step: 'draft',
    permitTypes: ['public-event'],
    industries: ['events'],
    authorityCode: 'POLICE-SISA',
    titleFi: 'Yleisötilaisuudesta ilmoittaminen poliisille',
    titleEn: 'Notifying the police of a public event',
    bodyFi:
      'Yleisötilaisuudesta tehdään kirjallinen ilmoitus poliisille viimeistään viisi vuorokautta ennen ' +
      'tilaisuutta. Ilmoituksessa nimetään vastuullinen järjestäjä, arvioitu osallistujamäärä, ' +
      'järjestyksenvalvojat ja liikennejärjestelyt. Poliisi voi antaa määräyksiä järjestyksen ja turvallisuuden ' +
      'ylläpitämiseksi. Suurissa tapahtumissa ilmoitus kannattaa tehdä hyvissä ajoin.',
    bodyEn:
      'A public event must be notified to the police in writing at least five days before it. Name the organiser ' +
      'in charge, the expected attendance, the security stewards and the traffic arrangements. The police may ' +
      'give orders to keep order and safety. For large events, notify well in advance.',
  },
  {
    slug: 'rescue-plan-event',
    step: 'draft',
    permitTypes: ['rescue-plan'],
    industries: ['events'],
    eventSizes: ['medium', 'large'],
    authorityCode: 'RESCUE-PIR',
    titleFi: 'Pelastussuunnitelma yleisötapahtumaan',
    titleEn: 'Rescue plan for a public event',
    bodyFi:
      'Pelastussuunnitelma laaditaan yleisötapahtumaan, jossa on yli 200 henkilöä tai erityisiä vaaroja, kuten ' +
      'avotulta, ilotulitteita tai tilapäisiä rakennelmia. Suunnitelmassa kuvataan vaarat ja riskit, ' +
      'turvallisuusjärjestelyt, poistumisreitit, ensiapu ja toiminta onnettomuustilanteessa. Suunnitelma ' +
      'toimitetaan pelastusviranomaiselle viimeistään 14 vuorokautta ennen tapahtumaa.',
    bodyEn:
      'A rescue plan is drawn up for a public event with more than 200 people or special hazards such as open ' +
      'fire, fireworks or temporary structures. The plan describes the hazards and risks, the safety ' +
      'arrangements, the exit routes, first aid and what to do in an accident. Send the plan to the rescue ' +
      'authority at least 14 days before the event.',
  },
  {
    slug: 'temporary-structures',
    step: 'draft',
    permitTypes: ['temporary-structure'],
    authorityCode: 'CITY-TRE',
    titleFi: 'Tilapäiset rakennelmat: lava, katsomo ja teltat',
    titleEn: 'Temporary structures: stage, grandstand and tents',
    bodyFi:
      'Toimenpidelupa tarvitaan tilapäiselle rakennelmalle, kuten esiintymislavalle, katsomolle tai suurelle ' +
      'teltalle. Katsomon rakentaminen vaatii rakennesuunnitelman ja vastaavan työnjohtajan. Hakemukseen ' +
      'liitetään asemapiirros, rakenteiden kuvaus ja tiedot kiinnityksestä ja tuulikuormista. Rakennelma ' +
      'tarkastetaan ennen käyttöönottoa.',
    bodyEn:
      'A permit for a temporary structure is needed for a stage, a grandstand or a large tent. Building a ' +
      'grandstand needs a structural design and a responsible site manager. Attach a site plan, a description of ' +
      'the structures and details of anchoring and wind loads. The structure is inspected before it is used.',
  },
  {
    slug: 'alcohol-serving-event',
    step: 'draft',
    permitTypes: ['alcohol-serving'],
    industries: ['events'],
    authorityCode: 'AVI-LSU',
    titleFi: 'Anniskelulupa tapahtumaan',
    titleEn: 'Alcohol serving licence for an event',
    bodyFi:
      'Anniskeluluvan hakeminen tapahtumaan: tilapäistä anniskelulupaa haetaan aluehallintovirastolta ' +
      'viimeistään kuukautta ennen tapahtumaa. Hakemukseen liitetään anniskelualueen rajaus kartalla, ' +
      'vastaava hoitaja ja omavalvontasuunnitelma. Anniskelualue on rajattava selvästi, ja alaikäisten pääsy ' +
      'alueelle on estettävä.',
    bodyEn:
      'A temporary alcohol serving licence for an event is applied for from the Regional State Administrative ' +
      'Agency at least a month before the event. Attach a map of the serving area, the responsible manager and ' +
      'an own-check plan. The serving area must be clearly fenced and minors kept out.',
  },
  {
    slug: 'environmental-permit-facility',
    step: 'draft',
    permitTypes: ['environmental'],
    industries: ['industry'],
    authorityCode: 'AVI-LSU',
    titleFi: 'Ympäristölupa teollisuuslaitokselle',
    titleEn: 'Environmental permit for an industrial facility',
    bodyFi:
      'Ympäristölupa tarvitaan toimintaan, josta voi aiheutua ympäristön pilaantumista, kuten päästöjä ilmaan tai ' +
      'vesistöön. Hakemuksessa kuvataan laitos, prosessit, päästöt, jätteet ja niiden tarkkailu. Hakemus ' +
      'kuulutetaan, ja naapureilla on oikeus tehdä muistutuksia. Ympäristöluvan käsittelyaika on tavallisesti ' +
      'kuudesta kuukaudesta vuoteen.',
    bodyEn:
      'An environmental permit is needed for an activity that may pollute the environment, such as emissions to ' +
      'air or water. Describe the facility, its processes, emissions, waste and how they are monitored. The ' +
      'application is publicly announced, and neighbours may object. Processing usually takes six to twelve ' +
      'months.',
  },
  {
    slug: 'chemical-notification',
    step: 'draft',
    permitTypes: ['chemicals'],
    industries: ['industry'],
    authorityCode: 'TUKES',
    titleFi: 'Kemikaali-ilmoitus vaarallisten kemikaalien käsittelystä',
    titleEn: 'Notification of hazardous chemical handling and storage',
    bodyFi:
      'Vaarallisten kemikaalien laajamittaisesta käsittelystä ja varastoinnista haetaan lupa ' +
      'Turvallisuus- ja kemikaalivirastolta. Kemikaalien varastointi, määrät ja sijoittelu kuvataan ' +
      'asemapiirroksessa. Hakemukseen liitetään turvallisuusselvitys tai toimintaperiaateasiakirja ja ' +
      'sisäinen pelastussuunnitelma. Käyttöönottotarkastus tehdään ennen toiminnan aloittamista.',
    bodyEn:
      'Large-scale handling and storage of hazardous chemicals needs a licence from the Finnish Safety and ' +
      'Chemicals Agency. Describe the chemicals, their quantities and placement on a site plan. Attach a safety ' +
      'report or a major-accident prevention policy and an internal emergency plan. A commissioning inspection ' +
      'is made before operation starts.',
  },
  {
    slug: 'small-event-checklist',
    step: 'draft',
    industries: ['events'],
    eventSizes: ['small'],
    authorityCode: null,
    titleFi: 'Pienen tapahtuman muistilista',
    titleEn: 'Checklist for a small event',
    bodyFi:
      'Alle tuhannen hengen tapahtumassa riittää usein ilmoitus poliisille ja tarvittaessa meluilmoitus. ' +
      'Varmista maanomistajan lupa, jätehuolto, käymälät ja ensiapuvalmius. Yhteinen asiakaspalvelu auttaa, ' +
      'jos et ole varma, mitä lupia tarvitset.',
    bodyEn:
      'An event of fewer than a thousand people often needs only a notification to the police and, where sound ' +
      'is amplified, a noise notification. Make sure of the landowner’s consent, waste management, toilets and ' +
      'first aid. The shared customer service helps if you are unsure which permits you need.',
  },
  {
    slug: 'large-event-safety',
    step: 'kickoff',
    eventSizes: ['large'],
    authorityCode: null,
    titleFi: 'Suuren tapahtuman turvallisuus aloituspalaverissa',
    titleEn: 'Safety of a large event at the kickoff meeting',
    bodyFi:
      'Yli kymmenentuhannen hengen tapahtumassa turvallisuussuunnitelma käydään läpi aloituspalaverissa ' +
      'poliisin, pelastuslaitoksen ja kaupungin kanssa. Valmistele liikenne- ja pysäköintijärjestelyt, ' +
      'järjestyksenvalvonnan mitoitus ja viestintä häiriötilanteissa.',
    bodyEn:
      'For an event of more than ten thousand people, the safety plan is reviewed at the kickoff meeting with the ' +
      'police, the rescue department and the city. Prepare the traffic and parking arrangements, the number of ' +
      'stewards and communication in disruptions.',
  },
  {
    slug: 'filling-in-the-application',
    step: 'draft',
    authorityCode: null,
    titleFi: 'Näin täytät hakemuksen',
    titleEn: 'How to fill in the application',
    bodyFi:
      'Yhteiset tiedot annetaan kerran, ja ne näkyvät kaikille hankkeen viranomaisille. Liikennevalot kertovat, ' +
      'mitä puuttuu: punainen estää lähettämisen, keltainen on suositus. Liikesalaisuudeksi merkityt kentät ' +
      'näkyvät vain sinulle ja viranomaisille.',
    bodyEn:
      'Common details are given once and shown to every authority of the project. The traffic lights tell what ' +
      'is missing: red prevents submitting, yellow is a recommendation. Fields marked as trade secrets are shown ' +
      'only to you and the authorities.',
  },
  {
    slug: 'getting-started',
    step: 'advice',
    authorityCode: null,
    titleFi: 'Aloita tästä: mitä lupia tarvitsen?',
    titleEn: 'Start here: which permits do I need?',
    bodyFi:
      'Vastaa kysymyksiin hankkeestasi, niin palvelu kertoo tarvittavat luvat ja ilmoitukset, niiden ' +
      'viranomaiset ja arvioidut käsittelyajat. Voit kysyä neuvoa chatissa milloin tahansa.',
    bodyEn:
      'Answer the questions about your project and the service tells you the permits and notifications you ' +
      'need, their authorities and the expected processing times. You can ask for advice in the chat at any time.',
  },
  {
    slug: 'food-self-monitoring',
    step: 'supervision',
    industries: ['food'],
    companySizes: ['micro', 'small'],
    authorityCode: 'CITY-TRE',
    titleFi: 'Omavalvonta pienessä elintarvikeyrityksessä',
    titleEn: 'Own-check in a small food business',
    bodyFi:
      'Pienessä yrityksessä omavalvontasuunnitelma voi olla lyhyt, kunhan se kattaa lämpötilaseurannan, ' +
      'puhtaanapidon ja jäljitettävyyden. Kirjaa mittaukset ja poikkeamat, ja lähetä omavalvonnan raportit ' +
      'palvelun kautta.',
    bodyEn:
      'In a small business the own-check plan can be short as long as it covers temperature monitoring, cleaning ' +
      'and traceability. Record measurements and deviations, and send own-check reports through the service.',
  },
];

type SeedAnswer = Omit<AnswerLike, 'id' | 'lang'> & { lang: SearchLang };

export const SEED_ANSWERS: SeedAnswer[] = [
  {
    lang: 'fi',
    question: 'Tarvitseeko pieni pihakonsertti meluilmoituksen?',
    answer:
      'Jos äänentoistoa käytetään vain päiväaikaan ja tilaisuus on lyhyt, meluilmoitusta ei yleensä tarvita. ' +
      'Iltaisin ja toistuvissa tilaisuuksissa kannattaa olla yhteydessä ympäristönsuojeluun.',
    topic: 'melu',
    industry: 'events',
    permitTypes: ['noise'],
    authorityCode: 'CITY-TRE',
  },
  {
    lang: 'en',
    question: 'Can we sell food from a food truck at a festival?',
    answer:
      'Yes. A food truck registered as a mobile food premises needs only a notification of temporary sales to ' +
      'the food control of the municipality where the festival is held, at least four working days before.',
    topic: 'food sales',
    industry: 'food',
    permitTypes: ['food-sales'],
    authorityCode: 'CITY-TRE',
  },
  {
    lang: 'fi',
    question: 'Milloin anniskelulupaa pitää hakea?',
    answer: 'Tilapäistä anniskelulupaa kannattaa hakea viimeistään kuukautta ennen tapahtumaa.',
    topic: 'anniskelu',
    industry: 'events',
    permitTypes: ['alcohol-serving'],
    authorityCode: 'AVI-LSU',
  },
  {
    lang: 'en',
    question: 'Who handles fireworks notifications?',
    answer:
      'The rescue department. Notify a fireworks display at least seven days before it, with the launch site, ' +
      'safety distances and the person in charge.',
    topic: 'fireworks',
    industry: 'events',
    permitTypes: ['fireworks'],
    authorityCode: 'RESCUE-PIR',
  },
  {
    lang: 'fi',
    question: 'Kuinka monta järjestyksenvalvojaa tapahtumaan tarvitaan?',
    answer:
      'Poliisi arvioi järjestyksenvalvojien määrän tapahtuman luonteen mukaan. Nyrkkisääntönä on yksi ' +
      'järjestyksenvalvoja sataa osallistujaa kohden, anniskelualueella enemmän.',
    topic: 'järjestyksenvalvonta',
    industry: 'events',
    permitTypes: ['public-event'],
    authorityCode: 'POLICE-SISA',
  },
  {
    lang: 'en',
    question: 'Do I need a new registration when my restaurant changes owner?',
    answer:
      'Yes. The new operator notifies the food control before taking over; the premises keep their inspection ' +
      'history.',
    topic: 'food premises',
    industry: 'food',
    permitTypes: [],
    authorityCode: null,
  },
];

interface SeedSolution {
  permitType: string;
  authorityCode: string;
  region: string;
  industry: string | null;
  decision: string;
  decidedAt: string;
  summaryFi: string;
  summaryEn: string;
  conditions: string;
}

export const SEED_SOLUTIONS: SeedSolution[] = [
  {
    permitType: 'noise',
    authorityCode: 'CITY-TRE',
    region: 'Tampere',
    industry: 'events',
    decision: 'approvedWithConditions',
    decidedAt: '2025-05-20T10:00:00Z',
    summaryFi:
      'Kaksipäiväinen musiikkitapahtuma kaupunkipuistossa, noin 4 000 kävijää. Meluilmoitus käsiteltiin ja ' +
      'tapahtumalle annettiin määräyksiä: äänentoisto päättyy kello 23, keskiäänitaso miksauspöydän kohdalla ' +
      'enintään 95 dB ja lähimmille asukkaille tiedotetaan viikkoa ennen.',
    summaryEn:
      'A two-day music event in a city park, about 4,000 visitors. The noise notification was processed with ' +
      'orders: amplified sound ends at 11 pm, the average level at the mixing desk at most 95 dB, and residents ' +
      'nearby are informed a week before.',
    conditions: 'Äänentoisto päättyy klo 23. Mittaukset kirjataan.',
  },
  {
    permitType: 'food-sales',
    authorityCode: 'CITY-TRE',
    region: 'Tampere',
    industry: 'food',
    decision: 'approved',
    decidedAt: '2025-07-02T09:00:00Z',
    summaryFi:
      'Katuruokatapahtuma, kaksitoista myyntikojua. Tilapäisen elintarvikemyynnin ilmoitus hyväksyttiin, kun ' +
      'käsienpesupisteet ja kylmäsäilytys oli järjestetty jokaiseen kojuun.',
    summaryEn:
      'A street food event with twelve stalls. The temporary food sales notification was accepted once hand ' +
      'washing points and cold storage were arranged for every stall.',
    conditions: '',
  },
  {
    permitType: 'public-event',
    authorityCode: 'POLICE-SISA',
    region: 'Nokia',
    industry: 'events',
    decision: 'acknowledged',
    decidedAt: '2025-06-10T08:00:00Z',
    summaryFi:
      'Kaupunginosajuhla noin 800 osallistujalle. Poliisi merkitsi ilmoituksen tiedoksi ja edellytti neljää ' +
      'järjestyksenvalvojaa sekä tiesulun liikenteenohjausta.',
    summaryEn:
      'A neighbourhood fair for about 800 people. The police acknowledged the notification and required four ' +
      'stewards and traffic control at the road closure.',
    conditions: 'Neljä järjestyksenvalvojaa.',
  },
  {
    permitType: 'alcohol-serving',
    authorityCode: 'AVI-LSU',
    region: 'Tampere',
    industry: 'events',
    decision: 'approvedWithConditions',
    decidedAt: '2025-06-01T12:00:00Z',
    summaryFi:
      'Olutteltta kesäfestivaalilla. Tilapäinen anniskelulupa myönnettiin ehdoin: anniskelualue aidataan, ' +
      'anniskelu päättyy puoli tuntia ennen viimeistä esitystä ja alueella on vähintään kaksi ' +
      'järjestyksenvalvojaa.',
    summaryEn:
      'A beer tent at a summer festival. The temporary serving licence was granted with conditions: the serving ' +
      'area is fenced, serving ends half an hour before the last performance and at least two stewards are in ' +
      'the area.',
    conditions: 'Anniskelualue aidataan.',
  },
  {
    permitType: 'environmental',
    authorityCode: 'AVI-LSU',
    region: 'Valkeakoski',
    industry: 'industry',
    decision: 'approvedWithConditions',
    decidedAt: '2024-11-15T10:00:00Z',
    summaryFi:
      'Sahalaitoksen tuotannon laajennus. Ympäristölupa myönnettiin; pölypäästöjä tarkkaillaan ' +
      'neljännesvuosittain ja melu rajoitetaan yöllä 45 desibeliin lähimmän asutuksen kohdalla.',
    summaryEn:
      'Expansion of a sawmill. The environmental permit was granted; dust emissions are monitored quarterly and ' +
      'night-time noise limited to 45 decibels at the nearest homes.',
    conditions: 'Pölypäästöjen tarkkailu.',
  },
  {
    permitType: 'chemicals',
    authorityCode: 'TUKES',
    region: 'Kangasala',
    industry: 'industry',
    decision: 'approvedWithConditions',
    decidedAt: '2024-09-03T10:00:00Z',
    summaryFi:
      'Nestekaasuvaraston laajennus. Lupa vaarallisten kemikaalien käsittelyyn myönnettiin, kun ' +
      'suojaetäisyydet ja sammutusvesien keräily oli osoitettu; käyttöönottotarkastus ennen käyttöä.',
    summaryEn:
      'Expansion of a liquefied gas store. The licence was granted once safety distances and the collection of ' +
      'firefighting water were shown; a commissioning inspection before use.',
    conditions: 'Käyttöönottotarkastus.',
  },
  {
    permitType: 'temporary-structure',
    authorityCode: 'CITY-TRE',
    region: 'Tampere',
    industry: 'events',
    decision: 'approved',
    decidedAt: '2025-04-22T10:00:00Z',
    summaryFi:
      'Tilapäinen katsomo 1 500 hengelle urheilutapahtumaan. Toimenpidelupa myönnettiin rakennesuunnitelman ' +
      'perusteella, ja katsomo tarkastettiin ennen käyttöönottoa.',
    summaryEn:
      'A temporary grandstand for 1,500 people at a sports event. The permit was granted on the structural ' +
      'design, and the grandstand was inspected before use.',
    conditions: '',
  },
  {
    permitType: 'fireworks',
    authorityCode: 'RESCUE-PIR',
    region: 'Tampere',
    industry: 'events',
    decision: 'acknowledged',
    decidedAt: '2025-08-28T10:00:00Z',
    summaryFi:
      'Ilotulitus järven rannalla kaupunkifestivaalin päätteeksi. Pelastuslaitos hyväksyi ilmoituksen, kun ' +
      'ampumapaikan suojaetäisyys yleisöön oli vähintään 200 metriä ja veneliikenne ohjattiin pois.',
    summaryEn:
      'Fireworks on a lakeshore at the end of a city festival. The rescue department accepted the notification ' +
      'with a safety distance of at least 200 metres to the audience and boat traffic kept away.',
    conditions: 'Suojaetäisyys 200 m.',
  },
  {
    permitType: 'rescue-plan',
    authorityCode: 'RESCUE-PIR',
    region: 'Ylöjärvi',
    industry: 'events',
    decision: 'approvedWithConditions',
    decidedAt: '2025-03-12T10:00:00Z',
    summaryFi:
      'Moottoriurheilutapahtuma noin 3 000 katsojalle. Pelastussuunnitelmaa täydennettiin polttoaineiden ' +
      'säilytyksellä ja ensiapupisteiden sijainnilla.',
    summaryEn:
      'A motorsport event for about 3,000 spectators. The rescue plan was completed with fuel storage and first ' +
      'aid point locations.',
    conditions: 'Ensiapupisteet merkitään karttaan.',
  },
];

const AUTHORITY_PHONES: Record<string, string> = {
  'CITY-TRE': '+358 3 565 611',
  'POLICE-SISA': '0295 445 311',
  'RESCUE-PIR': '+358 3 5651 2700',
  'AVI-LSU': '0295 018 450',
  TUKES: '0295 052 000',
};

/** Writes the knowledge base's demo data once (nothing when guides exist) and builds the search index. */
export async function seedKnowledge(db: Db): Promise<void> {
  if ((await db.guide.count()) > 0) return;
  await db.$transaction(
    async (tx) => {
      await tx.organisation.updateMany({ where: { id: FOOD_ORG }, data: { industry: 'food', sizeClass: 'small' } });
      await tx.organisation.updateMany({
        where: { id: FESTIVAL_ORG },
        data: { industry: 'events', sizeClass: 'micro' },
      });
      for (const [code, phone] of Object.entries(AUTHORITY_PHONES)) {
        await tx.authority.updateMany({ where: { code, phone: null }, data: { phone } });
      }
      await tx.guide.createMany({
        data: SEED_GUIDES.map((g) => ({
          ...g,
          permitTypes: g.permitTypes ?? [],
          industries: g.industries ?? [],
          companySizes: g.companySizes ?? [],
          eventSizes: g.eventSizes ?? [],
        })),
      });
      await tx.storedAnswer.createMany({ data: SEED_ANSWERS });
      await tx.solution.createMany({
        data: SEED_SOLUTIONS.map((s) => ({ ...s, decidedAt: new Date(s.decidedAt) })),
      });
    },
    { timeout: 60_000 },
  );
  await reindexKnowledge(db);
}
