/**
 * The venues page in a real browser against the real stack: venue markers on the offline map
 * with no CSP complaints, venue cards with rent and technical data, and two organisers on the
 * same date — the first reserves (held), the second sees it held live and queues, the first
 * cancels and the second holds without reloading. Screenshots in Finnish, English and on a
 * phone go to test-artifacts/.
 */
import type { Page } from 'playwright-core';
import { helsinkiToday } from '../../domain/venues';
import { PHONE, fitsWidth, screenshot, signIn, useBrowserStack, violations, watchErrors } from '../support/browser';
import { newTestVenue } from '../support/venues';

const ui = useBrowserStack();
let venue: { id: string; name: string };

beforeAll(async () => {
  venue = await newTestVenue(ui.stack.db.handle.db, { name: 'Testilava Näsinpuisto', latitude: 61.505 });
});

/** A date well ahead in the next month: its calendar is one "next month" away. */
const date = (() => {
  const today = helsinkiToday(new Date());
  const [y, m] = today.split('-').map(Number) as [number, number];
  const next = new Date(Date.UTC(y, m, 15));
  return next.toISOString().slice(0, 10);
})();

/** The test venue's card, on the month of `date`. */
async function openCard(page: Page) {
  const card = page.getByTestId('venue-card').filter({ has: page.getByRole('heading', { name: venue.name }) });
  await card.waitFor();
  await card.getByRole('button', { name: /Seuraava kuukausi|Next month/ }).click();
  await card.locator(`button[data-date="${date}"]`).waitFor();
  return card;
}

describe('venues page', () => {
  it('shows the venues on the map and as cards, and hands a date over live between two organisers', async () => {
    const organiserContext = await ui.context('fi');
    const managerContext = await ui.context('fi');
    try {
      const organiser = await organiserContext.newPage();
      const manager = await managerContext.newPage();
      const errors = [...watchErrors(organiser), ...watchErrors(manager)];
      await signIn(organiser, ui.stack.base, 'Olli Oksanen', '/venues');
      await signIn(manager, ui.stack.base, 'Maija Mäkinen', '/venues');

      // The map with the venue markers, and each venue's card.
      await organiser.getByTestId('map').and(organiser.locator('[data-status="ready"]')).waitFor();
      const orgCard = await openCard(organiser);
      await orgCard.getByText('Tekniset tiedot').click();
      await orgCard.getByText('3 × 32 A').waitFor();
      const manCard = await openCard(manager);

      // The organiser reserves the date: it holds preliminarily.
      await orgCard.locator(`button[data-date="${date}"]`).click();
      await orgCard.getByRole('button', { name: 'Varaa' }).click();
      await orgCard
        .getByTestId('venue-own')
        .getByText(/Pidätte päivää alustavasti/)
        .waitFor();
      expect(await orgCard.locator(`button[data-date="${date}"]`).getAttribute('data-state')).toBe('held');

      // The other organiser's open calendar turns held by itself, and it joins the queue.
      await manCard.locator(`button[data-date="${date}"][data-state="held"]`).waitFor();
      await manCard.locator(`button[data-date="${date}"]`).click();
      await manCard.getByRole('button', { name: 'Liity jonoon' }).click();
      await manCard.getByTestId('venue-own').getByText('Olette jonossa 1.').waitFor();
      await manager.getByTestId('my-venue-reservations').getByText('jonossa 1.').waitFor();
      await screenshot(manager, 'venues-queued-fi');
      expect(await violations(manager)).toEqual([]);

      // The holder cancels: the queued organiser holds now, without reloading.
      await orgCard.getByRole('button', { name: 'Peru varaus' }).click();
      await orgCard.getByTestId('venue-own').getByText('Peruitte varauksenne.').waitFor();
      await manCard
        .getByTestId('venue-own')
        .getByText(/Pidätte päivää alustavasti/)
        .waitFor();
      await manager
        .getByTestId('my-venue-reservations')
        .getByText(/alustava/)
        .waitFor();
      expect(errors).toEqual([]);
    } finally {
      await organiserContext.close();
      await managerContext.close();
    }
  });

  it('shows the public the calendar without names, in English and on a phone', async () => {
    const context = await ui.context('en', PHONE);
    try {
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${ui.stack.base}/venues`);
      await page.getByRole('heading', { level: 1, name: 'Event venues' }).waitFor();
      await page.getByTestId('map').and(page.locator('[data-status="ready"]')).waitFor();
      const card = await openCard(page);
      await card.locator(`button[data-date="${date}"]`).click();
      await card.getByTestId('venue-day').getByText('Status: preliminarily held').waitFor();
      await card.getByText('Sign in as an organiser to reserve.').waitFor();
      expect(await card.getByRole('button', { name: 'Reserve' }).count()).toBe(0);
      expect(await page.content()).not.toContain('Pirkanmaan Elintarvike');
      // Nothing wider than the phone's screen.
      expect(await fitsWidth(page)).toBe(true);
      await screenshot(page, 'venues-public-phone-en');
      expect(await violations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
