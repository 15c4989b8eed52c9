/**
 * Fees (F20): what a decision and an inspection cost, from one data table. Pure: no I/O.
 *
 * - A decision fee per permit type: the permit procedure, the lighter notification procedure
 *   (ilmoitusmenettely) where the type allows one, and a rejected application (processed all
 *   the same, so charged at half the permit fee).
 * - An inspection fee = hourly rate × the inspection's duration for the site's risk class. The
 *   risk engine sets how many inspections a year each class gets (R2 = the national baseline,
 *   R1 +25/+50 %, R3 −25/−50 %); a site therefore pays `frequencyPerYear` inspection fees a year,
 *   which is what the risk method was made to justify (seed 004, section 1.2: "the inspection
 *   frequency sets the inspection fee charged from the site").
 *
 * The figures and their basis are in docs/adr/0011-invoicing-and-payment.md.
 */
import type { RiskClass } from './risk';

export type DecisionOutcome = 'permit' | 'notification' | 'rejected';

export interface DecisionFees {
  /** A permit decision (approved, with or without conditions). */
  permitCents: number;
  /** An accepted notification; null: the type has no notification procedure. */
  notificationCents: number | null;
  /** A rejected application. */
  rejectedCents: number;
}

/** Seller details of each invoicing authority (demo values: IBANs and business ids pass their checks). */
export interface AuthorityBilling {
  nameFi: string;
  nameEn: string;
  businessId: string;
  street: string;
  postCode: string;
  town: string;
  iban: string;
  bic: string;
  /** Hourly rate of inspections, in cents. */
  hourlyRateCents: number;
}

export type InspectionKind = 'commissioning' | 'recurring' | 'followUp';

/** The one fee table: every figure an invoice uses. */
export const FEE_SCHEDULE = {
  version: '2026-12-16',
  currency: 'EUR',
  /** Public-law fees of an authority are outside the scope of VAT (AVL 1501/1993, 4 §). */
  vatPercent: 0,
  paymentTermDays: 21,
  decisions: {
    'public-event': { permitCents: 12_000, notificationCents: 6_000, rejectedCents: 6_000 },
    noise: { permitCents: 32_000, notificationCents: null, rejectedCents: 16_000 },
    'food-sales': { permitCents: 18_000, notificationCents: 9_000, rejectedCents: 9_000 },
    'rescue-plan': { permitCents: 20_000, notificationCents: null, rejectedCents: 10_000 },
    'alcohol-serving': { permitCents: 45_000, notificationCents: null, rejectedCents: 22_500 },
    'area-use': { permitCents: 15_000, notificationCents: 7_500, rejectedCents: 7_500 },
    'temporary-structure': { permitCents: 28_000, notificationCents: null, rejectedCents: 14_000 },
    fireworks: { permitCents: 16_000, notificationCents: 8_000, rejectedCents: 8_000 },
    environmental: { permitCents: 420_000, notificationCents: null, rejectedCents: 210_000 },
    chemicals: { permitCents: 260_000, notificationCents: null, rejectedCents: 130_000 },
    building: { permitCents: 90_000, notificationCents: null, rejectedCents: 45_000 },
    water: { permitCents: 380_000, notificationCents: null, rejectedCents: 190_000 },
  } satisfies Record<string, DecisionFees>,
  /**
   * Hours of one inspection by risk class: a higher class has more factors graded C–D to go
   * through on site. An unclassified site (missing data) is inspected as R2.
   */
  inspectionHours: { R1: 3, R2: 2, R3: 1.5 } satisfies Record<RiskClass, number>,
  /** The commissioning inspection goes through the whole agenda; a follow-up checks corrections only. */
  commissioningHours: 3,
  followUpHours: 1,
  authorities: {
    'CITY-TRE': {
      nameFi: 'Tampereen kaupunki',
      nameEn: 'City of Tampere',
      businessId: '0211675-2',
      street: 'Aleksis Kiven katu 14–16 C',
      postCode: '33210',
      town: 'Tampere',
      iban: 'FI1680001100001234',
      bic: 'DABAFIHH',
      hourlyRateCents: 6_600,
    },
    'POLICE-SISA': {
      nameFi: 'Sisä-Suomen poliisilaitos',
      nameEn: 'Police of Central Finland',
      businessId: '0245977-1',
      street: 'Sorinkatu 12',
      postCode: '33100',
      town: 'Tampere',
      iban: 'FI6010123500005678',
      bic: 'NDEAFIHH',
      hourlyRateCents: 6_000,
    },
    'RESCUE-PIR': {
      nameFi: 'Pirkanmaan pelastuslaitos',
      nameEn: 'Pirkanmaa Rescue Department',
      businessId: '0209579-5',
      street: 'Sarvijaakonkatu 2',
      postCode: '33540',
      town: 'Tampere',
      iban: 'FI1950000120000913',
      bic: 'OKOYFIHH',
      hourlyRateCents: 7_000,
    },
    'AVI-LSU': {
      nameFi: 'Länsi- ja Sisä-Suomen aluehallintovirasto',
      nameEn: 'Regional State Administrative Agency for Western and Inland Finland',
      businessId: '1019988-5',
      street: 'Yliopistonkatu 38',
      postCode: '33100',
      town: 'Tampere',
      iban: 'FI4015723000004417',
      bic: 'HANDFIHH',
      hourlyRateCents: 7_600,
    },
    TUKES: {
      nameFi: 'Turvallisuus- ja kemikaalivirasto',
      nameEn: 'Finnish Safety and Chemicals Agency',
      businessId: '1020019-6',
      street: 'Opastinsilta 12 B',
      postCode: '00520',
      town: 'Helsinki',
      iban: 'FI6180001700041551',
      bic: 'DABAFIHH',
      hourlyRateCents: 9_800,
    },
  } satisfies Record<string, AuthorityBilling>,
} as const;

