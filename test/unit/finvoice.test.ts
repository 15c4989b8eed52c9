/**
 * The Finvoice 3.0 export: valid against Finance Finland's schema (test/fixtures/Finvoice3.0.xsd,
 * checked with xmllint), and carrying the invoice's facts where a bank or an e-invoice operator
 * reads them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { convert } from 'xmlbuilder2';
import { buildFinvoice, finvoiceAmount, finvoiceDate, type FinvoiceInput } from '../../domain/finvoice';
import { authorityBilling, decisionFee, dueDate, inspectionFee, invoiceTotals } from '../../domain/fees';
import { finnishReference } from '../../domain/reference-number';

const XSD = path.join(__dirname, '..', 'fixtures', 'Finvoice3.0.xsd');

function validate(xml: string): { ok: boolean; output: string } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'finvoice-')), 'invoice.xml');
  fs.writeFileSync(file, xml);
  const run = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  if (run.error) throw new Error(`xmllint is needed (Debian: libxml2-utils): ${run.error.message}`);
  return { ok: run.status === 0, output: run.stderr };
}

function example(overrides: Partial<FinvoiceInput> = {}): FinvoiceInput {
  const lines = [
    decisionFee('noise', 'permit', 'Meluilmoitus')!,
    inspectionFee({
      authorityCode: 'CITY-TRE',
      kind: 'recurring',
      riskClass: 'R1',
      frequencyPerYear: 2.5,
      siteName: 'Keittiö',
    }),
  ];
  const issuedAt = new Date('2026-12-16T08:00:00Z');
  return {
    number: '2026-000042',
    reference: finnishReference(1042),
    issuedAt,
    dueAt: dueDate(issuedAt),
    currency: 'EUR',
    ...invoiceTotals(lines),
    lines,
    seller: authorityBilling('CITY-TRE'),
    buyer: { name: 'Tampereen Tapahtumat Oy', businessId: '2483071-1' },
    buyerReference: 'Kesäfestivaali 2027',
    messageId: '0b6f6c1e-2f4e-4c55-9a3e-9a8e1f4b7c11',
    ...overrides,
  };
}

type Node = Record<string, unknown>;
const parse = (xml: string) => (convert(xml, { format: 'object' }) as { Finvoice: Node }).Finvoice;
const text = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Node)['#'] : v);

describe('Finvoice 3.0 export', () => {
  it('validates against the official Finvoice 3.0 schema', () => {
    const result = validate(buildFinvoice(example()));
    expect(result.output).toContain('validates');
    expect(result.ok).toBe(true);
  });

  it('validates with VAT lines, a buyer without a business id and a long description too', () => {
    const lines = [{ ...decisionFee('building', 'permit', 'Rakennuslupa '.repeat(20))!, vatPercent: 25.5 }];
    const xml = buildFinvoice(example({ lines, ...invoiceTotals(lines), buyer: { name: 'Maija', businessId: null } }));
    expect(validate(xml).ok).toBe(true);
  });

  it('a document the schema refuses is refused (the check is real)', () => {
    const xml = buildFinvoice(example())
      .replace('<InvoiceNumber>', '<InvoiceNumbr>')
      .replace('</InvoiceNumber>', '</InvoiceNumbr>');
    expect(validate(xml).ok).toBe(false);
  });

  it('carries seller, buyer, totals, due date, IBAN, BIC and the reference where banks read them', () => {
    const input = example();
    const doc = parse(buildFinvoice(input));
    expect((doc as Node)['@Version']).toBe('3.0');
    const seller = doc.SellerPartyDetails as Node;
    expect(seller.SellerPartyIdentifier).toBe('0211675-2');
    expect((doc.BuyerPartyDetails as Node).BuyerPartyIdentifier).toBe('2483071-1');
    const details = doc.InvoiceDetails as Node;
    expect(details.InvoiceNumber).toBe('2026-000042');
    expect(text(details.InvoiceTotalVatIncludedAmount)).toBe(finvoiceAmount(input.totalCents));
    expect(text((details.PaymentTermsDetails as Node).InvoiceDueDate)).toBe(finvoiceDate(input.dueAt));
    expect(doc.InvoiceRow).toHaveLength(2);
    const epi = doc.EpiDetails as Node;
    const instruction = epi.EpiPaymentInstructionDetails as Node;
    expect(instruction.EpiRemittanceInfoIdentifier).toEqual({
      '@IdentificationSchemeName': 'SPY',
      '#': input.reference,
    });
    expect(text(instruction.EpiInstructedAmount)).toBe(finvoiceAmount(input.totalCents));
    const beneficiary = (epi.EpiPartyDetails as Node).EpiBeneficiaryPartyDetails as Node;
    expect(text(beneficiary.EpiAccountID)).toBe(authorityBilling('CITY-TRE').iban);
  });

  it('writes amounts with a decimal comma and dates as the day in Finland', () => {
    expect(finvoiceAmount(123456)).toBe('1234,56');
    expect(finvoiceAmount(5)).toBe('0,05');
    expect(finvoiceAmount(-250)).toBe('-2,50');
    // 23:30 UTC on 31 December is already 1 January in Helsinki.
    expect(finvoiceDate(new Date('2026-12-31T23:30:00Z'))).toBe('20270101');
  });
});
