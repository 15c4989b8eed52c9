/**
 * Event venues: venue cards, the reservation calendar and the queue of each venue and date.
 *
 * The calendar is public: anyone sees whether a date is free, preliminarily held or confirmed
 * and how many organisers queue, never which. An organiser (a customer, or an agent acting
 * under a 'permits' mandate) sees its own reservations and place in line, and reserves,
 * confirms and cancels for its organisation through the venue and date's workflow
 * (workflows/venue), started by the first request (update-with-start).
 */
import { Router } from 'express';
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../platform/db';
import {
  dateProblem,
  endOfHelsinkiDate,
  helsinkiToday,
  publicDay,
  queueRank,
  type PublicDay,
  type VenueCard,
} from '../domain/venues';
import {
  venueCommandUpdate,
  venueEntryKey,
  venueWorkflowId,
  type VenueCommand,
  type VenueDateInput,
} from '../workflows/venue/messages';
import { AppError } from './errors';
import { ZIdParam } from './schemas';
import { asyncRoute, type AppDeps } from './shared';
import type { Operation } from './openapi';
import { actorOf, allow, viewerOf } from './auth/actor';
import {
  canLinkVenueProject,
  canReadVenueCalendar,
  canReserveVenue,
  venueOrganisation,
  venueReservationScope,
} from './auth/policy';
import { commandMeta } from './audit';
import { idempotencyKey } from './projects';

const ZDate = z.iso.date();

export const ZVenueCommand = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('request'),
      organisationId: z.uuid(),
      date: ZDate,
      /** The permit project the venue is reserved for (optional). */
      projectId: z.uuid().nullish(),
    })
    .strict(),
  z.object({ action: z.literal('confirm'), organisationId: z.uuid(), date: ZDate }).strict(),
  z.object({ action: z.literal('cancel'), organisationId: z.uuid(), date: ZDate }).strict(),
]);
export type TVenueCommand = z.infer<typeof ZVenueCommand>;

export const ZCalendarQuery = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
});

export const ZReservationsQuery = z.object({ from: ZDate.optional() });

const TAG = 'Venues';

/** This area's operations, listed in the OpenAPI document (api/openapi.ts). */
export const VENUE_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/venues',
    summary: 'Venue cards: rent, description, capacity, technical data and location',
    tag: TAG,
    access: 'public',
    ok: [200, 'Venues'],
  },
  {
    method: 'get',
    path: '/api/venues/:id',
    summary: 'One venue card',
    tag: TAG,
    access: 'public',
    params: ZIdParam,
    ok: [200, 'Venue'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/venues/:id/calendar',
    summary: "A month's reservation calendar: free, held or confirmed and queue length; the organiser's own places",
    tag: TAG,
    access: 'public',
    params: ZIdParam,
    query: ZCalendarQuery,
    ok: [200, 'Days and own reservations'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/venues/:id/commands',
    summary: 'Request a date (preliminary hold or queue), confirm the hold, cancel',
    tag: TAG,
    access: 'signed-in',
    params: ZIdParam,
    body: ZVenueCommand,
    command: true,
    ok: [200, 'The date and the organisation’s own reservation'],
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/api/venue-reservations',
    summary: "The organiser's own venue reservations (administrators: all)",
    tag: TAG,
    access: 'signed-in',
    query: ZReservationsQuery,
    ok: [200, 'Reservations with venue, status and place in line'],
  },
];

const day = (date: string) => new Date(`${date}T00:00:00.000Z`);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** A venue card as everyone sees it (the row's `technical` is JSON, stored as the card's object). */
function card(v: Omit<VenueCard, 'technical'> & { technical: unknown }) {
  return {
    id: v.id,
    name: v.name,
    descriptionFi: v.descriptionFi,
    descriptionEn: v.descriptionEn,
    address: v.address,
    municipality: v.municipality,
    latitude: v.latitude,
    longitude: v.longitude,
    capacity: v.capacity,
    rentPerDayCents: v.rentPerDayCents,
    technical: v.technical,
    ownerName: v.ownerName,
    contactEmail: v.contactEmail,
    holdDays: v.holdDays,
  };
}

interface Row {
  id: string;
  date: Date;
  organisationId: string;
  projectId: string | null;
  status: string;
  position: number;
  holdUntil: Date | null;
}

/** An organisation's own reservation: its status, place in line (0 holds) and hold end. */
const own = (r: Row, rowsOfDate: ReadonlyArray<{ status: string; position: number }>) => ({
  id: r.id,
  date: isoDay(r.date),
  status: r.status,
  rank: queueRank(r, rowsOfDate),
  holdUntil: r.holdUntil?.toISOString() ?? null,
  projectId: r.projectId,
});

/** The public days of the rows (dates with anything going on), in date order. */
function publicDays(rows: readonly Row[]): PublicDay[] {
  const byDate = new Map<string, Row[]>();
  for (const r of rows) byDate.set(isoDay(r.date), [...(byDate.get(isoDay(r.date)) ?? []), r]);
  return [...byDate]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, list]) => publicDay(date, list))
    .filter((d) => d.state !== 'free' || d.queue > 0);
}