export class UnknownFeeError extends Error {
  override readonly name = 'UnknownFeeError';
}

/** One invoice line as stored in Invoice.lines (the basis says where the figure came from). */
export interface InvoiceLine {
  description: string;
  quantity: number;
  unitCents: number;
  vatPercent: number;
  basis: Record<string, string | number | null>;
}

export interface InvoiceTotals {
  netCents: number;
  vatCents: number;
  totalCents: number;
}

/** What each rendering of an invoice (the PDF, the Finvoice message) reads of it. */
export interface InvoiceDocument extends InvoiceTotals {
  number: string;
  reference: string;
  issuedAt: Date;
  dueAt: Date;
  lines: readonly InvoiceLine[];
  seller: AuthorityBilling;
  buyer: { name: string; businessId: string | null };
}

export function authorityBilling(code: string): AuthorityBilling {
  const billing = (FEE_SCHEDULE.authorities as Record<string, AuthorityBilling>)[code];
  if (!billing) throw new UnknownFeeError(`no billing details for authority ${code}`);
  return billing;
}

export function decisionFees(permitType: string): DecisionFees {
  const fees = (FEE_SCHEDULE.decisions as Record<string, DecisionFees>)[permitType];
  if (!fees) throw new UnknownFeeError(`no fee for permit type ${permitType}`);
  return fees;
}

/** The fee line of a decision; null when nothing is charged (a type without that procedure or a zero fee). */
export function decisionFee(permitType: string, outcome: DecisionOutcome, nameFi: string): InvoiceLine | null {
  const fees = decisionFees(permitType);
  const cents =
    outcome === 'permit' ? fees.permitCents : outcome === 'notification' ? fees.notificationCents : fees.rejectedCents;
  if (!cents) return null;
  const what =
    outcome === 'permit'
      ? 'Lupapäätös / Permit decision'
      : outcome === 'notification'
        ? 'Ilmoituksen käsittely / Notification'
        : 'Kielteinen päätös / Rejected application';
  return {
    description: `${what}: ${nameFi}`,
    quantity: 1,
    unitCents: cents,
    vatPercent: FEE_SCHEDULE.vatPercent,
    basis: { schedule: FEE_SCHEDULE.version, permitType, outcome },
  };
}

