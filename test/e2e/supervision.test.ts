/**
 * Supervision in a real browser against the real API, worker, PostgreSQL and Temporal:
 * the supervisor starts supervising a site, records an inspection with grades and findings
 * and sees the next due date move; reviews the operator's evidence; reads a site's risk
 * explanation, the inspection calendar and the risk reports with their CSV downloads.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { DEMO_USERS } from '../../prisma/seed';
import { ApiClient } from '../../api/client';
import { screenshot, signIn, useBrowserStack } from '../support/browser';

const ui = useBrowserStack();
let supervisor: ApiClient;

beforeAll(async () => {
  supervisor = await ApiClient.signIn(ui.stack.base, DEMO_USERS.supervisor);
});

const siteId = async (name: string) => (await ui.stack.db.handle.db.site.findFirstOrThrow({ where: { name } })).id;

interface SupervisionJson {
  phase: string;
  plan: Array<{ kind: string; dueAt: string; week: string }>;
  correctiveActions: Array<{ id: string; description: string; status: string }>;
  assessment: { riskClass: string | null } | null;
}
const supervisionOf = (id: string) => supervisor.request<SupervisionJson>('GET', `/api/sites/${id}/supervision`);

/** A number as the page shows it in Finnish ("57,3", "1 234,5") read back. */
const finnishNumber = (text: string) => Number(text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.'));

const nextDue = (page: Page) => page.getByTestId('next-due').locator('time');

async function until<T>(what: string, check: () => Promise<T | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('supervision in a real browser', () => {
  it('an authority records an inspection and sees the next due date change', async () => {
    const id = await siteId('Ravintola Laukontori');
    const context = await ui.context('fi');
    const page = await context.newPage();
    await signIn(page, ui.stack.base, 'Ville Valvoja', `/sites/${id}`);
    await page.getByRole('heading', { level: 1, name: 'Ravintola Laukontori' }).waitFor();
    await page.getByText('Kohde ei ole valvonnassa.').waitFor();

    // Start supervising: the commissioning inspection is planned.
    await page.getByRole('button', { name: 'Aloita valvonta (CITY-TRE)' }).click();
    await nextDue(page).waitFor();
    const opened = await supervisionOf(id);
    expect(opened.plan).toEqual([expect.objectContaining({ kind: 'commissioning' })]);
    const before = await nextDue(page).getAttribute('datetime');
    const beforeText = await nextDue(page).textContent();
    expect(before).toBe(opened.plan[0]!.dueAt);
    await page.getByTestId('next-reason').getByText('käyttöönottotarkastus').waitFor();

    // Record an inspection: grades prefilled with those in effect, one changed, findings added.
    await page.getByRole('button', { name: 'Kirjaa tarkastus' }).click();
    const form = page.getByTestId('inspection-form');
    const adequacy = form.getByLabel('tilojen riittävyys ja soveltuvuus toimintaan');
    await adequacy.waitFor();
    expect(await adequacy.inputValue()).toMatch(/^[ABCD]$/);
    await adequacy.selectOption('D');
    await form.getByRole('button', { name: 'Lisää havainto' }).click();
    const first = form.getByTestId('finding').nth(0);
    await first.getByLabel('Riskitekijä (valinnainen)').selectOption('premises.adequacy');
    await first.getByLabel('Havainnon kuvaus').fill('Keittiön lattiassa halkeamia');
    await first.getByLabel('Arvio', { exact: true }).selectOption('D');
    await first.getByLabel('Edellytä korjaavaa toimenpidettä').check();
    await first.getByLabel('Korjaava toimenpide').fill('Korjaa lattia ja toimita kuva');
    await first.getByLabel('Määräaika (päivää)').fill('14');
    // A second finding left empty: the errors are announced and tied to their fields.
    await form.getByRole('button', { name: 'Lisää havainto' }).click();
    await form.getByRole('button', { name: 'Tallenna tarkastus' }).click();
    await form.getByRole('alert').getByText('Tarkista merkityt kentät (2).').waitFor();
    const second = form.getByTestId('finding').nth(1);
    const description = second.getByLabel('Havainnon kuvaus');
    expect(await description.getAttribute('aria-invalid')).toBe('true');
    const errorId = await description.getAttribute('aria-describedby');
    expect(await page.locator(`#${errorId}`).textContent()).toBe('Pakollinen tieto.');
    expect(await page.locator(':focus').getAttribute('id')).toBe(await description.getAttribute('id'));
    await second.getByRole('button', { name: 'Poista havainto 2' }).click();
    expect(await ui.stack.db.handle.db.inspection.count({ where: { siteId: id, cycleId: { not: null } } })).toBe(0);

    await form.getByRole('button', { name: 'Tallenna tarkastus' }).click();
    await page.getByTestId('site-status').getByText('Tarkastus kirjattu.').waitFor();
    const after = await until('the next due date to move', async () => {
      const now = await nextDue(page).getAttribute('datetime');
      return now !== null && now !== before ? now : false;
    });
    const afterText = await nextDue(page).textContent();
    const inspected = await supervisionOf(id);
    expect(after).not.toBe(before);
    expect(afterText).not.toBe(beforeText);
    expect(inspected.phase).toBe('supervising');
    expect(inspected.plan).toEqual([expect.objectContaining({ kind: 'recurring', dueAt: after })]);
    expect(afterText).toBe(
      new Intl.DateTimeFormat('fi-FI', { timeZone: 'Europe/Helsinki', dateStyle: 'medium' }).format(new Date(after)),
    );
    expect(await page.getByTestId('site-status').textContent()).toContain(`${beforeText} → ${afterText}`);
    await page.getByTestId('next-reason').getByText(`riskiluokka ${inspected.assessment!.riskClass}`).waitFor();

    // What was stored is what the form said.
    const stored = await ui.stack.db.handle.db.inspection.findFirstOrThrow({
      where: { siteId: id, cycleId: { not: null } },
      include: { findings: true },
    });
    expect(stored.inspector).toBe('Ville Valvoja');
    expect((stored.grades as Record<string, string>)['premises.adequacy']).toBe('D');
    expect(Object.keys(stored.grades as object).length).toBeGreaterThan(10);
    expect(stored.findings).toEqual([
      expect.objectContaining({
        factorId: 'premises.adequacy',
        description: 'Keittiön lattiassa halkeamia',
        grade: 'D',
      }),
    ]);

    // The corrective action; the operator sends evidence and the open page shows it live.
    const action = page.getByTestId('corrective-action').filter({ hasText: 'Korjaa lattia ja toimita kuva' });
    await action.getByTestId('action-status').getByText('avoin').waitFor();
    const actionId = inspected.correctiveActions[0]!.id;
    const operator = await ApiClient.signIn(ui.stack.base, DEMO_USERS.foodManager);
    const sent = await operator.raw(
      'POST',
      `/api/sites/${id}/supervision/commands`,
      {
        action: 'submitEvidence',
        actionId,
        evidence: [{ url: 'https://example.org/lattia.jpg', mediaType: 'image/jpeg', caption: 'Korjattu lattia' }],
      },
      { 'idempotency-key': randomUUID() },
    );
    expect(sent.status).toBe(200);
    await action.getByRole('link', { name: 'Korjattu lattia' }).waitFor();
    await action.getByTestId('action-status').getByText('näyttö toimitettu').waitFor();
    await screenshot(page, 'site-inspection-recorded');
    await action.getByLabel('Huomautus toimijalle').fill('Kunnossa.');
    await action.getByRole('button', { name: 'Hyväksy näyttö' }).click();
    await action.getByTestId('action-status').getByText('hyväksytty').waitFor();
    expect((await supervisionOf(id)).correctiveActions[0]!.status).toBe('accepted');
    await page.getByTestId('site-history').getByText('Tarkastus kirjattu').waitFor();
    await context.close();
  });

  it("explains a site's risk: points per area and factor, class, frequency and why", async () => {
    const id = await siteId('Lihanjalostamo Lielahti');
    type Assessment = {
      inspectionsUsed: number;
      assessment: {
        score: number;
        riskClass: string;
        frequencyPerYear: number;
        areas: Array<{ nameFi: string; nameEn: string; points: number; factors: unknown[] }>;
      };
    };
    const api = await supervisor.request<Assessment>('GET', `/api/sites/${id}/assessment`);
    const context = await ui.context('fi');
    const page = await context.newPage();
    await signIn(page, ui.stack.base, 'Ville Valvoja', `/sites/${id}`);
    const risk = page.getByTestId('risk-explanation');
    await risk.getByTestId('risk-score').waitFor();
    expect(finnishNumber((await risk.getByTestId('risk-score').textContent())!)).toBe(api.assessment.score);
    expect(await risk.getByTestId('risk-class').textContent()).toContain(api.assessment.riskClass);
    const frequency = (await risk.getByTestId('risk-frequency').textContent())!;
    expect(finnishNumber(frequency.split('/')[0]!)).toBe(api.assessment.frequencyPerYear);
    expect(frequency).toMatch(/noin \d+ päivän välein/);

    // Every area with its points, in the chart and in the table.
    const rows = risk.getByTestId('chart-site-areas').getByTestId('chart-row');
    expect(await rows.count()).toBe(api.assessment.areas.length);
    const table = risk.getByTestId('risk-breakdown');
    for (const area of api.assessment.areas) {
      const row = table.locator('tr.area').filter({ hasText: area.nameFi });
      expect(finnishNumber((await row.locator('td').textContent())!)).toBe(area.points);
    }
    const factorRows = await table.locator('tbody tr:not(.area) th[scope="row"]').count();
    expect(factorRows).toBe(api.assessment.areas.reduce((n, a) => n + a.factors.length, 0));
    const why = (await risk.getByTestId('risk-why').textContent())!;
    expect(why).toContain(`luokkaan ${api.assessment.riskClass}`);
    expect(why).toContain('perustiheys');
    await screenshot(page, 'site-risk-explanation-fi');

    // A window that ends before the window starts: the error is tied to its field.
    await risk.getByLabel('Tarkastukset alkaen').fill('2026-01-01');
    await risk.getByLabel('Tarkastukset asti').fill('2025-01-01');
    await risk.getByRole('button', { name: 'Laske uudelleen' }).click();
    await risk.getByRole('alert').waitFor();
    expect(await risk.getByLabel('Tarkastukset asti').getAttribute('aria-invalid')).toBe('true');
    // A window without inspections: not classified, the missing grades named.
    await risk.getByLabel('Tarkastukset alkaen').fill('2010-01-01');
    await risk.getByLabel('Tarkastukset asti').fill('2010-12-31');
    await risk.getByRole('button', { name: 'Laske uudelleen' }).click();
    await risk.getByTestId('risk-missing').waitFor();
    expect(await risk.getByTestId('risk-class').textContent()).toContain('ei luokiteltu');
    await risk.getByRole('button', { name: 'Kaikki tarkastukset' }).click();
    await risk.getByTestId('risk-missing').waitFor({ state: 'detached' });

    await page.getByLabel('Kieli').selectOption('en');
    await risk.getByRole('heading', { name: 'Risk explanation' }).waitFor();
    expect(await risk.getByTestId('risk-why').textContent()).toContain(`falls in class ${api.assessment.riskClass}`);
    await screenshot(page, 'site-risk-explanation-en');
    await context.close();
  });

  it('shows planned inspections week by week in the calendar', async () => {
    const id = await siteId('Keskuskeittiö Hervanta');
    const started = await supervisor.raw(
      'POST',
      `/api/sites/${id}/supervision`,
      { authorityCode: 'CITY-TRE' },
      { 'idempotency-key': randomUUID() },
    );
    expect(started.status).toBe(201);
    const plan = await until('the cycle to open', async () => {
      const res = await supervisor.raw('GET', `/api/sites/${id}/supervision`);
      return res.status === 200 && ((await res.json()) as SupervisionJson).plan[0]!;
    });
    const context = await ui.context('fi');
    const page = await context.newPage();
    await signIn(page, ui.stack.base, 'Ville Valvoja', '/supervision');
    const [year, week] = plan.week.split('-W') as [string, string];
    const weekTable = page
      .getByTestId('calendar-week')
      .filter({ has: page.locator('caption', { hasText: `Viikko ${Number(week)}/${year}` }) });
    const row = weekTable.getByTestId('calendar-entry').filter({ hasText: 'Keskuskeittiö Hervanta' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Käyttöönottotarkastus');
    await row.getByRole('link', { name: 'Keskuskeittiö Hervanta' }).waitFor();
    // Sites without supervision are listed to be started.
    await page
      .getByRole('region', { name: 'Kohteet ilman valvontaa' })
      .getByRole('link', { name: 'Kesäkioski Näsinpuisto' })
      .waitFor();
    await screenshot(page, 'supervision-calendar');
    await page.getByLabel('Kieli').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Inspection calendar' }).waitFor();
    await page.locator('caption', { hasText: `Week ${Number(week)}, ${year}` }).waitFor();
    await screenshot(page, 'supervision-calendar-en');

    // The row opens the site.
    await page.getByRole('link', { name: 'Keskuskeittiö Hervanta' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Keskuskeittiö Hervanta' }).waitFor();
    expect(await nextDue(page).getAttribute('datetime')).toBe(plan.dueAt);
    await context.close();
  });

  it('draws the risk reports as charts with tables and offers them as CSV', async () => {
    const context = await ui.context('fi');
    const page = await context.newPage();
    await signIn(page, ui.stack.base, 'Ville Valvoja', '/reports');
    type Counts = { groups: Array<{ targetGroup: string; R1: number; R2: number; R3: number; total: number }> };
    const counts = await supervisor.request<Counts>('GET', '/api/risk-reports/class-counts');

    // Classes per target group: a stacked bar per group, the same numbers in the table.
    const classes = page.getByTestId('report-class-counts');
    const classChart = classes.getByTestId('chart-class-counts');
    await classChart.locator('svg[role="img"]').waitFor();
    expect(await classChart.getByTestId('chart-row').count()).toBe(counts.groups.length);
    const drawn = await classChart
      .locator('rect[data-value]')
      .evaluateAll((rects) => rects.reduce((sum, r) => sum + Number(r.getAttribute('data-value')), 0));
    expect(drawn).toBe(counts.groups.reduce((sum, g) => sum + g.total, 0));
    expect(await classes.locator('table tbody tr').count()).toBe(counts.groups.length);
    expect(await classes.locator('table th[scope="col"]').allTextContents()).toEqual([
      'Kohderyhmä',
      'R1 (korkea riski)',
      'R2 (keskitaso)',
      'R3 (matala riski)',
      'Ei luokiteltu',
      'Yhteensä',
    ]);

    // Top risk areas and the ranking.
    await page.getByTestId('chart-top-areas').getByTestId('chart-row').first().waitFor();
    const ranking = page.getByTestId('report-ranking');
    await ranking.getByTestId('chart-ranking').getByTestId('chart-row').first().waitFor();
    await ranking.getByTestId('ranking-table').getByRole('link', { name: 'Lihanjalostamo Lielahti' }).waitFor();
    await screenshot(page, 'risk-reports');

    // CSV downloads with the signed-in session.
    const link = classes.getByRole('link', { name: 'Lataa CSV: Riskiluokat kohderyhmittäin' });
    expect(await link.getAttribute('href')).toBe('/api/risk-reports/class-counts?format=csv');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, ...lines] = csv.slice(1).trim().split(/\r?\n/);
    expect(header).toBe('model,targetGroup,R1,R2,R3,unclassified,total');
    expect(lines).toHaveLength(counts.groups.length);
    const rankingCsv = await page.request.get(
      `${ui.stack.base}${await ranking.getByRole('link', { name: /^Lataa CSV/ }).getAttribute('href')}`,
    );
    expect(rankingCsv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(await rankingCsv.text()).toContain('Lihanjalostamo Lielahti');

    // A window and one group: the address keeps it, the links follow it.
    await page.getByLabel('Alkaen').fill('2024-01-01');
    await page.getByLabel('Asti').fill('2024-12-31');
    await page.getByLabel('Kohderyhmä (järjestys)').selectOption('restaurant');
    await page.getByRole('button', { name: 'Näytä raportit' }).click();
    await page.waitForURL(/\/reports\?from=2024-01-01&to=2024-12-31&group=restaurant$/);
    await ranking.getByText(/^Kohderyhmä: Ravintola/).waitFor();
    expect(await ranking.getByRole('link', { name: /^Lataa CSV/ }).getAttribute('href')).toBe(
      '/api/risk-reports/groups/restaurant?from=2024-01-01&to=2024-12-31&format=csv',
    );
    await ranking.getByTestId('ranking-table').getByRole('link', { name: 'Ravintola Laukontori' }).waitFor();
    expect(
      await ranking.getByTestId('ranking-table').getByRole('link', { name: 'Lihanjalostamo Lielahti' }).count(),
    ).toBe(0);

    await page.getByLabel('Kieli').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Risk reports' }).waitFor();
    await screenshot(page, 'risk-reports-en');
    await context.close();
  });
});
