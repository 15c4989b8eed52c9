/**
 * The fee table and its rules: a decision fee per permit type and procedure, and the inspection
 * fee that follows the risk engine's frequency (hourly rate × hours for the class, frequency
 * inspections a year).
 */
import fc from 'fast-check';
import {
  FEE_SCHEDULE,
  authorityBilling,
  decisionFee,
  dueDate,
  inspectionFee,
  inspectionFeeCents,
  invoiceTotals,
  yearlySupervisionCents,
  UnknownFeeError,
} from '../../domain/fees';
import { AUTHORITY_CODES, PERMIT_TYPES } from '../../domain/catalogue';
import { frequencyFor, riskModel, type Band } from '../../domain/risk';

/** ISO 13616 check of an IBAN (mod 97 of the rearranged digits is 1). */
function ibanValid(iban: string): boolean {
  const moved = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  return [...moved].reduce((rest, d) => (rest * 10 + Number(d)) % 97, 0) === 1;
}

/** The Finnish business id's check digit (weights 7, 9, 10, 5, 8, 4, 2; mod 11). */
function businessIdValid(id: string): boolean {
  const m = /^(\d{7})-(\d)$/.exec(id);
  if (!m) return false;
  const sum = [...m[1]!].reduce((s, d, i) => s + Number(d) * [7, 9, 10, 5, 8, 4, 2][i]!, 0);
  const rest = sum % 11;
  return rest !== 1 && Number(m[2]) === (rest === 0 ? 0 : 11 - rest);
}

describe('the fee table', () => {
  it('has a decision fee for every permit type of the catalogue, and a notification fee exactly where the type allows one', () => {
    for (const type of PERMIT_TYPES) {
      const fees = (FEE_SCHEDULE.decisions as Record<string, { notificationCents: number | null }>)[type.permitType];
      expect(fees).toBeDefined();
      expect(fees!.notificationCents !== null).toBe(type.notificationAllowed);
    }
  });

  it('has billing details with a valid IBAN and business id for every authority', () => {
    for (const code of AUTHORITY_CODES) {
      const billing = authorityBilling(code);
      expect(ibanValid(billing.iban)).toBe(true);
      expect(businessIdValid(billing.businessId)).toBe(true);
    }
    expect(() => authorityBilling('NOPE')).toThrow(UnknownFeeError);
  });
});

describe('decision fees', () => {
  it.each([
    ['noise', 'permit', 32_000],
    ['noise', 'rejected', 16_000],
    ['food-sales', 'notification', 9_000],
    ['environmental', 'permit', 420_000],
  ] as const)('%s %s costs %d cents', (type, outcome, cents) => {
    const line = decisionFee(type, outcome, 'Lupa')!;
    expect(line.unitCents).toBe(cents);
    expect(line.quantity).toBe(1);
    expect(line.basis).toMatchObject({ permitType: type, outcome });
  });

  it('charges nothing for a notification of a type without that procedure, and refuses an unknown type', () => {
    expect(decisionFee('noise', 'notification', 'Melu')).toBeNull();
    expect(() => decisionFee('moon-landing', 'permit', 'x')).toThrow(UnknownFeeError);
  });
});

describe('inspection fees follow the risk-based frequency', () => {
  const rate = authorityBilling('CITY-TRE').hourlyRateCents;

  it('is the hourly rate × the hours for the class; commissioning and follow-up have their own hours', () => {
    expect(inspectionFeeCents('CITY-TRE', 'recurring', 'R1')).toBe(rate * FEE_SCHEDULE.inspectionHours.R1);
    expect(inspectionFeeCents('CITY-TRE', 'recurring', 'R3')).toBe(rate * FEE_SCHEDULE.inspectionHours.R3);
    expect(inspectionFeeCents('CITY-TRE', 'recurring', null)).toBe(rate * FEE_SCHEDULE.inspectionHours.R2);
    expect(inspectionFeeCents('CITY-TRE', 'commissioning', 'R3')).toBe(rate * FEE_SCHEDULE.commissioningHours);
    expect(inspectionFeeCents('CITY-TRE', 'followUp', 'R1')).toBe(rate * FEE_SCHEDULE.followUpHours);
  });

  it("a central kitchen's yearly supervision fee is the engine's frequency × one inspection's fee, higher for a riskier class", () => {
    const group = riskModel('food-2008')!.groups.find((g) => g.id === 'centralKitchen')!;
    const yearly = (band: Band, riskClass: 'R1' | 'R2' | 'R3') =>
      yearlySupervisionCents('CITY-TRE', riskClass, frequencyFor(group, band));
    const high = yearly('R1-upper', 'R1');
    const mid = yearly('R2', 'R2');
    const low = yearly('R3-lower', 'R3');
    expect(mid).toBe(Math.round(group.baselinePerYear * rate * FEE_SCHEDULE.inspectionHours.R2));
    expect(high).toBeGreaterThan(mid);
    expect(mid).toBeGreaterThan(low);
  });

  it('writes the risk basis on the line: class, frequency, hours, rate and the yearly figure', () => {
    const line = inspectionFee({
      authorityCode: 'CITY-TRE',
      kind: 'recurring',
      riskClass: 'R1',
      frequencyPerYear: 6,
      siteName: 'Keskuskeittiö',
    });
    expect(line.quantity).toBe(FEE_SCHEDULE.inspectionHours.R1);
    expect(line.unitCents).toBe(rate);
    expect(line.basis).toMatchObject({
      riskClass: 'R1',
      frequencyPerYear: 6,
      yearlyCents: 6 * rate * FEE_SCHEDULE.inspectionHours.R1,
    });
  });
});

describe('totals', () => {
  it('rounds each line to cents before summing, VAT per line', () => {
    const totals = invoiceTotals([
      { quantity: 1.5, unitCents: 3333, vatPercent: 25.5 },
      { quantity: 1, unitCents: 1000, vatPercent: 0 },
    ]);
    // 1.5 × 33.33 = 49.995 → 50.00; VAT 25.5 % of 50.00 = 12.75
    expect(totals).toEqual({ netCents: 6000, vatCents: 1275, totalCents: 7275 });
  });

  it('property: total = net + VAT and never below net for non-negative lines', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            quantity: fc.integer({ min: 1, max: 40 }).map((q) => q / 2),
            unitCents: fc.integer({ min: 0, max: 1_000_000 }),
            vatPercent: fc.constantFrom(0, 10, 14, 25.5),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        (lines) => {
          const t = invoiceTotals(lines);
          expect(t.totalCents).toBe(t.netCents + t.vatCents);
          expect(t.vatCents).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('is due after the payment term', () => {
    const issued = new Date('2026-12-16T10:00:00Z');
    expect(dueDate(issued).toISOString()).toBe('2027-01-06T10:00:00.000Z');
  });
});
