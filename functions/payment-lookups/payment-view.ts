/**
 * How a payment reads to the person it is for: status in plain Vietnamese and English, the date of that
 * status, the account it went to (masked), and — when the money did not arrive — why, in words, and what to
 * do next. Pure: the ledger's HEAD and entries in, the view out.
 */

import type { Localized } from '../../schemas/messages.js';
import type { AccountView, PaymentView } from '../../schemas/payment-lookups.js';
import type { AccountForView, AccountRecord } from '../accounts/account-store.js';
import categories from '../entitlements/data/allowance-categories.json' with { type: 'json' };
import { ageChangeInto } from '../entitlements/eligibility.js';
import { describeAgeChange, FUNERAL_MARKER } from '../entitlements/entitlement.js';
import { coefficientTenths, isKnownCategory } from '../entitlements/rules.js';
import type { LedgerEntry, PaymentHead, PaymentHeadForView } from '../payment-ledger/ledger-store.js';
import type { PaymentState } from '../payment-ledger/payment-state.js';
import { maskAccount } from '../shared/pii.js';
import { formatDateVi } from '../shared/vi-format.js';

type Channel = PaymentHead['channel'];

export const CHANNEL_LABELS: Record<Channel, Localized> = {
  BANK: { vi: 'Chuyển khoản ngân hàng', en: 'Bank transfer' },
  POST_OFFICE: { vi: 'Nhận tiền mặt tại bưu điện', en: 'Cash at the post office' },
};

export const ACCOUNT_STATUS_LABELS: Record<AccountRecord['status'], Localized> = {
  ACTIVE: { vi: 'Đang hưởng trợ cấp', en: 'Receiving the allowance' },
  SUSPENDED: { vi: 'Tạm dừng chi trả', en: 'Payments suspended' },
  CLOSED: { vi: 'Đã thôi hưởng', en: 'No longer receiving the allowance' },
};

/** Status labels; where the two rails differ, per channel. */
const STATUS_LABELS: Record<PaymentState, Localized | Record<Channel, Localized>> = {
  PENDING: { vi: 'Đã duyệt, đang chờ chuyển tiền', en: 'Approved, waiting to be paid' },
  SENT: {
    BANK: { vi: 'Đã gửi lệnh chuyển tiền sang ngân hàng', en: 'Sent to the bank' },
    POST_OFFICE: {
      vi: 'Đã chuyển danh sách cho bưu điện, chờ nhận tiền',
      en: 'Sent to the post office, ready to be collected',
    },
  },
  ACCEPTED: { vi: 'Ngân hàng đã nhận lệnh, đang chuyển tiền', en: 'Accepted by the bank, being transferred' },
  UNKNOWN: { vi: 'Đang xác minh kết quả với ngân hàng', en: 'Being confirmed with the bank' },
  SETTLED: {
    BANK: { vi: 'Đã chuyển vào tài khoản', en: 'Paid into your bank account' },
    POST_OFFICE: { vi: 'Đã nhận tiền tại bưu điện', en: 'Collected at the post office' },
  },
  REJECTED: {
    BANK: { vi: 'Chuyển khoản không thành công, chưa nhận được tiền', en: 'The transfer failed: not paid' },
    POST_OFFICE: { vi: 'Chưa nhận tiền tại bưu điện', en: 'Not collected at the post office' },
  },
  RETURNED: {
    vi: 'Ngân hàng nhận đã trả lại tiền, chưa nhận được tiền',
    en: 'Sent back by the receiving bank: not paid',
  },
  NOT_SENT: {
    BANK: { vi: 'Chưa chuyển được tiền trong kỳ này', en: 'Not sent to the bank this cycle: not paid' },
    POST_OFFICE: {
      vi: 'Chưa có trong danh sách chi trả của bưu điện kỳ này',
      en: 'Not on the post office list this cycle: not paid',
    },
  },
};

export function statusLabel(state: PaymentState, channel: Channel): Localized {
  const label = STATUS_LABELS[state];
  return 'vi' in label ? label : label[channel];
}

const UPDATE_BANK_ACCOUNT: Localized = {
  vi: 'Cập nhật tài khoản ngân hàng (hoặc chuyển sang nhận tiền mặt) tại UBND xã, phường; số tiền này sẽ được chi lại ở kỳ sau.',
  en: 'Update your bank account (or switch to cash) at the commune office; this amount will be paid again next cycle.',
};
const CONTACT_BANK: Localized = {
  vi: 'Liên hệ ngân hàng của bạn để mở lại tài khoản, rồi báo UBND xã, phường; số tiền này sẽ được chi lại ở kỳ sau.',
  en: 'Ask your bank to unblock the account, then tell the commune office; this amount will be paid again next cycle.',
};
const NOTHING_TO_DO_PAID_AGAIN: Localized = {
  vi: 'Bạn không cần làm gì; số tiền này sẽ được chi lại ở kỳ sau.',
  en: 'Nothing to do: this amount will be paid again next cycle.',
};
const CONTACT_COMMUNE: Localized = {
  vi: 'Liên hệ UBND xã, phường nơi bạn nhận trợ cấp để được hướng dẫn.',
  en: 'Contact the commune office where you receive the allowance.',
};

