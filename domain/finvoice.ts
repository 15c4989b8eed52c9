/**
 * Finvoice 3.0 (Finance Finland's e-invoice message) of an invoice, built with xmlbuilder2.
 * Elements follow the order of the official schema (test/fixtures/Finvoice3.0.xsd, which the
 * unit test validates against with xmllint): seller, buyer, invoice details with the VAT
 * specification and payment terms, one InvoiceRow per line, and the EPI payment details
 * (IBAN, BIC, the reference number, the amount and the due date).
 */
import { create } from 'xmlbuilder2';
import type { InvoiceDocument } from './fees';
import { lineNetCents } from './fees';

export interface FinvoiceInput extends InvoiceDocument {
  currency: string;
  /** Shown as the buyer's reference (the project or site the fee is for). */
  buyerReference?: string;
  /** Identifies the message (the invoice id). */
  messageId: string;
}

/** 12345 → "123,45": Finvoice amounts use a decimal comma. */
export function finvoiceAmount(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** Dates in the CCYYMMDD format, as the day in Finland. */
export function finvoiceDate(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Helsinki',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}${get('month')}${get('day')}`;
}

const quantity = (q: number) => String(q).replace('.', ',');
const percent = (p: number) => String(p).replace('.', ',');
/** Finvoice text elements hold at most 70 (names) or 100 characters (article names). */
const cut = (text: string, max: number) => (text.length <= max ? text : text.slice(0, max));
const compactIban = (iban: string) => iban.replace(/ /g, '');

export function buildFinvoice(input: FinvoiceInput): string {
  const { seller, buyer, currency } = input;
  const money = (cents: number) => ({ '@AmountCurrencyIdentifier': currency, '#': finvoiceAmount(cents) });
  const date = (at: Date) => ({ '@Format': 'CCYYMMDD', '#': finvoiceDate(at) });
  const vatRates = [...new Set(input.lines.map((l) => l.vatPercent))];

  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele('Finvoice', {
    Version: '3.0',
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:noNamespaceSchemaLocation': 'Finvoice3.0.xsd',
  });

  doc.ele({
    SellerPartyDetails: {
      SellerPartyIdentifier: seller.businessId,
      SellerOrganisationName: cut(seller.nameFi, 70),
      SellerOrganisationTaxCode: `FI${seller.businessId.replace('-', '')}`,
      SellerPostalAddressDetails: {
        SellerStreetName: cut(seller.street, 35),
        SellerTownName: seller.town,
        SellerPostCodeIdentifier: seller.postCode,
        CountryCode: 'FI',
      },
    },
  });
  doc.ele({
    SellerInformationDetails: {
      SellerAccountDetails: {
        SellerAccountID: { '@IdentificationSchemeName': 'IBAN', '#': compactIban(seller.iban) },
        SellerBic: { '@IdentificationSchemeName': 'BIC', '#': seller.bic },
      },
    },
  });
  doc.ele({
    BuyerPartyDetails: {
      ...(buyer.businessId ? { BuyerPartyIdentifier: buyer.businessId } : {}),
      BuyerOrganisationName: cut(buyer.name.length >= 2 ? buyer.name : `${buyer.name}.`, 70),
      ...(buyer.businessId ? { BuyerOrganisationTaxCode: `FI${buyer.businessId.replace('-', '')}` } : {}),
    },
  });

  const details = doc.ele('InvoiceDetails');
  details.ele({
    InvoiceTypeCode: 'INV01',
    InvoiceTypeText: 'LASKU',
    OriginCode: 'Original',
    InvoiceNumber: input.number,
    InvoiceDate: date(input.issuedAt),
  });
  if (input.buyerReference) details.ele({ BuyerReferenceIdentifier: cut(input.buyerReference, 70) });
  details.ele({
    InvoiceTotalVatExcludedAmount: money(input.netCents),
    InvoiceTotalVatAmount: money(input.vatCents),
    InvoiceTotalVatIncludedAmount: money(input.totalCents),
  });
  for (const rate of vatRates) {
    const lines = input.lines.filter((l) => l.vatPercent === rate);
    const base = lines.reduce((sum, l) => sum + lineNetCents(l), 0);
    details.ele({
      VatSpecificationDetails: {
        VatBaseAmount: money(base),
        VatRatePercent: percent(rate),
        // UNTDID 5305: S standard rate; O outside the scope of VAT (public-law fees).
        VatCode: rate === 0 ? 'O' : 'S',
        VatRateAmount: money(Math.round((base * rate) / 100)),
        ...(rate === 0 ? { VatFreeText: 'ALV 0 %, AVL 4 §' } : {}),
      },
    });
  }
  details.ele({
    PaymentTermsDetails: {
      PaymentTermsFreeText: `${Math.round((input.dueAt.getTime() - input.issuedAt.getTime()) / 86_400_000)} pv netto`,
      InvoiceDueDate: date(input.dueAt),
    },
  });

  for (const line of input.lines) {
    const net = lineNetCents(line);
    const vat = Math.round((net * line.vatPercent) / 100);
    doc.ele({
      InvoiceRow: {
        ArticleName: cut(line.description, 100),
        InvoicedQuantity: { '@QuantityUnitCode': line.quantity === 1 ? 'kpl' : 'h', '#': quantity(line.quantity) },
        UnitPriceAmount: money(line.unitCents),
        RowVatRatePercent: percent(line.vatPercent),
        RowVatCode: line.vatPercent === 0 ? 'O' : 'S',
        RowVatAmount: money(vat),
        RowVatExcludedAmount: money(net),
        RowAmount: money(net + vat),
      },
    });
  }

  doc.ele({
    EpiDetails: {
      EpiIdentificationDetails: {
        EpiDate: date(input.issuedAt),
        EpiReference: input.messageId.slice(0, 35),
      },
      EpiPartyDetails: {
        EpiBfiPartyDetails: { EpiBfiIdentifier: { '@IdentificationSchemeName': 'BIC', '#': seller.bic } },
        EpiBeneficiaryPartyDetails: {
          EpiNameAddressDetails: cut(seller.nameFi, 35),
          EpiBei: seller.businessId,
          EpiAccountID: { '@IdentificationSchemeName': 'IBAN', '#': compactIban(seller.iban) },
        },
      },
      EpiPaymentInstructionDetails: {
        EpiRemittanceInfoIdentifier: {
          '@IdentificationSchemeName': input.reference.startsWith('RF') ? 'ISO' : 'SPY',
          '#': input.reference,
        },
        EpiInstructedAmount: money(input.totalCents),
        EpiCharge: { '@ChargeOption': 'SHA', '#': 'SHA' },
        EpiDateOptionDate: date(input.dueAt),
      },
    },
  });
  return doc.end({ prettyPrint: true });
}
