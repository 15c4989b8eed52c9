/**
 * Alerts against the real stack and a real SMTP server (smtp-server) started here: fan-out
 * from the notification outbox to the people behind each recipient, preferences (muted
 * kinds, e-mail off, daily digest), in-app reading, live delivery to the user's own room,
 * e-mail at least once with a stable Message-ID after a sender died mid-send, and the durable
 * dispatcher workflow on the real Temporal server.
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { io as connect } from 'socket.io-client';
import pino from 'pino';
import { ApiClient } from '../../api/client';
import type { RoomEventMessage } from '../../api/live';
import { createAlertActivities, type Mailer } from '../../activities/alerts';
import { smtpMailer } from '../../platform/mail';
import { alertDispatchWorkflow } from '../../workflows/alerts/workflow';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { until } from '../support/env';
import { useApiStack } from '../support/stack';

const stack = useApiStack();
interface Received {
  to: string[];
  raw: string;
}
const received: Received[] = [];
let smtp: SMTPServer;
let mailer: Mailer;
const settings = { publicUrl: 'https://luvat.example', mailDomain: 'luvat.example' };
let alerts: ReturnType<typeof createAlertActivities>;
const clients = {} as Record<'organiser' | 'agent' | 'clerk' | 'supervisor', ApiClient>;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  mailer = smtpMailer(
    `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    'Lupapalvelu <no-reply@luvat.example>',
  );
  alerts = createAlertActivities({
    db: stack.db.handle.db,
    logger: pino({ level: 'silent' }),
    events: stack.api.publisher,
  });
  clients.organiser = await ApiClient.signIn(stack.base, DEMO_USERS.organiser);
  clients.agent = await ApiClient.signIn(stack.base, DEMO_USERS.agent);
  clients.clerk = await ApiClient.signIn(stack.base, AUTHORITY_USERS['CITY-TRE']!);
  clients.supervisor = await ApiClient.signIn(stack.base, DEMO_USERS.supervisor);
});

afterAll(async () => {
  await new Promise<void>((r) => smtp?.close(() => r()));
});

async function cancelledProject(title: string) {
  const { id } = await clients.organiser.createProject({
    organisationId: DEMO.festivalOrgId,
    title,
    permits: [{ permitType: 'noise', authorityCode: 'CITY-TRE' }],
  });
  await clients.organiser.command(id, { action: 'cancel', reason: 'Siirtyy' });
  return id;
}

const mine = (client: ApiClient) =>
  client.request<{ unread: number; alerts: Array<{ id: string; kind: string; projectId: string; payload: unknown }> }>(
    'GET',
    '/api/alerts',
  );
const mailsTo = (email: string) => received.filter((m) => m.to.includes(email));

describe('alerts (F39–F41)', () => {
  it('fans out to the people behind each recipient as they chose, in the app, live and by e-mail', async () => {
    const put = (client: ApiClient, body: object) => client.request('PUT', '/api/alerts/preferences', body);
    await put(clients.agent, { email: true, digest: 'immediate', mutedKinds: ['cancellationReceipt'] });
    await put(clients.supervisor, { email: true, digest: 'daily', mutedKinds: [] });
    const bad = await clients.organiser.raw('PUT', '/api/alerts/preferences', {
      email: true,
      digest: 'weekly',
      mutedKinds: [],
    });
    expect([bad.status, ((await bad.json()) as { errors: Array<{ path: string }> }).errors[0]!.path]).toEqual([
      400,
      'digest',
    ]);

    const socket = connect(stack.base, {
      transports: ['websocket'],
      extraHeaders: { cookie: clients.organiser.cookieHeader() },
    });
    const live: RoomEventMessage[] = [];
    socket.on('room:event', (e: RoomEventMessage) => live.push(e));
    const own = (await socket.emitWithAck('room:join', { room: `user:${clients.organiser.session!.user.id}` })) as {
      ok: boolean;
    };
    const other = (await socket.emitWithAck('room:join', { room: `user:${clients.clerk.session!.user.id}` })) as {
      ok: boolean;
    };
    expect([own.ok, other.ok]).toEqual([true, false]);

    const id = await cancelledProject('Hälytystesti');
    await until(
      'the outbox rows',
      async () => (await stack.db.handle.db.notification.count({ where: { projectId: id } })) >= 2,
    );
    expect((await alerts.fanOutAlerts()).alerts).toBeGreaterThanOrEqual(3);
    expect((await alerts.fanOutAlerts()).alerts).toBe(0); // nothing twice

    const forProject = async (client: ApiClient) =>
      (await mine(client)).alerts.filter((a) => a.projectId === id).map((a) => a.kind);
    expect(await forProject(clients.organiser)).toEqual(['cancellationReceipt']);
    expect(await forProject(clients.agent)).toEqual([]); // muted
    expect(await forProject(clients.clerk)).toEqual(['projectCancelled']);
    expect(await forProject(clients.supervisor)).toEqual(['projectCancelled']);
    await until('the live alert', async () => live.some((e) => e.kind === 'alert'));
    socket.close();

    // Immediate e-mails now; the supervisor's waits for the digest.
    expect(await alerts.sendAlertEmails(mailer, settings)).toBe(2);
    expect(await alerts.sendAlertEmails(mailer, settings)).toBe(0);
    const toOrganiser = mailsTo(DEMO_USERS.organiser);
    expect(toOrganiser).toHaveLength(1);
    expect(toOrganiser[0]!.raw).toMatch(/^Subject: Hanke peruttu/m);
    expect(toOrganiser[0]!.raw).toMatch(/^Message-ID: <alert-[0-9a-f-]+@luvat\.example>/im);
    expect(mailsTo(AUTHORITY_USERS['CITY-TRE']!)).toHaveLength(1);
    expect(mailsTo(DEMO_USERS.supervisor)).toHaveLength(0);

    expect(await alerts.sendDigests(mailer, settings)).toBe(1);
    expect(await alerts.sendDigests(mailer, settings)).toBe(0);
    const digest = mailsTo(DEMO_USERS.supervisor);
    expect(digest).toHaveLength(1);
    expect(digest[0]!.raw).toMatch(/^Subject: =\?UTF-8\?Q\?P=C3=A4iv=C3=A4n_koonti|^Subject: Päivän koonti/m);
  });

  it('sends again, with the same Message-ID, an e-mail whose sender died before marking it sent', async () => {
    const id = await cancelledProject('Kaatunut lähettäjä');
    await until(
      'the outbox rows',
      async () => (await stack.db.handle.db.notification.count({ where: { projectId: id } })) >= 2,
    );
    await alerts.fanOutAlerts();
    const alert = await stack.db.handle.db.alert.findFirstOrThrow({
      where: { projectId: id, userId: clients.organiser.session!.user.id },
    });
    // A sender claimed it 20 minutes ago and never came back.
    await stack.db.handle.db.alert.update({
      where: { id: alert.id },
      data: { emailState: 'sending', emailClaimedAt: new Date(Date.now() - 20 * 60_000) },
    });
    const before = received.length;
    await alerts.sendAlertEmails(mailer, settings);
    const resent = received.slice(before).filter((m) => m.raw.includes(`<alert-${alert.id}@luvat.example>`));
    expect(resent).toHaveLength(1);
    expect((await stack.db.handle.db.alert.findUniqueOrThrow({ where: { id: alert.id } })).emailState).toBe('sent');
  });

  it('reminds the customer once of an information request whose deadline approaches', async () => {
    const id = await cancelledProject('Määräaika');
    const db = stack.db.handle.db;
    const ask = (hours: number, answered = false) =>
      db.infoRequest.create({
        data: {
          projectId: id,
          permitType: 'noise',
          authorityCode: 'CITY-TRE',
          question: `Mittaukset ${hours} h`,
          dueAt: new Date(Date.now() + hours * 3_600_000),
          askedAt: new Date(),
          ...(answered ? { answer: 'Liitteenä', answeredAt: new Date() } : {}),
          idempotencyKey: randomUUID(),
        },
      });
    await ask(24);
    await ask(24, true);
    await ask(120);
    await alerts.remindDeadlines();
    await alerts.remindDeadlines();
    const reminders = await db.notification.findMany({ where: { projectId: id, kind: 'infoRequestDueSoon' } });
    expect(reminders.map((n) => (n.payload as { question: string }).question)).toEqual(['Mittaukset 24 h']);
    await alerts.fanOutAlerts();
    expect((await mine(clients.organiser)).alerts.filter((a) => a.projectId === id).map((a) => a.kind)).toContain(
      'infoRequestDueSoon',
    );
  });

  it("alerts residents whose subscribed area meets a notice's impact area (my living environment)", async () => {
    const resident = await ApiClient.signIn(stack.base, DEMO_USERS.resident);
    const square = (lon: number, lat: number, d: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [lon - d, lat - d],
          [lon + d, lat - d],
          [lon + d, lat + d],
          [lon - d, lat + d],
          [lon - d, lat - d],
        ],
      ],
    });
    const subscribe = (client: ApiClient, body: object) => client.raw('POST', '/api/subscriptions', body);
    expect(
      (
        await subscribe(resident, {
          name: 'Koti',
          area: { type: 'Circle', center: [23.76, 61.497], radiusMeters: 800 },
        })
      ).status,
    ).toBe(201);
    expect((await subscribe(clients.supervisor, { name: 'Mökki', area: square(24.94, 60.17, 0.01) })).status).toBe(201);
    const open = await subscribe(resident, {
      name: 'Auki',
      area: {
        type: 'Polygon',
        coordinates: [
          [
            [23, 61],
            [24, 61],
            [24, 62],
          ],
        ],
      },
    });
    expect([open.status, ((await open.json()) as { errors: Array<{ path: string }> }).errors[0]!.path]).toEqual([
      400,
      'area.coordinates.0',
    ]);

    const id = await cancelledProject('Kuulutusalue');
    const db = stack.db.handle.db;
    await db.notice.create({
      data: {
        projectId: id,
        permitType: 'noise',
        titleFi: 'Kuulutus',
        titleEn: 'Notice',
        textFi: 'Teksti',
        textEn: 'Text',
        area: square(23.765, 61.498, 0.005),
        opensAt: new Date(),
        closesAt: new Date(Date.now() + 86_400_000),
      },
    });
    // What the section activity writes when the hearing starts.
    await db.notification.create({
      data: {
        projectId: id,
        recipientKind: 'impactArea',
        recipient: `${id}:noise`,
        kind: 'noticePublished',
        payload: {},
        createdAt: new Date(),
        idempotencyKey: randomUUID(),
      },
    });
    await alerts.fanOutAlerts();
    expect((await mine(resident)).alerts.filter((a) => a.projectId === id).map((a) => a.kind)).toEqual([
      'noticePublished',
    ]);
    expect((await mine(clients.supervisor)).alerts.filter((a) => a.kind === 'noticePublished')).toEqual([]);
    const [home] = await resident.request<Array<{ id: string }>>('GET', '/api/subscriptions');
    expect((await clients.supervisor.raw('DELETE', `/api/subscriptions/${home!.id}`)).status).toBe(404);
    expect((await resident.raw('DELETE', `/api/subscriptions/${home!.id}`)).status).toBe(204);
  });

  it('alerts residents whose area covers a supervised site when an incident is reported there', async () => {
    const resident = await ApiClient.signIn(stack.base, DEMO_USERS.resident);
    const db = stack.db.handle.db;
    const site = await db.site.findFirstOrThrow({ where: { latitude: { not: null } }, orderBy: { name: 'asc' } });
    const around = { type: 'Circle', center: [site.longitude, site.latitude], radiusMeters: 300 };
    const far = { type: 'Circle', center: [site.longitude! + 1, site.latitude], radiusMeters: 300 };
    const follow = (client: ApiClient, name: string, area: object, kinds: string[]) =>
      client.raw('POST', '/api/subscriptions', { name, area, kinds });
    expect((await follow(resident, 'Lähellä', around, ['incidentReported'])).status).toBe(201);
    expect((await follow(clients.supervisor, 'Vain kuulutukset', around, ['noticePublished'])).status).toBe(201);
    expect((await follow(clients.organiser, 'Kaukana', far, ['incidentReported'])).status).toBe(201);
    // What the supervision activity writes for an incident (test/workflows/supervision-cycle.test.ts).
    await db.notification.create({
      data: {
        recipientKind: 'siteArea',
        recipient: site.id,
        kind: 'incidentReported',
        payload: { siteId: site.id, title: site.name },
        createdAt: new Date(),
        idempotencyKey: randomUUID(),
      },
    });
    await alerts.fanOutAlerts();
    const incidents = async (client: ApiClient) =>
      (await mine(client)).alerts.filter((a) => a.kind === 'incidentReported').map((a) => a.payload);
    expect(await incidents(resident)).toEqual([{ siteId: site.id, title: site.name }]);
    expect(await incidents(clients.supervisor)).toEqual([]);
    expect(await incidents(clients.organiser)).toEqual([]);
  });

  it('marks alerts read for their owner only', async () => {
    const [first] = (await mine(clients.organiser)).alerts;
    const before = (await mine(clients.organiser)).unread;
    expect((await clients.clerk.raw('POST', `/api/alerts/${first!.id}/read`)).status).toBe(404);
    expect((await clients.organiser.raw('POST', `/api/alerts/${first!.id}/read`)).status).toBe(200);
    expect((await mine(clients.organiser)).unread).toBe(before - 1);
  });

  it('the dispatcher workflow delivers from the outbox on the real Temporal server', async () => {
    const handle = await stack.client.workflow.start(alertDispatchWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `alert-dispatcher-test-${randomUUID()}`,
      args: [{ intervalMs: 200 }],
    });
    try {
      const id = await cancelledProject('Työnkulku jakaa');
      await until('alerts from the dispatcher', async () =>
        (await mine(clients.clerk)).alerts.some((a) => a.projectId === id),
      );
      expect(await stack.db.handle.db.notification.count({ where: { projectId: id, sentAt: null } })).toBe(0);
    } finally {
      await handle.terminate('test done');
    }
  });
});
