/**
 * Invoicing and payment (F20, F21): invoices with PDF and Finvoice 3.0, online payment and the provider callback.
 */
import { Router } from 'express';
import type { AppDeps } from './shared';
import type { Operation } from './openapi';

/** This area's operations, listed in the OpenAPI document (api/openapi.ts). */
export const INVOICE_OPERATIONS: Operation[] = [];

export function invoiceRoutes(_deps: AppDeps): Router {
  const router = Router();
  return router;
}
