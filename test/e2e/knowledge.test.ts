/**
 * Advice and knowledge in Debian's Chromium against the real stack: the header's search box
 * finds a seeded guide with its words marked and a filter narrows the results; a customer asks
 * in the chat widget on a phone-sized screen, the shared customer service answers on its desk
 * page in a second browser context, and the answer appears in the customer's thread live.
 * Each view passes axe-core's WCAG 2.1 A/AA rules.
 */
import { DEMO, DEMO_USERS } from '../../prisma/seed';
import { ApiClient } from '../../api/client';
import { PHONE, screenshot, useBrowserStack, violations } from '../support/browser';
import { until } from '../support/env';

const ui = useBrowserStack();
describe('search and chat advice in a real browser', () => {
  it('searches from the header and narrows by a filter', async () => {
    const page = await (await ui.context('fi')).newPage();
    await page.goto(`${ui.stack.base}/`);
    await page.getByLabel('Hae palvelusta').fill('meluilmoituksen tekeminen');
    await page.getByRole('button', { name: 'Hae', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Haku' }).waitFor();
    const results = page.getByTestId('search-results');
    await results
      .getByRole('listitem')
      .first()
      .getByRole('heading', { name: 'Meluilmoitus ulkoilmakonsertista' })
      .waitFor();
    expect(await results.locator('mark').count()).toBeGreaterThan(0);
    await screenshot(page, 'knowledge-search-fi');
    expect(await violations(page)).toEqual([]);

    await page.getByLabel('Tyyppi').selectOption('solution');
    await page.locator('main').getByRole('button', { name: 'Hae', exact: true }).click();
    await page.waitForURL(/kind=solution/);
    // The list follows the new address: every result a past decision.
    const kinds = await until('the filtered results', async () => {
      const shown = await results.locator('.kind').allTextContents();
      return shown.length > 0 && shown.every((k) => k.toLowerCase().startsWith('aiempi päätös')) ? shown : null;
    });
    const api = await new ApiClient(ui.stack.base).request<{ total: number }>(
      'GET',
      `/api/search?${new URLSearchParams({ q: 'meluilmoituksen tekeminen', kind: 'solution' })}`,
    );
    expect(kinds).toHaveLength(Math.min(api.total, 10));
  });

  it('a customer asks in the chat widget on a phone and sees the desk’s answer live', async () => {
    const base = ui.stack.base;
    const customer = await ui.signedInPage('Olli Oksanen', '/explore', 'fi', PHONE);
    await customer.getByRole('button', { name: 'Kysy neuvoa' }).click();
    const panel = customer.getByRole('dialog', { name: 'Neuvontachat' });
    await panel.getByRole('button', { name: 'Uusi kysymys' }).click();
    await panel.getByLabel('Aihe').fill('Melu');
    await panel.getByLabel('Kysymyksesi').fill('Tarvitaanko pihakonserttiin meluilmoitus?');
    await panel.getByRole('button', { name: 'Lähetä' }).click();
    await panel.getByTestId('chat-thread').getByText('Tarvitaanko pihakonserttiin meluilmoitus?').waitFor();
    await screenshot(customer, 'knowledge-chat-phone-fi');
    expect(await violations(customer)).toEqual([]);

    // The desk answers on its own page.
    const desk = await ui.signedInPage('Yhteinen asiakaspalvelu', '/advice/desk');
    await desk.getByTestId('desk-queue').getByRole('button', { name: /Melu/ }).first().click();
    await desk.getByLabel('Viestisi').fill('Päiväaikaan lyhyt konsertti ei yleensä tarvitse.');
    await desk.getByRole('button', { name: 'Lähetä' }).click();
    await desk.getByTestId('chat-thread').getByText('Päiväaikaan lyhyt konsertti ei yleensä tarvitse.').waitFor();
    await screenshot(desk, 'knowledge-desk-fi');
    expect(await violations(desk)).toEqual([]);

    // The customer's open thread shows it without reloading.
    await panel.getByTestId('chat-thread').getByText('Päiväaikaan lyhyt konsertti ei yleensä tarvitse.').waitFor();
    const organiser = await ApiClient.signIn(base, DEMO_USERS.organiser);
    const mine = await organiser.request<Array<{ topic: string; lastMessage: { side: string } }>>(
      'GET',
      '/api/chat/conversations',
    );
    expect(mine.find((c) => c.topic === 'Melu')?.lastMessage.side).toBe('serviceDesk');
  });
});

describe('guides in a real browser', () => {
  it('shows the project’s step guides with the reasons, and the guide’s authority edits it', async () => {
    const base = ui.stack.base;
    const organiser = await ApiClient.signIn(base, DEMO_USERS.organiser);
    const { id } = await organiser.createProject({ organisationId: DEMO.festivalOrgId, title: 'Ohjeiden koe' });
    await organiser.command(id, {
      action: 'answerAdvice',
      answers: { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true },
    });
    await organiser.command(id, { action: 'completeAdvice' });

    const customer = await ui.signedInPage('Olli Oksanen', `/projects/${id}`);
    const panel = customer.getByTestId('guide-panel');
    await panel.getByText('Meluilmoitus ulkoilmakonsertista').click();
    await panel.getByText('Koska hanke tarvitsee: Meluilmoitus', { exact: false }).first().waitFor();
    expect(await panel.getByText('Pienen tapahtuman muistilista').count()).toBe(0);
    await screenshot(customer, 'knowledge-guides-project-fi');

    const guide = await new ApiClient(base).request<{ guides: Array<{ id: string; slug: string }> }>(
      'GET',
      '/api/guides?list=all&step=draft',
    );
    const noise = guide.guides.find((g) => g.slug === 'noise-outdoor-concert')!;
    const clerk = await ui.signedInPage('Kaisa Käsittelijä', `/guides/${noise.id}`);
    await clerk.getByRole('button', { name: 'Muokkaa ohjetta' }).click();
    const body = clerk.getByLabel('Teksti suomeksi');
    await body.fill(`${await body.inputValue()} Mittauspöytäkirja liitetään ilmoitukseen.`);
    await clerk.getByRole('button', { name: 'Tallenna ohje' }).click();
    await clerk.getByRole('status').getByText('Ohje tallennettiin.').waitFor();
    await clerk.getByText('versio 2', { exact: false }).waitFor();
    expect(await violations(clerk)).toEqual([]);
    const found = await new ApiClient(base).request<{ results: Array<{ refId: string }> }>(
      'GET',
      `/api/search?${new URLSearchParams({ q: 'mittauspöytäkirja' })}`,
    );
    expect(found.results[0]?.refId).toBe(noise.id);
  });
});
