/**
 * The connection settings page of the bridge (F37) in Chromium against the real stack: a
 * clerk of the City of Tampere connects its case system by webhook from the navigation, sees
 * the signing secret once, then only its fingerprint; the page passes axe-core's WCAG 2.1 AA
 * rules and works on a phone-sized screen, in Finnish and English.
 */
import { PHONE, fitsWidth, screenshot, useBrowserStack, violations } from '../support/browser';

const ui = useBrowserStack();
it('a clerk connects the case system: the secret is shown once, the page is accessible', async () => {
  const page = await ui.signedInPage('Kaisa Käsittelijä', '/work');
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
  const page = await ui.signedInPage('Kaisa Käsittelijä', '/authorities/CITY-TRE/connection', 'en', PHONE);
  await page.getByRole('heading', { name: /Connection to the case-management system/ }).waitFor();
  await page.getByText('Case number in the authority').or(page.getByText('No events yet.')).first().waitFor();
  expect(await fitsWidth(page)).toBe(true);
  await screenshot(page, 'bridge-settings-en-phone');
});
