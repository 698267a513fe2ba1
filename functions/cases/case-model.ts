/**
 * Cases, pure: a payment that did not reach its person (REJECTED, RETURNED, NOT_SENT, or UNKNOWN too long)
 * opens one case per person and period, owned by the labour officers of the payee's province. No clock is
 * read and nothing is stored here; the store (case-store.ts) persists what these functions decide.
 *
 *   OPEN → ACTION_TAKEN → REISSUED → CLOSED
 *   OPEN | ACTION_TAKEN → WRITTEN_OFF (proposed with a reason by one officer, confirmed by another)
 *
 * The case id is derived from programme, period and person (the payment id's own key), so every redelivery of
 * the same failure, and a failed re-issue of the same months, meet the same case.
 */
import type { Localized } from '../../schemas/messages.js';
import type { RoleId } from '../../schemas/roles.js';
import type { PaymentState } from '../payment-ledger/payment-state.js';
import { failureWords } from '../payment-lookups/payment-view.js';
import { paymentIdFor } from '../payments/payment-id.js';
import { bankingDaysBetween, vietnamDate } from '../reconciliation/banking-days.js';

export const CASE_STATES = ['OPEN', 'ACTION_TAKEN', 'REISSUED', 'CLOSED', 'WRITTEN_OFF'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** Payment states that open a case (UNKNOWN only once it has lasted `UNKNOWN_CASE_AFTER_DAYS` banking days). */
export const CASE_OPENING_STATES: ReadonlySet<PaymentState> = new Set(['REJECTED', 'RETURNED', 'NOT_SENT', 'UNKNOWN']);
export const UNKNOWN_CASE_AFTER_DAYS = 3;
/** The service level: a case should be resolved within this many banking days of opening. */
export const CASE_SLA_BANKING_DAYS = 5;

export const FINISHED_CASE_STATES: ReadonlySet<CaseState> = new Set(['CLOSED', 'WRITTEN_OFF']);

export interface CaseActor {
  subject: string;
  role: RoleId | 'system';
}

export interface CaseActionEntry {
  kind: CaseActionKind;
  by: string;
  role: CaseActor['role'];
  at: string;
  note?: string;
  /** The state the case moved to (the same state when the action changes none). */
  state: CaseState;
}

export interface CaseRecord {
  caseId: string;
  programme: string;
  period: string;
  personId: string;
  socialAccount: string;
  /** The payee's province (2 digits): who owns the case. */
  jurisdiction: string;
  communeCode: string;
  /** The payment that failed (the latest one, when a re-issue failed too). */
  paymentId: string;
  paymentState: PaymentState;
  amount: number;
  months: string[];
  channel: 'BANK' | 'POST_OFFICE';
  reasonCode: string;
  reason: Localized;
  nextStep: Localized | null;
  state: CaseState;
  openedAt: string;
  updatedAt: string;
  version: number;
  actions: CaseActionEntry[];
  writeOff?: { reason: string; proposedBy: string; proposedAt: string; confirmedBy?: string; confirmedAt?: string };
  reissue?: { paymentId: string; cycleId: string };
}

export interface FailedPayment {
  paymentId: string;
  programme: string;
  period: string;
  personId: string;
  socialAccount: string;
  communeCode: string;
  amount: number;
  months: string[];
  channel: 'BANK' | 'POST_OFFICE';
  /** The payee's province (from the account): the labour officers who own the case. */
  province: string;
}

export function caseIdFor(programme: string, period: string, personId: string): string {
  // The payment id of the same key is unique per programme, period and person: the case borrows it.
  return `CS${paymentIdFor(programme, period, personId)}`;
}

/**
 * Whether this payment state, held since `since`, opens a case at `now`. UNKNOWN opens one only after
 * `UNKNOWN_CASE_AFTER_DAYS` banking days: the bank may still answer.
 */
export function opensCase(state: PaymentState, since: string, now: string): boolean {
  if (state === 'REJECTED' || state === 'RETURNED' || state === 'NOT_SENT') return true;
  if (state !== 'UNKNOWN') return false;
  return bankingDaysBetween(vietnamDate(since), vietnamDate(now)) >= UNKNOWN_CASE_AFTER_DAYS;
}

/** The reason code a case records: the bank's code, or our own name for what happened. */
export function reasonCodeOf(state: PaymentState, channel: FailedPayment['channel'], bankCode?: string): string {
  if (state === 'NOT_SENT' || state === 'UNKNOWN') return state;
  if (channel === 'POST_OFFICE' && state === 'REJECTED') return 'POST_OFFICE_UNPAID';
  return bankCode && /^[A-Z0-9]{4}$/.test(bankCode) ? bankCode : 'UNSPECIFIED';
}

const UNKNOWN_REASON: Localized = {
  vi: 'Ngân hàng chưa xác nhận kết quả chuyển tiền',
  en: 'The bank has not confirmed the payment',
};

export function newCase(p: FailedPayment, state: PaymentState, at: string, bankCode?: string): CaseRecord {
  const { failure, nextStep } = failureWords(state, p.channel, bankCode);
  return {
    caseId: caseIdFor(p.programme, p.period, p.personId),
    programme: p.programme,
    period: p.period,
    personId: p.personId,
    socialAccount: p.socialAccount,
    jurisdiction: p.province,
    communeCode: p.communeCode,
    paymentId: p.paymentId,
    paymentState: state,
    amount: p.amount,
    months: [...p.months],
    channel: p.channel,
    reasonCode: reasonCodeOf(state, p.channel, bankCode),
    reason: failure?.reason ?? UNKNOWN_REASON,
    nextStep,
    state: 'OPEN',
    openedAt: at,
    updatedAt: at,
    version: 1,
    actions: [{ kind: 'OPEN', by: 'system:payments', role: 'system', at, state: 'OPEN' }],
  };
}

const GRIEVANCE_REASON: Localized = {
  vi: 'Người hưởng báo chưa nhận được tiền',
  en: 'The beneficiary reports not having received it',
};

/**
 * The case a beneficiary's "I have not received it" opens when the payment opened none (it may look paid):
 * the same case id, the reason the person's report.
 */
export function newGrievanceCase(p: FailedPayment, state: PaymentState, at: string): CaseRecord {
  return { ...newCase(p, state, at), reasonCode: 'GRIEVANCE', reason: GRIEVANCE_REASON, nextStep: null };
}

// ------------------------------------------------------------------------------------------------ actions

export type CaseActionKind =
  | 'OPEN'
  | 'RECORD_ACTION'
  | 'REISSUE'
  | 'CLOSE'
  | 'PROPOSE_WRITE_OFF'
  | 'CONFIRM_WRITE_OFF'
  | 'REISSUE_FAILED'
  | 'RELEASE'
  | 'GRIEVANCE';

export type CaseCommand =
  | { kind: 'RECORD_ACTION'; note: string }
  | { kind: 'PROPOSE_WRITE_OFF'; reason: string }
  | { kind: 'CONFIRM_WRITE_OFF' }
  | { kind: 'REISSUE'; paymentId: string; cycleId: string }
  | { kind: 'CLOSE'; note: string }
  | { kind: 'REISSUE_FAILED'; paymentId: string; reasonCode: string }
  | { kind: 'RELEASE'; cycleId: string }
  | { kind: 'GRIEVANCE'; note: string };

export type CaseDecision = { kind: 'apply'; next: CaseRecord } | { kind: 'refused'; code: string; message: Localized };

const refuse = (code: string, vi: string, en: string): CaseDecision => ({
  kind: 'refused',
  code,
  message: { vi, en },
});

const WRONG_STATE = (state: CaseState) =>
  refuse(
    'CASE_WRONG_STATE',
    `Hồ sơ đang ở trạng thái ${CASE_STATE_LABELS[state].vi}, không thực hiện được thao tác này.`,
    `The case is ${CASE_STATE_LABELS[state].en}: this action is not possible.`,
  );

/**
 * What a command does to a case. Officers record actions and propose or confirm a write-off (a second
 * officer confirms); only the system re-issues and closes (from the supplementary cycle and the ledger).
 */
export function decideCaseCommand(c: CaseRecord, cmd: CaseCommand, actor: CaseActor, at: string): CaseDecision {
  const officer = actor.role === 'labor_officer';
  const system = actor.role === 'system';
  const entry = (kind: CaseActionKind, state: CaseState, note?: string): CaseActionEntry => ({
    kind,
    by: actor.subject,
    role: actor.role,
    at,
    state,
    ...(note ? { note } : {}),
  });
  const moved = (state: CaseState, e: CaseActionEntry, extra: Partial<CaseRecord> = {}): CaseDecision => ({
    kind: 'apply',
    next: { ...c, ...extra, state, updatedAt: at, version: c.version + 1, actions: [...c.actions, e] },
  });
  // A grievance is heard whatever the state (a closed case the person says did not pay them is news).
  if (FINISHED_CASE_STATES.has(c.state) && cmd.kind !== 'GRIEVANCE') return WRONG_STATE(c.state);
  switch (cmd.kind) {
    case 'RECORD_ACTION': {
      if (!officer) return refuse('CASE_FORBIDDEN', 'Chỉ cán bộ lao động được thao tác.', 'Labour officers only.');
      if (c.state !== 'OPEN' && c.state !== 'ACTION_TAKEN') return WRONG_STATE(c.state);
      return moved('ACTION_TAKEN', entry('RECORD_ACTION', 'ACTION_TAKEN', cmd.note));
    }
    case 'PROPOSE_WRITE_OFF': {
      if (!officer) return refuse('CASE_FORBIDDEN', 'Chỉ cán bộ lao động được thao tác.', 'Labour officers only.');
      if (c.state === 'REISSUED') return WRONG_STATE(c.state);
      if (c.writeOff)
        return refuse('WRITE_OFF_PENDING', 'Đã có đề nghị xóa hồ sơ chờ xác nhận.', 'A write-off awaits confirmation.');
      return moved(c.state, entry('PROPOSE_WRITE_OFF', c.state, cmd.reason), {
        writeOff: { reason: cmd.reason, proposedBy: actor.subject, proposedAt: at },
      });
    }
    case 'CONFIRM_WRITE_OFF': {
      if (!officer) return refuse('CASE_FORBIDDEN', 'Chỉ cán bộ lao động được thao tác.', 'Labour officers only.');
      if (!c.writeOff) return refuse('NO_WRITE_OFF', 'Chưa có đề nghị xóa hồ sơ.', 'No write-off has been proposed.');
      if (c.writeOff.proposedBy === actor.subject)
        return refuse(
          'SAME_PERSON',
          'Người xác nhận phải khác người đề nghị.',
          'The write-off must be confirmed by someone other than who proposed it.',
        );
      return moved('WRITTEN_OFF', entry('CONFIRM_WRITE_OFF', 'WRITTEN_OFF', c.writeOff.reason), {
        writeOff: { ...c.writeOff, confirmedBy: actor.subject, confirmedAt: at },
      });
    }
    case 'REISSUE': {
      if (!system) return refuse('CASE_FORBIDDEN', 'Chỉ hệ thống chi trả bổ sung.', 'Only the supplementary cycle.');
      if (c.state !== 'ACTION_TAKEN') return WRONG_STATE(c.state);
      if (c.writeOff) return refuse('WRITE_OFF_PENDING', 'Đang chờ xác nhận xóa hồ sơ.', 'A write-off is pending.');
      return moved('REISSUED', entry('REISSUE', 'REISSUED', cmd.paymentId), {
        reissue: { paymentId: cmd.paymentId, cycleId: cmd.cycleId },
      });
    }
    case 'REISSUE_FAILED': {
      // The re-issued payment did not arrive either: the case is open again and its months free again.
      if (!system) return refuse('CASE_FORBIDDEN', 'Chỉ hệ thống.', 'Only the system.');
      if (c.state !== 'REISSUED' || c.reissue?.paymentId !== cmd.paymentId) return WRONG_STATE(c.state);
      const { reissue: _released, ...rest } = c;
      return {
        kind: 'apply',
        next: {
          ...rest,
          paymentId: cmd.paymentId,
          reasonCode: cmd.reasonCode,
          state: 'OPEN',
          updatedAt: at,
          version: c.version + 1,
          actions: [...c.actions, entry('REISSUE_FAILED', 'OPEN', cmd.paymentId)],
        },
      };
    }
    case 'RELEASE': {
      // The supplementary cycle that took the case failed before its payment reached the ledger: the case goes
      // back to ACTION_TAKEN (a later supplementary cycle takes it) and its months are free again.
      if (!system) return refuse('CASE_FORBIDDEN', 'Chỉ hệ thống.', 'Only the system.');
      if (c.state !== 'REISSUED' || c.reissue?.cycleId !== cmd.cycleId) return WRONG_STATE(c.state);
      const { reissue: _released, ...rest } = c;
      return {
        kind: 'apply',
        next: {
          ...rest,
          state: 'ACTION_TAKEN',
          updatedAt: at,
          version: c.version + 1,
          actions: [...c.actions, entry('RELEASE', 'ACTION_TAKEN', cmd.cycleId)],
        },
      };
    }
    case 'GRIEVANCE': {
      // The beneficiary's own "I have not received it": recorded on the case, the state unchanged.
      if (actor.role !== 'beneficiary') return refuse('CASE_FORBIDDEN', 'Chỉ người hưởng.', 'Beneficiary only.');
      return moved(c.state, entry('GRIEVANCE', c.state, cmd.note));
    }
    case 'CLOSE': {
      if (!system) return refuse('CASE_FORBIDDEN', 'Chỉ hệ thống đóng hồ sơ.', 'Only the system closes a case.');
      if (c.state !== 'REISSUED') return WRONG_STATE(c.state);
      return moved('CLOSED', entry('CLOSE', 'CLOSED', cmd.note));
    }
  }
}

/**
 * Whether the case's re-issue owns the months of the payment it replaces: from the moment the supplementary
 * cycle took the case until a failure of the re-issue releases it. Next month's arrears never pay them then.
 */
export function reissueOwnsMonths(c: Pick<CaseRecord, 'state' | 'reissue'> | undefined): boolean {
  return c?.reissue !== undefined && (c.state === 'REISSUED' || c.state === 'CLOSED');
}

// ------------------------------------------------------------------------------------------------ ageing

export const CASE_STATE_LABELS: Record<CaseState, Localized> = {
  OPEN: { vi: 'Mới mở', en: 'open' },
  ACTION_TAKEN: { vi: 'Đã xử lý, chờ chi lại', en: 'action taken' },
  REISSUED: { vi: 'Đã chi lại, chờ ngân hàng', en: 'reissued' },
  CLOSED: { vi: 'Đã đóng', en: 'closed' },
  WRITTEN_OFF: { vi: 'Đã xóa (không chi)', en: 'written off' },
};

export interface CaseAge {
  bankingDays: number;
  slaBankingDays: number;
  overdue: boolean;
}

/** Banking days since opening (until finished), against the service level. */
export function caseAge(c: Pick<CaseRecord, 'openedAt' | 'updatedAt' | 'state'>, now: string): CaseAge {
  const end = FINISHED_CASE_STATES.has(c.state) ? c.updatedAt : now;
  const bankingDays = bankingDaysBetween(vietnamDate(c.openedAt), vietnamDate(end));
  return { bankingDays, slaBankingDays: CASE_SLA_BANKING_DAYS, overdue: bankingDays > CASE_SLA_BANKING_DAYS };
}