/** The organisation's latest reservation of each date among `rows` (active first, else the last it had). */
function ownByDate(rows: readonly Row[], organisationId: string) {
  const latest = new Map<string, Row>();
  for (const r of rows) {
    if (r.organisationId !== organisationId) continue;
    const key = isoDay(r.date);
    const earlier = latest.get(key);
    if (!earlier || r.position > earlier.position) latest.set(key, r);
  }
  return [...latest.values()]
    .sort((a, b) => a.date.getTime() - b.date.getTime())
    .map((r) =>
      own(
        r,
        rows.filter((x) => x.date.getTime() === r.date.getTime()),
      ),
    );
}

async function venueOr404(db: Db, id: string) {
  const venue = await db.venue.findUnique({ where: { id } });
  if (!venue) throw new AppError('NOT_FOUND', 'Venue not found', { field: 'id' });
  return venue;
}

/** The date after a command: its public state and the organisation's own reservation. */
async function dateOutcome(db: Db, venueId: string, date: string, organisationId: string) {
  const rows = await db.venueReservation.findMany({ where: { venueId, date: day(date) } });
  return {
    venueId,
    date,
    day: publicDay(date, rows),
    mine: ownByDate(rows, organisationId)[0] ?? null,
  };
}

export function venueRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();

  /** GET /api/venues — 200 with every venue card, by name. */
  router.get(
    '/venues',
    asyncRoute(async (_req, res) => {
      allow(res, canReadVenueCalendar(viewerOf(res)), 'venues');
      const venues = await db.venue.findMany({ orderBy: { name: 'asc' } });
      res.json(venues.map(card));
    }),
  );

  /** GET /api/venues/:id — 200 with the venue card; 400 a malformed id; 404. */
  router.get(
    '/venues/:id',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      allow(res, canReadVenueCalendar(viewerOf(res)), 'venues');
      res.json(card(await venueOr404(db, id)));
    }),
  );

  /**
   * GET /api/venues/:id/calendar?month=YYYY-MM — 200 with the month's days that are held,
   * confirmed or queued for (no organisations) and, for an organiser, its own reservations
   * with its place in line; 400 naming `month`; 404.
   */
  router.get(
    '/venues/:id/calendar',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const { month } = ZCalendarQuery.parse(req.query);
      const viewer = viewerOf(res);
      allow(res, canReadVenueCalendar(viewer), 'the venue calendar');
      await venueOr404(db, id);
      const [y, m] = month.split('-').map(Number) as [number, number];
      const rows = await db.venueReservation.findMany({
        where: { venueId: id, date: { gte: new Date(Date.UTC(y, m - 1, 1)), lt: new Date(Date.UTC(y, m, 1)) } },
        orderBy: [{ date: 'asc' }, { position: 'asc' }],
      });
      const organisationId = venueOrganisation(viewer);
      res.json({
        venueId: id,
        month,
        days: publicDays(rows),
        mine: organisationId ? ownByDate(rows, organisationId) : [],
      });
    }),
  );

  /**
   * GET /api/venue-reservations?from=YYYY-MM-DD — 200 with the organiser's own reservations
   * from that date (default today, Helsinki) with venue, status and place in line;
   * administrators see every organisation's. 401 for the public, 403 without an organisation.
   */
  router.get(
    '/venue-reservations',
    asyncRoute(async (req, res) => {
      const { from } = ZReservationsQuery.parse(req.query);
      const actor = actorOf(res);
      const scope = venueReservationScope(actor);
      allow(res, !('none' in scope), 'venue reservations');
      const since = day(from ?? helsinkiToday(new Date()));
      const mine = await db.venueReservation.findMany({
        where: { date: { gte: since }, ...('organisationId' in scope ? { organisationId: scope.organisationId } : {}) },
        orderBy: [{ date: 'asc' }, { position: 'asc' }],
        take: 500,
        include: { venue: { select: { name: true } } },
      });
      // The place in line needs the whole queue of each of those dates.
      const dates = await db.venueReservation.findMany({
        where: { OR: mine.map((r) => ({ venueId: r.venueId, date: r.date })) },
        select: { venueId: true, date: true, status: true, position: true },
      });
      const organisations =
        'all' in scope
          ? new Map(
              (
                await db.organisation.findMany({
                  where: { id: { in: [...new Set(mine.map((r) => r.organisationId))] } },
                  select: { id: true, name: true },
                })
              ).map((o) => [o.id, o.name]),
            )
          : null;
      res.json(
        mine.map((r) => ({
          ...own(
            r,
            dates.filter((d) => d.venueId === r.venueId && d.date.getTime() === r.date.getTime()),
          ),
          venueId: r.venueId,
          venueName: r.venue.name,
          ...(organisations
            ? { organisationId: r.organisationId, organisationName: organisations.get(r.organisationId) ?? null }
            : {}),
        })),
      );
    }),
  );

  /** The outcome of a command sent earlier under the same key, when its date has no running queue any more. */
  const earlierCancel = async (venueId: string, cmd: TVenueCommand) => {
    if (cmd.action !== 'cancel') return null;
    const outcome = await dateOutcome(db, venueId, cmd.date, cmd.organisationId);
    return outcome.mine?.status === 'cancelled' ? outcome : null;
  };

  /**
   * POST /api/venues/:id/commands — 200 with the date's public state and the organisation's
   * own reservation. `request` holds the date preliminarily (for the venue's hold days) when
   * no one holds it and queues otherwise; `confirm` (the holder) makes it final; `cancel`
   * leaves, and the next in line takes over. 400 invalid input naming the field (a date in
   * the past, an unknown project), nothing written and no workflow started; 401; 403 for
   * another organisation or its project; 404 an unknown venue; 409 when the command does not
   * fit (already in the queue, confirming without holding, nothing to cancel).
   */
  router.post(
    '/venues/:id/commands',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = idempotencyKey(req);
      const cmd = ZVenueCommand.parse(req.body);
      const actor = actorOf(res);
      allow(res, canReserveVenue(actor, cmd.organisationId), 'venue reservations of this organisation');
      await venueOr404(db, id);
      const workflowId = venueWorkflowId(id, cmd.date);
      const meta = commandMeta(res);

      if (cmd.action === 'request') {
        // A repeated key is answered with what the first request made, even in a later run.
        const earlier = await db.venueReservation.findUnique({
          where: { idempotencyKey: venueEntryKey(id, cmd.date, key) },
        });
        if (earlier) {
          res.json(await dateOutcome(db, id, cmd.date, cmd.organisationId));
          return;
        }
        const problem = dateProblem(cmd.date, new Date());
        if (problem) throw new AppError('VALIDATION', `date ${problem}`, { field: 'date' });
        if (cmd.projectId) {
          const project = await db.permitProject.findUnique({
            where: { id: cmd.projectId },
            select: { organisationId: true, permits: { select: { authorityId: true } } },
          });
          if (!project) throw new AppError('VALIDATION', 'No such permit project', { field: 'projectId' });
          const facts = {
            organisationId: project.organisationId,
            authorityIds: project.permits.map((p) => p.authorityId),
          };
          allow(res, canLinkVenueProject(actor, facts), 'this project');
        }
        const input: VenueDateInput = {
          venueId: id,
          date: cmd.date,
          endsAt: endOfHelsinkiDate(cmd.date).toISOString(),
          settings: config.VENUE_HOLD_SECONDS ? { holdSeconds: config.VENUE_HOLD_SECONDS } : {},
        };
        const args: [VenueCommand] = [
          {
            idempotencyKey: key,
            ...meta,
            action: 'request',
            organisationId: cmd.organisationId,
            userId: actor.userId,
            projectId: cmd.projectId ?? null,
          },
        ];
        await temporal.workflow.executeUpdateWithStart(venueCommandUpdate, {
          args,
          updateId: key,
          startWorkflowOperation: new WithStartWorkflowOperation('venueDateWorkflow', {
            workflowId,
            taskQueue: config.TEMPORAL_TASK_QUEUE,
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        });
        res.json(await dateOutcome(db, id, cmd.date, cmd.organisationId));
        return;
      }

      const args: [VenueCommand] = [
        { idempotencyKey: key, ...meta, action: cmd.action, organisationId: cmd.organisationId },
      ];
      try {
        await temporal.workflow.getHandle(workflowId).executeUpdate(venueCommandUpdate, { args, updateId: key });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        // No queue runs for the date (no one reserved it, or it has passed or emptied).
        const earlier = await earlierCancel(id, cmd);
        if (earlier) {
          res.json(earlier);
          return;
        }
        throw new AppError('CONFLICT', 'The organisation has no reservation in a running queue for this date', {
          reason: 'NOT_QUEUED',
          date: cmd.date,
        });
      }
      res.json(await dateOutcome(db, id, cmd.date, cmd.organisationId));
    }),
  );

  return router;
}
