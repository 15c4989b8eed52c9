/**
 * Venues over HTTP against the real stack (PostgreSQL, Temporal, the venue workflow): venue
 * cards and the calendar for everyone without organisation identities, reserving, confirming
 * and cancelling for one's own organisation (also as a mandated agent), the queue hand-over
 * with its alert, refusals by role and organisation, bad input answered with 400 naming the
 * field with nothing written and no workflow started, 409s, repeated keys and the live room.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApiClient } from '../../api/client';
import { DEMO } from '../../prisma/seed';
import { DEMO_VENUES } from '../../prisma/seed-venues';
import { helsinkiToday } from '../../domain/venues';
import { venueWorkflowId } from '../../workflows/venue/messages';
import { until } from '../support/env';
import { signInRoles, type Role } from '../support/roles';
import { listenToRoom } from '../support/rooms';
import { useApiStack } from '../support/stack';
import { newTestVenue } from '../support/venues';

const stack = useApiStack();
const clients = {} as Record<Role, ApiClient>;

beforeAll(async () => {
  await signInRoles(stack.base, clients, { involvedCode: 'CITY-TRE', otherCode: 'TUKES' });
});

const dateIn = (days: number) => helsinkiToday(new Date(Date.now() + days * 86_400_000));
const monthOf = (date: string) => date.slice(0, 7);

interface Outcome {
  venueId: string;
  date: string;
  day: { date: string; state: string; queue: number };
  mine: { id: string; status: string; rank: number | null; holdUntil: string | null; projectId: string | null } | null;
}

function send(client: ApiClient, venueId: string, body: unknown, key: string = randomUUID()) {
  return client.raw('POST', `/api/venues/${venueId}/commands`, body, { 'idempotency-key': key });
}
async function ok(res: Response): Promise<Outcome> {
  const text = await res.text();
  expect([res.status, text]).toEqual([200, expect.any(String)]);
  return JSON.parse(text) as Outcome;
}
const request = (organisationId: string, date: string, extra: Record<string, unknown> = {}) => ({
  action: 'request',
  organisationId,
  date,
  ...extra,
});

const reservationCount = () => stack.db.handle.db.venueReservation.count();
async function workflowExists(venueId: string, date: string): Promise<boolean> {
  try {
    await stack.client.workflow.getHandle(venueWorkflowId(venueId, date)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

describe('venue cards', () => {
  it('anyone reads the venue cards with rent, description, capacity, technical data and location', async () => {
    const venues = await clients.public.request<Array<Record<string, unknown>>>('GET', '/api/venues');
    const seeded = venues.find((v) => v.id === DEMO_VENUES.laukontori)!;
    expect(seeded).toMatchObject({
      name: 'Laukontorin ulkolava',
      municipality: 'Tampere',
      capacity: expect.any(Number),
      rentPerDayCents: expect.any(Number),
      technical: expect.objectContaining({ power: expect.any(String) }),
      latitude: expect.any(Number),
      longitude: expect.any(Number),
    });
    expect(venues.filter((v) => Object.values(DEMO_VENUES).includes(v.id as never))).toHaveLength(5);
    const one = await clients.resident.request<Record<string, unknown>>(
      'GET',
      `/api/venues/${DEMO_VENUES.sorsapuisto}`,
    );
    expect(one.name).toBe('Sorsapuiston tapahtuma-alue');
    expect((await clients.public.raw('GET', `/api/venues/${randomUUID()}`)).status).toBe(404);
    expect((await clients.public.raw('GET', '/api/venues/not-a-uuid')).status).toBe(400);
  });
});

describe('reserving a venue date', () => {
  it('queues organisers, shows the public only the state and queue length, and hands over on cancel', async () => {
    // Arrange
    const venue = await newTestVenue(stack.db.handle.db);
    const date = dateIn(45);
    const { id: projectId } = await clients.organiser.createProject({
      organisationId: DEMO.festivalOrgId,
      title: 'Kesäkonsertti',
    });

    // Act: the festival holds (linking its permit project), the food company queues.
    const held = await ok(await send(clients.organiser, venue.id, request(DEMO.festivalOrgId, date, { projectId })));
    const queued = await ok(await send(clients.foodManager, venue.id, request(DEMO.organisationId, date)));

    // Assert
    expect(held.mine).toMatchObject({ status: 'held', rank: 0, projectId });
    expect(Date.parse(held.mine!.holdUntil!) - Date.now()).toBeGreaterThan((venue.holdDays - 1) * 86_400_000);
    expect(queued.mine).toMatchObject({ status: 'queued', rank: 1 });
    expect(queued.day).toEqual({ date, state: 'held', queue: 1 });

    // The public calendar: the date's state and queue length, no organisation and no one's place.
    const month = `/api/venues/${venue.id}/calendar?month=${monthOf(date)}`;
    const publicRes = await clients.public.raw('GET', month);
    const publicText = await publicRes.text();
    expect(publicRes.status).toBe(200);
    expect(JSON.parse(publicText)).toEqual({
      venueId: venue.id,
      month: monthOf(date),
      days: [{ date, state: 'held', queue: 1 }],
      mine: [],
    });
    for (const secret of [DEMO.festivalOrgId, DEMO.organisationId, held.mine!.id, queued.mine!.id, projectId]) {
      expect(publicText).not.toContain(secret);
    }
    // Each organiser sees its own place only.
    const festival = await clients.organiser.request<{ mine: Outcome['mine'][] }>('GET', month);
    expect(festival.mine.map((m) => [m!.id, m!.status, m!.rank])).toEqual([[held.mine!.id, 'held', 0]]);
    const food = await clients.foodManager.request<{ mine: Outcome['mine'][] }>('GET', month);
    expect(food.mine.map((m) => [m!.id, m!.status, m!.rank])).toEqual([[queued.mine!.id, 'queued', 1]]);

    // Act: the festival's agent, under its mandate, cancels for the festival.
    const cancelled = await ok(
      await send(clients.agent, venue.id, { action: 'cancel', organisationId: DEMO.festivalOrgId, date }),
    );

    // Assert: the food company holds now, and is alerted.
    expect(cancelled.mine).toMatchObject({ status: 'cancelled', rank: null });
    expect(cancelled.day).toEqual({ date, state: 'held', queue: 0 });
    const mine = await clients.foodManager.request<Array<{ id: string; status: string; venueName: string }>>(
      'GET',
      '/api/venue-reservations',
    );
    expect(mine.filter((r) => r.id === queued.mine!.id)).toEqual([
      expect.objectContaining({ status: 'held', rank: 0, venueName: venue.name, date }),
    ]);
    expect(mine.every((r) => !('organisationId' in r))).toBe(true);
    const alert = await stack.db.handle.db.notification.findFirst({
      where: {
        kind: 'venueHandedOver',
        recipient: DEMO.organisationId,
        payload: { path: ['venueId'], equals: venue.id },
      },
    });
    expect(alert).toMatchObject({ recipientKind: 'organisation', payload: expect.objectContaining({ date }) });
    // The audit log names who acted and on whose behalf.
    const audit = await stack.db.handle.db.auditEntry.findFirst({
      where: { action: 'venue.cancel', details: { path: ['venueId'], equals: venue.id } },
    });
    expect(audit).toMatchObject({ actorId: clients.agent.session!.user.id, onBehalfOfId: DEMO.festivalOrgId });

    // Act: the new holder confirms; the public sees the date confirmed.
    const confirmed = await ok(
      await send(clients.foodManager, venue.id, { action: 'confirm', organisationId: DEMO.organisationId, date }),
    );
    expect(confirmed.mine).toMatchObject({ status: 'confirmed', rank: 0, holdUntil: null });
    const after = await clients.public.request<{ days: unknown[] }>('GET', month);
    expect(after.days).toEqual([{ date, state: 'confirmed', queue: 0 }]);

    // Administrators read every organisation's reservations, with the organisation.
    const all = await clients.admin.request<Array<{ id: string; organisationName: string }>>(
      'GET',
      '/api/venue-reservations',
    );
    expect(all.find((r) => r.id === queued.mine!.id)).toMatchObject({ organisationName: 'Pirkanmaan Elintarvike Oy' });
  });

  it('answers 409 when the command does not fit, changing nothing', async () => {
    const venue = await newTestVenue(stack.db.handle.db);
    const date = dateIn(46);
    await ok(await send(clients.organiser, venue.id, request(DEMO.festivalOrgId, date)));
    await ok(await send(clients.foodManager, venue.id, request(DEMO.organisationId, date)));
    const before = await reservationCount();

    const cases: Array<[ApiClient, unknown]> = [
      // A second request of the same organisation (its agent), confirming without holding.
      [clients.agent, request(DEMO.festivalOrgId, date)],
      [clients.foodManager, { action: 'confirm', organisationId: DEMO.organisationId, date }],
      // Cancelling where the organisation has no reservation: a queue runs, or none does.
      [clients.foodManager, { action: 'cancel', organisationId: DEMO.organisationId, date: dateIn(47) }],
    ];
    for (const [client, body] of cases) {
      const res = await send(client, venue.id, body);
      expect([res.status, (await res.json()) as unknown]).toEqual([409, expect.objectContaining({ status: 409 })]);
    }
    expect(await reservationCount()).toBe(before);
    expect(await workflowExists(venue.id, dateIn(47))).toBe(false);
  });

  it('repeated keys return the first outcome and write nothing twice', async () => {
    const venue = await newTestVenue(stack.db.handle.db);
    const date = dateIn(48);
    const key = randomUUID();
    const first = await ok(await send(clients.organiser, venue.id, request(DEMO.festivalOrgId, date), key));
    const again = await ok(await send(clients.organiser, venue.id, request(DEMO.festivalOrgId, date), key));
    expect(again).toEqual(first);
    const cancelKey = randomUUID();
    const cancel = { action: 'cancel', organisationId: DEMO.festivalOrgId, date };
    const c1 = await ok(await send(clients.organiser, venue.id, cancel, cancelKey));
    // The queue emptied and ended; the repeat is still answered with the same outcome.
    await until('the empty queue to end', async () => {
      const d = await stack.client.workflow.getHandle(venueWorkflowId(venue.id, date)).describe();
      return d.status.name === 'COMPLETED';
    });
    const c2 = await ok(await send(clients.organiser, venue.id, cancel, cancelKey));
    expect(c2).toEqual(c1);
    const rows = await stack.db.handle.db.venueReservation.findMany({ where: { venueId: venue.id } });
    expect(rows.map((r) => r.status)).toEqual(['cancelled']);
    expect(
      await stack.db.handle.db.auditEntry.count({
        where: { entity: 'VenueReservation', details: { path: ['venueId'], equals: venue.id } },
      }),
    ).toBe(2);
  });
});

describe('authorisation', () => {
  it('refuses reserving for another organisation or by roles that act for none, changing nothing', async () => {
    const venue = await newTestVenue(stack.db.handle.db);
    const date = dateIn(50);
    const before = await reservationCount();
    const refused: Array<[Role, number]> = [
      ['public', 401],
      ['foodManager', 403],
      ['resident', 403],
      ['involvedClerk', 403],
      ['supervisor', 403],
      ['serviceDesk', 403],
      ['admin', 403],
    ];
    for (const [role, status] of refused) {
      const res = await send(clients[role], venue.id, request(DEMO.festivalOrgId, date));
      expect([role, res.status]).toEqual([role, status]);
    }
    // Another organisation's project cannot be named.
    const { id: festivalProject } = await clients.organiser.createProject({
      organisationId: DEMO.festivalOrgId,
      title: 'Ei heidän',
    });
    const res = await send(
      clients.foodManager,
      venue.id,
      request(DEMO.organisationId, date, { projectId: festivalProject }),
    );
    expect(res.status).toBe(403);
    expect(await reservationCount()).toBe(before);
    expect(await workflowExists(venue.id, date)).toBe(false);
  });

  it('lists reservations for organisers (their own) and administrators (all) only', async () => {
    expect((await clients.public.raw('GET', '/api/venue-reservations')).status).toBe(401);
    for (const role of ['resident', 'involvedClerk', 'serviceDesk'] as const) {
      expect([role, (await clients[role].raw('GET', '/api/venue-reservations')).status]).toEqual([role, 403]);
    }
    const own = await clients.organiser.request<Array<{ venueId: string }>>('GET', '/api/venue-reservations');
    const ownIds = new Set(
      (
        await stack.db.handle.db.venueReservation.findMany({
          where: { organisationId: DEMO.festivalOrgId },
          select: { id: true },
        })
      ).map((r) => r.id),
    );
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r) => ownIds.has((r as unknown as { id: string }).id))).toBe(true);
  });
});

describe('bad input', () => {
  it('answers 400 naming the field, writing nothing and starting no workflow', async () => {
    const venue = await newTestVenue(stack.db.handle.db);
    const date = dateIn(55);
    const before = await reservationCount();
    const cases: Array<[unknown, string]> = [
      [request(DEMO.festivalOrgId, dateIn(-1)), 'date'],
      [request(DEMO.festivalOrgId, '2027-02-30'), 'date'],
      [request(DEMO.festivalOrgId, dateIn(800)), 'date'],
      [request(DEMO.festivalOrgId, date, { projectId: randomUUID() }), 'projectId'],
      [request(DEMO.festivalOrgId, date, { projectId: 'nope' }), 'projectId'],
      [{ action: 'reserve', organisationId: DEMO.festivalOrgId, date }, 'action'],
      [{ action: 'request', date }, 'organisationId'],
      [request(DEMO.festivalOrgId, date, { extra: 1 }), ''],
    ];
    for (const [body, field] of cases) {
      const res = await send(clients.organiser, venue.id, body);
      const problem = (await res.json()) as { field?: string; errors?: Array<{ path: string }> };
      const named = problem.field ?? problem.errors?.map((e) => e.path).join(',');
      expect([JSON.stringify(body), res.status, named]).toEqual([JSON.stringify(body), 400, field]);
    }
    const noKey = await clients.organiser.raw(
      'POST',
      `/api/venues/${venue.id}/commands`,
      request(DEMO.festivalOrgId, date),
    );
    expect([noKey.status, ((await noKey.json()) as { field: string }).field]).toEqual([400, 'Idempotency-Key']);
    const unknown = await send(clients.organiser, randomUUID(), request(DEMO.festivalOrgId, date));
    expect([unknown.status, ((await unknown.json()) as { field: string }).field]).toEqual([404, 'id']);
    const badMonth = await clients.public.raw('GET', `/api/venues/${venue.id}/calendar?month=2027-13`);
    expect([badMonth.status, ((await badMonth.json()) as { errors: Array<{ path: string }> }).errors[0]!.path]).toEqual(
      [400, 'month'],
    );
    expect(await reservationCount()).toBe(before);
    expect(await workflowExists(venue.id, date)).toBe(false);
  });
});

describe('the live venue room', () => {
  it('anyone follows a venue calendar; its events name the date, never the organisation', async () => {
    const venue = await newTestVenue(stack.db.handle.db);
    const date = dateIn(60);
    const { socket, received, joined } = listenToRoom(stack.base, null, `venue:${venue.id}`);
    try {
      expect((await joined).ok).toBe(true);
      const unknown = (await socket.emitWithAck('room:join', { room: `venue:${randomUUID()}` })) as { ok: boolean };
      expect(unknown.ok).toBe(false);

      await ok(await send(clients.organiser, venue.id, request(DEMO.festivalOrgId, date)));
      const event = await until('the venue event', async () => received.find((e) => e.room === `venue:${venue.id}`));
      expect(event).toMatchObject({ kind: 'venueChanged', data: { date } });
      expect(JSON.stringify(event)).not.toContain(DEMO.festivalOrgId);
    } finally {
      socket.close();
    }
  });
});
