/**
 * Advice and knowledge (F01–F03): chat advice, the answer and solution stores, e-service guides and search.
 */
import { Router } from 'express';
import type { AppDeps } from './shared';
import type { Operation } from './openapi';

/** This area's operations, listed in the OpenAPI document (api/openapi.ts). */
export const KNOWLEDGE_OPERATIONS: Operation[] = [];

export function knowledgeRoutes(_deps: AppDeps): Router {
  const router = Router();
  return router;
}
