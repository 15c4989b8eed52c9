/**
 * Demo data, written once: organisations, authorities, users of every role and sample
 * sites with inspection history. Projects are created through the API by scripts/start.mjs
 * so that each has a real workflow behind it.
 */
import { loadConfig } from '../platform/config';
import { openDb, type Db } from '../platform/db';
import { applicableFactors, riskModel } from '../domain/risk';
import { storeAssessment } from '../activities/assessment';
import { seedVenues } from './seed-venues';
import { seedKnowledge } from './seed-knowledge';

export const DEMO = {
  organisationId: '00000000-0000-4000-8000-000000000001',
  festivalOrgId: '00000000-0000-4000-8000-000000000002',
};

/** The seeded users by what they are for (sign in as them through the local identity provider). */
export const DEMO_USERS = {
  /** Customer of Pirkanmaan Elintarvike Oy (DEMO.organisationId). */
  foodManager: 'maija.manager@elintarvike.example',
  /** Customer of Tammerfest ry (DEMO.festivalOrgId). */
  organiser: 'olli.organiser@tammerfest.example',
  /** Agent with a mandate from Tammerfest ry for permits. */
  agent: 'aino.agent@konsultit.example',
  serviceDesk: 'palvelu@luvat.example',
  supervisor: 'ville.valvoja@tampere.example',
  resident: 'riikka.resident@koti.example',
  admin: 'admin@luvat.example',
} as const;

/** One clerk per seeded authority. */
export const AUTHORITY_USERS: Record<string, string> = {
  'CITY-TRE': 'kaisa.clerk@tampere.example',
  'POLICE-SISA': 'pekka.police@poliisi.example',
  'RESCUE-PIR': 'reetta.rescue@pelastus.example',
  'AVI-LSU': 'antti.avi@avi.example',
  TUKES: 'tiina.tukes@tukes.example',
};

interface DemoSite {
  name: string;
  address: string;
  lat: number;
  lon: number;
  targetGroup: string;
  activity: string[];
  monthsOpen?: number;
  years: number[];
  /** Gentle sites get better grades; `bias` shifts the grade pattern towards D. */
  bias: number;
  complete: boolean;
  findings?: string[];
}

const DEMO_SITES: DemoSite[] = [
  {
    name: 'Keskuskeittiö Hervanta',
    address: 'Insinöörinkatu 10',
    lat: 61.4496,
    lon: 23.8513,
    targetGroup: 'centralKitchen',
    activity: ['activity.portionsOver300', 'activity.specialDiets', 'activity.preparedInAdvance'],
    years: [2024, 2025, 2026],
    bias: 1,
    complete: true,
  },
  {
    name: 'Ravintola Laukontori',
    address: 'Laukontori 4',
    lat: 61.4954,
    lon: 23.7594,
    targetGroup: 'restaurant',
    activity: ['activity.aLaCarte', 'activity.cookingFromRaw'],
    years: [2024, 2025, 2026],
    bias: 0,
    complete: true,
  },
  {
    name: 'Lihanjalostamo Lielahti',
    address: 'Enqvistinkatu 7',
    lat: 61.5165,
    lon: 23.6794,
    targetGroup: 'meatOver10Mkg',
    activity: ['activity.nationwide', 'activity.distribution', 'activity.export', 'activity.firstArrivalMeat'],
    years: [2024, 2025, 2026],
    bias: 2,
    complete: true,
    findings: ['authority.requestsIssued', 'authority.samplingPassable'],
  },
  {
    name: 'Kesäkioski Näsinpuisto',
    address: 'Näsinpuisto',
    lat: 61.5041,
    lon: 23.7577,
    targetGroup: 'kiosk',
    activity: [],
    monthsOpen: 4,
    years: [2025, 2026],
    bias: 0,
    complete: true,
  },
  {
    name: 'Kahvila Tammela (uusi)',
    address: 'Tammelan puistokatu 20',
    lat: 61.4986,
    lon: 23.7753,
    targetGroup: 'restaurant',
    activity: [],
    years: [2026],
    bias: 0,
    complete: false,
  },
];

/** Deterministic grades for every factor that applies to the site (no randomness in seeds). */
function demoGrades(site: DemoSite, salt: number): Record<string, string> {
  const model = riskModel()!;
  const group = model.groups.find((g) => g.id === site.targetGroup)!;
  const grades: Record<string, string> = {};
  for (const area of model.areas.filter((a) => a.kind === 'graded')) {
    for (const [j, factor] of applicableFactors(model, group, area.id).entries()) {
      if (factor.requires && !factor.requires.some((r) => site.activity.includes(r))) continue;
      grades[factor.id] = 'ABCD'[
        Math.min(
          3,
          ((j * 7 + salt) % 3) + (site.bias > 1 ? 1 : 0) * ((j + salt) % 2) + (site.bias === 1 && j % 4 === 0 ? 1 : 0),
        )
      ]!;
    }
  }
  return grades;
}

