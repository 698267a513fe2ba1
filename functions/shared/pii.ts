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
// Identifiers that are not personal data and often hold such runs, kept whole: UUIDs (request ids,
// `3786…80` in a UUID's last group is not an account), hex digests / trace ids (24+ hex characters with
// a letter among them, alone between separators: SHA-256 content hashes, X-Ray ids) and the 12-digit AWS
// account of an ARN (`arn:aws:lambda:ap-southeast-1:123456789012:`; the resource after it is still checked).
const KEPT_TOKEN =
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![0-9a-z])(?=[0-9]*[a-f])[0-9a-f]{24,}(?![0-9a-z])|\barn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:\d{12}:/gi;
const NAME_KEY = /^(full_?name|hoTen|ho_ten|holderName|accountHolder|beneficiaryName|nm)$/i;
// A bare `name` is also what errors, resources and states are called: a single ASCII word there
// (`TypeError`, `Lambda.ServiceException`) is an identifier, kept so that logged errors stay readable.
const GENERIC_NAME_KEY = /^name$/i;
const IDENTIFIER = /^[A-Za-z_$][\w$.:-]*$/;
// Keys whose value IS an identity number, a bank account or a phone number (the word ends the key):
// personalId, identityNumber, cccd, accountNumber, creditorAccount, phone. Not keys that merely mention one
// (accountsOpened, identityChecks: counts).
const ID_KEY =
  /(personal_?id|identity(_?(number|no))?|cccd|cmnd|account(_?(number|no))?|acct|iban|phone(_?(number|no))?)$/i;
// UPPER_SNAKE keys are outcome codes whose values are counts of rows (`INVALID_IDENTITY_NUMBER: 3`).
const CODE_KEY = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;
const holdsId = (key: string) => ID_KEY.test(key) && !CODE_KEY.test(key);

/** Masks every run of 9+ digits (identity numbers, accounts) in free text, except inside UUIDs and digests. */
export function maskText(value: string): string {
  let out = '';
  let last = 0;
  for (const kept of value.matchAll(KEPT_TOKEN)) {
    out += value.slice(last, kept.index).replace(LONG_DIGIT_RUN, maskDigits) + kept[0];
    last = kept.index + kept[0].length;
  }
  return out + value.slice(last).replace(LONG_DIGIT_RUN, maskDigits);
}

/**
 * JSON replacer for log records: masks by key (names; identity numbers, accounts and phones in the fields
 * that hold them, whatever their length or format) and by shape (long digit runs anywhere, which catches
 * identity numbers inside error messages and free text). Counts and technical ids are left readable.
 */
export function piiReplacer(key: string, value: unknown): unknown {
  if (typeof value === 'string') {
    if (NAME_KEY.test(key) || (GENERIC_NAME_KEY.test(key) && !IDENTIFIER.test(value))) return maskName(value);
    // `0912 345 678`, `1234-5678`: in a field that holds one, every digit group is part of it.
    if (holdsId(key)) return value.replace(/\d+/g, maskDigits);
    return maskText(value);
  }
  if (typeof value === 'number' && holdsId(key)) return maskDigits(String(value));
  if (typeof value === 'bigint') return maskText(value.toString());
  if (value instanceof Error) {
    return { name: value.name, message: maskText(value.message), stack: value.stack && maskText(value.stack) };
  }
  return value;
}
