/**
 * Payment references on invoices: the Finnish reference number (viitenumero, Finance Finland's
 * rules: 3–19 digits of base, a check digit from the weights 7, 3, 1 repeated from the right)
 * and its international form, the ISO 11649 creditor reference (RF, check digits mod 97).
 * Pure functions, no I/O.
 */

const WEIGHTS = [7, 3, 1] as const;

export class ReferenceNumberError extends Error {
  override readonly name = 'ReferenceNumberError';
}

/** The check digit of a Finnish reference number's base (3–19 digits). */
export function finnishCheckDigit(base: string): number {
  if (!/^\d{3,19}$/.test(base)) throw new ReferenceNumberError('the base must be 3–19 digits');
  let sum = 0;
  for (let i = 0; i < base.length; i++) {
    sum += Number(base[base.length - 1 - i]) * WEIGHTS[i % 3]!;
  }
  return (10 - (sum % 10)) % 10;
}

/** The full Finnish reference number (base + check digit) of a base. */
export function finnishReference(base: string | number): string {
  const digits = String(base);
  return `${digits}${finnishCheckDigit(digits)}`;
}

/** Is this a valid Finnish reference number (spaces allowed, as printed in groups of five)? */
export function isValidFinnishReference(reference: string): boolean {
  const digits = reference.replace(/ /g, '');
  if (!/^\d{4,20}$/.test(digits)) return false;
  return finnishCheckDigit(digits.slice(0, -1)) === Number(digits.slice(-1));
}

/** Letters as ISO 13616 / 11649 numbers (A = 10 … Z = 35), then the remainder mod 97 piecewise. */
function mod97(value: string): number {
  const numeric = value.toUpperCase().replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (let i = 0; i < numeric.length; i += 7) rest = Number(`${rest}${numeric.slice(i, i + 7)}`) % 97;
  return rest;
}

/** The ISO 11649 creditor reference (RFkk + reference) of a reference (1–21 letters or digits). */
export function creditorReference(reference: string): string {
  if (!/^[0-9A-Za-z]{1,21}$/.test(reference))
    throw new ReferenceNumberError('the reference must be 1–21 letters or digits');
  const check = 98 - mod97(`${reference}RF00`);
  return `RF${String(check).padStart(2, '0')}${reference.toUpperCase()}`;
}

/** Is this a valid RF creditor reference (spaces allowed)? */
export function isValidCreditorReference(value: string): boolean {
  const compact = value.replace(/ /g, '').toUpperCase();
  if (!/^RF\d{2}[0-9A-Z]{1,21}$/.test(compact)) return false;
  return mod97(`${compact.slice(4)}${compact.slice(0, 4)}`) === 1;
}

/** Printed form: groups of five digits from the right (Finnish) or four characters (RF). */
export function formatReference(reference: string): string {
  if (reference.startsWith('RF')) return reference.replace(/(.{4})(?=.)/g, '$1 ');
  const groups: string[] = [];
  for (let end = reference.length; end > 0; end -= 5) groups.unshift(reference.slice(Math.max(0, end - 5), end));
  return groups.join(' ');
}

/**
 * The bank barcode's number (virtuaaliviivakoodi, Finance Finland's version 4, for a Finnish
 * reference): 4, the IBAN's 16 digits, euros (6) and cents (2), 000, the reference padded to 20
 * digits, the due date as YYMMDD — 54 digits. An amount over 999 999,99 € is given as zeros.
 */
export function virtualBarcode(input: {
  iban: string;
  totalCents: number;
  reference: string;
  dueDate: string;
}): string {
  const iban = input.iban.replace(/ /g, '');
  if (!/^FI\d{16}$/.test(iban)) throw new ReferenceNumberError('the barcode needs a Finnish IBAN');
  if (!isValidFinnishReference(input.reference))
    throw new ReferenceNumberError('the barcode needs a Finnish reference');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueDate)) throw new ReferenceNumberError('the due date must be YYYY-MM-DD');
  const amount = input.totalCents >= 0 && input.totalCents <= 99_999_999 ? input.totalCents : 0;
  const euros = String(Math.floor(amount / 100)).padStart(6, '0');
  const cents = String(amount % 100).padStart(2, '0');
  const reference = input.reference.replace(/ /g, '').padStart(20, '0');
  const due = input.dueDate.slice(2).replace(/-/g, '');
  return `4${iban.slice(2)}${euros}${cents}000${reference}${due}`;
}