/** Bank reason codes (ISO 20022 external status reason codes) → a plain reason and what to do next. */
const BANK_REASONS: Record<string, { reason: Localized; next: Localized }> = {
  AC01: {
    reason: { vi: 'Số tài khoản ngân hàng không đúng', en: 'The bank account number is wrong' },
    next: UPDATE_BANK_ACCOUNT,
  },
  AC03: {
    reason: { vi: 'Số tài khoản ngân hàng không đúng', en: 'The bank account number is wrong' },
    next: UPDATE_BANK_ACCOUNT,
  },
  AC04: {
    reason: { vi: 'Tài khoản ngân hàng đã bị đóng', en: 'The bank account is closed' },
    next: UPDATE_BANK_ACCOUNT,
  },
  AC06: {
    reason: { vi: 'Tài khoản ngân hàng đang bị phong tỏa', en: 'The bank account is blocked' },
    next: CONTACT_BANK,
  },
  AG01: {
    reason: { vi: 'Tài khoản này không nhận được loại giao dịch này', en: 'The account cannot receive this payment' },
    next: UPDATE_BANK_ACCOUNT,
  },
  BE01: {
    reason: {
      vi: 'Tên chủ tài khoản không khớp với người hưởng',
      en: 'The account holder is not the beneficiary',
    },
    next: UPDATE_BANK_ACCOUNT,
  },
  RC01: {
    reason: { vi: 'Mã ngân hàng không đúng', en: 'The bank code is wrong' },
    next: UPDATE_BANK_ACCOUNT,
  },
  MD07: {
    reason: { vi: 'Ngân hàng báo chủ tài khoản đã mất', en: 'The bank reports the account holder as deceased' },
    next: {
      vi: 'Nếu có nhầm lẫn, hoặc để làm thủ tục hưởng mai táng phí, gia đình liên hệ UBND xã, phường.',
      en: 'If this is a mistake, or to claim funeral support, the family should contact the commune office.',
    },
  },
  AM04: {
    reason: { vi: 'Lỗi từ phía cơ quan chi trả (tài khoản chi chưa đủ tiền)', en: 'A problem on the paying side' },
    next: NOTHING_TO_DO_PAID_AGAIN,
  },
  FF01: {
    reason: { vi: 'Lỗi kỹ thuật khi gửi lệnh chuyển tiền', en: 'A technical error while sending the payment' },
    next: NOTHING_TO_DO_PAID_AGAIN,
  },
};

const POST_OFFICE_UNPAID = {
  code: 'POST_OFFICE_UNPAID',
  reason: { vi: 'Chưa đến nhận tiền tại điểm chi trả của bưu điện', en: 'Not collected at the post office' },
  next: {
    vi: 'Số tiền này sẽ được chi bổ sung ở kỳ sau; nếu không thể đến nhận, hãy báo UBND xã, phường.',
    en: 'This amount will be paid with the next cycle; if you cannot collect it, tell the commune office.',
  },
};

/** Never sent by the settlement cut-off: a problem on the paying side, owed again next cycle. */
const NOT_SENT_FAILURE = {
  code: 'NOT_SENT',
  reason: {
    vi: 'Lỗi từ phía cơ quan chi trả: khoản chi chưa được gửi đi trước hạn chốt',
    en: 'A problem on the paying side: the payment was not sent before the cut-off',
  },
};

function failureOf(
  state: PaymentState,
  channel: Channel,
  detail: Record<string, unknown> | undefined,
): { failure: PaymentView['failure']; nextStep: Localized | null } {
  if (state === 'UNKNOWN') {
    return {
      failure: null,
      nextStep: {
        vi: 'Bạn không cần làm gì; kết quả sẽ được cập nhật khi ngân hàng xác nhận.',
        en: 'Nothing to do: the result will be updated once the bank confirms it.',
      },
    };
  }
  if (state === 'NOT_SENT') return { failure: NOT_SENT_FAILURE, nextStep: NOTHING_TO_DO_PAID_AGAIN };
  if (state !== 'REJECTED' && state !== 'RETURNED') return { failure: null, nextStep: null };
  if (channel === 'POST_OFFICE' && state === 'REJECTED') {
    return {
      failure: { code: POST_OFFICE_UNPAID.code, reason: POST_OFFICE_UNPAID.reason },
      nextStep: POST_OFFICE_UNPAID.next,
    };
  }
  const code = typeof detail?.reason === 'string' && /^[A-Z0-9]{4}$/.test(detail.reason) ? detail.reason : undefined;
  const known = code ? BANK_REASONS[code] : undefined;
  if (code && known) return { failure: { code, reason: known.reason }, nextStep: known.next };
  return {
    failure: {
      code: code ?? 'UNSPECIFIED',
      reason: {
        vi: `Ngân hàng không chuyển được tiền${code ? ` (mã ${code})` : ''}`,
        en: `The bank could not pay this amount${code ? ` (code ${code})` : ''}`,
      },
    },
    nextStep: CONTACT_COMMUNE,
  };
}

