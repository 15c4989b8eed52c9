/**
 * The invoice views' pure logic: money, overdue, the return message. The page groups the
 * reference with domain/reference-number.ts's formatReference, tested in reference-number.test.ts.
 */
import { formatMoney, isOverdue, returnMessage } from '../../ui/src/views/invoices/invoices';

describe('invoice view helpers', () => {
  it('formats cents as euros in each language', () => {
    expect(formatMoney(32_000, 'fi').replace(/\s/g, ' ')).toBe('320,00 €');
    expect(formatMoney(32_000, 'en')).toBe('€320.00');
  });

  it('is overdue only when open and a day past the due date', () => {
    const due = '2026-12-01T10:00:00.000Z';
    const at = (iso: string) => Date.parse(iso);
    expect(isOverdue({ status: 'open', dueAt: due }, at('2026-12-02T09:00:00Z'))).toBe(false);
    expect(isOverdue({ status: 'open', dueAt: due }, at('2026-12-03T09:00:00Z'))).toBe(true);
    expect(isOverdue({ status: 'paid', dueAt: due }, at('2027-01-01T00:00:00Z'))).toBe(false);
  });

  it("believes the invoice's own status, not the return address's claim", () => {
    expect(returnMessage(null, 'open')).toBeNull();
    expect(returnMessage('ok', 'paid')).toBe('invoices.return.paid');
    // ?payment=ok typed by hand on an unpaid invoice is not a payment.
    expect(returnMessage('ok', 'open')).toBe('invoices.return.pending');
    expect(returnMessage('fail', 'open')).toBe('invoices.return.cancelled');
  });
});
