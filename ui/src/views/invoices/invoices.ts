/**
 * Invoices in the UI (F20, F21): the API's shapes and the pure helpers the pages share. The
 * line and totals are domain/fees.ts's; the reference is grouped by domain/reference-number.ts
 * as the PDF prints it.
 */
import type { InvoiceLine, InvoiceTotals } from '../../../../domain/fees';

export type { InvoiceLine } from '../../../../domain/fees';

export interface Invoice extends InvoiceTotals {
  id: string;
  number: string;
  reference: string;
  creditorReference: string;
  organisationId: string;
  organisationName: string | null;
  projectId: string | null;
  siteId: string | null;
  permitType: string | null;
  authorityCode: string;
  kind: 'permit' | 'inspection';
  lines: InvoiceLine[];
  currency: string;
  issuedAt: string;
  dueAt: string;
  status: 'open' | 'paid' | 'cancelled';
  paidAt: string | null;
  payments?: Array<{ id: string; status: string; amountCents: number; createdAt: string; paidAt: string | null }>;
}

/** Cents as money in the UI's language: 32000 → "320,00 €" (fi) or "€320.00" (en). */
export function formatMoney(cents: number, locale: 'fi' | 'en', currency = 'EUR'): string {
  return new Intl.NumberFormat(locale === 'fi' ? 'fi-FI' : 'en-GB', { style: 'currency', currency }).format(
    cents / 100,
  );
}

/** Open and past its due date (the day ends in Helsinki, but a day's margin is kinder than exactness). */
export const isOverdue = (invoice: Pick<Invoice, 'status' | 'dueAt'>, now: number) =>
  invoice.status === 'open' && Date.parse(invoice.dueAt) + 24 * 60 * 60 * 1000 < now;

/** What the return page says for the provider's result (the invoice's own status decides). */
export function returnMessage(result: string | null, status: Invoice['status']): string | null {
  if (!result) return null;
  if (status === 'paid') return 'invoices.return.paid';
  if (result === 'fail') return 'invoices.return.cancelled';
  return 'invoices.return.pending';
}
