/**
 * Bridge to the authorities' own systems (F37): connections, outbound events and the signed inbound endpoint.
 */
import { Router } from 'express';
import type { AppDeps } from './shared';
import type { Operation } from './openapi';

/** This area's operations, listed in the OpenAPI document (api/openapi.ts). */
export const BRIDGE_OPERATIONS: Operation[] = [];

export function bridgeRoutes(_deps: AppDeps): Router {
  const router = Router();
  return router;
}
