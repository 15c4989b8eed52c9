/**
 * Paying an invoice in a real browser against the real stack: the customer opens the invoice,
 * clicks Pay, lands on the local test provider's page (mounted in the app as in `npm start`),
 * clicks Pay there and comes back to the invoice, which shows the status the signed callback
 * verified; Cancel leaves it open. The invoices list works on a phone-sized screen too.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { DEMO } from '../../prisma/seed';
import { screenshot, signIn, useBrowserStack } from '../support/browser';
import { decisionFee, dueDate, invoiceTotals } from '../../domain/fees';
import { invoiceNumber, invoiceReference } from '../../activities/invoices';

const ui = useBrowserStack();
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.1 A/AA violations (axe-core) on the page as it is now. */
async function violations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const found = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`,
  )) as Array<{ id: string; nodes: Array<{ target: string[] }> }>;
  return found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

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
    const context = await ui.context('fi');
    const page = await context.newPage();
    await signIn(page, ui.stack.base, 'Olli Oksanen', `/invoices/${invoice.id}`);
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
    await context.close();
  });

  it('Cancel on the provider page leaves the invoice open; the list works on a phone', async () => {
    const invoice = await openInvoice();
    const context = await ui.context('en', { width: 390, height: 844 });
    const page = await context.newPage();
    await signIn(page, ui.stack.base, 'Olli Oksanen', '/invoices');
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
    await context.close();
  });
});