export async function seed(db: Db): Promise<boolean> {
  if ((await db.organisation.count()) > 0) return false;
  await db.$transaction(
    async (tx) => {
      await tx.organisation.createMany({
        data: [
          { id: DEMO.organisationId, name: 'Pirkanmaan Elintarvike Oy', businessId: '1234567-8', kind: 'COMPANY' },
          { id: DEMO.festivalOrgId, name: 'Tammerfest ry', businessId: '2345678-9', kind: 'ASSOCIATION' },
        ],
      });
      await tx.authority.createMany({
        data: [
          { code: 'CITY-TRE', nameFi: 'Tampereen kaupunki', nameEn: 'City of Tampere', email: 'luvat@tampere.example' },
          {
            code: 'POLICE-SISA',
            nameFi: 'Sisä-Suomen poliisilaitos',
            nameEn: 'Police of Central Finland',
            email: 'luvat@poliisi.example',
          },
          {
            code: 'RESCUE-PIR',
            nameFi: 'Pirkanmaan pelastuslaitos',
            nameEn: 'Pirkanmaa Rescue Department',
            email: 'pelastus@pirkanmaa.example',
          },
          {
            code: 'AVI-LSU',
            nameFi: 'Länsi- ja Sisä-Suomen aluehallintovirasto',
            nameEn: 'Regional State Administrative Agency',
            email: 'kirjaamo@avi.example',
          },
          {
            code: 'TUKES',
            nameFi: 'Turvallisuus- ja kemikaalivirasto',
            nameEn: 'Finnish Safety and Chemicals Agency',
            email: 'kirjaamo@tukes.example',
          },
        ],
      });
      const city = await tx.authority.findUniqueOrThrow({ where: { code: 'CITY-TRE' } });
      const police = await tx.authority.findUniqueOrThrow({ where: { code: 'POLICE-SISA' } });
      const rescue = await tx.authority.findUniqueOrThrow({ where: { code: 'RESCUE-PIR' } });
      const avi = await tx.authority.findUniqueOrThrow({ where: { code: 'AVI-LSU' } });
      const tukes = await tx.authority.findUniqueOrThrow({ where: { code: 'TUKES' } });
      await tx.user.createMany({
        data: [
          {
            email: 'maija.manager@elintarvike.example',
            name: 'Maija Mäkinen',
            role: 'CUSTOMER',
            organisationId: DEMO.organisationId,
          },
          {
            email: 'olli.organiser@tammerfest.example',
            name: 'Olli Oksanen',
            role: 'CUSTOMER',
            organisationId: DEMO.festivalOrgId,
          },
          { email: 'aino.agent@konsultit.example', name: 'Aino Asiamies', role: 'AGENT' },
          { email: 'palvelu@luvat.example', name: 'Yhteinen asiakaspalvelu', role: 'SERVICE_DESK' },
          { email: 'kaisa.clerk@tampere.example', name: 'Kaisa Käsittelijä', role: 'AUTHORITY', authorityId: city.id },
          { email: 'pekka.police@poliisi.example', name: 'Pekka Poliisi', role: 'AUTHORITY', authorityId: police.id },
          {
            email: 'reetta.rescue@pelastus.example',
            name: 'Reetta Pelastaja',
            role: 'AUTHORITY',
            authorityId: rescue.id,
          },
          { email: 'antti.avi@avi.example', name: 'Antti Aluehallinto', role: 'AUTHORITY', authorityId: avi.id },
          { email: 'tiina.tukes@tukes.example', name: 'Tiina Turvallisuus', role: 'AUTHORITY', authorityId: tukes.id },
          { email: 'ville.valvoja@tampere.example', name: 'Ville Valvoja', role: 'SUPERVISOR', authorityId: city.id },
          { email: 'riikka.resident@koti.example', name: 'Riikka Rantanen', role: 'RESIDENT' },
          { email: 'admin@luvat.example', name: 'Pääkäyttäjä', role: 'ADMIN' },
        ],
      });
      const agent = await tx.user.findUniqueOrThrow({ where: { email: 'aino.agent@konsultit.example' } });
      await tx.mandate.create({
        data: {
          organisationId: DEMO.festivalOrgId,
          agentId: agent.id,
          scope: ['permits'],
          validFrom: new Date('2026-01-01T00:00:00Z'),
          validTo: new Date('2027-12-31T21:59:59Z'),
        },
      });
      for (const [i, site] of DEMO_SITES.entries()) {
        const created = await tx.site.create({
          data: {
            organisationId: DEMO.organisationId,
            name: site.name,
            address: site.address,
            municipality: 'Tampere',
            latitude: site.lat,
            longitude: site.lon,
            targetGroup: site.targetGroup,
            activity: site.activity,
            monthsOpen: site.monthsOpen ?? null,
            inspections: {
              create: site.years.map((year) => ({
                inspectedAt: new Date(Date.UTC(year, 2 + i, 10, 8)),
                inspector: 'Ville Valvoja',
                grades: site.complete ? demoGrades(site, i + year) : { 'premises.adequacy': 'B' },
                present: year === site.years.at(-1) && site.findings ? site.findings : [],
              })),
            },
          },
          include: { inspections: true },
        });
        // Each inspection left an assessment, as it does when recorded in a supervision cycle.
        for (const inspection of created.inspections) {
          await storeAssessment(tx, {
            siteId: created.id,
            cycleId: null,
            at: inspection.inspectedAt,
            reason: 'inspection',
            key: `seed:${inspection.id}`,
          });
        }
      }
    },
    { timeout: 60_000 },
  );
  await seedVenues(db);
  await seedKnowledge(db);
  return true;
}

if (require.main === module) {
  (async () => {
    const handle = await openDb(loadConfig());
    try {
      const created = await seed(handle.db);
      process.stdout.write(created ? 'demo data seeded\n' : 'demo data already present\n');
    } finally {
      await handle.close();
    }
  })().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
