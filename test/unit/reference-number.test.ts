/**
 * Finnish reference numbers (7-3-1 check digit), ISO 11649 creditor references (mod 97) and the
 * bank barcode number: published examples, then properties over arbitrary bases.
 */
import fc from 'fast-check';
import {
  creditorReference,
  finnishCheckDigit,
  finnishReference,
  formatReference,
  isValidCreditorReference,
  isValidFinnishReference,
  virtualBarcode,
  ReferenceNumberError,
} from '../../domain/reference-number';

describe('Finnish reference number (viitenumero)', () => {
  it.each([
    // 1·1 + 2·3 + 3·7 = 28 → 2; Finance Finland's guide and the gobl Finvoice tests use 1232.
    ['123', '1232'],
    // 0·7 + 0·3 + 1·1 = 1 → 9
    ['100', '1009'],
    // The reference of Finance Finland's bank barcode guide, example 1.
    ['86851625961989', '868516259619897'],
  ])('computes the check digit of %s as in %s', (base, full) => {
    expect(finnishReference(base)).toBe(full);
    expect(isValidFinnishReference(full)).toBe(true);
  });

  it('refuses a wrong check digit, too short or too long a base and non-digits', () => {
    expect(isValidFinnishReference('1231')).toBe(false);
    expect(isValidFinnishReference('12')).toBe(false);
    expect(isValidFinnishReference('12a2')).toBe(false);
    expect(() => finnishCheckDigit('12')).toThrow(ReferenceNumberError);
    expect(() => finnishCheckDigit('1'.repeat(20))).toThrow(ReferenceNumberError);
  });

  it('prints in groups of five from the right and accepts the printed form', () => {
    expect(formatReference('868516259619897')).toBe('86851 62596 19897');
    expect(isValidFinnishReference('86851 62596 19897')).toBe(true);
  });

  it('property: every base gets a reference that validates, and changing one digit breaks it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{2,18}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (base, at, delta) => {
        const full = finnishReference(base);
        expect(isValidFinnishReference(full)).toBe(true);
        const i = at % base.length;
        const changed = `${base.slice(0, i)}${(Number(base[i]) + delta) % 10}${base.slice(i + 1)}${full.slice(-1)}`;
        // The weights 7, 3 and 1 are coprime with 10: any single-digit change moves the sum's last digit.
        expect(isValidFinnishReference(changed)).toBe(false);
      }),
    );
  });
});

describe('ISO 11649 creditor reference (RF)', () => {
  it("reproduces the standard's example RF18 5390 0754 7034", () => {
    expect(creditorReference('539007547034')).toBe('RF18539007547034');
    expect(isValidCreditorReference('RF18 5390 0754 7034')).toBe(true);
    expect(formatReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
  });

  it('refuses a wrong checksum', () => {
    expect(isValidCreditorReference('RF00539007547034')).toBe(false);
    expect(isValidCreditorReference('RF19539007547034')).toBe(false);
  });

  it('property: the RF form of every Finnish reference validates and carries it unchanged', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{2,18}$/), (base) => {
        const reference = finnishReference(base);
        const rf = creditorReference(reference);
        expect(isValidCreditorReference(rf)).toBe(true);
        expect(rf.slice(4)).toBe(reference);
      }),
    );
  });
});

describe('bank barcode number (virtuaaliviivakoodi, version 4)', () => {
  it('lays out version, IBAN digits, euros, cents, reserve, reference and due date in 54 digits', () => {
    const code = virtualBarcode({
      iban: 'FI79 4405 2020 0360 82',
      totalCents: 4883_15,
      reference: '86851 62596 19897',
      dueDate: '2010-06-12',
    });
    // Finance Finland's bank barcode guide, example 1 (version 4).
    expect(code).toBe('479440520200360820048831500000000868516259619897100612');
    expect(code).toHaveLength(54);
  });

  it('gives the amount as zeros when it does not fit, and refuses a foreign IBAN', () => {
    const code = virtualBarcode({
      iban: 'FI1680001100001234',
      totalCents: 100_000_000,
      reference: '1232',
      dueDate: '2026-12-31',
    });
    expect(code.slice(17, 25)).toBe('00000000');
    expect(() =>
      virtualBarcode({ iban: 'SE4550000000058398257466', totalCents: 1, reference: '1232', dueDate: '2026-12-31' }),
    ).toThrow(ReferenceNumberError);
  });
});
