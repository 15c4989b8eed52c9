/**
 * Event venues: the queue of one venue and date, as pure rules (no I/O, no clock of its own).
 *
 * The organiser first in line holds a preliminary, conditional reservation while its permit
 * project proceeds; it holds until `holdUntil` unless the holder confirms (for example once
 * the permit is granted). When a hold lapses or the holder cancels, the next organiser in the
 * queue becomes the holder with a fresh hold and is alerted. Positions are handed out once
 * and never reused, so they order the queue and stay unique for the venue and date.
 *
 * Used by the venue workflow (state), the API (calendar, input rules) and the UI's labels.
 */
import { TZDate } from '@date-fns/tz';
import { HELSINKI, helsinkiToday } from './helsinki';

export { helsinkiToday };

export type VenueReservationStatus = 'held' | 'confirmed' | 'queued' | 'lapsed' | 'cancelled';

/** A venue card as everyone sees it (GET /api/venues): the API writes it, the venue page reads it. */
export interface VenueCard {
  id: string;
  name: string;
  descriptionFi: string;
  descriptionEn: string;
  address: string;
  municipality: string;
  latitude: number;
  longitude: number;
  capacity: number;
  rentPerDayCents: number;
  /** Power, stage, sound…: free-form, shown as label and value. */
  technical: Record<string, unknown>;
  ownerName: string;
  contactEmail: string;
  holdDays: number;
}

/** Statuses that still take part in the queue of the date. */
export const ACTIVE_STATUSES: readonly VenueReservationStatus[] = ['held', 'confirmed', 'queued'];

export interface QueueEntry {
  /** The VenueReservation row's id. */
  id: string;
  /** The row's idempotency key: the workflow and the request's Idempotency-Key. */
  key: string;
  organisationId: string;
  userId: string;
  projectId: string | null;
  position: number;
  status: VenueReservationStatus;
  /** ISO instant; set while the entry holds preliminarily. */
  holdUntil: string | null;
}

export interface QueueState {
  entries: QueueEntry[];
  /** The position the next request gets. */
  nextPosition: number;
}

/** Alerts a change sends to organisations. */
export type VenueAlertKind = 'venueHandedOver' | 'venueLapsed';

export interface VenueAlert {
  kind: VenueAlertKind;
  entry: QueueEntry;
}

export interface QueueChange {
  state: QueueState;
  /** Entries created or changed (the rows to write). */
  changed: QueueEntry[];
  alerts: VenueAlert[];
}

export type VenueRuleCode = 'ALREADY_QUEUED' | 'NOT_QUEUED' | 'NOT_HOLDER' | 'DATE_PASSED';

/** A command that does not fit the queue as it is (answered with 409). */
export class VenueRuleError extends Error {
  override readonly name = 'VenueRuleError';
  constructor(
    readonly code: VenueRuleCode,
    message: string,
  ) {
    super(message);
  }
}

export const isActive = (e: QueueEntry) => ACTIVE_STATUSES.includes(e.status);

/** The active entries in queue order. */
export const activeEntries = (state: QueueState): QueueEntry[] =>
  state.entries.filter(isActive).sort((a, b) => a.position - b.position);

/** The entry holding the date (preliminarily or confirmed), if any. */
export const holderOf = (state: QueueState): QueueEntry | null =>
  activeEntries(state).find((e) => e.status === 'held' || e.status === 'confirmed') ?? null;

/** The organisation's entry still in the queue of the date, if any. */
export const entryOf = (state: QueueState, organisationId: string): QueueEntry | null =>
  activeEntries(state).find((e) => e.organisationId === organisationId) ?? null;

export type VenueCommandKind =
  | { action: 'request'; organisationId: string; userId: string; projectId?: string | null }
  | { action: 'confirm'; organisationId: string }
  | { action: 'cancel'; organisationId: string };

/** Throws VenueRuleError when the command does not fit; returns nothing when it does. */
export function checkVenueCommand(state: QueueState, cmd: VenueCommandKind): void {
  const own = entryOf(state, cmd.organisationId);
  if (cmd.action === 'request') {
    if (own) throw new VenueRuleError('ALREADY_QUEUED', 'The organisation already has a reservation for this date');
    return;
  }
  if (!own) throw new VenueRuleError('NOT_QUEUED', 'The organisation has no reservation for this date');
  if (cmd.action === 'confirm' && own.status === 'queued') {
    throw new VenueRuleError('NOT_HOLDER', 'Only the organisation holding the date can confirm it');
  }
}

const replace = (state: QueueState, changed: QueueEntry[], nextPosition = state.nextPosition): QueueState => {
  const byId = new Map(changed.map((e) => [e.id, e]));
  const kept = state.entries.map((e) => byId.get(e.id) ?? e);
  const added = changed.filter((e) => !state.entries.some((x) => x.id === e.id));
  return { entries: [...kept, ...added], nextPosition };
};

/** The first queued entry becomes the holder with a fresh hold (after a lapse or a cancellation). */
function promote(state: QueueState, now: number, holdMs: number): QueueEntry | null {
  const next = activeEntries(state).find((e) => e.status === 'queued');
  return next ? { ...next, status: 'held', holdUntil: new Date(now + holdMs).toISOString() } : null;
}

