/**
 * The venue queue on the real Temporal server with the real activities and PostgreSQL: the
 * first organiser holds, the others queue; a lapsed hold and a cancelled one hand the date to
 * the next in line (alerted); a confirmed reservation does not lapse; repeated keys change
 * nothing; the history stays bounded; and recorded histories replay through the current code.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import pino from 'pino';
import { DEMO } from '../../prisma/seed';
import { createAlertActivities } from '../../activities/alerts';
import { endOfHelsinkiDate, helsinkiToday, type QueueEntry, type VenueCommandKind } from '../../domain/venues';
import {
  venueCommandUpdate,
  venueStateQuery,
  venueWorkflowId,
  type VenueCommand,
  type VenueDateView,
  type VenueSettings,
} from '../../workflows/venue/messages';
import type { venueDateWorkflow } from '../../workflows/venue/workflow';
import { until } from '../support/env';
import { useTemporal, type TemporalHarness } from '../support/temporal';
import { Histories } from '../support/histories';
import { newTestVenue } from '../support/venues';

const temporal = useTemporal();
const withWorker = temporal.withWorker;
let db: TemporalHarness['db'];
let client: Client;
let bundle: { code: string };
/** A third organiser besides the two demo organisations, with a customer user of its own. */
const third = { organisationId: randomUUID(), userId: randomUUID() };
const histories = new Histories();

beforeAll(async () => {
  ({ db, client, bundle } = temporal);
  await db.handle.db.organisation.create({
    data: {
      id: third.organisationId,
      name: 'Pispalan Kulttuuriyhdistys ry',
      businessId: '3456789-0',
      kind: 'ASSOCIATION',
    },
  });
  await db.handle.db.user.create({
    data: {
      id: third.userId,
      email: `third-${third.userId}@pispala.example`,
      name: 'Pia Pispala',
      role: 'CUSTOMER',
      organisationId: third.organisationId,
    },
  });
});

const ORGS = () => [
  { organisationId: DEMO.festivalOrgId, userId: randomUUID() },
  { organisationId: DEMO.organisationId, userId: randomUUID() },
  third,
];

/** A venue of its own per test: workflow ids are per venue and date, unique on the shared server. */
const newVenue = () => newTestVenue(db.handle.db);

const dateIn = (days: number) => helsinkiToday(new Date(Date.now() + days * 86_400_000));

/** The queue of one venue and date, driven as the API drives it (update-with-start). */
class VenueDate {
  constructor(
    readonly venueId: string,
    readonly date: string,
    readonly taskQueue: string,
    readonly settings: VenueSettings,
  ) {}

  get handle() {
    return client.workflow.getHandle<typeof venueDateWorkflow>(venueWorkflowId(this.venueId, this.date));
  }

