/**
 * The public and residents' part of the UI in a real browser against the real stack: the map
 * (offline basemap, no CSP violations, the list alternative), a notice open for comments and
 * closed afterwards, a citizen observation with a photo and a hidden identity, and "my living
 * environment". Screenshots of each view go to test-artifacts/.
 */
import { randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import { io as connect } from 'socket.io-client';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { CaseParties, type ApiClient } from '../../api/client';
import type { SectionCommandBody } from '../../workflows/permit-section/messages';
import { PHONE, screenshot, signIn, useBrowserStack, watchErrors } from '../support/browser';
import { submitThroughApi } from '../support/http-cases';
import { hearingCommand } from '../support/cases';
import { until } from '../support/env';
import type { AdviceAnswers } from '../../domain/advice';

const ui = useBrowserStack();
let parties: CaseParties;
let supervisor: ApiClient;
let siteId: string;
const FESTIVAL: AdviceAnswers = {
  kind: 'event',
  attendance: 3000,
  alcohol: true,
  amplifiedSound: true,
  nightTime: true,
};

interface Notice {
  id: string;
  projectId: string;
  open: boolean;
  comments?: Array<{ text: string; authorName: string | null }>;
}

beforeAll(async () => {
  parties = new CaseParties(ui.stack.base, DEMO_USERS.organiser, AUTHORITY_USERS);
  supervisor = await parties.as(DEMO_USERS.supervisor);
  // A site under supervision: it takes citizen observations and is green on the map.
  siteId = (await ui.stack.db.handle.db.site.findFirstOrThrow({ where: { name: 'Ravintola Laukontori' } })).id;
  const started = await supervisor.raw(
    'POST',
    `/api/sites/${siteId}/supervision`,
    { authorityCode: 'CITY-TRE' },
    { 'idempotency-key': randomUUID() },
  );
  expect(started.status).toBe(201);
  await until(
    'the supervision cycle',
    async () => (await supervisor.raw('GET', `/api/sites/${siteId}/supervision`)).status === 200,
  );
});

/** A festival project whose noise permit has reached its public notice (hearing), open for `noticeMs`. */
async function submittedProject(title: string): Promise<string> {
  const { id } = await parties.createProject({ organisationId: DEMO.festivalOrgId, title });
  await submitThroughApi(parties, id, FESTIVAL);
  return id;
}

async function startHearing(projectId: string, noticeMs: number, extra: Partial<SectionCommandBody> = {}) {
  await parties.sectionCommand(projectId, 'noise', { ...hearingCommand(noticeMs), ...extra } as SectionCommandBody);
  const notices = await (await parties.customer()).request<Notice[]>('GET', '/api/notices');
  return notices.find((n) => n.projectId === projectId)!;
}

/** A small real PNG (a colour gradient), so the browser can decode, scale and re-encode it. */
function gradientPng(width = 96, height = 64): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      rows.set([Math.round((255 * x) / width), Math.round((255 * y) / height), 160], at);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('public map', () => {
  it('shows the open notice and the supervised sites on the offline basemap and in the lists, without CSP errors', async () => {
    const projectId = await submittedProject('Karttakoe');
    const notice = await startHearing(projectId, 10 * 60_000, {
      titleFi: 'Meluilmoitus: Hervannan kesäkonsertti',
      titleEn: 'Noise notification: Hervanta summer concert',
      area: {
        type: 'Polygon',
        coordinates: [
          [
            [23.835, 61.445],
            [23.868, 61.445],
            [23.868, 61.456],
            [23.835, 61.456],
            [23.835, 61.445],
          ],
        ],
      },
    });
    const context = await ui.context('fi');
    const page = await context.newPage();
    const errors = watchErrors(page);
    const basemap: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/basemap/')) basemap.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`${ui.stack.base}/map`);
    await page.locator('[data-testid="map"][data-status="ready"]').waitFor({ timeout: 30_000 });
    // The list alternative has the same notice and the supervised site.
    const row = page.getByTestId('notice-table').getByRole('row', { name: /Hervannan kesäkonsertti/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('4 kulmapistettä');
    await expect(
      page
        .getByTestId('site-table')
        .getByRole('row', { name: /Ravintola Laukontori/ })
        .textContent(),
    ).resolves.toContain('Ilmoita havainto');
    await page.locator('[data-testid="map"][data-idle="true"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'public-map');
    // "Show on the map" brings the area into view with its popup and a link to the notice.
    await row.getByRole('button', { name: /Näytä kartalla/ }).click();
    const popup = page.locator('.maplibregl-popup');
    await expect(popup.getByRole('link', { name: 'Avaa kuulutus' }).getAttribute('href')).resolves.toBe(
      `/notices/${notice.id}`,
    );
    // The area itself is drawn: a click in the middle of the map (where the area now is) hits it.
    await popup.getByRole('button', { name: 'Sulje' }).click();
    await expect(popup.count()).resolves.toBe(0);
    const box = (await page.locator('[data-testid="map"] canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await popup.getByText('Meluilmoitus: Hervannan kesäkonsertti').waitFor();
    expect(basemap.sort()).toEqual([
      '200 /basemap/borders.geojson',
      '200 /basemap/lakes.geojson',
      '200 /basemap/land.geojson',
      '200 /basemap/style.json',
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a public notice', () => {
  it('a resident comments during a hearing and is refused after it closes', async () => {
    const projectId = await submittedProject('Kommenttikoe');
    const context = await ui.context('fi');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ui.stack.base, 'Riikka Rantanen', '/notices');

    // The authority follows its work queue live.
    const clerk = await parties.authority('CITY-TRE');
    const queue = connect(ui.stack.base, {
      transports: ['websocket'],
      extraHeaders: { cookie: clerk.cookieHeader() },
      reconnection: false,
    });
    const seen: Array<{ kind: string; data: { type?: string; projectId?: string } }> = [];
    queue.on('room:event', (e: (typeof seen)[number]) => seen.push(e));
    expect(await queue.emitWithAck('room:join', { room: 'authority:CITY-TRE' })).toMatchObject({ ok: true });

    const noticeMs = 25_000;
    const notice = await startHearing(projectId, noticeMs);
    const closesAt = Date.now() + noticeMs;
    await page.goto(`${ui.stack.base}/notices/${notice.id}`);
    const status = page.getByTestId('notice-status');
    await expect(status.getAttribute('data-phase')).resolves.toBe('open');
    await status.getByText('Kuulutus on avoinna kommenteille.').waitFor();
    // The name comes from the session; the resident writes an objection.
    await expect(page.getByLabel('Nimesi').inputValue()).resolves.toBe('Riikka Rantanen');
    await page.getByRole('radio', { name: /^Muistutus/ }).check();
    // An empty comment is stopped in the browser with the reason tied to the field.
    await page.getByRole('button', { name: 'Lähetä kommentti' }).click();
    await expect(page.getByLabel('Kommenttisi').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByRole('alert').filter({ hasText: 'Kirjoita kommenttisi.' }).waitFor();
    await page.getByLabel('Kommenttisi').fill('Musiikki kuuluu pihalleni myöhään illalla.');
    await page.getByRole('button', { name: 'Lähetä kommentti' }).click();
    await page.getByTestId('comment-confirmation').getByText('Kiitos! Kommenttisi vastaanotettiin').waitFor();
    await page.getByTestId('comments').getByText('Musiikki kuuluu pihalleni myöhään illalla.').waitFor();
    await screenshot(page, 'notice-open-fi');

    // The authority sees it live (its queue) and in the notice.
    await until('the comment in the authority queue', async () =>
      seen.some((e) => e.kind === 'timeline' && e.data.type === 'comment' && e.data.projectId === projectId),
    );
    queue.close();
    const detail = await clerk.request<Notice>('GET', `/api/notices/${notice.id}`);
    expect(detail.comments).toEqual([
      expect.objectContaining({ text: 'Musiikki kuuluu pihalleni myöhään illalla.', authorName: 'Riikka Rantanen' }),
    ]);

    // When the period ends the open page says so and the form is gone.
    await page.getByLabel('Kieli').selectOption('en');
    await page
      .locator('[data-testid="notice-status"][data-phase="closed"]')
      .waitFor({ timeout: Math.max(5_000, closesAt - Date.now() + 15_000) });
    await status.getByText('The notice period has ended.').waitFor();
    await expect(page.getByTestId('comment-form').count()).resolves.toBe(0);
    // A comment sent after the close is refused, clearly, once the workflow closed the notice.
    await until(
      'the notice to close',
      async () => !(await clerk.request<Notice>('GET', `/api/notices/${notice.id}`)).open,
    );
    let late: Response | undefined;
    await until('the refusal', async () => {
      late = await fetch(`${ui.stack.base}/api/notices/${notice.id}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ kind: 'opinion', authorName: 'Myöhäinen', text: 'Liian myöhään.' }),
      });
      return late.status === 409;
    });
    expect(await late!.json()).toMatchObject({ status: 409, title: 'The notice period is closed' });
    // Opened afresh after the close (the context's start-up script sets Finnish again).
    await page.reload();
    await page.getByLabel('Kieli').selectOption('en');
    await page.locator('[data-testid="notice-status"][data-phase="closed"]').waitFor();
    await page.getByText('Comments can no longer be given.').waitFor();
    await expect(page.getByTestId('comment-form').count()).resolves.toBe(0);
    await page.getByTestId('comments').getByText('Musiikki kuuluu pihalleni myöhään illalla.').waitFor();
    await screenshot(page, 'notice-closed-en');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('reporting an observation', () => {
  it('takes an observation with a photo and a hidden identity on a phone', async () => {
    const context = await ui.context('fi', PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ui.stack.base, 'Riikka Rantanen', `/observe?site=${siteId}`);
    await expect(page.getByLabel('Kohde').inputValue()).resolves.toBe(siteId);
    await page.getByLabel('Mitä havaitsit?').fill('Roska-astiat ovat auki ja lokit levittävät jätteitä.');
    await page.getByLabel('Leveysaste (N), esim. 61,4978').fill('61,4957');
    await page.getByLabel('Pituusaste (E), esim. 23,7610').fill('23,7601');
    await page.getByLabel('Valokuva (vapaaehtoinen)').setInputFiles({
      name: 'roskat.png',
      mimeType: 'image/png',
      buffer: gradientPng(),
    });
    await page.getByText('Kuva valmis lähetettäväksi').waitFor();
    await expect(page.getByTestId('hide-identity').isChecked()).resolves.toBe(true);
    await screenshot(page, 'observation-form');
    await page.getByRole('button', { name: 'Lähetä havainto' }).click();
    await page.getByTestId('observation-confirmation').getByText('Kiitos, havaintosi vastaanotettiin').waitFor();

    type Obs = {
      id: string;
      description: string;
      anonymous: boolean;
      location: number[] | null;
      photoUrl: string | null;
      reporter: { name: string } | null;
    };
    const read = (client: ApiClient) => client.request<Obs[]>('GET', `/api/sites/${siteId}/observations`);
    const received = await until('the observation', async () =>
      (await read(supervisor)).find((o) => o.description.startsWith('Roska-astiat')),
    );
    expect(received).toMatchObject({
      anonymous: true,
      location: [23.7601, 61.4957],
      reporter: expect.objectContaining({ name: 'Riikka Rantanen' }),
    });
    const photo = await supervisor.raw('GET', received.photoUrl!);
    expect([photo.status, photo.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    // The company does not see who reported, nor the photo.
    const company = await (
      await parties.as(DEMO_USERS.foodManager)
    ).request<Obs[]>('GET', `/api/sites/${siteId}/observations`);
    expect(company.find((o) => o.id === received.id)).toMatchObject({ reporter: null, photoUrl: null });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('my living environment', () => {
  it('saves an area chosen without a mouse and another drawn on the map', async () => {
    const context = await ui.context('fi');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ui.stack.base, 'Riikka Rantanen', '/living-environment');
    await page.getByText('Et vielä seuraa yhtään aluetta.').waitFor();

    // A circle by keyboard: a place from the list and a radius.
    await page.getByLabel('Alueen nimi').fill('Koti');
    await page.getByLabel('Keskipiste paikan mukaan').selectOption({ label: 'Tampere (keskusta)' });
    await page.getByLabel('Säde metreinä (enintään 100 000)').fill('800');
    await page.getByRole('status').getByText('Ympyrä, säde 800 m, keskipiste 61.4978° N, 23.7610° E').waitFor();
    await page.getByRole('button', { name: 'Tallenna alue' }).click();
    await page.getByTestId('living-saved').getByText('seuraat nyt aluetta ”Koti”').waitFor();

    // A polygon clicked on the map.
    await page.getByLabel('Alueen nimi').fill('Mökki');
    await page.getByLabel('Monikulmio').check();
    const picker = page.getByTestId('area-picker');
    await picker.locator('[data-testid="map"][data-status="ready"]').waitFor({ timeout: 30_000 });
    const box = (await picker.locator('[data-testid="map"] canvas').boundingBox())!;
    for (const [dx, dy] of [
      [0.3, 0.3],
      [0.7, 0.3],
      [0.6, 0.7],
    ] as const) {
      await page.mouse.click(box.x + box.width * dx, box.y + box.height * dy);
    }
    await page.getByRole('status').getByText('Alue, jossa 3 kulmapistettä').waitFor();
    await page.getByLabel('päätöksistä').uncheck();
    await page.getByLabel('poikkeamista alueen valvontakohteissa').uncheck();
    await page.getByRole('button', { name: 'Tallenna alue' }).click();
    await page.getByTestId('living-saved').getByText('seuraat nyt aluetta ”Mökki”').waitFor();
    await page.getByTestId('subscriptions').locator('strong', { hasText: 'Mökki' }).waitFor();
    await page.locator('section[aria-labelledby="living-mine"] [data-testid="map"][data-idle="true"]').waitFor();
    await screenshot(page, 'living-environment');

    const resident = await parties.as(DEMO_USERS.resident);
    const saved = await resident.request<Array<{ name: string; area: Record<string, unknown>; kinds: string[] }>>(
      'GET',
      '/api/subscriptions',
    );
    expect(saved).toEqual([
      {
        id: expect.any(String),
        name: 'Koti',
        area: { type: 'Circle', center: [23.761, 61.4978], radiusMeters: 800 },
        kinds: ['noticePublished', 'decisionPublished', 'incidentReported'],
      },
      {
        id: expect.any(String),
        name: 'Mökki',
        area: expect.objectContaining({ type: 'Polygon' }),
        kinds: ['noticePublished'],
      },
    ]);
    const ring = (saved[1]!.area as { coordinates: number[][][] }).coordinates[0]!;
    expect(ring).toHaveLength(4);
    expect(ring[0]).toEqual(ring[3]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
