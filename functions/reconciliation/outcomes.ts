/**
 * What a reconciliation can say about a statement line or a payment, how serious it is, and how it reads to
 * a finance officer (Vietnamese first). Every line of a statement and every payment of a cycle ends in
 * exactly one outcome: that is what lets the totals balance.
 */
import type { Localized } from '../../schemas/messages.js';

export const OUTCOMES = [
  'MATCHED',
  'AMOUNT_MISMATCH',
  'NOT_BOOKED',
  'AWAITING_BOOKING',
  'NOT_OURS',
  'DUPLICATE_ENTRY',
  'DUPLICATE_STATEMENT',
  'RETURN',
  'SUGGESTED',
  'LATE_STATUS',
  'CONTRADICTORY_STATUS',
  'STATUS_APPLIED',
  'REJECTED',
  'NOT_SENT',
  'NOT_FINAL',
  'CONTINUITY',
  'FOREIGN_CURRENCY',
  'LINKED',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** 4 = act now (money we cannot explain), 0 = nothing to do. */
export type Severity = 0 | 1 | 2 | 3 | 4;

export const SEVERITY: Record<Outcome, Severity> = {
  NOT_OURS: 4,
  AMOUNT_MISMATCH: 3,
  DUPLICATE_ENTRY: 3,
  CONTRADICTORY_STATUS: 3,
  CONTINUITY: 3,
  NOT_BOOKED: 2,
  // Not dong: this platform pays none; a person says what it is. Its amount is never in the VND totals.
  FOREIGN_CURRENCY: 2,
  SUGGESTED: 2,
  DUPLICATE_STATEMENT: 1,
  RETURN: 1,
  LATE_STATUS: 1,
  NOT_SENT: 1,
  AWAITING_BOOKING: 0,
  MATCHED: 0,
  LINKED: 0,
  STATUS_APPLIED: 0,
  REJECTED: 0,
  NOT_FINAL: 0,
};

export const OUTCOME_LABELS: Record<Outcome, Localized> = {
  MATCHED: { vi: 'Khớp', en: 'Matched' },
  AMOUNT_MISMATCH: { vi: 'Lệch số tiền', en: 'Amount mismatch' },
  NOT_BOOKED: { vi: 'Đã gửi nhưng ngân hàng chưa hạch toán', en: 'Sent but not booked' },
  AWAITING_BOOKING: { vi: 'Đang chờ hạch toán', en: 'Awaiting booking' },
  NOT_OURS: { vi: 'Giao dịch không thuộc hệ thống', en: 'Booked but not ours' },
  DUPLICATE_ENTRY: { vi: 'Hạch toán trùng', en: 'Duplicate booking' },
  DUPLICATE_STATEMENT: { vi: 'Sao kê đã nạp trước đó', en: 'Statement already loaded' },
  RETURN: { vi: 'Tiền bị trả lại', en: 'Returned' },
  SUGGESTED: { vi: 'Gợi ý đối chiếu (cần xác nhận)', en: 'Suggested match (to confirm)' },
  LATE_STATUS: { vi: 'Trạng thái đến muộn', en: 'Late status' },
  CONTRADICTORY_STATUS: { vi: 'Trạng thái mâu thuẫn', en: 'Contradictory status' },
  STATUS_APPLIED: { vi: 'Đã cập nhật trạng thái', en: 'Status applied' },
  REJECTED: { vi: 'Bị từ chối (không có tiền đi)', en: 'Rejected (no money moved)' },
  NOT_SENT: { vi: 'Không gửi đi trước hạn chốt (không có tiền đi)', en: 'Never sent by the cut-off (no money moved)' },
  NOT_FINAL: { vi: 'Bút toán chưa chính thức', en: 'Entry not booked yet' },
  CONTINUITY: { vi: 'Sao kê không liên tục', en: 'Statement continuity' },
  LINKED: {
    vi: 'Cùng bút toán đã đối chiếu (thông báo camt.054 / sao kê camt.053)',
    en: 'Same booking, already reconciled (camt.054 notification / camt.053 statement)',
  },
  FOREIGN_CURRENCY: { vi: 'Ngoại tệ (không tính vào tổng VND)', en: 'Foreign currency (not in VND totals)' },
};
