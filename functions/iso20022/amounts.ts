/**
 * Money in ISO 20022 / MT940 text, parsed exactly to integer minor units (bigint), never through floats.
 *
 * Decision (VND): the dong has no minor unit. An amount such as `1250000.00` is accepted as 1,250,000 because
 * its fractional part is all zeros (the value is exact and some bank systems always print two decimals);
 * `1250000.50` is refused with AMOUNT_DECIMALS_VND — never rounded. The same rule generalises to other
 * currencies: decimals beyond the currency's exponent are accepted only when they are zeros (EUR `18.150` is
 * 1815 cents), otherwise AMOUNT_PRECISION.
 */
import { type AmountPosition, isoErrors } from './errors.js';

export interface Money {
  /** ISO 4217 alphabetic code, e.g. "VND", "EUR". */
  currency: string;
  /** Amount in minor units (for VND: dong). Always ≥ 0; the direction is carried by CdtDbtInd. */
  minor: bigint;
  /** Number of decimals of the currency (VND 0, EUR 2, KWD 3). */
  exponent: number;
}

/** ISO 4217 minor-unit exponents that differ from 2. Any other well-formed code is taken as 2. */
const EXPONENTS: Record<string, number> = {
  VND: 0,
  JPY: 0,
  KRW: 0,
  CLP: 0,
  ISK: 0,
  PYG: 0,
  UGX: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  KMF: 0,
  GNF: 0,
  RWF: 0,
  VUV: 0,
  DJF: 0,
  BIF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

const DECIMAL = /^(\d{1,18})(?:\.(\d{1,18}))?$/;

/** Parses an ISO 20022 decimal amount (no sign, '.' separator) for `currency`. */
export function parseAmount(text: string, currency: string | undefined, pos: AmountPosition = {}): Money {
  if (currency === undefined || currency === '') throw isoErrors.currencyInvalid('', pos);
  if (!/^[A-Z]{3}$/.test(currency)) throw isoErrors.currencyInvalid(currency, pos);
  const t = text.trim();
  const m = DECIMAL.exec(t);
  if (!m) throw isoErrors.amountInvalid(t, pos);
  return toMoney(t, m[1] as string, m[2] ?? '', currency, pos);
}

/** Builds Money from integer and fraction digit strings; shared with the MT940 parser (',' separator). */
export function toMoney(text: string, int: string, frac: string, currency: string, pos: AmountPosition): Money {
  const exponent = currencyExponent(currency);
  let kept = frac;
  if (frac.length > exponent) {
    const extra = frac.slice(exponent);
    if (/[^0]/.test(extra)) {
      if (currency === 'VND') throw isoErrors.amountDecimalsVnd(text, pos);
      throw isoErrors.amountPrecision(text, currency, exponent, pos);
    }
    kept = frac.slice(0, exponent);
  }
  const minor = BigInt(int + kept.padEnd(exponent, '0'));
  return { currency, minor, exponent };
}

/** Minor units as the decimal amount in the currency's own unit: 1160100n EUR → "11601.00" (never VND). */
export function formatMinor(minor: bigint, currency: string): string {
  const e = currencyExponent(currency);
  const neg = minor < 0n;
  const digits = (neg ? -minor : minor).toString().padStart(e + 1, '0');
  return `${neg ? '-' : ''}${e === 0 ? digits : `${digits.slice(0, -e)}.${digits.slice(-e)}`}`;
}

/** Largest amount the builders accept per transaction (15 digits, within ISO totalDigits 18). */
export const MAX_VND_AMOUNT = 999_999_999_999_999n;

/** A VND amount from number | bigint as a validated bigint, or a problem description. */
export function vndAmount(value: unknown, allowZero = false): bigint | string {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'not an integer number of dong';
    if (!Number.isSafeInteger(value)) return 'beyond the safe integer range; pass a bigint';
    v = BigInt(value);
  } else return 'not a number';
  if (v < 0n) return 'negative';
  if (v === 0n && !allowZero) return 'zero';
  if (v > MAX_VND_AMOUNT) return 'too large';
  return v;
}

/** A balance or entry as a signed amount in minor units: debits negative. */
export const signedMinor = (b: { amount: Money; creditDebit: 'CRDT' | 'DBIT' }): bigint =>
  b.creditDebit === 'DBIT' ? -b.amount.minor : b.amount.minor;

/** A signed minor-unit amount as a bank writes it in a message to a person: `-1234,56 EUR`, `150000 VND`. */
export function showMinor(v: bigint, currency: string): string {
  const e = currencyExponent(currency);
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(e + 1, '0');
  const body = e === 0 ? digits : `${digits.slice(0, -e)},${digits.slice(-e)}`;
  return `${neg ? '-' : ''}${body} ${currency}`;
}
