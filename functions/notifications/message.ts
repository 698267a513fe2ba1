/**
 * What the beneficiary is told, pure: plain Vietnamese (what happened, what to do), never an identity number
 * or a whole account number; when it may be sent (quiet hours); whether it is sent at all (opt-out, and the
 * settlement message only to those who asked for it). No clock is read here.
 */
import { maskAccount } from '../shared/pii.js';

export type NotificationEvent = 'CASE_OPENED' | 'SETTLED';

export interface NotificationPreferences {
  /** The person asked to receive no messages at all (recorded on the account). */
  optOut?: boolean;
  /** The person asked to be told when a payment arrives too. */
  settlementOptIn?: boolean;
}

const monthLabel = (m: string) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;

/** `tháng 01/2026`, `tháng 12/2025 và 01/2026`, `tháng 11/2025, 12/2025 và 01/2026`. */
export function monthsPhrase(months: string[]): string {
  const ms = [...new Set(months.filter((m) => /^\d{4}-\d{2}$/.test(m)))].sort().map(monthLabel);
  if (ms.length <= 1) return `tháng ${ms[0] ?? ''}`.trim();
  return `tháng ${ms.slice(0, -1).join(', ')} và ${ms.at(-1)}`;
}

/** Why it was not paid, in the words a person uses, and what to do. */
const UPDATE_AT_COMMUNE = 'Vui lòng đến UBND xã, phường nơi nhận trợ cấp để cập nhật.';
const WHY: Record<string, { why: string; todo: string }> = {
  AC01: { why: 'số tài khoản ngân hàng không đúng', todo: UPDATE_AT_COMMUNE },
  AC03: { why: 'số tài khoản ngân hàng không đúng', todo: UPDATE_AT_COMMUNE },
  AC04: { why: 'tài khoản ngân hàng đã đóng', todo: UPDATE_AT_COMMUNE },
  AC06: { why: 'tài khoản ngân hàng đang bị phong tỏa', todo: 'Vui lòng liên hệ ngân hàng của bạn.' },
  BE01: { why: 'tên chủ tài khoản không khớp với người hưởng', todo: UPDATE_AT_COMMUNE },
  RC01: { why: 'mã ngân hàng không đúng', todo: UPDATE_AT_COMMUNE },
  POST_OFFICE_UNPAID: {
    why: 'bạn chưa đến nhận tại bưu điện',
    todo: 'Nếu không thể đến nhận, vui lòng báo UBND xã, phường.',
  },
  NOT_SENT: { why: 'có lỗi từ phía cơ quan chi trả', todo: 'Bạn không cần làm gì, khoản này sẽ được chi lại.' },
  UNKNOWN: { why: 'ngân hàng chưa xác nhận kết quả', todo: 'Bạn không cần làm gì, chúng tôi đang kiểm tra.' },
};
const FALLBACK = {
  why: 'ngân hàng không chuyển được tiền',
  todo: 'Vui lòng liên hệ UBND xã, phường nơi nhận trợ cấp.',
};

/** Codes after which no message goes out: the bank reports the holder dead (the family is reached in person). */
const SILENT_CODES: ReadonlySet<string> = new Set(['MD07']);

export function caseOpenedText(months: string[], reasonCode: string): string | undefined {
  if (SILENT_CODES.has(reasonCode)) return undefined;
  const { why, todo } = WHY[reasonCode] ?? FALLBACK;
  return `Khoản trợ cấp ${monthsPhrase(months)} chưa chuyển được vì ${why}. ${todo}`;
}

const vnd = (amount: number) => `${amount.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đồng`;

export function settledText(
  months: string[],
  amount: number,
  channel: 'BANK' | 'POST_OFFICE',
  bankAccount?: string,
): string {
  const where =
    channel === 'BANK' && bankAccount ? `vào tài khoản ${maskAccount(bankAccount)}` : 'tại điểm chi trả bưu điện';
  return channel === 'BANK'
    ? `Khoản trợ cấp ${monthsPhrase(months)} (${vnd(amount)}) đã được chuyển ${where}.`
    : `Bạn đã nhận khoản trợ cấp ${monthsPhrase(months)} (${vnd(amount)}) ${where}.`;
}

/** Whether this event is sent to this person at all. */
export function shouldNotify(event: NotificationEvent, prefs: NotificationPreferences | undefined): boolean {
  if (prefs?.optOut) return false;
  return event === 'CASE_OPENED' || prefs?.settlementOptIn === true;
}

export interface QuietHours {
  /** Vietnam local hour (0–23) from which nothing is sent… */
  from: number;
  /** …until this hour (exclusive end of the quiet window). from === to: no quiet hours. */
  to: number;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { from: 21, to: 7 };

/** `21-7`, or `none`. Anything else is the default (a bad setting never sends at night). */
export function parseQuietHours(value: string | undefined): QuietHours {
  if (value === 'none') return { from: 0, to: 0 };
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(value ?? '');
  const [from, to] = m ? [Number(m[1]), Number(m[2])] : [-1, -1];
  return from >= 0 && from < 24 && to >= 0 && to < 24 ? { from, to } : DEFAULT_QUIET_HOURS;
}

const VN_OFFSET_MS = 7 * 3600_000;

/** The earliest instant at or after `now` outside the quiet hours (Vietnam time, UTC+7 all year). */
export function deliverAt(now: string, quiet: QuietHours): string {
  if (quiet.from === quiet.to) return now;
  const local = new Date(new Date(now).getTime() + VN_OFFSET_MS);
  const hour = local.getUTCHours();
  const inQuiet = quiet.from < quiet.to ? hour >= quiet.from && hour < quiet.to : hour >= quiet.from || hour < quiet.to;
  if (!inQuiet) return now;
  const end = new Date(local);
  end.setUTCHours(quiet.to, 0, 0, 0);
  if (end <= local) end.setUTCDate(end.getUTCDate() + 1);
  return new Date(end.getTime() - VN_OFFSET_MS).toISOString();
}
