/**
 * Social security account numbers: `AS` + 2-digit province + 10-digit serial + 2 check digits computed
 * with ISO 7064 MOD 97-10 (the IBAN scheme), so a mistyped digit or swapped pair is caught on entry.
 * Example: AS79 0123456789 NN.
 */
const PREFIX = 'AS';

/** Letters count as 10..35, as in IBAN. */
function toDigits(s: string): string {
  return [...s].map((c) => (c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c)).join('');
}

function mod97(digits: string): number {
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest;
}

export function accountNumber(provinceCode: string, serial: string): string {
  if (!/^\d{2}$/.test(provinceCode)) throw new RangeError('province code must be 2 digits');
  if (!/^\d{10}$/.test(serial)) throw new RangeError('serial must be 10 digits');
  const body = `${PREFIX}${provinceCode}${serial}`;
  const check = 98 - mod97(toDigits(`${body}00`));
  return `${body}${String(check).padStart(2, '0')}`;
}

export function isValidAccountNumber(value: string): boolean {
  return /^AS\d{14}$/.test(value) && mod97(toDigits(value)) === 1;
}
