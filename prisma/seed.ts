/**
 * Demo data, written once: organisations, authorities, users of every role and sample
 * sites with inspection history. Projects are created through the API by scripts/start.mjs
 * so that each has a real workflow behind it.
 */
import { loadConfig } from '../platform/config';
import { openDb, type Db } from '../platform/db';

export const DEMO = {
  organisationId: '00000000-0000-4000-8000-000000000001',
  festivalOrgId: '00000000-0000-4000-8000-000000000002',
};

export async function seed(db: Db): Promise<boolean> {
  if ((await db.organisation.count()) > 0) return false;
  await db.$transaction(async (tx) => {
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
    const sites = [
      {
        name: 'Keskuskeittiö Hervanta',
        targetGroup: 'central-kitchen',
        lat: 61.4496,
        lon: 23.8513,
        address: 'Insinöörinkatu 10',
      },
      { name: 'Ravintola Laukontori', targetGroup: 'restaurant', lat: 61.4954, lon: 23.7594, address: 'Laukontori 4' },
      {
        name: 'Lihanjalostamo Lielahti',
        targetGroup: 'meat-plant-large',
        lat: 61.5165,
        lon: 23.6794,
        address: 'Enqvistinkatu 7',
      },
    ];
    for (const [i, s] of sites.entries()) {
      await tx.site.create({
        data: {
          organisationId: DEMO.organisationId,
          name: s.name,
          address: s.address,
          municipality: 'Tampere',
          latitude: s.lat,
          longitude: s.lon,
          targetGroup: s.targetGroup,
          inspections: {
            create: [0, 1, 2].map((year) => ({
              inspectedAt: new Date(Date.UTC(2024 + year, 2 + i, 10, 8)),
              inspector: 'Ville Valvoja',
              grades: { 'own-check.plan': ['A', 'B', 'C'][(i + year) % 3] },
              present: [],
            })),
          },
        },
      });
    }
  });
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
