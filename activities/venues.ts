/**
 * Activities of venueDateWorkflow. The VenueReservation rows are the read model of each venue
 * and date's queue; the workflow hands over the entries a change created or changed, and one
 * transaction writes them with the organisers' alerts (the notification outbox), the audit
 * entry and the venue room's live event. Idempotent without a separate marker: rows are
 * upserted to the values given, notifications are keyed, and the audit entry and room event are
 * written only when a row actually changed, so a retry after commit writes nothing.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { QueueEntry, VenueAlertKind } from '../domain/venues';
import { appendRoomEvent, auditChange, notify } from './timeline';
import type { ActivityDeps } from './types';

export interface VenueAlertInput {
  kind: VenueAlertKind;
  entryId: string;
  organisationId: string;
  projectId: string | null;
  holdUntil: string | null;
}

export interface VenueChangeInput {
  venueId: string;
  date: string;
  /** Unique per change: the workflow id and the command's key (or the timer's). */
  key: string;
  action: string;
  changed: QueueEntry[];
  alerts: VenueAlertInput[];
  actorId?: string;
  onBehalfOfId?: string;
  requestId?: string;
}

/** The socket room of a venue: anyone may follow its calendar (no organisations in its events). */
export const venueRoom = (venueId: string) => `venue:${venueId}`;

const day = (date: string) => new Date(`${date}T00:00:00.000Z`);

export function createVenueActivities({ db, events, clock }: ActivityDeps) {
  const now = () => clock?.() ?? new Date();

  /** The venue's hold length and the next free position of the date (a run after an ended one goes on). */
  async function openVenueDate(input: {
    venueId: string;
    date: string;
  }): Promise<{ holdDays: number; nextPosition: number }> {
    const venue = await db.venue.findUnique({ where: { id: input.venueId }, select: { holdDays: true } });
    if (!venue) throw ApplicationFailure.nonRetryable(`venue ${input.venueId} not found`, 'NotFound');
    const max = await db.venueReservation.aggregate({
      where: { venueId: input.venueId, date: day(input.date) },
      _max: { position: true },
    });
    return { holdDays: venue.holdDays, nextPosition: (max._max.position ?? 0) + 1 };
  }

  /** Writes one change of a venue and date's queue; returns how many rows it changed (0 on a retry). */
  async function recordVenueChange(input: VenueChangeInput): Promise<{ changed: number }> {
    const at = now();
    const changed = await db.$transaction(async (tx) => {
      const venue = await tx.venue.findUnique({ where: { id: input.venueId }, select: { name: true } });
      if (!venue) throw ApplicationFailure.nonRetryable(`venue ${input.venueId} not found`, 'NotFound');
      let count = 0;
      for (const e of input.changed) {
        const holdUntil = e.holdUntil ? new Date(e.holdUntil) : null;
        const existing = await tx.venueReservation.findUnique({ where: { idempotencyKey: e.key } });
        if (!existing) {
          await tx.venueReservation.create({
            data: {
              id: e.id,
              venueId: input.venueId,
              date: day(input.date),
              organisationId: e.organisationId,
              userId: e.userId,
              projectId: e.projectId,
              status: e.status,
              position: e.position,
              holdUntil,
              idempotencyKey: e.key,
            },
          });
          count++;
        } else if (existing.status !== e.status || existing.holdUntil?.getTime() !== holdUntil?.getTime()) {
          await tx.venueReservation.update({ where: { id: existing.id }, data: { status: e.status, holdUntil } });
          count++;
        }
      }
      for (const alert of input.alerts) {
        await notify(tx, {
          projectId: alert.projectId,
          recipientKind: 'organisation',
          recipient: alert.organisationId,
          kind: alert.kind,
          payload: {
            title: `${venue.name} ${input.date}`,
            venueId: input.venueId,
            venueName: venue.name,
            date: input.date,
            reservationId: alert.entryId,
            holdUntil: alert.holdUntil,
          },
          key: `${input.key}:${alert.kind}:${alert.entryId}`,
          at,
        });
      }
      if (count > 0) {
        await auditChange(tx, {
          action: `venue.${input.action}`,
          entity: 'VenueReservation',
          entityId: input.changed[0]!.id,
          details: {
            venueId: input.venueId,
            date: input.date,
            changes: input.changed.map((e) => ({
              id: e.id,
              organisationId: e.organisationId,
              status: e.status,
              position: e.position,
            })),
          },
          actorId: input.actorId ?? null,
          onBehalfOfId: input.onBehalfOfId ?? null,
          requestId: input.requestId ?? null,
          at,
        });
        // The public calendar's live event: which date changed, never who.
        await appendRoomEvent(tx, venueRoom(input.venueId), 'venueChanged', { date: input.date });
      }
      return count;
    });
    if (changed > 0) events.wake?.(venueRoom(input.venueId));
    return { changed };
  }

  return { openVenueDate, recordVenueChange };
}