/** Hours of one inspection: by kind, and for recurring ones by the risk class it was made in. */
export function inspectionHours(kind: InspectionKind, riskClass: RiskClass | null): number {
  if (kind === 'commissioning') return FEE_SCHEDULE.commissioningHours;
  if (kind === 'followUp') return FEE_SCHEDULE.followUpHours;
  return FEE_SCHEDULE.inspectionHours[riskClass ?? 'R2'];
}

/** Cents, rounded half away from zero to whole cents. */
const cents = (value: number) => Math.sign(value) * Math.round(Math.abs(value));

/** One inspection's fee: hourly rate × hours for the class. */
export function inspectionFeeCents(authorityCode: string, kind: InspectionKind, riskClass: RiskClass | null): number {
  return cents(authorityBilling(authorityCode).hourlyRateCents * inspectionHours(kind, riskClass));
}

/**
 * What supervision costs a site a year: the risk-based frequency × one inspection's fee. The
 * invoice of each inspection shows it, so the customer sees why the fee is what it is.
 */
export function yearlySupervisionCents(authorityCode: string, riskClass: RiskClass | null, frequencyPerYear: number) {
  return cents(frequencyPerYear * inspectionFeeCents(authorityCode, 'recurring', riskClass));
}

/** The fee line of a recorded inspection, with the risk basis that justifies it. */
export function inspectionFee(input: {
  authorityCode: string;
  kind: InspectionKind;
  riskClass: RiskClass | null;
  frequencyPerYear: number | null;
  siteName: string;
}): InvoiceLine {
  const billing = authorityBilling(input.authorityCode);
  const hours = inspectionHours(input.kind, input.riskClass);
  const kindText =
    input.kind === 'commissioning'
      ? 'Käyttöönottotarkastus / Commissioning inspection'
      : input.kind === 'followUp'
        ? 'Uusintatarkastus / Follow-up inspection'
        : 'Määräaikaistarkastus / Recurring inspection';
  return {
    description: `${kindText}: ${input.siteName}`,
    quantity: hours,
    unitCents: billing.hourlyRateCents,
    vatPercent: FEE_SCHEDULE.vatPercent,
    basis: {
      schedule: FEE_SCHEDULE.version,
      kind: input.kind,
      riskClass: input.riskClass,
      frequencyPerYear: input.frequencyPerYear,
      hours,
      hourlyRateCents: billing.hourlyRateCents,
      yearlyCents:
        input.frequencyPerYear === null
          ? null
          : yearlySupervisionCents(input.authorityCode, input.riskClass, input.frequencyPerYear),
    },
  };
}

/** Net, VAT and total of the lines; each line's net and VAT are rounded to cents first. */
export function invoiceTotals(
  lines: readonly Pick<InvoiceLine, 'quantity' | 'unitCents' | 'vatPercent'>[],
): InvoiceTotals {
  let netCents = 0;
  let vatCents = 0;
  for (const line of lines) {
    const net = cents(line.quantity * line.unitCents);
    netCents += net;
    vatCents += cents((net * line.vatPercent) / 100);
  }
  return { netCents, vatCents, totalCents: netCents + vatCents };
}

/** The line's net amount in cents (as the totals round it). */
export const lineNetCents = (line: Pick<InvoiceLine, 'quantity' | 'unitCents'>) =>
  cents(line.quantity * line.unitCents);

/** The due date: the payment term after the issue date. */
export function dueDate(issuedAt: Date): Date {
  return new Date(issuedAt.getTime() + FEE_SCHEDULE.paymentTermDays * 24 * 60 * 60 * 1000);
}
