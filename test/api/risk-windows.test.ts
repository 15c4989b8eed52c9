/**
 * The risk reports pick each site's assessment for a window through SiteAssessment.supersededAt,
 * which storeAssessment maintains. These tests store assessments out of order on real
 * PostgreSQL, check the chain, and compare the reports with a plain computation from every
 * stored row over generated windows.
 */
import fc from 'fast-check';
import { Client } from '@temporalio/client';
import { ApiClient } from '../../api/client';
import { windowOf } from '../../api/schemas';
import { storeAssessment } from '../../activities/assessment';
import { assess, riskModel, type Grade } from '../../domain/risk';
import { seed, DEMO, DEMO_USERS } from '../../prisma/seed';
import { freshDatabase } from '../support/env';
import { startApi, type RunningApi } from '../support/api';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let running: RunningApi;
let api: ApiClient;

const DAY = 86_400_000;
const START = Date.parse('2024-01-01T08:00:00Z');
const GROUPS = ['restaurant', 'kiosk', 'centralKitchen'];

beforeAll(async () => {
  db = await freshDatabase();
  await seed(db.handle.db);
  // A lazy client: the report routes never call Temporal.
  running = await startApi(db.handle.db, new Client(), { TEMPORAL_TASK_QUEUE: 'unused', UI_DIST: '' });
  api = await ApiClient.signIn(running.base, DEMO_USERS.supervisor);
});

afterAll(async () => {
  await running?.close();
  await db?.drop();
});

type SiteSpec = { group: string; days: number[]; grades: Grade[] };
/** Sites with inspections on distinct days of 2024–2025, every graded factor at a random grade. */
const arbitrarySites: fc.Arbitrary<SiteSpec[]> = fc.array(
  fc.record({
    group: fc.constantFrom(...GROUPS),
    days: fc.uniqueArray(fc.integer({ min: 0, max: 729 }), { minLength: 1, maxLength: 6 }),
    grades: fc.array(fc.constantFrom<Grade>('A', 'B', 'C', 'D'), { minLength: 6, maxLength: 6 }),
  }),
  { minLength: 6, maxLength: 6 },
);

