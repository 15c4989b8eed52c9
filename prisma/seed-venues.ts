/**
 * Demo venues of the event organisers' pilot: Tampere-area stages, halls and park areas with
 * their rent, capacity and technical data. Written once (skipped when venues exist).
 */
import type { Db } from '../platform/db';

/** The seeded venues' ids, for tests and demo scripts. */
export const DEMO_VENUES = {
  laukontori: '00000000-0000-4000-8000-00000000a001',
  sorsapuisto: '00000000-0000-4000-8000-00000000a002',
  tullikamari: '00000000-0000-4000-8000-00000000a003',
  kaupinoja: '00000000-0000-4000-8000-00000000a004',
  viikinsaari: '00000000-0000-4000-8000-00000000a005',
} as const;

export async function seedVenues(db: Db): Promise<boolean> {
  if ((await db.venue.count()) > 0) return false;
  await db.venue.createMany({
    data: [
      {
        id: DEMO_VENUES.laukontori,
        name: 'Laukontorin ulkolava',
        descriptionFi: 'Katettu ulkolava Tammerkosken rannalla torin laidalla; sopii konsertteihin ja toritapahtumiin.',
        descriptionEn:
          'A covered outdoor stage on the Tammerkoski rapids by the market square, for concerts and market events.',
        address: 'Laukontori 1',
        municipality: 'Tampere',
        latitude: 61.4946,
        longitude: 23.7622,
        capacity: 3000,
        rentPerDayCents: 120_000,
        technical: {
          stage: '12 m × 8 m, katettu / covered',
          power: '3 × 63 A + 2 × 32 A',
          water: true,
          toilets: 'Tilattava erikseen / to be ordered',
          accessibility: 'Esteetön pääsy torilta / step-free from the square',
          noiseLimit: '85 dB(A) klo 22 asti / until 22:00',
        },
        ownerName: 'Tampereen kaupunki, tapahtumapalvelut',
        contactEmail: 'tapahtumapaikat@tampere.example',
        holdDays: 14,
      },
      {
        id: DEMO_VENUES.sorsapuisto,
        name: 'Sorsapuiston tapahtuma-alue',
        descriptionFi: 'Nurmialue Sorsapuistossa lammen ja Tampere-talon vieressä; festivaalit ja perhetapahtumat.',
        descriptionEn: 'A lawn in Sorsapuisto park by the pond and Tampere Hall, for festivals and family events.',
        address: 'Sorsapuisto',
        municipality: 'Tampere',
        latitude: 61.4963,
        longitude: 23.7809,
        capacity: 8000,
        rentPerDayCents: 250_000,
        technical: {
          area: '14 000 m²',
          power: '2 × 125 A sähkökeskus / distribution board',
          water: true,
          toilets: 'Ei kiinteitä / none fixed',
          accessibility: 'Kivituhkakäytävät / fine gravel paths',
          vehicleAccess: 'Huoltoajo Yliopistonkadulta / service access from Yliopistonkatu',
        },
        ownerName: 'Tampereen kaupunki, viheralueet',
        contactEmail: 'puistot@tampere.example',
        holdDays: 21,
      },
      {
        id: DEMO_VENUES.tullikamari,
        name: 'Tullikamarin Pakkahuone',
        descriptionFi: 'Entinen tullivaraston halli rautatieaseman vieressä; klubit, messut ja juhlat sisätiloissa.',
        descriptionEn:
          'A former customs warehouse hall next to the railway station, for club nights, fairs and parties indoors.',
        address: 'Itsenäisyydenkatu 8',
        municipality: 'Tampere',
        latitude: 61.4985,
        longitude: 23.7757,
        capacity: 1400,
        rentPerDayCents: 180_000,
        technical: {
          stage: '10 m × 6 m, korkeus / height 1.2 m',
          power: '2 × 63 A',
          sound: 'PA 12 kW, miksauspöytä / mixing desk',
          lighting: '48 DMX-kanavaa / channels',
          toilets: '12 WC',
          accessibility: 'Hissi ja esteetön WC / lift and accessible toilet',
        },
        ownerName: 'Tullikamarin Kulttuurikeskus Oy',
        contactEmail: 'myynti@tullikamari.example',
        holdDays: 10,
      },
      {
        id: DEMO_VENUES.kaupinoja,
        name: 'Kaupinojan urheilupuiston kenttä',
        descriptionFi: 'Hiekkatekonurmikenttä Kaupin ulkoilualueella; urheilutapahtumat ja ulkoilmakonsertit.',
        descriptionEn:
          'An artificial-turf field in the Kauppi recreation area, for sports events and open-air concerts.',
        address: 'Kalevantie 50',
        municipality: 'Tampere',
        latitude: 61.5082,
        longitude: 23.8121,
        capacity: 5000,
        rentPerDayCents: 90_000,
        technical: {
          area: '105 m × 68 m',
          power: '3 × 32 A',
          water: true,
          toilets: 'Pukuhuonerakennus / changing-room building: 8 WC',
          parking: '300 autopaikkaa / car spaces',
          accessibility: 'Esteetön katsomo / accessible stand',
        },
        ownerName: 'Tampereen kaupunki, liikuntapalvelut',
        contactEmail: 'liikuntapaikat@tampere.example',
        holdDays: 14,
      },
      {
        id: DEMO_VENUES.viikinsaari,
        name: 'Viikinsaaren tanssilava',
        descriptionFi: 'Perinteinen tanssilava saaressa Pyhäjärvellä, kesäisin laivayhteys Laukontorilta.',
        descriptionEn:
          'A traditional dance pavilion on an island in Lake Pyhäjärvi, reached by boat from Laukontori in summer.',
        address: 'Viikinsaari',
        municipality: 'Tampere',
        latitude: 61.4779,
        longitude: 23.7287,
        capacity: 600,
        rentPerDayCents: 75_000,
        technical: {
          stage: 'Tanssilava / dance floor 300 m², esiintymislava / stage 6 m × 4 m',
          power: '3 × 32 A',
          water: 'Kesäkaudella / in summer',
          toilets: '6 WC',
          access: 'Vesibussi / water bus, ei autoliikennettä / no road access',
        },
        ownerName: 'Tampereen kaupunki, saaripalvelut',
        contactEmail: 'viikinsaari@tampere.example',
        holdDays: 7,
      },
    ],
  });
  return true;
}
