/**
 * How a case reads to an officer: no identity number, no name, no bank account (the social account number
 * and the person id identify it); its age against the service level; dates dd/mm/yyyy beside ISO.
 */
import { vietnamDate } from '../reconciliation/banking-days.js';
import { formatDateVi } from '../shared/vi-format.js';
import { CASE_STATE_LABELS, type CaseRecord, caseAge } from './case-model.js';

export function caseView(c: CaseRecord, now: string) {
  return {
    caseId: c.caseId,
    programme: c.programme,
    period: c.period,
    jurisdiction: c.jurisdiction,
    communeCode: c.communeCode,
    socialAccount: c.socialAccount,
    paymentId: c.paymentId,
    paymentState: c.paymentState,
    amount: c.amount,
    months: c.months,
    channel: c.channel,
    reasonCode: c.reasonCode,
    reason: c.reason,
    nextStep: c.nextStep,
    state: c.state,
    stateLabel: CASE_STATE_LABELS[c.state],
    openedAt: c.openedAt,
    openedOn: formatDateVi(vietnamDate(c.openedAt)),
    updatedAt: c.updatedAt,
    version: c.version,
    age: caseAge(c, now),
    actions: c.actions,
    ...(c.writeOff ? { writeOff: c.writeOff } : {}),
    ...(c.reissue ? { reissue: c.reissue } : {}),
  };
}
