/**
 * The customer portal and the authority workbench in Debian's Chromium against the real API,
 * worker, PostgreSQL and Temporal: a customer explores the permits, creates a project, fills
 * in the application and watches the timeline move while an authority, in a second browser
 * context, confirms receipt.
 */
import type { Page } from 'playwright-core';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { ApiClient, CaseParties } from '../../api/client';
import { signIn, screenshot, useBrowserStack } from '../support/browser';
import { submitThroughApi } from '../support/http-cases';
import { MEDIUM_RISK } from '../support/cases';

const ui = useBrowserStack();

/** Answers the F04 questionnaire: an event of 150 people in Tampere, nothing else special. */
async function answerQuestionnaire(page: Page): Promise<void> {
  await page.getByRole('radio', { name: 'Tapahtumaa' }).check();
  await page.getByRole('button', { name: 'Seuraava' }).click();
  await page.getByLabel('Missä kunnassa?').fill('Tampere');
  await page.getByRole('button', { name: 'Seuraava' }).click();
  await page.getByLabel('Arvioitu osallistujamäärä').fill('150');
  await page.getByRole('button', { name: 'Seuraava' }).click();
  // Every remaining question is a yes/no question answered "no"; the progress line says when
  // the last one is reached.
  for (;;) {
    const progress = (await page.getByText(/^Kysymys \d+ \/ \d+$/).textContent()) ?? '';
    const [n, total] = (progress.match(/\d+/g) ?? []).map(Number);
    await page.getByRole('radio', { name: 'Ei' }).check();
    if (n === total) break;
    await page.getByRole('button', { name: 'Seuraava' }).click();
    await page.getByText(`Kysymys ${n! + 1} / ${total}`).waitFor();
  }
  await page.getByRole('button', { name: 'Näytä tarvittavat luvat' }).click();
  await page.getByRole('heading', { name: 'Tarvitsemasi luvat' }).waitFor();
}

/** Fills every field the "blocks submission" list names, through the list's links. */
async function fillBlockingFields(page: Page): Promise<number> {
  let filled = 0;
  const blocking = page.getByTestId('blocking');
  while ((await blocking.count()) > 0 && filled < 40) {
    await blocking.getByRole('button').first().click();
    const field = page.locator(':focus');
    const tag = await field.evaluate((el) => el.tagName.toLowerCase());
    const type = await field.getAttribute('type');
    const mode = await field.getAttribute('inputmode');
    if (tag === 'select') await field.selectOption('true');
    else if (type === 'date') await field.fill('2027-06-12');
    else if (mode === 'decimal') await field.fill('12');
    else await field.fill('Selainkoe');
    filled += 1;
  }
  return filled;
}

