/**
 * The archive (F22) in a real browser against the real stack: a cancelled project is archived by
 * its workflow; the authority involved finds it, opens its manifest and may download the
 * package; the project's customer sees the summary only; the pages pass axe's WCAG 2.1 AA rules
 * and fit a phone's width.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { DEMO, DEMO_USERS } from '../../prisma/seed';
import { ApiClient } from '../../api/client';
import { RECORD_TYPES } from '../../domain/retention';
import { until } from '../support/env';
import { PHONE, fitsWidth, screenshot, useBrowserStack, violations } from '../support/browser';

const ui = useBrowserStack();
const word = `Tuulikantele${randomUUID().slice(0, 6)}`;
const title = `${word} – kesäkonsertti`;
let projectId: string;

beforeAll(async () => {
  const organiser = await ApiClient.signIn(ui.stack.base, DEMO_USERS.organiser);
  ({ id: projectId } = await organiser.createProject({
    organisationId: DEMO.festivalOrgId,
    title,
    permits: [{ permitType: 'noise', authorityCode: 'CITY-TRE' }],
  }));
  await organiser.command(projectId, { action: 'cancel', reason: 'Peruttu' });
  await until(
    'the archive package',
    () => ui.stack.db.handle.db.archivePackage.findUnique({ where: { projectId } }),
    60_000,
  );
});

describe('the archive in a real browser', () => {
  it('lets the authority involved find the project, read its manifest and download the package', async () => {
    const page = await ui.signedInPage('Kaisa Käsittelijä', '/');
    await page.getByRole('navigation').getByRole('link', { name: 'Arkisto' }).click();
    await page.getByRole('heading', { level: 1, name: 'Arkisto' }).waitFor();

    await page.getByLabel('Hakusanat').fill(word);
    await page.getByRole('main').getByRole('button', { name: 'Hae arkistosta' }).click();
    await page.getByRole('heading', { level: 2, name: '1 arkistoitua hanketta' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('link', { name: title }).click();

    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(RECORD_TYPES.length);
    await page
      .getByRole('row', { name: /Päätökset/ })
      .getByText('Säilytetään pysyvästi')
      .waitFor();
    await page
      .getByRole('row', { name: /Mielipiteet ja muistutukset/ })
      .getByText('Anonymisoidaan')
      .waitFor();
    expect(await violations(page)).toEqual([]);
    await screenshot(page, 'archive-manifest');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Lataa arkistopaketti (JSON)' }).click(),
    ]);
    const body = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as { projectId: string };
    expect(body.projectId).toBe(projectId);
    await page.context().close();
  });

  it('shows the customer its own project’s summary without the package, and keeps the search for authorities', async () => {
    const page = await ui.signedInPage('Olli Oksanen', `/archive/${projectId}`, 'en', PHONE);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page
      .getByRole('row', { name: /Decisions/ })
      .getByText('Kept permanently')
      .waitFor();
    expect(await page.getByRole('link', { name: 'Download the archive package (JSON)' }).count()).toBe(0);
    // A phone's width: nothing wider than the screen but the table's own scroll area.
    expect(await fitsWidth(page)).toBe(true);
    expect(await violations(page)).toEqual([]);

    await page.goto(`${ui.stack.base}/archive`);
    await page.getByText('The archive is for authorities.').waitFor();
    await page.context().close();
  });
});
