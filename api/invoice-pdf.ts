/**
 * The printable invoice (F20) with pdfkit: seller (the authority) and buyer (the organisation
 * with its business id), the lines with VAT, totals, the due date, the authority's IBAN and BIC,
 * the reference number and the bank barcode number (virtuaaliviivakoodi, version 4) that online
 * banks accept to fill in the transfer. Finnish first, English beside it.
 */
import PDFDocument from 'pdfkit';
import type { InvoiceDocument } from '../domain/fees';
import { lineNetCents } from '../domain/fees';
import { formatReference, virtualBarcode, isValidFinnishReference } from '../domain/reference-number';
import { helsinkiToday } from '../domain/helsinki';

export interface InvoicePdfInput extends InvoiceDocument {
  status: string;
  about: string | null;
}

const money = (cents: number) =>
  `${new Intl.NumberFormat('fi-FI', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100)} €`;
const day = (at: Date) => new Intl.DateTimeFormat('fi-FI', { timeZone: 'Europe/Helsinki' }).format(at);
/** pdfkit's standard fonts are WinAnsi: the narrow no-break space Intl puts in numbers is not in it. */
const ansi = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ').replace(/\u2212/g, '-');

export function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: {
      Title: `Lasku ${input.number}`,
      Author: input.seller.nameFi,
      // The reference in the metadata too: archives and tests find it without parsing the page.
      Subject: `Invoice ${input.number}, reference ${input.reference}`,
      Keywords: `invoice ${input.number} reference ${input.reference}`,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const text = (s: string, x?: number, y?: number, opts?: PDFKit.Mixins.TextOptions) =>
    x === undefined ? doc.text(ansi(s), opts) : doc.text(ansi(s), x, y, opts);

  const { seller, buyer } = input;
  doc.font('Helvetica-Bold').fontSize(18);
  text('LASKU / INVOICE', 50, 50);
  doc.font('Helvetica').fontSize(10);
  text(seller.nameFi, 50, 80);
  text(seller.street);
  text(`${seller.postCode} ${seller.town}`);
  text(`Y-tunnus / Business ID ${seller.businessId}`);

  const right = 330;
  const facts: Array<[string, string]> = [
    ['Laskun numero / Invoice no.', input.number],
    ['Päiväys / Date', day(input.issuedAt)],
    ['Eräpäivä / Due date', day(input.dueAt)],
    ['Viitenumero / Reference', formatReference(input.reference)],
    ['Tila / Status', input.status === 'paid' ? 'Maksettu / Paid' : 'Avoin / Open'],
  ];
  let y = 80;
  for (const [label, value] of facts) {
    doc.font('Helvetica').fontSize(8);
    text(label, right, y);
    doc.font('Helvetica-Bold').fontSize(10);
    text(value, right + 130, y - 1);
    y += 16;
  }

  doc.font('Helvetica').fontSize(8);
  text('Maksaja / Buyer', 50, 175);
  doc.font('Helvetica-Bold').fontSize(11);
  text(buyer.name, 50, 187);
  doc.font('Helvetica').fontSize(10);
  if (buyer.businessId) text(`Y-tunnus / Business ID ${buyer.businessId}`);
  if (input.about) text(`Koskee / Regarding: ${input.about}`);

  // Lines
  const cols = { description: 50, quantity: 300, unit: 350, vat: 420, amount: 470 };
  y = 260;
  doc.font('Helvetica-Bold').fontSize(9);
  text('Kuvaus / Description', cols.description, y);
  text('Määrä / Qty', cols.quantity, y);
  text('À-hinta / Unit', cols.unit, y);
  text('ALV / VAT', cols.vat, y);
  text('Summa / Amount', cols.amount, y, { width: 75, align: 'right' });
  doc
    .moveTo(50, y + 13)
    .lineTo(545, y + 13)
    .stroke();
  y += 20;
  doc.font('Helvetica').fontSize(9);
  for (const line of input.lines) {
    const height = doc.heightOfString(ansi(line.description), { width: 240 });
    text(line.description, cols.description, y, { width: 240 });
    text(String(line.quantity).replace('.', ','), cols.quantity, y);
    text(money(line.unitCents), cols.unit, y);
    text(`${line.vatPercent} %`, cols.vat, y);
    text(money(lineNetCents(line)), cols.amount, y, { width: 75, align: 'right' });
    y += Math.max(height, 12) + 6;
  }
  doc.moveTo(50, y).lineTo(545, y).stroke();
  y += 8;
  const totals: Array<[string, number]> = [
    ['Veroton / Net', input.netCents],
    ['ALV / VAT', input.vatCents],
    ['Yhteensä / Total', input.totalCents],
  ];
  for (const [label, cents] of totals) {
    doc.font(label.startsWith('Yhteensä') ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    text(label, 350, y);
    text(money(cents), cols.amount, y, { width: 75, align: 'right' });
    y += 15;
  }
  if (input.lines.every((l) => l.vatPercent === 0)) {
    doc.font('Helvetica').fontSize(8);
    text(
      'Julkisoikeudellinen maksu, ei arvonlisäveroa (AVL 4 §). / Public-law fee outside the scope of VAT.',
      50,
      y + 4,
    );
  }

  // The bank transfer part (tilisiirto), at the foot of the page
  const foot = 640;
  doc.moveTo(50, foot).lineTo(545, foot).dash(3, { space: 3 }).stroke().undash();
  doc.font('Helvetica').fontSize(8);
  const rows: Array<[string, string]> = [
    ['Saajan tilinumero / IBAN', `${seller.iban.replace(/(.{4})/g, '$1 ').trim()}   BIC ${seller.bic}`],
    ['Saaja / Payee', seller.nameFi],
    ['Viitenumero / Reference', formatReference(input.reference)],
    ['Eräpäivä / Due date', day(input.dueAt)],
    ['Euro', money(input.totalCents)],
  ];
  y = foot + 10;
  for (const [label, value] of rows) {
    doc.font('Helvetica').fontSize(8);
    text(label, 50, y);
    doc.font('Helvetica-Bold').fontSize(10);
    text(value, 180, y - 1);
    y += 16;
  }
  if (isValidFinnishReference(input.reference) && input.status !== 'paid') {
    const barcode = virtualBarcode({
      iban: seller.iban,
      totalCents: input.totalCents,
      reference: input.reference,
      dueDate: helsinkiToday(input.dueAt),
    });
    doc.font('Helvetica').fontSize(8);
    text('Virtuaaliviivakoodi / Bank barcode number', 50, y + 4);
    doc.font('Courier').fontSize(9);
    text(barcode, 50, y + 16);
  }
  doc.end();
  return done;
}
