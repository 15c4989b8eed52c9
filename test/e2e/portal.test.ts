/** Browser test in Debian's Chromium against the real API, worker, PostgreSQL and Temporal. */
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { chromium, type Browser } from 'playwright-core';
import pino from 'pino';
import { createServer } from '../../api/server';
import { createActivities, type EventPublisher } from '../../activities';
import { seed, DEMO, DEMO_USERS } from '../../prisma/seed';
import { ApiClient } from '../../api/client';
import { TEST_SESSION_SECRET } from '../support/api';
import { freshDatabase, temporalAddress } from '../support/env';

const root = path.resolve(__dirname, '..', '..');
const artifacts = path.join(root, 'test-artifacts');
const logger = pino({ level: 'silent' });
const taskQueue = `e2e-${randomUUID()}`;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let client: Client;
let nativeConnection: NativeConnection;
let worker: Worker;
let workerRun: Promise<void>;
let browser: Browser;
let close: () => Promise<void>;
let base: string;

beforeAll(async () => {
  db = await freshDatabase();
  await seed(db.handle.db);
  client = new Client({ connection: await Connection.connect({ address: temporalAddress() }) });
  const live: EventPublisher = { publish: (e) => publisher.publish(e) };
  nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({ db: db.handle.db, logger, events: live }),
  });
  workerRun = worker.run();
  const listening = http.createServer();
  await new Promise<void>((r) => listening.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  const { publisher, io } = await createServer(
    {
      db: db.handle.db,
      temporal: client,
      logger,
      config: {
        TEMPORAL_TASK_QUEUE: taskQueue,
        UI_DIST: path.join(root, 'dist', 'ui'),
        auth: { publicUrl: base, sessionSecret: TEST_SESSION_SECRET },
      },
    },
    listening,
  );
  close = async () => {
    await io.close();
  };
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
  await close?.();
  worker?.shutdown();
  await workerRun;
  await nativeConnection?.close();
  await client?.connection.close();
  await db?.drop();
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
});