/**
 * Applies a command: a request joins the queue (holding at once when no one holds the date),
 * the holder confirms, an organiser leaves (the next one in line takes over when the holder
 * leaves). Throws VenueRuleError like checkVenueCommand.
 */
export function applyVenueCommand(
  state: QueueState,
  cmd: VenueCommandKind,
  at: { now: number; holdMs: number; entryId: string; key: string },
): QueueChange {
  checkVenueCommand(state, cmd);
  if (cmd.action === 'request') {
    const holding = holderOf(state) === null;
    const entry: QueueEntry = {
      id: at.entryId,
      key: at.key,
      organisationId: cmd.organisationId,
      userId: cmd.userId,
      projectId: cmd.projectId ?? null,
      position: state.nextPosition,
      status: holding ? 'held' : 'queued',
      holdUntil: holding ? new Date(at.now + at.holdMs).toISOString() : null,
    };
    return { state: replace(state, [entry], state.nextPosition + 1), changed: [entry], alerts: [] };
  }
  const own = entryOf(state, cmd.organisationId)!;
  if (cmd.action === 'confirm') {
    if (own.status === 'confirmed') return { state, changed: [], alerts: [] };
    const confirmed: QueueEntry = { ...own, status: 'confirmed', holdUntil: null };
    return { state: replace(state, [confirmed]), changed: [confirmed], alerts: [] };
  }
  const cancelled: QueueEntry = { ...own, status: 'cancelled', holdUntil: null };
  const wasHolder = own.status !== 'queued';
  const after = replace(state, [cancelled]);
  const next = wasHolder ? promote(after, at.now, at.holdMs) : null;
  if (!next) return { state: after, changed: [cancelled], alerts: [] };
  return {
    state: replace(after, [next]),
    changed: [cancelled, next],
    alerts: [{ kind: 'venueHandedOver', entry: next }],
  };
}

/**
 * The holder's preliminary reservation has run out (its hold timer fired): it lapses and the
 * next organiser in line holds with a fresh hold. Nothing happens when `holderId` no longer
 * holds preliminarily (it confirmed or left meanwhile).
 */
export function lapseHold(state: QueueState, holderId: string, at: { now: number; holdMs: number }): QueueChange {
  const holder = holderOf(state);
  if (!holder || holder.id !== holderId || holder.status !== 'held') return { state, changed: [], alerts: [] };
  const lapsed: QueueEntry = { ...holder, status: 'lapsed', holdUntil: null };
  const after = replace(state, [lapsed]);
  const next = promote(after, at.now, at.holdMs);
  const alerts: VenueAlert[] = [{ kind: 'venueLapsed', entry: lapsed }];
  if (!next) return { state: after, changed: [lapsed], alerts };
  return {
    state: replace(after, [next]),
    changed: [lapsed, next],
    alerts: [...alerts, { kind: 'venueHandedOver', entry: next }],
  };
}

/** The date has passed: preliminary holds and the queue lapse quietly; a confirmed one stays. */
export function expireDate(state: QueueState): QueueChange {
  const changed = activeEntries(state)
    .filter((e) => e.status !== 'confirmed')
    .map((e): QueueEntry => ({ ...e, status: 'lapsed', holdUntil: null }));
  return { state: replace(state, changed), changed, alerts: [] };
}

/** A date as the public sees it: whether it is free, held or confirmed, and how many queue. */
export type DayState = 'free' | 'held' | 'confirmed';

export interface PublicDay {
  date: string;
  state: DayState;
  /** Organisers waiting behind the holder. */
  queue: number;
}

/** The public view of the rows of one date (no organisations). */
export function publicDay(date: string, rows: ReadonlyArray<{ status: string }>): PublicDay {
  const confirmed = rows.some((r) => r.status === 'confirmed');
  const held = rows.some((r) => r.status === 'held');
  return {
    date,
    state: confirmed ? 'confirmed' : held ? 'held' : 'free',
    queue: rows.filter((r) => r.status === 'queued').length,
  };
}

/**
 * An organiser's place: 0 for the holder, n for the n-th in line behind it; null when the
 * entry no longer takes part.
 */
export function queueRank(
  entry: { status: string; position: number },
  rows: ReadonlyArray<{ status: string; position: number }>,
): number | null {
  if (entry.status === 'held' || entry.status === 'confirmed') return 0;
  if (entry.status !== 'queued') return null;
  return rows.filter((r) => r.status === 'queued' && r.position <= entry.position).length;
}

/** The instant a Helsinki calendar date ends (the next midnight there), summer or winter. */
export function endOfHelsinkiDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d + 1, 0, 0, 0, HELSINKI).getTime());
}

/** How far ahead a date may be reserved. */
export const MAX_DAYS_AHEAD = 2 * 366;

/** Why a date cannot be reserved now (null when it can): in the past, or too far ahead. */
export function dateProblem(date: string, now: Date): string | null {
  const today = helsinkiToday(now);
  if (date < today) return 'must not be in the past';
  const days = (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
  if (days > MAX_DAYS_AHEAD) return `must be at most ${MAX_DAYS_AHEAD} days ahead`;
  return null;
}
