/**
 * Invoices in the UI (F20, F21): the API's shapes and the pure helpers the pages share.
 */
export interface InvoiceLine {
  description: string;
  quantity: number;
  unitCents: number;
  vatPercent: number;
  basis: Record<string, string | number | null>;
}

export interface Invoice {
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
  netCents: number;
  vatCents: number;
  totalCents: number;
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

/** The Finnish reference in groups of five from the right, as printed on paper invoices. */
export function groupedReference(reference: string): string {
  const groups: string[] = [];
  for (let end = reference.length; end > 0; end -= 5) groups.unshift(reference.slice(Math.max(0, end - 5), end));
  return groups.join(' ');
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
