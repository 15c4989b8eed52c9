/**
 * Archiving (F22): archived projects, searchable by authorities, with retention per record type.
 */
import { Router } from 'express';
import type { AppDeps } from './shared';
import type { Operation } from './openapi';

/** This area's operations, listed in the OpenAPI document (api/openapi.ts). */
export const ARCHIVE_OPERATIONS: Operation[] = [];

export function archiveRoutes(_deps: AppDeps): Router {
  const router = Router();
  return router;
}
