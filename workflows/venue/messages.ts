import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { QueueEntry, VenueCommandKind } from '../../domain/venues';
import type { CommandMeta } from '../shared/commands';

/** A command to the queue of one venue and date: request, confirm (the holder), cancel. */
export type VenueCommand = CommandMeta & VenueCommandKind;

export interface VenueSettings {
  /** The preliminary hold in seconds instead of the venue's hold days (tests, demos: VENUE_HOLD_SECONDS). */
  holdSeconds?: number;
  /** Continue-as-new once the history has this many events (Temporal also suggests it). */
  historyLimit?: number;
}

/** Input of venueDateWorkflow: one per venue and date, started with the first request. */
export interface VenueDateInput {
  venueId: string;
  /** The calendar date (YYYY-MM-DD, Helsinki). */
  date: string;
  /** When the date ends in Helsinki (ISO instant): the workflow ends then. */
  endsAt: string;
  settings?: VenueSettings;
  carried?: VenueCarry;
}

/** What continue-as-new carries: the queue still taking part, the hold length and recent keys. */
export interface VenueCarry {
  entries: QueueEntry[];
  nextPosition: number;
  holdMs: number;
  seen: string[];
}

export interface VenueDateView {
  venueId: string;
  date: string;
  /** The entries still in the queue, holder first. */
  entries: QueueEntry[];
  /** The date has passed: nothing is accepted any more. */
  ended: boolean;
}

export const venueCommandUpdate = defineUpdate<VenueDateView, [VenueCommand]>('venueCommand');
export const venueStateQuery = defineQuery<VenueDateView>('venueState');

export function venueWorkflowId(venueId: string, date: string): string {
  return `venue-${venueId}-${date}`;
}

/** The reservation row's idempotency key for a request sent with `idempotencyKey`. */
export function venueEntryKey(venueId: string, date: string, idempotencyKey: string): string {
  return `${venueWorkflowId(venueId, date)}:${idempotencyKey}`;
}
