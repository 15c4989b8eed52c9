/** Browser test in Debian's Chromium against the real API, worker, PostgreSQL and Temporal. */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { DEMO, DEMO_USERS } from '../../prisma/seed';
import { ApiClient } from '../../api/client';
import { useApiStack } from '../support/stack';

const root = path.resolve(__dirname, '..', '..');
const artifacts = path.join(root, 'test-artifacts');
const stack = useApiStack({ UI_DIST: path.join(root, 'dist', 'ui') });
let browser: Browser;
let base: string;

beforeAll(async () => {
  base = stack.base;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  fs.mkdirSync(artifacts, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

describe('customer portal in a real browser', () => {
  it('shows a healthy platform and a timeline that moves when an authority acts', async () => {
    const organiser = await ApiClient.signIn(base, DEMO_USERS.organiser);
    const { id } = await organiser.createProject({
      organisationId: DEMO.festivalOrgId,
      title: 'Selainkoe 2027',
      permits: [{ permitType: 'public-event', authorityCode: 'POLICE-SISA' }],
    });

    // The customer signs in through the identity provider's page in the browser.
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByTestId('health-worker').getByText('toiminnassa').waitFor();
    await page.getByRole('link', { name: 'Kirjaudu sisään' }).click();
    await page.getByRole('button', { name: 'Olli Oksanen' }).click();
    await page.getByTestId('signed-in').getByText('Olli Oksanen').waitFor();
    await page.getByRole('button', { name: 'Selainkoe 2027' }).click();
    await page.getByText('Ei tapahtumia vielä.').waitFor();

    // The case moves on elsewhere (another session of the organisation); the open page updates
    // without reloading.
    const res = await organiser.raw(
      'POST',
      `/api/projects/${id}/commands`,
      { action: 'completeAdvice' },
      { 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(200);
    await page.getByTestId('timeline').getByText('Neuvonta valmis').waitFor({ timeout: 5000 });
    await page.screenshot({ path: path.join(artifacts, 'portal-timeline-fi.png'), fullPage: true });

    await page.getByLabel('Kieli').selectOption('en');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Permit and supervision service');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.screenshot({ path: path.join(artifacts, 'portal-timeline-en.png'), fullPage: true });
  });

  it("renders the API documentation page under the platform's Content-Security-Policy", async () => {
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') refused.push(m.text());
    });
    await page.goto(`${base}/api/docs`);
    await page.getByText('/api/projects/{id}/commands').first().waitFor();
    await page.screenshot({ path: path.join(artifacts, 'api-docs.png') });
    expect(refused.filter((t) => /Content Security Policy/i.test(t))).toEqual([]);
  });
});