describe('customer portal and authority workbench in a real browser', () => {
  it('a customer creates a project and sees the timeline move when an authority confirms receipt', async () => {
    const base = ui.stack.base;
    const customer = await (await ui.context('fi')).newPage();

    // F04–F06: the questionnaire ends in permits, authorities, recommendations and a forecast.
    await signIn(customer, base, 'Olli Oksanen', '/explore');
    await answerQuestionnaire(customer);
    await customer.getByTestId('advice-permits').getByText('Poliisilaitos', { exact: false }).waitFor();
    await customer.getByTestId('advice-forecast').waitFor();
    await screenshot(customer, 'explore-result-fi');

    // F09: the project is created from the advice, the application prefilled (F08).
    await customer.getByRole('link', { name: 'Aloita lupahanke näillä luvilla' }).click();
    await customer.getByLabel('Hankkeen nimi').fill('Selainkoe 2027');
    await customer.getByRole('button', { name: 'Luo hanke' }).click();
    await customer.getByRole('heading', { level: 1, name: 'Selainkoe 2027' }).waitFor();
    const projectId = customer.url().split('/').pop() as string;

    // F07: traffic lights are red while required data is missing and change as the user types;
    // autosave keeps what was typed.
    const light = customer.getByTestId('draft-light');
    await expect(light.getAttribute('data-light')).resolves.toBe('red');
    await customer.getByRole('button', { name: 'Lähetä luonnos viranomaisille' }).isDisabled();
    await screenshot(customer, 'project-form-red-fi');
    expect(await fillBlockingFields(customer)).toBeGreaterThan(0);
    // A big event (Finnish digit grouping is understood) is no low-risk notification: the
    // police process it as a permit.
    await customer.getByLabel('Osallistujamäärä').fill('12 000');
    await customer.locator('[data-testid="draft-light"]:not([data-light="red"])').waitFor();
    await customer.getByTestId('save-state').getByText('Tallennettu').waitFor();

    // The draft goes to the authorities; their kickoff confirmation comes from another session
    // (the police over the API) and the open page follows without reloading.
    await customer.getByRole('button', { name: 'Lähetä luonnos viranomaisille' }).click();
    await customer.getByTestId('project-step').getByText('Aloituspalaveri').waitFor();
    const police = await ApiClient.signIn(base, AUTHORITY_USERS['POLICE-SISA']!);
    await police.command(projectId, {
      action: 'confirmKickoff',
      authorityCode: 'POLICE-SISA',
      dataSufficient: true,
      attends: false,
    });
    await police.command(projectId, { action: 'holdKickoff', minutes: 'Ei tarvetta palaverille.' });
    await customer.getByTestId('project-step').getByText('Vastaanotto').waitFor();
    await customer.getByRole('button', { name: 'Jätä hakemus' }).click();
    await customer.getByTestId('project-waiting').getByText('viranomaisia').waitFor();
    // The permit's own steps are planned on receipt; until then the project's rows show.
    await customer.locator('[data-step=":submission"][data-state="current"]').waitFor();
    expect(await customer.locator('[data-step="public-event:processing"]').count()).toBe(0);

    // The authority, in a second browser context, finds the case in the work queue and
    // confirms receipt; a disabled action says why.
    const authority = await (await ui.context('fi')).newPage();
    await signIn(authority, base, 'Pekka Poliisi', '/work');
    // Every step in the queue's filter has a name (project steps before receipt, permit steps after).
    const stepNames = await authority.getByLabel('Vaihe').locator('option').allTextContents();
    expect(stepNames).toContain('Vastaanotto');
    expect(stepNames.filter((n) => /^(permitStep|step)\./.test(n))).toEqual([]);
    await authority.getByTestId('work-queue').getByRole('link', { name: 'Selainkoe 2027' }).click();
    await authority.getByRole('heading', { level: 1, name: 'Selainkoe 2027' }).waitFor();
    await authority.locator('[data-action="request-info-public-event"]').waitFor({ state: 'detached' });
    await screenshot(authority, 'work-queue-case-fi');
    await authority.getByRole('button', { name: 'Vahvista vastaanotto' }).click();
    await authority.getByLabel('Diaarinumero').fill('POL-2027-123');
    await authority.getByRole('button', { name: 'Vahvista vastaanotto' }).click();
    await authority.getByTestId('permit-step').getByText('Käsittely').waitFor();

    // The customer's page moves by itself: the event, the step and the Gantt row.
    await customer.getByTestId('timeline').getByText('Vastaanotto vahvistettu').waitFor({ timeout: 10_000 });
    await customer.locator('[data-step="public-event:processing"][data-state="current"]').waitFor();
    await customer.getByTestId('permit-step').getByText('Käsittely').waitFor();
    await screenshot(customer, 'portal-timeline-fi');

    // The authority's step actions are enabled exactly as the workflow allows them now.
    await authority.getByRole('button', { name: 'Pyydä lisätietoja' }).waitFor();
    expect(await authority.getByRole('button', { name: 'Tee ja allekirjoita päätös' }).isDisabled()).toBe(true);
    await screenshot(authority, 'authority-case-fi');

    // English, with the same live page.
    await customer.getByLabel('Kieli').selectOption('en');
    await customer.getByRole('heading', { name: 'Permits' }).waitFor();
    expect(await customer.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(customer, 'portal-timeline-en');
  });

  it('an authority asks for information and opens a hearing; the customer answers on the live page', async () => {
    const base = ui.stack.base;
    const parties = new CaseParties(base, DEMO_USERS.organiser, AUTHORITY_USERS);
    const { id } = await parties.createProject({ organisationId: DEMO.festivalOrgId, title: 'Kuulemiskoe 2027' });
    await submitThroughApi(parties, id, MEDIUM_RISK);

    const clerk = await (await ui.context('fi')).newPage();
    await signIn(clerk, base, 'Kaisa Käsittelijä', `/projects/${id}`);
    const noise = clerk.locator('[data-permit="noise"]');
    await noise.getByRole('button', { name: 'Pyydä lisätietoja' }).waitFor();
    // The clerk's own permit comes first; the in-page navigation jumps within the case.
    expect(await clerk.locator('[data-permit]').first().getAttribute('data-permit')).toBe('noise');
    await clerk.getByRole('navigation', { name: 'Tällä sivulla' }).getByRole('link', { name: 'Viestit' }).click();
    expect(new URL(clerk.url()).hash).toBe('#messages-title');
    expect(new URL(clerk.url()).pathname).toBe(`/projects/${id}`);
    // Another authority's permit offers this clerk no actions at all.
    expect(
      await clerk.locator('[data-permit="public-event"]').getByRole('button', { name: 'Pyydä lisätietoja' }).count(),
    ).toBe(0);

    const customer = await (await ui.context('fi')).newPage();
    await signIn(customer, base, 'Olli Oksanen', `/projects/${id}`);
    await customer.locator('[data-permit="noise"]').getByTestId('waiting-on').getByText('viranomaista').waitFor();

    await noise.getByRole('button', { name: 'Pyydä lisätietoja' }).click();
    await noise.getByLabel('Kysymys hakijalle').fill('Mihin suuntaan kaiuttimet osoittavat?');
    await noise.getByLabel('Vastattava viimeistään').fill('2027-05-31');
    await noise.getByRole('button', { name: 'Pyydä lisätietoja' }).click();

    // The customer's open page shows the request and that the permit now waits on them.
    const theirs = customer.locator('[data-permit="noise"]');
    await theirs.getByText('Mihin suuntaan kaiuttimet osoittavat?').waitFor();
    await theirs.getByTestId('waiting-on').getByText('hakijaa').waitFor();
    await theirs.getByRole('button', { name: 'Vastaa' }).click();
    await theirs.getByLabel('Vastaus').fill('Pohjoiseen, poispäin asutuksesta.');
    await theirs.getByRole('button', { name: 'Vastaa' }).click();
    await noise.getByText('Pohjoiseen, poispäin asutuksesta.').waitFor();

    // The hearing: texts, period and the impact area chosen without a mouse.
    await noise.getByRole('button', { name: 'Avaa kuuleminen' }).click();
    await noise.getByLabel('Kuulutusteksti suomeksi').fill('Ulkoilmakonsertti Laukontorilla.');
    await noise.getByLabel('Kuulutusteksti englanniksi').fill('Open-air concert at Laukontori.');
    await noise.getByLabel('Keskipiste paikan mukaan').selectOption({ label: 'Tampere (keskusta)' });
    await noise.getByLabel('Säde metreinä').fill('800');
    await screenshot(clerk, 'authority-open-hearing-fi');
    await noise.getByRole('button', { name: 'Avaa kuuleminen' }).click();
    await noise.getByTestId('permit-step').getByText('Kuuleminen').waitFor();
    await theirs.getByRole('link', { name: /Kuulutus: Kuulemiskoe 2027/ }).waitFor();

    const notices = (await (await parties.customer()).raw('GET', '/api/notices').then((r) => r.json())) as Array<{
      projectId: string;
      open: boolean;
      area: { type: string; center: [number, number]; radiusMeters: number };
    }>;
    const notice = notices.find((n) => n.projectId === id);
    expect(notice).toMatchObject({ open: true, area: { type: 'Circle', radiusMeters: 800 } });
    expect(notice!.area.center[0]).toBeCloseTo(23.761, 3);
    expect(notice!.area.center[1]).toBeCloseTo(61.4978, 3);
  });

  it('lets a customer cancel a project with a confirmation and shows the receipt', async () => {
    const base = ui.stack.base;
    const organiser = await ApiClient.signIn(base, DEMO_USERS.organiser);
    const session = (await (await organiser.raw('GET', '/api/session')).json()) as {
      user: { organisationId: string };
    };
    const { id } = await organiser.createProject({
      organisationId: session.user.organisationId,
      title: 'Peruttava tapahtuma',
      permits: [{ permitType: 'public-event' }],
    });
    const page = await (await ui.context('fi')).newPage();
    await signIn(page, base, 'Olli Oksanen', `/projects/${id}`);
    await page.getByRole('button', { name: 'Peru hanke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Perutaanko hanke?' });
    await dialog.getByLabel('Syy (vapaaehtoinen)').fill('Tapahtuma siirtyy.');
    await dialog.getByRole('button', { name: 'Kyllä, peru hanke' }).click();
    await page.getByTestId('receipt').getByText('Kuittaus').waitFor();
    await page.getByTestId('project-step').getByText('Peruttu').waitFor();
    const project = (await (await organiser.raw('GET', `/api/projects/${id}`)).json()) as {
      status: string;
      receiptNumber: string;
    };
    expect(project.status).toBe('cancelled');
    expect(await page.getByTestId('receipt').textContent()).toContain(project.receiptNumber);
  });

  it('shows an agent acting under a mandate who they act for, on every page', async () => {
    const page = await (await ui.context('fi')).newPage();
    await signIn(page, ui.stack.base, 'Aino Asiamies', '/');
    expect(await page.getByTestId('acting-for').count()).toBe(0);
    await page.getByLabel('asioi puolesta').selectOption({ label: 'Tammerfest ry' });
    const banner = page.getByTestId('acting-for');
    await banner.getByText('Tammerfest ry').waitFor();
    await page.getByRole('link', { name: 'Omat hankkeet' }).click();
    await page.getByRole('heading', { level: 1, name: 'Omat hankkeet' }).waitFor();
    await page.getByRole('link', { name: 'Kartta' }).click();
    await banner.getByText('Tammerfest ry').waitFor();
    await page.getByLabel('asioi puolesta').selectOption({ label: 'itseäni' });
    await banner.waitFor({ state: 'detached' });
  });

  it("renders the API documentation page under the platform's Content-Security-Policy", async () => {
    const page = await (await ui.context('fi')).newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') refused.push(m.text());
    });
    await page.goto(`${ui.stack.base}/api/docs`);
    await page.getByText('/api/projects/{id}/commands').first().waitFor();
    await screenshot(page, 'api-docs');
    expect(refused.filter((t) => /Content Security Policy/i.test(t))).toEqual([]);
  });
});
