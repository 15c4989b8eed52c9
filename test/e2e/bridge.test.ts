/**
 * The connection settings page of the bridge (F37) in Chromium against the real stack: a
 * clerk of the City of Tampere connects its case system by webhook from the navigation, sees
 * the signing secret once, then only its fingerprint; the page passes axe-core's WCAG 2.1 AA
 * rules and works on a phone-sized screen, in Finnish and English.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { signIn, screenshot, useBrowserStack } from '../support/browser';

const ui = useBrowserStack();
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function violations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const found = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`,
  )) as Array<{ id: string; nodes: Array<{ target: string[] }> }>;
  return found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

it('a clerk connects the case system: the secret is shown once, the page is accessible', async () => {
  const page = await (await ui.context('fi')).newPage();
  await signIn(page, ui.stack.base, 'Kaisa Käsittelijä', '/work');
  await page.getByRole('navigation').getByRole('link', { name: 'Asianhallintayhteys' }).click();
  await page.getByRole('heading', { name: /Yhteys asianhallintajärjestelmään/ }).waitFor();
  expect(await violations(page)).toEqual([]);

  await page.getByRole('radio', { name: /webhook/ }).check();
  await page.getByLabel('Asianhallintajärjestelmän webhook-osoite').fill('https://diaari.tampere.example/webhook');
  await page.getByRole('button', { name: 'Tallenna yhteys' }).click();
  const secret = (await page.getByTestId('bridge-secret').textContent()) ?? '';
  expect(secret).toMatch(/^whsec_/);
  await page.getByRole('status').getByText('Yhteys tallennettu.').waitFor();
  expect(await violations(page)).toEqual([]);
  await screenshot(page, 'bridge-settings-fi');

  // Shown once: after a reload only the fingerprint, never the secret.
  await page.reload();
  await page.getByText(/Asetettu \(tunniste [0-9a-f]{12}\)/).waitFor();
  expect(await page.content()).not.toContain(secret);
  expect(await page.getByTestId('bridge-secret').count()).toBe(0);
});

it('works on a phone in English', async () => {
  const page = await (await ui.context('en', { width: 390, height: 844 })).newPage();
  await signIn(page, ui.stack.base, 'Kaisa Käsittelijä', '/authorities/CITY-TRE/connection');
  await page.getByRole('heading', { name: /Connection to the case-management system/ }).waitFor();
  await page.getByText('Case number in the authority').or(page.getByText('No events yet.')).first().waitFor();
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await screenshot(page, 'bridge-settings-en-phone');
});