  send(body: VenueCommandKind, key: string = randomUUID()): Promise<VenueDateView> {
    return client.workflow.executeUpdateWithStart(venueCommandUpdate, {
      args: [{ ...body, idempotencyKey: key } as VenueCommand],
      updateId: key,
      startWorkflowOperation: new WithStartWorkflowOperation('venueDateWorkflow', {
        workflowId: venueWorkflowId(this.venueId, this.date),
        taskQueue: this.taskQueue,
        args: [
          {
            venueId: this.venueId,
            date: this.date,
            endsAt: endOfHelsinkiDate(this.date).toISOString(),
            settings: this.settings,
          },
        ],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
  }

  request(org: { organisationId: string; userId: string }, key?: string) {
    return this.send({ action: 'request', organisationId: org.organisationId, userId: org.userId }, key);
  }

  rows() {
    return db.handle.db.venueReservation.findMany({
      where: { venueId: this.venueId, date: new Date(`${this.date}T00:00:00Z`) },
      orderBy: { position: 'asc' },
    });
  }

  /** The read model as organisation → status, in queue order. */
  async statuses(): Promise<Array<[string, string]>> {
    return (await this.rows()).map((r) => [r.organisationId, r.status]);
  }
}

const byOrg = (entries: QueueEntry[]) => entries.map((e) => [e.organisationId, e.status]);
const rejection = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError ? (err.cause as { message: string } | undefined)?.message : String(err);

describe('venue queue of one venue and date', () => {
  it('the first organiser holds, the others queue; a lapsed hold passes to the next, who is alerted', async () => {
    // Arrange
    const venue = await newVenue();
    const [a, b, c] = ORGS();
    await withWorker(async (taskQueue) => {
      const q = new VenueDate(venue.id, dateIn(40), taskQueue, { holdSeconds: 3 });

      // Act: three organisers ask for the same date.
      const first = await q.request(a!);
      await q.request(b!);
      const last = await q.request(c!);

      // Assert: the first holds preliminarily, the other two wait in order.
      expect(byOrg(first.entries)).toEqual([[a!.organisationId, 'held']]);
      expect(byOrg(last.entries)).toEqual([
        [a!.organisationId, 'held'],
        [b!.organisationId, 'queued'],
        [c!.organisationId, 'queued'],
      ]);
      expect(await q.statuses()).toEqual(byOrg(last.entries));
      const heldRow = (await q.rows())[0]!;
      const requestedAt = heldRow.createdAt.getTime();
      expect(heldRow.holdUntil!.getTime() - requestedAt).toBeGreaterThan(2_000);
      expect(heldRow.holdUntil!.getTime() - requestedAt).toBeLessThan(4_500);

      // Act: the hold runs out.
      await until('the hold to pass to the second organiser', async () => {
        const s = await q.statuses();
        return s[1]?.[1] === 'held' && s;
      });

      // Assert: the first lapsed, the second holds with a fresh hold, the third still waits.
      const rows = await q.rows();
      expect(rows.map((r) => [r.organisationId, r.status])).toEqual([
        [a!.organisationId, 'lapsed'],
        [b!.organisationId, 'held'],
        [c!.organisationId, 'queued'],
      ]);
      expect(rows[1]!.holdUntil!.getTime()).toBeGreaterThan(heldRow.holdUntil!.getTime());
      const notifications = await db.handle.db.notification.findMany({
        where: { kind: { in: ['venueLapsed', 'venueHandedOver'] }, payload: { path: ['venueId'], equals: venue.id } },
        orderBy: { kind: 'asc' },
      });
      expect(notifications.map((n) => [n.kind, n.recipientKind, n.recipient])).toEqual([
        ['venueHandedOver', 'organisation', b!.organisationId],
        ['venueLapsed', 'organisation', a!.organisationId],
      ]);
      // The alert pipeline turns the outbox row into the organisation's users' in-app alerts.
      await createAlertActivities({ db: db.handle.db, logger: pino({ level: 'silent' }) }).fanOutAlerts();
      const foodManagers = await db.handle.db.user.findMany({
        where: { organisationId: b!.organisationId, role: 'CUSTOMER' },
      });
      const alerts = await db.handle.db.alert.findMany({ where: { notificationId: notifications[0]!.id } });
      expect(alerts.map((x) => x.userId).sort()).toEqual(foodManagers.map((u) => u.id).sort());
      expect(alerts[0]!.payload).toMatchObject({ venueId: venue.id, date: q.date });

      // Then the second lapses too and the third holds.
      await until('the hold to pass to the third organiser', async () => (await q.statuses())[2]?.[1] === 'held');
      await histories.record('venue-queue-lapse-hand-over', q.handle);
      const live = await q.handle.query(venueStateQuery);
      expect(byOrg(live.entries)).toEqual([[c!.organisationId, 'held']]);
    });
  });

  it('the holder cancels and the next in line holds; a queued organiser leaves without changing the holder', async () => {
    const venue = await newVenue();
    const [a, b, c] = ORGS();
    await withWorker(async (taskQueue) => {
      const q = new VenueDate(venue.id, dateIn(50), taskQueue, {});
      await q.request(a!);
      await q.request(b!);
      await q.request(c!);

      const afterCancel = await q.send({ action: 'cancel', organisationId: a!.organisationId });
      expect(byOrg(afterCancel.entries)).toEqual([
        [b!.organisationId, 'held'],
        [c!.organisationId, 'queued'],
      ]);
      // The venue's own hold days apply when no override is set.
      const held = (await q.rows()).find((r) => r.status === 'held')!;
      const days = (held.holdUntil!.getTime() - held.updatedAt.getTime()) / 86_400_000;
      expect(days).toBeCloseTo(venue.holdDays, 2);
      const handedOver = await db.handle.db.notification.findMany({
        where: { kind: 'venueHandedOver', payload: { path: ['venueId'], equals: venue.id } },
      });
      expect(handedOver.map((n) => n.recipient)).toEqual([b!.organisationId]);

      const afterLeave = await q.send({ action: 'cancel', organisationId: c!.organisationId });
      expect(byOrg(afterLeave.entries)).toEqual([[b!.organisationId, 'held']]);
      expect(await q.statuses()).toEqual([
        [a!.organisationId, 'cancelled'],
        [b!.organisationId, 'held'],
        [c!.organisationId, 'cancelled'],
      ]);
      await histories.record('venue-queue-cancel-hand-over', q.handle);
    });
  });

  it('a confirmed reservation does not lapse; only the holder confirms', async () => {
    const venue = await newVenue();
    const [a, b] = ORGS();
    await withWorker(async (taskQueue) => {
      const q = new VenueDate(venue.id, dateIn(60), taskQueue, { holdSeconds: 2 });
      await q.request(a!);
      await q.request(b!);

      await expect(q.send({ action: 'confirm', organisationId: b!.organisationId })).rejects.toThrow(
        WorkflowUpdateFailedError,
      );
      const confirmed = await q.send({ action: 'confirm', organisationId: a!.organisationId });
      expect(byOrg(confirmed.entries)).toEqual([
        [a!.organisationId, 'confirmed'],
        [b!.organisationId, 'queued'],
      ]);

      // Well past the two-second hold: nothing lapses and no one is alerted.
      await new Promise((r) => setTimeout(r, 4_000));
      expect(await q.statuses()).toEqual([
        [a!.organisationId, 'confirmed'],
        [b!.organisationId, 'queued'],
      ]);
      expect((await q.rows())[0]!.holdUntil).toBeNull();
      expect(
        await db.handle.db.notification.count({ where: { payload: { path: ['venueId'], equals: venue.id } } }),
      ).toBe(0);
    });
  });

  it('repeated commands with the same key act once; a second request of the same organisation is refused', async () => {
    const venue = await newVenue();
    const [a, b] = ORGS();
    await withWorker(async (taskQueue) => {
      const q = new VenueDate(venue.id, dateIn(70), taskQueue, {});
      const key = randomUUID();
      const once = await q.request(a!, key);
      const again = await q.request(a!, key);
      expect(again).toEqual(once);
      expect(await q.rows()).toHaveLength(1);

      const err = await q.request(a!).catch((e: unknown) => e);
      expect(rejection(err)).toMatch(/already has a reservation/);

      await q.request(b!);
      const cancelKey = randomUUID();
      await q.send({ action: 'cancel', organisationId: a!.organisationId }, cancelKey);
      await q.send({ action: 'cancel', organisationId: a!.organisationId }, cancelKey);
      expect(await q.statuses()).toEqual([
        [a!.organisationId, 'cancelled'],
        [b!.organisationId, 'held'],
      ]);
      const handedOver = await db.handle.db.notification.count({
        where: { kind: 'venueHandedOver', payload: { path: ['venueId'], equals: venue.id } },
      });
      expect(handedOver).toBe(1);
      // One audit entry per change: request, request, cancel (which also handed over).
      const audits = await db.handle.db.auditEntry.findMany({
        where: { entity: 'VenueReservation', details: { path: ['venueId'], equals: venue.id } },
      });
      expect(audits.map((x) => x.action).sort()).toEqual(['venue.cancel', 'venue.request', 'venue.request']);
    });
  });

  it('ends when no one is left, and a new request starts a new queue after the earlier positions', async () => {
    const venue = await newVenue();
    const [a, b] = ORGS();
    await withWorker(async (taskQueue) => {
      const q = new VenueDate(venue.id, dateIn(80), taskQueue, {});
      await q.request(a!);
      const firstRun = (await q.handle.describe()).runId;
      await q.send({ action: 'cancel', organisationId: a!.organisationId });
      await until('the empty queue to end', async () => (await q.handle.describe()).status.name === 'COMPLETED');

      const next = await q.request(b!);
      expect(byOrg(next.entries)).toEqual([[b!.organisationId, 'held']]);
      expect((await q.handle.describe()).runId).not.toBe(firstRun);
      expect((await q.rows()).map((r) => r.position)).toEqual([1, 2]);
    });
  });

  it('continues as new past its history limit with the queue intact', async () => {
    const venue = await newVenue();
    const orgs = ORGS();
    await withWorker(async (taskQueue) => {
      const q = new VenueDate(venue.id, dateIn(90), taskQueue, { historyLimit: 20 });
      for (const org of orgs) await q.request(org);
      const firstRun = (await q.handle.describe()).runId;
      // Each command is a few history events; leave and rejoin until the limit is passed.
      for (let i = 0; i < 4; i++) {
        await q.send({ action: 'cancel', organisationId: orgs[2]!.organisationId });
        await q.request(orgs[2]!);
      }
      const run = await until('a new run', async () => {
        const d = await q.handle.describe();
        return d.runId !== firstRun && d.historyLength < 20 && d.status.name === 'RUNNING' && d;
      });
      expect(run.runId).toBeDefined();
      const live = await q.handle.query(venueStateQuery);
      expect(byOrg(live.entries)).toEqual([
        [orgs[0]!.organisationId, 'held'],
        [orgs[1]!.organisationId, 'queued'],
        [orgs[2]!.organisationId, 'queued'],
      ]);
      // The carried queue still takes commands.
      const moved = await q.send({ action: 'cancel', organisationId: orgs[0]!.organisationId });
      expect(byOrg(moved.entries)[0]).toEqual([orgs[1]!.organisationId, 'held']);
    });
  });

  it('replays recorded venue histories through the current workflow code', async () => {
    expect(histories.recorded.length).toBeGreaterThanOrEqual(2);
    histories.writeFixtures();
    const committed = histories.committed('venue-');
    expect(committed.length).toBeGreaterThanOrEqual(1);
    await expect(histories.replay(bundle, [...histories.recorded, ...committed])).resolves.toBeUndefined();
  });
});
