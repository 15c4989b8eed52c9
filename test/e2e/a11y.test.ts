/**
 * WCAG 2.1 A/AA checks of the main views with axe-core in Chromium: labels, names, contrast,
 * landmarks, ARIA use. Each view is checked as its users see it, with real data.
 */
import type { Page } from 'playwright-core';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { CaseParties } from '../../api/client';
import { useBrowserStack, violations } from '../support/browser';
import { submitThroughApi } from '../support/http-cases';
import { MEDIUM_RISK } from '../support/cases';

const ui = useBrowserStack();
async function check(page: Page, path: string, ready: (page: Page) => Promise<unknown>): Promise<[string, string[]]> {
  await page.goto(`${ui.stack.base}${path}`);
  await ready(page);
  return [path, await violations(page)];
}

const heading = (page: Page) => page.locator('main h1').first().waitFor();

describe('accessibility of the main views (axe-core, WCAG 2.1 AA rules)', () => {
  it('finds no violations on public, customer, authority and supervision pages', async () => {
    const base = ui.stack.base;
    const parties = new CaseParties(base, DEMO_USERS.organiser, AUTHORITY_USERS);
    const { id } = await parties.createProject({ organisationId: DEMO.festivalOrgId, title: 'Saavutettavuuskoe' });
    await submitThroughApi(parties, id, MEDIUM_RISK);
    const results: Array<[string, string[]]> = [];

    const visitor = await (await ui.context('fi')).newPage();
    results.push(await check(visitor, '/', heading));
    results.push(await check(visitor, '/explore', (p) => p.getByRole('radio').first().waitFor()));
    results.push(await check(visitor, '/map', (p) => p.locator('canvas').first().waitFor()));
    results.push(await check(visitor, '/notices', heading));
    results.push(await check(visitor, '/observe', heading));

    const customer = await ui.signedInPage('Olli Oksanen', '/');
    results.push(await check(customer, '/', (p) => p.getByTestId('project-row').first().waitFor()));
    results.push(await check(customer, `/projects/${id}`, (p) => p.getByTestId('gantt').waitFor()));

    const clerk = await ui.signedInPage('Kaisa Käsittelijä', '/work', 'en');
    results.push(await check(clerk, '/work', (p) => p.getByTestId('work-queue').waitFor()));
    results.push(await check(clerk, `/projects/${id}`, (p) => p.getByTestId('gantt').waitFor()));

    const supervisor = await ui.signedInPage('Ville Valvoja', '/supervision');
    results.push(await check(supervisor, '/supervision', heading));
    results.push(await check(supervisor, '/reports', (p) => p.locator('svg').first().waitFor()));

    expect(results.length).toBe(11);
    expect(results.filter(([, v]) => v.length > 0)).toEqual([]);

    // The checker does see problems: an input without a label on the same page is reported.
    await visitor.evaluate(`document.querySelector('main').append(document.createElement('input'))`);
    expect((await violations(visitor)).some((v) => v.startsWith('label'))).toBe(true);
  });
});