async function createSites(sites: SiteSpec[], order: number[]) {
  const model = riskModel('food-2008')!;
  const stored: Array<{ siteId: string; at: Date }> = [];
  for (const [i, site] of sites.entries()) {
    const factors = assess(model, { targetGroup: site.group, present: [] }).missing;
    const row = await db.handle.db.site.create({
      data: {
        organisationId: DEMO.organisationId,
        name: `Ikkunakohde ${i}`,
        address: 'Hämeenkatu 1',
        municipality: 'Tampere',
        targetGroup: site.group,
        inspections: {
          create: site.days.map((d, k) => ({
            inspectedAt: new Date(START + d * DAY),
            inspector: 'Ville Valvoja',
            grades: Object.fromEntries(factors.map((f, j) => [f, site.grades[(j + k) % site.grades.length]])),
            present: [],
          })),
        },
      },
    });
    for (const d of site.days) stored.push({ siteId: row.id, at: new Date(START + d * DAY) });
  }
  // Assessments arrive in any order (a late inspection report, a re-assessment of the past).
  const shuffled = order.map((o) => stored[o % stored.length]!).concat(stored);
  const seen = new Set<string>();
  for (const { siteId, at } of shuffled) {
    const key = `${siteId}:${at.toISOString()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await db.handle.db.$transaction((tx) =>
      storeAssessment(tx, { siteId, cycleId: null, at, reason: 'inspection', key }),
    );
  }
}

type Row = { siteId: string; assessedAt: Date; riskClass: string | null; supersededAt: Date | null };

/** Each active site's latest assessment inside the window, computed from every stored row. */
function reference(rows: Row[], q: { from?: string; to?: string }) {
  const w = windowOf(q);
  const latest = new Map<string, Row>();
  for (const r of rows) {
    if (w.from && r.assessedAt < w.from) continue;
    if (w.to && r.assessedAt > w.to) continue;
    const best = latest.get(r.siteId);
    if (!best || r.assessedAt > best.assessedAt) latest.set(r.siteId, r);
  }
  return latest;
}

const isoDay = (d: number) => new Date(START + d * DAY).toISOString().slice(0, 10);
const arbitraryWindow = fc
  .record({
    from: fc.option(fc.integer({ min: -30, max: 760 }), { nil: undefined }),
    length: fc.integer({ min: 0, max: 800 }),
    open: fc.boolean(),
  })
  .map(({ from, length, open }) => ({
    ...(from === undefined ? {} : { from: isoDay(from) }),
    ...(open ? {} : { to: isoDay((from ?? 0) + length) }),
  }));

describe('report windows over assessments stored out of order', () => {
  it('keeps each site a chain of intervals and reports what a full scan would', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitrarySites,
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(arbitraryWindow, { minLength: 8, maxLength: 8 }),
        async (sites, order, windows) => {
          await db.handle.db.site.deleteMany({ where: { name: { startsWith: 'Ikkunakohde' } } });
          await createSites(sites, order);

          const rows: Row[] = await db.handle.db.siteAssessment.findMany({
            orderBy: [{ siteId: 'asc' }, { assessedAt: 'asc' }],
            select: { siteId: true, assessedAt: true, riskClass: true, supersededAt: true },
          });
          // The chain: each assessment is superseded by its site's next one, the last is open.
          for (const [i, r] of rows.entries()) {
            const next = rows[i + 1]?.siteId === r.siteId ? rows[i + 1]!.assessedAt : null;
            expect({ site: r.siteId, at: r.assessedAt, supersededAt: r.supersededAt }).toEqual({
              site: r.siteId,
              at: r.assessedAt,
              supersededAt: next,
            });
          }

          for (const q of windows) {
            const expected = reference(rows, q);
            const query = new URLSearchParams(q).toString();
            const ranking = await api.request<{
              groups: Array<{ sites: Array<{ siteId: string; riskClass: string | null; assessedAt: string | null }> }>;
            }>('GET', `/api/risk-reports/ranking?limit=5000&${query}`);
            const got = ranking.groups.flatMap((g) => g.sites);
            expect(got.length).toBeGreaterThan(0);
            for (const site of got) {
              const want = expected.get(site.siteId);
              expect({ window: q, site: site.siteId, at: site.assessedAt, riskClass: site.riskClass }).toEqual({
                window: q,
                site: site.siteId,
                at: want?.assessedAt.toISOString() ?? null,
                riskClass: want?.riskClass ?? null,
              });
            }
            const counts = await api.request<{ groups: Array<{ R1: number; R2: number; R3: number; total: number }> }>(
              'GET',
              `/api/risk-reports/class-counts?${query}`,
            );
            const classified = counts.groups.reduce((n, g) => n + g.R1 + g.R2 + g.R3, 0);
            const withClass = got.filter((s) => s.riskClass !== null).length;
            expect(classified).toBe(withClass);
            expect(counts.groups.reduce((n, g) => n + g.total, 0)).toBe(got.length);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('takes window days in Helsinki time: 00:30 on 11 March in Helsinki is 10 March in UTC', async () => {
    const site = await db.handle.db.site.create({
      data: {
        organisationId: DEMO.organisationId,
        name: 'Yökioski',
        address: 'Hämeenkatu 2',
        municipality: 'Tampere',
        targetGroup: 'kiosk',
        inspections: {
          create: {
            inspectedAt: new Date('2025-03-10T22:30:00Z'), // 00:30 on 11 March in Helsinki (UTC+2)
            inspector: 'Ville Valvoja',
            grades: { 'premises.adequacy': 'B' },
            present: [],
          },
        },
      },
    });
    await db.handle.db.$transaction((tx) =>
      storeAssessment(tx, {
        siteId: site.id,
        cycleId: null,
        at: new Date('2025-03-10T22:30:00Z'),
        reason: 'inspection',
        key: 'night',
      }),
    );
    const kiosks = async (query: string) =>
      (
        await api.request<{ sites: Array<{ siteId: string; assessedAt: string | null }> }>(
          'GET',
          `/api/risk-reports/groups/kiosk?${query}`,
        )
      ).sites.find((s) => s.siteId === site.id)!.assessedAt;
    expect(await kiosks('from=2025-03-11&to=2025-03-11')).toBe('2025-03-10T22:30:00.000Z');
    expect(await kiosks('to=2025-03-10')).toBeNull();
    expect(await kiosks('from=2025-03-12')).toBeNull();
  });
});
