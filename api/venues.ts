/**
 * Event venues: venue cards, the reservation calendar and the queue of each venue and date.
 */
import { Router } from 'express';
import type { AppDeps } from './shared';
import type { Operation } from './openapi';

/** This area's operations, listed in the OpenAPI document (api/openapi.ts). */
export const VENUE_OPERATIONS: Operation[] = [];

export function venueRoutes(_deps: AppDeps): Router {
  const router = Router();
  return router;
}
