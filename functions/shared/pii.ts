/**
 * Personal data never reaches a log line in clear (Law 91/2025/QH15, Decree 356/2025): identity numbers,
 * bank accounts and names are masked wherever they appear.
 */

/**
 * `079130796635` → `07********35`: at most 4 digits shown, enough to tell records apart in support, not to
 * identify anyone. (Six kept digits — province, century and gender — with a known birth year left about 10⁴
 * candidates; these four leave ten times more, and no year.)
 */
export function maskDigits(value: string): string {
  if (value.length < 7) return '*'.repeat(value.length);
  return `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

/**
 * A bank account as its holder is shown it: `0011001234567` → `******4567`. The last four digits let a person
 * recognise their own account; the fixed prefix hides even the length.
 */
export function maskAccount(value: string): string {
  return value.length <= 4 ? '*'.repeat(value.length) : `******${value.slice(-4)}`;
}

/** `Nguyễn Văn An` → `N***** V** A*`: the shape of a name, not the name. */
export function maskName(value: string): string {
  return value
    .trim()
    .split(/\s+/u)
    .map((word) => {
      const chars = [...word];
      return chars.length ? `${chars[0]}${'*'.repeat(chars.length - 1)}` : '';
    })
    .join(' ');
}

// Runs of 9+ digits: identity numbers (12), old ID cards (9), bank accounts (up to 19, VietQR).
const LONG_DIGIT_RUN = /\d{9,}/g;
const NAME_KEY = /^(full_?name|hoTen|ho_ten|holderName|accountHolder|beneficiaryName|nm)$/i;
// A bare `name` is also what errors, resources and states are called: a single ASCII word there
// (`TypeError`, `Lambda.ServiceException`) is an identifier, kept so that logged errors stay readable.
const GENERIC_NAME_KEY = /^name$/i;
const IDENTIFIER = /^[A-Za-z_$][\w$.:-]*$/;
const ID_KEY = /(personal_?id|identity|cccd|cmnd|account(number|no)?|acct|iban|phone)/i;

export function maskText(value: string): string {
  return value.replace(LONG_DIGIT_RUN, maskDigits);
}

/**
 * JSON replacer for log records: masks by key (names, ids) and by shape (long digit runs anywhere, which
 * catches identity numbers inside error messages and free text).
 */
export function piiReplacer(key: string, value: unknown): unknown {
  if (typeof value === 'string') {
    if (NAME_KEY.test(key) || (GENERIC_NAME_KEY.test(key) && !IDENTIFIER.test(value))) return maskName(value);
    return maskText(value);
  }
  if (typeof value === 'number' && ID_KEY.test(key)) return maskDigits(String(value));
  if (typeof value === 'bigint') return maskText(value.toString());
  if (value instanceof Error) {
    return { name: value.name, message: maskText(value.message), stack: value.stack && maskText(value.stack) };
  }
  return value;
}
