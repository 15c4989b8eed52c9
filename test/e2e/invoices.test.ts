/**
 * Paying an invoice in a real browser against the real stack: the customer opens the invoice,
 * clicks Pay, lands on the local test provider's page (mounted in the app as in `npm start`),
 * clicks Pay there and comes back to the invoice, which shows the status the signed callback
 * verified; Cancel leaves it open. The invoices list works on a phone-sized screen too.
 */
import { randomUUID } from 'node:crypto';
import { DEMO } from '../../prisma/seed';
import { PHONE, screenshot, useBrowserStack, violations } from '../support/browser';
import { decisionFee, dueDate, invoiceTotals } from '../../domain/fees';
import { invoiceNumber, invoiceReference } from '../../activities/invoices';

const ui = useBrowserStack();
/** An open noise-permit invoice of Tammerfest ry (the organiser's organisation). */
async function openInvoice() {
  const db = ui.stack.db.handle.db;
  const seq = 900_000 + Math.floor(Math.random() * 90_000);
  const lines = [decisionFee('noise', 'permit', 'Meluilmoitus')!];
  const issuedAt = new Date();
  return db.invoice.create({
    data: {
      seq,
      number: invoiceNumber(seq, issuedAt),
      reference: invoiceReference(seq),
      organisationId: DEMO.festivalOrgId,
      permitType: 'noise',
      authorityCode: 'CITY-TRE',
      kind: 'permit',
      lines: lines as never,
      ...invoiceTotals(lines),
      issuedAt,
      dueAt: dueDate(issuedAt),
      idempotencyKey: `invoice:e2e:${randomUUID()}`,
    },
  });
}

describe('paying an invoice online', () => {
  it('Pay → the provider page → Pay → back on the invoice, paid after the verified callback', async () => {
    const invoice = await openInvoice();
    const page = await ui.signedInPage('Olli Oksanen', `/invoices/${invoice.id}`);
    await page.getByRole('heading', { level: 1, name: `Lasku ${invoice.number}` }).waitFor();
    await page.getByTestId('invoice-status').getByText('Avoin').waitFor();
    await screenshot(page, 'invoice-open-fi');
    expect(await violations(page)).toEqual([]);

    await page.getByRole('button', { name: new RegExp(`^Maksa verkossa.*${invoice.number}$`) }).click();
    await page.getByRole('heading', { name: 'Testimaksu / Test payment' }).waitFor();
    await page.getByRole('button', { name: 'Maksa / Pay' }).click();

    await page.waitForURL(`**/invoices/${invoice.id}?payment=ok`);
    await page.getByTestId('payment-result').getByText('Maksu on vahvistettu').waitFor();
    await page.getByTestId('invoice-status').getByText('Maksettu').waitFor();
    await screenshot(page, 'invoice-paid-fi');
    const row = await ui.stack.db.handle.db.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
    expect(row.status).toBe('paid');
    const callbacks = await ui.stack.db.handle.db.paymentCallback.findMany({
      where: { payment: { invoiceId: invoice.id } },
    });
    // The server-to-server callback and the browser's return, both verified.
    expect(callbacks.map((c) => c.verified)).toEqual([true, true]);
    await page.context().close();
  });

  it('Cancel on the provider page leaves the invoice open; the list works on a phone', async () => {
    const invoice = await openInvoice();
    const page = await ui.signedInPage('Olli Oksanen', '/invoices', 'en', PHONE);
    await page.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: invoice.number });
    await row.getByRole('link', { name: 'PDF' }).waitFor();
    await screenshot(page, 'invoices-list-phone-en');
    expect(await violations(page)).toEqual([]);
    await row.getByRole('button', { name: new RegExp(`^Pay online.*${invoice.number}$`) }).click();
    await page.getByRole('button', { name: 'Peruuta / Cancel' }).click();
    await page.waitForURL(`**/invoices/${invoice.id}?payment=fail`);
    await page.getByTestId('payment-result').getByText('The payment was cancelled').waitFor();
    await page.getByTestId('invoice-status').getByText('Open').waitFor();
    expect((await ui.stack.db.handle.db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe('open');
    await page.context().close();
  });
});
