/**
 * Before a new bank account is used, the bank confirms it exists and that its holder is the person
 * (acmt.023 → acmt.024). The bank compares names its own way; a name it reports as different still counts
 * as the person's when our Vietnamese name rules say it is the same name: equal after tone placement,
 * Unicode form, case and spacing (`compareNames`), or written the way banks write names — upper-case ASCII
 * without diacritics — and equal on that key. Different diacritics (Hùng / Hưng) never count.
 */
import type { VerificationReport } from '../iso20022/acmt.js';
import { asciiKey, compareNames, hasDiacritics } from '../population/person-name.js';

export type VerificationOutcome = 'MATCH' | 'NO_MATCH' | 'CLOSED' | 'UNKNOWN';

export function closeName(holder: string, fullName: string): boolean {
  if (compareNames(holder, fullName).verdict === 'MATCH') return true;
  return !hasDiacritics(holder) && asciiKey(holder) !== '' && asciiKey(holder) === asciiKey(fullName);
}

export function verificationOutcome(report: VerificationReport, fullName: string): VerificationOutcome {
  if (report.verified) return 'MATCH';
  if (report.reason === 'AC04') return 'CLOSED';
  if (report.reason === 'BE01')
    return report.holderName && closeName(report.holderName, fullName) ? 'MATCH' : 'NO_MATCH';
  return 'UNKNOWN';
}

export const VERIFICATION_MESSAGES: Record<Exclude<VerificationOutcome, 'MATCH'>, { vi: string; en: string }> = {
  NO_MATCH: {
    vi: 'Ngân hàng cho biết tên chủ tài khoản không khớp với tên người hưởng; không đổi tài khoản.',
    en: "The bank says the account holder's name does not match the beneficiary's; the account was not changed.",
  },
  CLOSED: {
    vi: 'Ngân hàng cho biết tài khoản đã đóng; không đổi tài khoản.',
    en: 'The bank says the account is closed; the account was not changed.',
  },
  UNKNOWN: {
    vi: 'Ngân hàng không tìm thấy tài khoản này; không đổi tài khoản.',
    en: 'The bank does not know this account; the account was not changed.',
  },
};