/** The reason in words and the next step for a payment that did not arrive (cases and notifications say the same). */
export function failureWords(state: PaymentState, channel: Channel, reasonCode?: string) {
  return failureOf(state, channel, reasonCode ? { reason: reasonCode } : undefined);
}

/** Dates read in Vietnam time (UTC+7 all year). */
export function viDate(iso: string): string {
  const d = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
}

const monthLabel = (ym: string) => `${ym.slice(5, 7)}/${ym.slice(0, 4)}`;

/** 1500000 → `1.500.000 ₫` (Vietnamese digit grouping, whatever the runtime's locale data). */
export function vndLabel(amount: number): string {
  return `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} ₫`;
}

function programmeName(programme: string): Localized {
  return programme === categories.programme ? categories.programmeName : { vi: programme, en: programme };
}

/**
 * The current state: the latest STATE entry when the entries were read (consistently, from the ledger), else
 * the HEAD's; anomaly entries never change it.
 */
export function currentState(
  head: Pick<PaymentHead, 'state'>,
  entries: LedgerEntry[],
): { state: PaymentState; entry?: LedgerEntry } {
  const latest = [...entries].filter((e) => e.kind === 'STATE').sort((a, b) => b.seq - a.seq)[0];
  return latest ? { state: latest.state, entry: latest } : { state: head.state };
}

/** `dateOfBirth` (the account's, from the registry) lets the view say when a payment's coefficient changed by age. */
export function paymentView(head: PaymentHeadForView, entries: LedgerEntry[], dateOfBirth?: string): PaymentView {
  const { state, entry } = currentState(head, entries);
  const months = head.months.filter((m) => m !== FUNERAL_MARKER).sort();
  const at = entry?.at ?? head.updatedAt;
  const code = head.categoryCode;
  const change = dateOfBirth && code && isKnownCategory(code) ? ageChangeInto(code, dateOfBirth, months) : undefined;
  return {
    programme: head.programme,
    programmeName: programmeName(head.programme),
    period: head.period,
    periodLabel: monthLabel(head.period),
    months,
    monthsLabel: months.map(monthLabel).join(', '),
    funeralSupport: head.months.includes(FUNERAL_MARKER),
    amountVnd: head.amount,
    amountLabel: vndLabel(head.amount),
    channel: head.channel,
    channelLabel: CHANNEL_LABELS[head.channel],
    status: state,
    statusLabel: statusLabel(state, head.channel),
    statusDate: viDate(at),
    statusAt: new Date(at).toISOString(),
    bankAccount: head.channel === 'BANK' && head.creditorAccount ? maskAccount(head.creditorAccount) : null,
    ...failureOf(state, head.channel, entry?.detail),
    ...(change && code
      ? {
          ageChange: describeAgeChange({
            ...change,
            enrolledCode: change.from,
            coefficientTenths: coefficientTenths(code),
          }),
        }
      : {}),
  };
}

export function accountView(account: Pick<AccountForView, 'status' | 'dateOfDeath' | 'paymentMethod'>): AccountView {
  const method = account.paymentMethod;
  return {
    status: account.status,
    // A death the population registry reported closes the account (recorded when a cycle is computed).
    statusLabel: account.dateOfDeath
      ? {
          vi: `Đã thôi hưởng: người hưởng đã mất ngày ${formatDateVi(account.dateOfDeath)}`,
          en: `No longer receiving the allowance: the beneficiary died on ${formatDateVi(account.dateOfDeath)}`,
        }
      : ACCOUNT_STATUS_LABELS[account.status],
    channel: method.kind,
    channelLabel: CHANNEL_LABELS[method.kind],
    bankAccount: method.kind === 'BANK' && method.bankAccountNumber ? maskAccount(method.bankAccountNumber) : null,
  };
}

/**
 * Newest period first; within a period, by programme; then the latest status first, so that a month's re-issue
 * (issue 17) comes before the payment it replaces and the person's "latest payment" is the one that counts.
 */
export function byNewest(a: PaymentView, b: PaymentView): number {
  return (
    b.period.localeCompare(a.period) || a.programme.localeCompare(b.programme) || b.statusAt.localeCompare(a.statusAt)
  );
}
