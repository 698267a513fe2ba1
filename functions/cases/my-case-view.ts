/**
 * A case as its own beneficiary reads it: what happened, where it stands in plain words, what was done and
 * when — never who (officers' ids stay with officers), never a bank account.
 */
import type { Localized } from '../../schemas/messages.js';
import { CASE_STATE_LABELS, type CaseActionKind, type CaseRecord } from './case-model.js';

const ACTION_LABELS: Record<CaseActionKind, Localized> = {
  OPEN: { vi: 'Ghi nhận khoản chi chưa đến tay bạn', en: 'Payment not received recorded' },
  RECORD_ACTION: { vi: 'Cán bộ đã xử lý', en: 'An officer acted on it' },
  REISSUE: { vi: 'Đã chi lại', en: 'Paid again' },
  REISSUE_FAILED: { vi: 'Khoản chi lại chưa đến được', en: 'The repayment did not arrive either' },
  CLOSE: { vi: 'Đã nhận được tiền, hồ sơ đóng', en: 'Paid, case closed' },
  RELEASE: { vi: 'Chưa chi lại được, sẽ chi ở đợt sau', en: 'Not paid again yet: it will be in the next round' },
  PROPOSE_WRITE_OFF: { vi: 'Đang xem xét dừng chi', en: 'Stopping the payment is being considered' },
  CONFIRM_WRITE_OFF: { vi: 'Đã dừng chi khoản này', en: 'This payment will not be made' },
  GRIEVANCE: { vi: 'Bạn đã báo chưa nhận được', en: 'You reported not receiving it' },
};

export function myCaseView(c: CaseRecord) {
  return {
    caseId: c.caseId,
    period: c.period,
    months: c.months,
    amount: c.amount,
    state: c.state,
    stateLabel: CASE_STATE_LABELS[c.state],
    reason: c.reason,
    nextStep: c.nextStep,
    openedAt: c.openedAt,
    progress: c.actions.map((a) => ({ kind: a.kind, label: ACTION_LABELS[a.kind], at: a.at })),
  };
}
